// Runs every benchmark suite side by side with its peers in one process and
// writes BENCHMARKS.md. Usage: bash scripts/bench.sh (builds pkg/ first).
// Each case runs BATCH calls per sample, so timer overhead (tens of ns) is
// divided out equally for seriesguard and for the peers.
import { Bench } from 'tinybench';
import { writeFile, readFile } from 'node:fs/promises';
import { cpus, totalmem, platform, release } from 'node:os';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const suites = ['./validation.mjs', './overlap.mjs', './hashing.mjs'];
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 400);
const SIZE_BUDGET_GZ = 100 * 1024;
const FORM_BUDGET_GZ = 35 * 1024;
// seriesguard/server: the main build plus the platform create flows, the
// number lifecycle, bulk requests and CSV (Node backends, and pages managing
// pools or importing series): the lifecycle measured 35 KB gzipped here
// (111 -> 146 KB), bulk requests and CSV 10 KB (152 -> 162 KB), none of it in
// the main or the form build.
const SERVER_BUDGET_GZ = 170 * 1024;

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

// Rounds of each group: every case of the group runs once per round, one
// after another, and keeps its lower median. This machine is a VM whose
// host takes the CPU away for seconds at a time; one slow stretch used to
// land on one case and move a ratio by half (runs of this suite differed
// 2x on a single row). Every library gets the same rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

async function runGroup(group) {
  let best = null;
  for (let round = 0; round < ROUNDS; round++) {
    const rows = await runRound(group);
    best = best === null ? rows : best.map((row, i) => (rows[i].ns < row.ns ? rows[i] : row));
  }
  return best;
}

async function runRound(group) {
  const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
  for (const c of group.cases) {
    const batch = c.batch ?? group.batch ?? 100;
    if (c.async) {
      bench.add(c.name, async () => { for (let i = 0; i < batch; i++) await c.fn(i); });
    } else {
      bench.add(c.name, () => { for (let i = 0; i < batch; i++) c.fn(i); });
    }
  }
  await bench.run();
  return group.cases.map((c, i) => {
    const task = bench.tasks[i];
    const batch = c.batch ?? group.batch ?? 100;
    const p50ms = task.result?.latency?.p50;
    if (p50ms === undefined) throw new Error(`${group.title} / ${c.name}: no result (${task.result?.error ?? 'unknown'})`);
    // perCall: how many items one call handles (a batch API), to report per item.
    const perCall = group.perCall ?? 1;
    return { name: c.name, ours: Boolean(c.ours), ns: (p50ms * 1e6) / batch / perCall, samples: task.result.latency.samples?.length ?? 0 };
  });
}

function fmtNs(ns) {
  return ns >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
}

function table(rows) {
  const ours = rows.find((r) => r.ours);
  const lines = ['| case | median per call | vs seriesguard |', '| --- | ---: | ---: |'];
  for (const r of rows) {
    const ratio = !ours || r.ours ? '—'
      : r.ns >= ours.ns ? `${(r.ns / ours.ns).toFixed(2)}× slower` : `${(ours.ns / r.ns).toFixed(2)}× faster`;
    lines.push(`| ${r.ours ? '**' + r.name + '**' : r.name} | ${fmtNs(r.ns)} | ${ratio} |`);
  }
  return lines.join('\n');
}

