// Load figures for the example server (examples/server): a throwaway
// PostgreSQL cluster, the server as deployed (its own process, WORKERS
// processes), and autocannon on loopback against two endpoints:
//   - Shipsy create: every request a new series (no overlaps), so each one
//     is validated, checked against PostgreSQL and inserted;
//   - validate-only: the dashboard's checks, no database.
// Writes target/bench-server.md, which run.mjs puts into BENCHMARKS.md.
// Usage: bash scripts/bench.sh (or node benches/js/server.mjs after
// `bash examples/server/setup.sh`).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
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
await seed(db, { apiKeys: [{ key: 'bench-key' }] });
const port = await freePort();
const server = spawn(process.execPath, [fileURLToPath(new URL('examples/server/src/main.mjs', root))], {
  env: { ...process.env, DATABASE_URL: pg.url, PORT: String(port), WORKERS: String(WORKERS), LOG_LEVEL: 'warn', PG_POOL_SIZE: '16' },
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
const stored = Number((await db.query('SELECT count(*) AS n FROM series')).rows[0].n);

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
await db.end();
await pg.stop();

const rows = results.map(({ title, result: r }) => {
  const non2xx = r.non2xx + r.errors + r.timeouts;
  return `| ${title} | ${Math.round(r.requests.mean).toLocaleString('en')} | ${r.latency.p50} ms | ${r.latency.p99} ms | ${r.requests.total.toLocaleString('en')} | ${non2xx} |`;
});
const md = `Loopback, ${SECONDS} s a row after a 2 s warm-up, autocannon ${CONNECTIONS} connections, the server with
${WORKERS} worker processes (node:cluster, logs at \`warn\`), PostgreSQL on the same
${cpus().length}-core machine (a throwaway cluster, fsync off), all sharing its cores.

| endpoint | requests/s (mean) | p50 | p99 | requests | non-2xx or errors |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Every create was a new series and was stored: ${stored.toLocaleString('en')} rows after the run
(requests still in flight when the clock stopped are stored but not counted above).
A create is four round trips to PostgreSQL (the API key, the overlap query,
the insert transaction); PostgreSQL, the server and autocannon share the
machine's cores, so these are a floor for a real deployment, not a ceiling.`;
await writeFile(new URL('target/bench-server.md', root), `${md}\n`);
console.error(md);
