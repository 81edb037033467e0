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
const suites = ['./overlap.mjs', './hashing.mjs'];
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 400);
const SIZE_BUDGET_GZ = 100 * 1024;

function version(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function runGroup(group) {
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
    return { name: c.name, ours: Boolean(c.ours), ns: (p50ms * 1e6) / batch, samples: task.result.latency.samples?.length ?? 0 };
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

const wasm = await readFile(new URL('pkg/dist/node/seriesguard_bg.wasm', root));
const gz = gzipSync(wasm, { level: 9 }).length;
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
    parts.push(`### ${group.title}\n\n${table(rows)}`);
  }
  sections.push(parts.join('\n\n'));
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const md = `# Benchmarks

Produced by \`bash scripts/bench.sh\` on ${new Date().toISOString().slice(0, 10)}; every row of a
table ran in the same Node process, one after another, with tinybench
(${TIME_MS} ms per case after warm-up). Times are medians per call; each
sample times a batch of calls so timer overhead is divided out alike for
every library. Numbers move with the machine: compare ratios, not absolutes.

- Machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${platform()} ${release()}
- Node ${process.version}; ${version('rustc', ['--version'])}; wasm-bindgen ${version('wasm-bindgen', ['--version']).replace('wasm-bindgen ', '')}

## Size

| artifact | raw | gzip -9 | budget |
| --- | ---: | ---: | ---: |
| \`seriesguard_bg.wasm\` (release, wasm-opt -Oz) | ${wasm.length} B | ${gz} B | ${SIZE_BUDGET_GZ} B gzipped |

${sections.join('\n\n')}

## Reproduce

\`\`\`sh
bash scripts/bench.sh            # BENCH_TIME_MS=1000 for longer runs
\`\`\`
`;
await writeFile(new URL('BENCHMARKS.md', root), md);
console.error(`wrote ${fileURLToPath(new URL('BENCHMARKS.md', root))}`);
if (gz > SIZE_BUDGET_GZ) {
  console.error(`size budget exceeded: ${gz} B gzipped > ${SIZE_BUDGET_GZ} B`);
  process.exit(1);
}
