// A whole stack for a test: a throwaway PostgreSQL cluster with the
// migrations and the given rows, and the server as its own process (the
// way it is deployed: `node src/main.mjs`, WORKERS processes) on a free
// loopback port. stop() sends SIGTERM, checks the exit, and deletes the
// cluster.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startPostgres, freePort } from '../src/pg-local.mjs';
import { connect, migrate } from '../src/db.mjs';
import { seed } from '../src/seed.mjs';

const MAIN = fileURLToPath(new URL('../src/main.mjs', import.meta.url));

/** Starts PostgreSQL and the server; `rows` as seed() takes them, `env` added to the server's. */
export async function startStack({ rows = {}, workers = 1, env = {} } = {}) {
  const pg = await startPostgres();
  const db = connect(pg.url, { max: 4 });
  await migrate(db);
  await seed(db, rows);
  const port = await freePort();
  const server = spawn(process.execPath, [MAIN], {
    env: { ...process.env, DATABASE_URL: pg.url, PORT: String(port), WORKERS: String(workers), MOR_API_SECRET: 'secret', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let partial = '';
  server.stdout.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop();
    for (const line of parts) lines.push(JSON.parse(line));
  });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));

  // Ready when every worker has logged that it listens.
  const deadline = Date.now() + 20_000;
  while (lines.filter((l) => l.msg === 'listening').length < workers) {
    if (server.exitCode !== null || Date.now() > deadline) {
      await pg.stop();
      throw new Error(`server did not start: ${stderr}\n${JSON.stringify(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const base = `http://127.0.0.1:${port}`;
  let stopped = null;
  return {
    base,
    db,
    /** The cluster: kill() crashes it, restart() brings it back. */
    pg,
    logs: lines,
    /** The server's process (the primary when there are workers). */
    process: server,
    exited,
    /** POST `body` (an object is sent as JSON) to `path`; resolves to { status, type, text, headers }. */
    async post(path, body, headers = {}) {
      const json = typeof body !== 'string';
      const res = await fetch(base + path, {
        method: 'POST',
        headers: json ? { 'content-type': 'application/json', ...headers } : headers,
        body: json ? JSON.stringify(body) : body,
      });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), headers: res.headers };
    },
    async get(path) {
      const res = await fetch(base + path);
      return { status: res.status, body: await res.json(), headers: res.headers };
    },
    /** SIGTERM (once), then resolves to the server's exit { code, signal }; the cluster is deleted. */
    stop() {
      stopped ??= (async () => {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
        const exit = await exited;
        await db.end();
        await pg.stop();
        return exit;
      })();
      return stopped;
    },
  };
}
