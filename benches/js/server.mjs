// Load figures for the example server (examples/server): a throwaway
// PostgreSQL cluster, the server as deployed (its own process, WORKERS
// processes), and autocannon on loopback against its endpoints:
//   - validate-only: the dashboard's checks, no database;
//   - the three creates (Shipsy, MOR, aBILLity): every request a new series
//     (no overlaps), so each one is validated, checked against PostgreSQL
//     and inserted;
// and, in the same run, a bare `pg` INSERT loop into the same constrained
// table with as many connections: the limit the server can approach.
// Writes target/bench-server.md, which run.mjs puts into BENCHMARKS.md.
// Usage: bash scripts/bench.sh (or node benches/js/server.mjs after
// `bash examples/server/setup.sh`).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import { startPostgres, freePort } from '../../examples/server/src/pg-local.mjs';
import { connect, migrate } from '../../examples/server/src/db.mjs';
import { seed } from '../../examples/server/src/seed.mjs';

const root = new URL('../../', import.meta.url);
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 10);
const CONNECTIONS = 32;
const WORKERS = Number(process.env.BENCH_SERVER_WORKERS ?? 2);

const pg = await startPostgres();
const db = connect(pg.url, { max: 1 });
await migrate(db);
await seed(db, {
  apiKeys: [{ key: 'bench-key' }],
  morUsers: [{ username: 'admin', role: 'admin' }],
  cardGroups: [{ id: 5, numberLength: 12 }],
  orderServices: [{ id: 1 }],
  areaCodes: Array.from({ length: 8 }, (_, i) => ({ areaCode: `07${i}`, first: `07${i}00000000`, last: `07${i}99999999` })),
});
const port = await freePort();
const server = spawn(process.execPath, [fileURLToPath(new URL('examples/server/src/main.mjs', root))], {
  env: { ...process.env, DATABASE_URL: pg.url, PORT: String(port), WORKERS: String(WORKERS), LOG_LEVEL: 'warn', PG_POOL_SIZE: '16', MOR_API_SECRET: 'secret' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let ready = false; !ready;) {
  ready = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
  if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
}

function run(title, { path, ...options }) {
  return new Promise((resolve, reject) => {
    autocannon({ url: base + path, connections: CONNECTIONS, duration: SECONDS, method: 'POST', headers: { 'content-type': 'application/json' }, ...options }, (error, result) => {
      if (error) reject(error);
      else resolve({ title, result });
    });
  });
}

let n = 0;
const results = [];
// Warm-up, then the measured runs.
await run('warm-up', { duration: 2, body: JSON.stringify({ start: 'V10000051', end: 'V10000060', client_code: 'A', item_code: 'x' }), path: '/api/series/validate' });
results.push(await run('validate-only (`POST /api/series/validate`)', {
  path: '/api/series/validate',
  body: JSON.stringify({ start: 'V10000051', end: 'V10000060', client_code: 'GL438', item_code: 'P7WJEJANkt' }),
}));
results.push(await run('create (`POST …/virtualseries/create`, PostgreSQL insert)', {
  path: '/api/client/integration/virtualseries/create',
  headers: { 'content-type': 'application/json', authorization: 'Basic bench-key' },
  requests: [{
    setupRequest(request) {
      const first = 10_000_000 + 10 * n;
      const body = { start: `B${first}`, end: `B${first + 9}`, client_code: `C${n % 8}`, item_code: 'bench' };
      n++;
      return { ...request, body: JSON.stringify(body) };
    },
  }],
}));
results.push(await run('create (`POST /billing/api/calling_cards_create`, MOR, PostgreSQL insert)', {
  path: '/billing/api/calling_cards_create',
  headers: {},
  requests: [{
    setupRequest(request) {
      const from = String(100_000_000_000 + 10 * n);
      const till = String(100_000_000_009 + 10 * n);
      n++;
      const hash = createHash('sha1').update(`5${from}${till}secret`).digest('hex');
      return { ...request, path: `/billing/api/calling_cards_create?${new URLSearchParams({ u: 'admin', card_group_id: '5', cards_from: from, cards_till: till, hash })}` };
    },
  }],
}));
results.push(await run('create (`POST /api/order/Service/1/StockNumber`, aBILLity, PostgreSQL insert)', {
  path: '/api/order/Service/1/StockNumber',
  requests: [{
    setupRequest(request) {
      // Eight area codes: reservations in one area are serialized by its row lock.
      const body = { AreaCode: `07${n % 8}`, Quantity: 10 };
      n++;
      return { ...request, body: JSON.stringify(body) };
    },
  }],
}));

// The bare loop: CONNECTIONS clients inserting new spans into the same
// constrained table (series_segment: its exclusion constraints and index),
// one statement each, autocommitted.
async function bareInserts() {
  const pool = connect(pg.url, { max: CONNECTIONS });
  await pool.query("INSERT INTO series (id, platform, scope, start_id, end_id, count, fingerprint) VALUES ('bare', 'shipsy', '', '0', '0', 1, '')");
  let next = 0;
  const latencies = [];
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (Date.now() < until) {
      const first = 10 * next++;
      const started = process.hrtime.bigint();
      await pool.query("INSERT INTO series_segment (series_id, pool, span) VALUES ('bare', 'bare', numrange($1, $2, '[)'))", [first, first + 10]);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }));
  await pool.end();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { total: latencies.length, perSecond: latencies.length / SECONDS, p50: at(0.5), p99: at(0.99) };
}
const bare = await bareInserts();
const stored = Number((await db.query("SELECT count(*) AS n FROM series WHERE id <> 'bare'")).rows[0].n);

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
await db.end();
await pg.stop();

const rows = results.map(({ title, result: r }) => {
  const non2xx = r.non2xx + r.errors + r.timeouts;
  const ratio = title.startsWith('create') ? `${(r.requests.mean / bare.perSecond).toFixed(2)}` : '—';
  return `| ${title} | ${Math.round(r.requests.mean).toLocaleString('en')} | ${r.latency.p50} ms | ${r.latency.p99} ms | ${r.requests.total.toLocaleString('en')} | ${non2xx} | ${ratio} |`;
});
rows.push(`| bare \`pg\` INSERT loop, ${CONNECTIONS} connections, same constrained table | ${Math.round(bare.perSecond).toLocaleString('en')} | ${bare.p50.toFixed(1)} ms | ${bare.p99.toFixed(1)} ms | ${bare.total.toLocaleString('en')} | 0 | 1.00 |`);
const md = `Loopback, ${SECONDS} s a row after a 2 s warm-up, autocannon ${CONNECTIONS} connections, the server with
${WORKERS} worker processes (node:cluster, logs at \`warn\`), PostgreSQL on the same
${cpus().length}-core machine (a throwaway cluster: fsync off, synchronous_commit on), all sharing its cores.

| endpoint | requests/s (mean) | p50 | p99 | requests | non-2xx or errors | share of the bare INSERT loop |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Every create was a new series and was stored: ${stored.toLocaleString('en')} rows after the run
(requests still in flight when the clock stopped are stored but not counted above).
The last row is the ceiling in the same run: one autocommitted INSERT a
request into \`series_segment\`, its exclusion constraints and index, from
${CONNECTIONS} connections, no HTTP. A Shipsy create is several round trips
(the idempotency record, the API key, the overlap query, the insert
transaction, the reply's record); MOR and aBILLity also lock their card
group or area row; PostgreSQL, the server and autocannon share the
machine's cores, so these are a floor for a real deployment, not a ceiling.`;
await writeFile(new URL('target/bench-server.md', root), `${md}\n`);
console.error(md);