const results = new Map();
const measured = (suite, group, name) => results.get(`${suite}/${group}/${name}`);
const wasm = await readFile(new URL('pkg/dist/node/seriesguard_bg.wasm', root));
const gz = gzipSync(wasm, { level: 9 }).length;
// The form entry (seriesguard/form): its wasm, and everything a page loads with it.
const formWasm = await readFile(new URL('pkg/dist/form-web/seriesguard_bg.wasm', root));
const formGz = gzipSync(formWasm, { level: 9 }).length;
const serverWasm = await readFile(new URL('pkg/dist/server-web/seriesguard_bg.wasm', root));
const serverGz = gzipSync(serverWasm, { level: 9 }).length;
const formJs = Buffer.concat(await Promise.all(
  ['pkg/form.js', 'pkg/lib/form.js', 'pkg/lib/wire.js', 'pkg/lib/validation.js', 'pkg/lib/trap.js', 'pkg/dist/form-web/seriesguard.js']
    .map((f) => readFile(new URL(f, root))),
));
const formJsGz = gzipSync(formJs, { level: 9 }).length;
// What a page pays for the form entry as a bundler ships it: a Vite production
// build (tree-shaken, minified) of a page calling every form function.
async function shippedForm() {
  const { mkdir, readdir } = await import('node:fs/promises');
  const app = new URL('target/form-app/', root);
  await mkdir(app, { recursive: true });
  await writeFile(new URL('index.html', app), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>\n');
  await writeFile(new URL('main.js', app), `import init, { validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit } from 'seriesguard/form';
await init();
document.title = [validateSeries({ start: 'V1', end: 'V9' }).count, validateMany([]).length, countSeries('V1', 'V2'), parseSerial('V1').prefix,
  checkDigit('luhn', '7992739871'), verifyCheckDigit('luhn', '79927398713')].join(' ');
`);
  const { build } = await import('vite');
  const outDir = fileURLToPath(new URL('dist/', app));
  await build({ root: fileURLToPath(app), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const files = await readdir(new URL('dist/assets/', app));
  let js = 0;
  let wasmBytes = 0;
  for (const f of files) {
    const size = gzipSync(await readFile(new URL(`dist/assets/${f}`, app)), { level: 9 }).length;
    if (f.endsWith('.wasm')) wasmBytes += size; else js += size;
  }
  return { js, wasm: wasmBytes };
}
const shipped = await shippedForm();
// The WebAssembly Component for non-JS hosts (scripts/build.sh builds it beside the JS build).
const component = await readFile(new URL('pkg/component/seriesguard.wasm', root)).catch(() => null);
const componentRow = component
  ? `| \`component/seriesguard.wasm\` (wasm32-wasip2, wit-bindgen; not in the npm package) | ${component.length} B | ${gzipSync(component, { level: 9 }).length} B | — |`
  : '| `component/seriesguard.wasm` | (not built) | | |';
const sections = [];
for (const path of suites) {
  const suite = await import(path);
  const groups = await suite.groups();
  const parts = [`## ${suite.title}\n\n${suite.description}`];
  for (const group of groups) {
    console.error(`running: ${suite.title} / ${group.title}`);
    if (group.table) {
      parts.push(`### ${group.title}\n\n${group.table}`);
      continue;
    }
    const rows = await runGroup(group);
    for (const row of rows) results.set(`${suite.title}/${group.title}/${row.name}`, row.ns);
    parts.push(`### ${group.title}\n\n${table(rows)}`);
  }
  sections.push(parts.join('\n\n'));
}

// DESIGN.md's targets, each against the measurement that stands for it.
const { loads } = await import('./overlap.mjs');
const million = loads.find((l) => l.n === 1_000_000);
const biggest = loads.at(-1);
const big = biggest ? biggest.n.toLocaleString('en-US') : '?';
const fmt = (ns) => (ns === undefined ? 'not measured' : fmtNs(ns));
const targets = [
  ['validate one series from JS, valid', '≤ 250 ns', measured('Form validation', 'Valid series', 'seriesguard validateSeries'), 250],
  ['validate one series from JS, invalid', '≤ 400 ns', measured('Form validation', 'Invalid series (start after end)', 'seriesguard validateSeries'), 400],
  [`yes/no overlap query from JS, ${big} ranges`, '≤ 250 ns', measured('Overlap queries and loading', `Yes/no overlap query, ${big} stored ranges (hits and misses alternating)`, 'seriesguard SeriesIndex.hasOverlap'), 250],
  [`overlap query returning conflicts, ${big} ranges`, '≤ 1 µs', measured('Overlap queries and loading', `Overlap query returning the conflicts, ${big} stored ranges`, 'seriesguard SeriesIndex.overlaps (identifiers, ids, counts)'), 1000],
  ['SHA-1 request hash from JS', '≤ 500 ns', measured('Request hashing', 'SHA-1 request hash (MOR), hex', 'seriesguard morHash'), 500],
].map(([work, target, ns, limit]) => `| ${work} | ${target} | ${fmt(ns)} | ${ns !== undefined && ns <= limit ? 'met' : 'not met'} |`);
if (million) {
  targets.push(`| load 1,000,000 ranges | ≤ 300 ms (issue: ≤ 1 s) | ${million.ours.ms.toFixed(0)} ms | ${million.ours.ms <= 300 ? 'met' : million.ours.ms <= 1000 ? 'not met (issue\'s 1 s met)' : 'not met'} |`);
  const perRange = million.held / million.n;
  targets.push(`| memory per range, 1,000,000 ranges | ≤ 40 B (issue: ≤ 48 B) | ${perRange.toFixed(1)} B held (wasm memory grew ${(million.wasmGrowth / million.n).toFixed(0)} B, kept by the allocator after the load) | ${perRange <= 40 ? 'met' : 'not met'} |`);
}
targets.push(`| release \`.wasm\` (\`seriesguard\`) | ≤ 100 KB gzipped (the lifecycle is in \`seriesguard/server\`) | ${(gz / 1024).toFixed(1)} KB (${((SIZE_BUDGET_GZ - gz) / 1024).toFixed(1)} KB left) | ${gz <= SIZE_BUDGET_GZ ? 'met' : 'not met'} |`);
targets.push(`| \`seriesguard/form\` entry (its \`.wasm\`; with its JS) | ≤ 35 KB gzipped | ${(formGz / 1024).toFixed(1)} KB (${((formGz + formJsGz) / 1024).toFixed(1)} KB) | ${formGz + formJsGz <= FORM_BUDGET_GZ ? 'met with its JS' : formGz <= FORM_BUDGET_GZ ? 'met (the .wasm)' : 'not met'} |`);

// The speed issue's targets (#19), each against its peer from this run.
const { extras } = await import('./overlap.mjs');
const ms = (x) => (x === undefined ? 'not measured' : `${x.toFixed(0)} ms`);
const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '—');
const VAL = 'Form validation';
const OVL = 'Overlap queries and loading';
const HSH = 'Request hashing';
// The median of a divan row of target/bench-core.txt (`name` under `group`), in ns.
function divanMedian(group, name) {
  try {
    const lines = execFileSync('cat', [fileURLToPath(new URL('target/bench-core.txt', root))], { encoding: 'utf8' }).split('\n');
    const at = lines.findIndex((l) => l.includes(`${group} `) || l.endsWith(group));
    const line = lines.slice(at + 1).find((l) => l.includes(` ${name} `));
    const [value, unit] = line.replace(/^│/, '').split('│')[2].trim().split(/\s+/);
    return Number(value) * ({ ns: 1, 'µs': 1000, ms: 1e6 }[unit] ?? NaN);
  } catch {
    return undefined;
  }
}
function pythonBulk() {
  try {
    return JSON.parse(execFileSync('cat', [fileURLToPath(new URL('target/bench-python.json', root))], { encoding: 'utf8' }));
  } catch {
    return null;
  }
}
const issue = [];
// faster: ours at least `want` times the peer's speed (peer ns / our ns).
function faster(work, want, peerName, peerNs, oursNs) {
  const r = peerNs / oursNs;
  issue.push(`| ${work} | ≥ ${want}× | ${peerName}: ${fmt(peerNs)} | ${fmt(oursNs)} | ${x(r)} | ${r >= want ? 'met' : 'not met'} |`);
}
function within(work, limit, text, value, peer = '—', ratio = '—') {
  issue.push(`| ${work} | ${limit} | ${peer} | ${text} | ${ratio} | ${value ? 'met' : 'not met'} |`);
}
const mixTitle = 'A mix, one third invalid (reversed, prefix mismatch)';
const mixOurs = measured(VAL, mixTitle, 'seriesguard validateSeries');
faster('validation, one third invalid, vs zod 4', 2, 'zod 4 safeParse', measured(VAL, mixTitle, 'zod 4 safeParse'), mixOurs);
faster('validation, one third invalid, vs valibot', 1.5, 'valibot safeParse', measured(VAL, mixTitle, 'valibot safeParse'), mixOurs);
{
  const v = measured(VAL, 'Valid series', 'seriesguard validateSeries');
  const i = measured(VAL, 'Invalid series (start after end)', 'seriesguard validateSeries');
  within('an invalid series against a valid one (ours)', '≤ 2×', fmt(i), i / v <= 2, `valid: ${fmt(v)}`, x(i / v));
}
{
  const n = divanMedian('any_overlap', '1000000');
  within('yes/no overlap natively (`cargo bench --bench core`), 1,000,000 ranges', '≤ 120 ns', fmt(n), n <= 120);
  const o = divanMedian('overlaps_with_identifiers', '1000000');
  within('overlap query with identifiers natively, 1,000,000 ranges', 'profiled (no figure set)', fmt(o), true);
}
faster('hasOverlap, 1,000,000 ranges, vs @flatten-js intersect_any', 5, '@flatten-js intersect_any',
  measured(OVL, 'Yes/no overlap query, 1,000,000 stored ranges (hits and misses alternating)', '@flatten-js/interval-tree intersect_any'),
  measured(OVL, 'Yes/no overlap query, 1,000,000 stored ranges (hits and misses alternating)', 'seriesguard SeriesIndex.hasOverlap'));
faster('overlaps (conflicts), 100,000 ranges, vs @flatten-js search', 2, '@flatten-js search',
  measured(OVL, 'Overlap query returning the conflicts, 100,000 stored ranges', '@flatten-js/interval-tree search (values)'),
  measured(OVL, 'Overlap query returning the conflicts, 100,000 stored ranges', 'seriesguard SeriesIndex.overlaps (identifiers, ids, counts)'));
{
  const t = '10,000 overlap queries returning the conflicts, 100,000 stored ranges (per query)';
  faster('overlapsMany, 10,000 queries at 100,000 ranges, vs the @flatten-js loop', 10, '@flatten-js search × 10,000',
    measured(OVL, t, '@flatten-js/interval-tree search × 10,000'), measured(OVL, t, 'seriesguard SeriesIndex.overlapsMany (one crossing)'));
}
faster('validateMany against single validateSeries calls, per item', 3, 'validateSeries × 10,000',
  measured(VAL, 'Batch: 10,000 series, per series', 'seriesguard validateSeries × 10,000'),
  measured(VAL, 'Batch: 10,000 series, per series', 'seriesguard validateMany (one crossing)'));
if (extras.importCheck !== undefined) {
  within(`checking a ${extras.importRows.toLocaleString('en-US')}-row import against ${extras.n.toLocaleString('en-US')} stored ranges (validateMany, overlapsMany, an index of the import)`,
    '< 1 s', ms(extras.importCheck), extras.importCheck < 1000);
}
if (million) within('load 1,000,000 ranges (addMany)', '≤ 300 ms', ms(million.ours.ms), million.ours.ms <= 300, `@flatten-js: ${ms(million.flatten.ms)}`);
if (extras.toBytes !== undefined) {
  within(`binary snapshot of ${extras.n.toLocaleString('en-US')} ranges: toBytes (${(extras.bytes / 2 ** 20).toFixed(1)} MiB)`, '≤ 200 ms', ms(extras.toBytes), extras.toBytes <= 200, `JSON.stringify: ${ms(extras.toJSON)}`);
  within(`binary snapshot of ${extras.n.toLocaleString('en-US')} ranges: SeriesIndex.fromBytes`, '≤ 200 ms', ms(extras.fromBytes), extras.fromBytes <= 200, `fromJSON: ${ms(extras.fromJSON)}`);
}
faster('morHash vs node:crypto', 1.5, 'createHash("sha1")', measured(HSH, 'SHA-1 request hash (MOR), hex', 'node:crypto createHash("sha1")'), measured(HSH, 'SHA-1 request hash (MOR), hex', 'seriesguard morHash'));
faster('hmacSha256 vs node:crypto', 1.5, 'createHmac("sha256")', measured(HSH, 'HMAC-SHA256, 40-byte message, hex', 'node:crypto createHmac("sha256")'), measured(HSH, 'HMAC-SHA256, 40-byte message, hex', 'seriesguard hmacSha256'));
within('`seriesguard/form` as Vite ships it (its .wasm + its JS, minified)', '≤ 35 KB gzipped', `${((shipped.wasm + shipped.js) / 1024).toFixed(1)} KB (${(shipped.wasm / 1024).toFixed(1)} + ${(shipped.js / 1024).toFixed(1)} KB)`, shipped.wasm + shipped.js <= FORM_BUDGET_GZ);
within('`seriesguard` .wasm (the lifecycle is in `seriesguard/server`)', '≤ 100 KB gzipped', `${(gz / 1024).toFixed(1)} KB (${((SIZE_BUDGET_GZ - gz) / 1024).toFixed(1)} KB left)`, gz <= SIZE_BUDGET_GZ);
{
  const py = pythonBulk();
  if (py) {
    const r1 = py.validate.component / py.validate.python;
    within('from Python, 100,000 series validated in bulk, per series, vs pure Python', '≥ 1×', `${py.validate.component.toFixed(0)} series/s`, r1 >= 1, `pure Python: ${py.validate.python.toFixed(0)} series/s`, x(r1));
    const r2 = py.overlaps.component / py.overlaps.python;
    within('from Python, 100,000 overlap queries in bulk, per query, vs pure Python', '≥ 1×', `${py.overlaps.component.toFixed(0)} queries/s`, r2 >= 1, `pure Python: ${py.overlaps.python.toFixed(0)} queries/s`, x(r2));
  }
}

const native = (name) => {
  try {
    return execFileSync('cat', [fileURLToPath(new URL(`target/${name}`, root))], { encoding: 'utf8' }).trim();
  } catch {
    return '(not run: see bash scripts/bench.sh)';
  }
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const md = `# Benchmarks

Produced by \`bash scripts/bench.sh\` on ${new Date().toISOString().slice(0, 10)}; every row of a
table ran in the same Node process, one after another, with tinybench
(${TIME_MS} ms per case after warm-up). Times are medians per call; each
sample times a batch of calls so timer overhead is divided out alike for
every library. Each table ran ${ROUNDS} rounds (every case once per round, one
after another) and each case keeps its lower median: the machine is a VM
whose host takes the CPU away at times, and a slow stretch otherwise lands
on one case alone. Numbers move with the machine: compare ratios, not absolutes.

- Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}
- Node ${process.version}; ${version('rustc', ['--version'])}; wasm-bindgen ${version('wasm-bindgen', ['--version']).replace('wasm-bindgen ', '')}

## Size

| artifact | raw | gzip -9 | budget |
| --- | ---: | ---: | ---: |
| \`seriesguard_bg.wasm\` (release, wasm-opt -Oz --converge --low-memory-unused) | ${wasm.length} B | ${gz} B | ${SIZE_BUDGET_GZ} B gzipped |
| \`form-web/seriesguard_bg.wasm\` (\`seriesguard/form\`: validation, counts, parsing, check digits) | ${formWasm.length} B | ${formGz} B | ${FORM_BUDGET_GZ} B gzipped |
| \`server-web/seriesguard_bg.wasm\` (\`seriesguard/server\`: the above, the platform create flows and the number lifecycle) | ${serverWasm.length} B | ${serverGz} B | ${SERVER_BUDGET_GZ} B gzipped |
| the form entry's JS (form.js, lib/form, wire, validation, trap, the wasm-bindgen glue), concatenated | ${formJs.length} B | ${formJsGz} B | — |
| the form entry as Vite 8 ships a page using it (tree-shaken, minified): its JS, its .wasm | — | ${shipped.js} B + ${shipped.wasm} B | ${FORM_BUDGET_GZ} B gzipped together |
${componentRow}

The package has three builds of the wasm: \`seriesguard/form\` (validation
only), \`seriesguard\` (everything a page uses) and \`seriesguard/server\` (the
main build plus the platform create flows, which only a backend drives: they
moved out of the main build, 14 KB gzipped, to make room for the lifecycle).

What the size is made of (twiggy, on 2026-11-28, raw bytes before gzip):
no single part dominates. The largest items are the SHA-256 and SHA-1
compression functions (8 KB and 4 KB, kept at opt-level 3 for speed),
sort instantiations (about 15 KB together), the bulk insert (about 8 KB;
its pools gathered in a sorted list, where a BTreeMap was 2.1 KB gzipped
more, and a HashMap with a key sort more again), the allocator (talc, 2 KB; dlmalloc was 2 KB
gzipped more) and read-only data (14 KB of message texts and tables); the
rest is a long tail of small functions. The crate is built at opt-level "s"
to stay within the budget: opt-level 3 measured 109 KB gzipped; "z"
measured 90.8 KB (the form entry no smaller), and in one run of this
suite it cost a valid series 449 -> 653 ns, an invalid one 1.71 -> 1.99 µs
and the SHA-1 request hash 959 ns -> 1.25 µs from JS. wasm-opt runs
\`-Oz --converge\` on every build and adds \`--low-memory-unused\` (constant
offsets folded into loads and stores; rustc puts the stack first, so the low
1K is the stack's far end) on the main and server builds: main 101,529 ->
100,797 B, server 168,935 -> 167,235 B by \`gzip -9\`. The form entry grew
with that flag (29,420 -> 29,617 B), so it has \`--converge\` alone.

## The speed issue's targets (#19), from this run

| target | wanted | peer | ours | ratio | |
| --- | --- | --- | ---: | ---: | --- |
${issue.join('\n')}

Where a target is not met, the profile and what was tried are under "Why the
misses" below.

## Targets from DESIGN.md

| work | target | measured here | |
| --- | --- | ---: | --- |
${targets.join('\n')}

${sections.join('\n\n')}

Why the misses, and where peers win (profiles: \`node --cpu-prof\` over a
build with wasm names kept; natively, callgrind instruction counts):
- **Validation, valid and invalid.** A profile of a valid series in wasm
  (\`perf\` with V8's \`--perf-basic-prof\`, over a build with names kept)
  put a fifth of its time in \`memory.copy\`: V8 calls out to a C function
  for each one, and LLVM emits one for every move of the 64-byte \`Serial\`
  and the 160-byte validation through \`Result\` and \`Option\`. Building
  without bulk memory made those moves a library \`memcpy\`, slower still.
  What worked: \`range::simple_check\` reads the common series in one pass
  (ends of visible ASCII that differ only in their digits, rules without a
  format, scheme or required prefix) and answers its count, or the common
  refusal (start after end), without building a range. Everything else takes
  the general path, and a property test holds the two to the same answers.
  A valid series went from about 430 to 175 ns.

  An invalid series (start after end) cost 640 ns after that: 315 ns in
  wasm building the issue (two owned identifiers, the message through
  \`core::fmt\`), 70 ns reading the answer text and 90 ns decoding it. Now
  it crosses as a number (\`AFTER_END\`, no text): the wrapper builds the
  validation from the ends it holds and the core's template for that
  refusal (read once; the core marks where the ends go), so the message
  is still the core's. 640 -> 180 ns; \`validateMany\` marks such items
  -2 the same way. The same one-pass reading serves queries and loads
  (\`range::simple_range\`, behind \`range_of\`).
- **Yes/no and conflict queries.** Natively the yes/no query at 1,000,000
  ranges went from 252 to 112-144 ns, then to about 100 ns: the bench read
  its query through \`validate\` (the general path, about 40 ns of it),
  where the bindings read it in one pass; it now measures the bindings'
  path (\`Inventory::any_overlap_text\`). A profile (perf, over a loop of
  queries) showed where the rest went:
  - half of it in \`memcmp\` calls comparing pool keys, a one-letter prefix
    at a time; keys are now compared byte by byte, numbers first;
  - then the binary search over the column of \`u128\` ends (16 MB at a
    million ranges); each pool now keeps every 128th end in a summary column
    that stays in cache, so a query searches that, then one block of 128.

  The block size was measured at 16, 32, 64, 128, 256 and 512; 128 and 256
  were fastest. The summary costs an eighth of a byte per range. In wasm, a
  search with a branch per step beat \`partition_point\`'s selects (each
  load waits on the one before): \`hasOverlap\` at 1,000,000 ranges went
  from about 480 to 330 ns. Then a wasm profile put a fifth of the query
  in building and moving its range (each move of a 64-byte \`Serial\` a
  \`memory.copy\` call out of wasm): a series of one width is now read as
  its parts (\`range::simple_span\`, property-tested against
  \`simple_range\`) and its one pool looked up directly, 330 -> about 275
  ns from JS, natively 100 -> 66-76 ns. The same reading gives the one
  segment of a conflict query and of each range a bulk load reads.

  Then each pool's columns became 64-bit: a column keeps the high halves
  of its values only when one needs them (bodies of 20 digits or more;
  property-tested around 2^64, and in the corpus), so most pools hold 8
  bytes per value instead of 16 and search with \`u64\` compares. Memory
  per range 36 -> 20 B; \`hasOverlap\` at a million ranges about 270 ->
  240 ns, \`overlaps\` 760 -> 640 ns (A/B, same process). Identifier
  bodies are read eight digits at a time (SWAR), and the wrapper keeps the
  scratch buffer's place (it moves only when it grows), so a query makes
  one wasm call, not two. The block size was measured again with 64-bit
  columns (32, 128, 256): no difference beyond noise; it stays 128.

  The ratio to @flatten-js at a million ranges is not settled: across
  runs its \`intersect_any\` measured 1.15 to 3.18 µs while
  \`hasOverlap\` measured 240 to 370 ns (461 ns in one run the host slowed;
  the last eleven runs, in order: 4.98×, 7.70×, 4.90×, 8.01×, 4.88×, 4.76×,
  4.96×, 4.71×, 5.65×, 12.17×, 4.63×), so 5× is met in some runs and not in others. Tried on
  2026-11-28 and dropped: counting the last 16 values of each search
  instead of bisecting them (no branch to mispredict), slower natively (69
  -> 78 ns) and from JS. From JS, what remains at a million ranges: the same
  query repeated costs about 190 ns (best of five; the wasm-bindgen method
  glue and its borrow of the index about 20 ns, writing the two strings
  into scratch about 40 ns, reading them in one pass about 45 ns, the pool
  lookup and block search about 30 ns), and a random one about 50 ns
  more: cache misses in the block search and the start it then reads.

  Returning conflicts built each identifier (prefix, padding, check digit,
  through \`core::fmt\`) and a list of conflicts in wasm: a hit cost 1.6 µs
  at 100,000 ranges, a miss 590 ns. Now \`Inventory::each_overlap\` hands
  out hits without building them, and a query read in one pass leaves a
  conflict's start (end) empty where it is the query's own start (end), as
  given: the wrapper fills it from the string it holds, and an answer of
  \`1\` alone is not read at all. With the span reading above, \`overlaps\`
  at 100,000 ranges went from 1.16 µs to about 660-680 ns, at a million
  from 1.22 µs to about 720 ns (DESIGN's 1 µs met); \`overlapsMany\`
  writes each query's conflicts straight into its answer (1.07 µs -> about
  560 ns a query: faster than single calls, and than the @flatten-js
  loop). This round a hit's id and count are written without
  \`core::fmt\` (\`packed::push_number\`, property-tested against
  \`format!\`), and a count of at most 15 digits becomes a BigInt through
  a double (exact below 2^53; \`BigInt(text)\` took twice as long): at
  100,000 ranges a hit 940 -> 780 ns, a miss 310 -> 275 ns, \`overlaps\`
  660 -> about 560 ns. The next round measured a hit at about 700 ns
  against about 205 for \`hasOverlap\` on the same queries: about 500 ns
  went to the answer as text (writing the record, reading it out of wasm
  memory, cutting it, parsing the id and count). Now a conflict that is
  only numbers (a numeric id, the query inside the stored range, a count
  below 2^53) crosses as two f64s in wasm memory, located by a word as the
  answer text is, and any other conflict as text as before; an answer
  without conflicts is 0, with nothing to read (\`emit_numbers\`,
  \`push_overlaps\`). A hit at 100,000 ranges went from about 700 to 365 ns
  (A/B), a miss stayed about 257 ns, \`overlapsMany\` about 445 -> 380 ns a
  query; main wasm +0.6 KB gzipped. What is left per hit: the block
  search, the object and its BigInt count, where @flatten-js returns the
  numbers it was given; a miss costs about 55 ns more than
  \`hasOverlap\`'s (the query read into segments, the answer buffers).
  2× is about at the edge (2.01× and 1.53× in this round's two runs, the
  peer's \`search\` 702 and 592 ns, ours 350 and 386 ns); 10× for \`overlapsMany\` would mean about 70 ns
  a query, less than writing its two strings into wasm memory (about 40
  ns) and reading and searching them there (about 75 ns) cost.
- **Batch validation.** \`validateMany\` crosses once. Per item of a
  10,000-series batch, the profile splits it into about 90 ns in wasm,
  45 ns packing the strings and 50 ns building each answer object and its
  BigInt count. Packed records are split by a byte loop (\`str::split\`'s
  memchr was a third of the batch's wasm time), and start and end are read
  by named loads (\`read()\`'s keyed load was megamorphic). A single call
  now costs about 175 ns, so 3× would mean about 60 ns per item, answer
  object included: less than packing and building the answer cost today.
  Measured apart in plain JS, building 10,000 such answers (an object, an
  empty issues array, a BigInt count from a double) costs 26 ns each, and
  writing two 9-character strings into wasm memory about 40 ns: the answer
  shape alone leaves no room for 3×.
- **Loading.** \`addMany\` packs a million JS objects into text and the
  core parses every identifier; the binary snapshot (\`toBytes\`/\`fromBytes\`)
  skips both. Earlier rounds took the load from 2 s to about 480-690 ms
  (runs of one pool without a map lookup, a one-width range read as a span,
  ids through \`u64\`, 64-bit columns, byte-matched field tags). This round,
  measured in a fresh process after the 10,000 and 100,000 loads (the
  figure above is such a first load, measured once): 550-580 -> 350-390 ms.
  What it cost before: the wrapper packed all 32 MB of records in a JS
  buffer, copied them into wasm, and the core reserved seven times that
  and gathered 48-byte \`u128\` triples, sorted and copied them into
  columns. Wasm memory grew 255 MB, and growing memory by more than about
  50 MB (measured: 48 MB does not, 64 MB does) starts V8's marking of the
  host's whole heap, finished by a 55-110 ms pause in the middle of the
  load (\`--trace-incremental-marking\`: "external memory pressure"). Now
  the wrapper packs 65,536 series at a time straight into a bulk buffer in
  wasm memory, and the core reads each part into a load under way (its pool
  keys owned, so a part's text need not outlive it) and gathers ranges into
  the pool's own column layout: ranges given in order become the columns as
  they are, without a sort or a copy. Wasm memory grows 24 MB (the columns
  and one part) and no collection runs during the load. A series read
  holds its one segment inline instead of in a \`Vec\` (the allocator was
  40 of the wasm part's 250 ms), which also took a conflict query at
  1,000,000 ranges from about 620 to 570 ns. The next round, measured the
  same way: 350-380 -> 234-237 ms. A profile put a sixth of the wasm part
  in the general reading of each record: its fields typed as values, then
  the item built and moved, each move of it a \`memory.copy\` call out of
  wasm. A record as the wrapper packs the common series (a small integer
  id, ends of one width, an ASCII scope or none) is now read in one pass
  over its bytes straight into the load (\`plain_record\` in
  src/wasm/index.rs, \`Inventory::part\`); any other takes the general
  reading, and a JS test holds the two to the same answers on random series
  at the edges of the direct reading. The wasm part went from about 220 to
  125 ms. What is left, by profile of a warm load (about 215 ms): packing
  in JS about 55 ms, about 2 ns a character (in plain JS, \`charCodeAt\`
  alone measured 1.9 ns a character over 9-character strings, and
  \`encodeInto\` or Node's \`latin1Write\` per string 8-9 ns); in wasm,
  reading two identifiers about 35 ms, the record's fields about 30 ms and
  gathering the columns about 17 ms. A first load also reads a million
  objects the host made just before, out of cache.
- **Hashing.** A profile of \`morHash\` (618 ns) found a fifth of its wasm
  time in the hex writer's loop per digit, a fifth in the SHA-1 crate's
  block buffering (generic code, compiled at this crate's opt-level "s",
  not the hash crates' 3), and the parameters joined into a rope string
  that the scratch writer then read a character at a time through V8's
  runtime. Now the digest is written straight into the answer buffer, four
  bytes to eight hex digits in one \`u64\`; input that fits two blocks is
  padded here (FIPS 180-4 §5.1.1) for the crate's compression function
  (property-tested against the crate at every length across the block
  limits); the parameters are written into scratch one by one. Every answer
  is now located by a word in wasm memory instead of a call (12 ns off every
  call), and the answer and scratch buffers are initialized as constants (no
  first-use check). \`morHash\` 618 -> about 455 ns, \`hmacSha256\` 1.73 ->
  about 1.1 µs. Against node:crypto's 680-720 ns, \`morHash\` measured
  1.49× and 1.59× in the two runs of this round: at the target's edge.
  Tried and dropped: copying the parameters into the block byte by byte
  instead of \`copy_from_slice\` (slower). What is left is SHA-1 and
  SHA-256 compression in wasm (SHA-256's is 45% of an HMAC) without the SHA
  instructions OpenSSL uses, and about 200 ns of JS: writing the
  parameters (80 ns), reading the answer. This round the wrapper keeps
  the scratch buffer's place instead of asking for it on every call.
- **The form entry** is within 35 KB as Vite ships a page using it since
  \`splitSeries\` left it (2.1 KB gzipped; the issue's form validates, counts,
  parses and checks digits). The one-pass validation cost it about 0.5 KB
  gzipped. Reading \`PREFIX_MISMATCH\`'s text without \`from_utf8_lossy\`
  paid for that. So did a shorter \`validateScratch\`, which now answers 0
  only for the one-pass count. This round the start-after-end template
  added about 0.3 KB of its JS (the signing-only scratch writer moved out
  of it), and reading numbers through \`u64\` took 0.2 KB off its wasm.
  About 11 KB of its raw wasm is \`core::fmt\` (every message is written
  through it): the next cut, if it must shrink. This round reading eight
  digits at a time cost it 39 B; the decimal writer that spares queries
  \`core::fmt\` is not in it (the form answers no queries, and keeping
  \`core::fmt\` there is smaller), and \`--converge\` took 17 B back: 12 B
  are left.

## The core without the boundary (Rust, native)

The same work in the Rust core, natively, with divan (\`cargo bench --bench core\`):
the difference to the JS rows above is the cost of crossing into wasm and
building JS objects, plus wasm's own overhead.

\`\`\`
${native('bench-core.txt')}
\`\`\`

Bulk load natively (\`cargo bench --bench native_load\`):

\`\`\`
${native('bench-native-load.txt')}
\`\`\`

## From Python, through the WebAssembly Component (examples/python)

${native('bench-python.md')}

### The same component from a Rust host

\`benches/component-host\` calls the same exports through the \`wasmtime\` crate's
typed bindings (generated from \`wit/seriesguard.wit\`), in one process: what a
call costs the component itself. The difference to the Python rows above is
wasmtime-py's lowering and lifting of every argument and result.

${native('bench-component-rust.md')}

## The reference server under load (examples/server)

${native('bench-server.md')}

## The dashboard with 100,000 series stored (www/, headless Chromium)

Typing stays within a frame (16 ms) per keystroke: the page validates and
counts synchronously and asks the store for the range's conflicts without
waiting on it; the list is read a page at a time, only on a customer change,
a page turn, an add or a delete (\`benches/browser/typing.mjs\`).

${native('bench-typing.md')}

## Reproduce

\`\`\`sh
bash scripts/bench.sh            # BENCH_TIME_MS=1000 for longer runs
\`\`\`
`;
await writeFile(new URL('BENCHMARKS.md', root), md);
console.error(`wrote ${fileURLToPath(new URL('BENCHMARKS.md', root))}`);
if (gz > SIZE_BUDGET_GZ || formGz > FORM_BUDGET_GZ || serverGz > SERVER_BUDGET_GZ) {
  console.error(`size budget exceeded: ${gz} B gzipped (of ${SIZE_BUDGET_GZ} B); the form entry ${formGz} B (of ${FORM_BUDGET_GZ} B); the server entry ${serverGz} B (of ${SERVER_BUDGET_GZ} B)`);
  process.exit(1);
}
