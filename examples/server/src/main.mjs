// Starts the server: applies the migrations, then serves on HOST:PORT with
// WORKERS processes (node:cluster; 1 = this process alone). SIGTERM or
// SIGINT stops accepting connections, closes kept-alive connections as soon
// as they are idle (a reply sent after the signal says `Connection: close`),
// lets the requests in flight finish (up to SHUTDOWN_MS), closes the
// database pool and exits 0.
//
// Environment:
//   DATABASE_URL    postgres://user@host:port/db (required)
//   PORT, HOST      where to listen (3000, 127.0.0.1)
//   WORKERS         server processes (1)
//   MOR_API_SECRET  MOR's API_Secret_Key for request hashes (required for MOR)
//   BODY_LIMIT      largest request body in bytes (65536)
//   PG_POOL_SIZE    connections per process (10)
//   PG_POOL_WAIT_MS how long a request waits for a free connection before 503 (2000)
//   STATEMENT_TIMEOUT_MS  PostgreSQL statement_timeout (5000)
//   LOCK_TIMEOUT_MS PostgreSQL lock_timeout (2000)
//   IDEMPOTENCY_TTL_S  how long a create's reply is replayed for its Idempotency-Key (86400)
//   SHUTDOWN_MS     how long shutdown waits for requests in flight (15000)
//   POOL_SWEEP_MS   how often expired reservations and coolings return to available (1000)
//   LOG_LEVEL       debug, info, warn, error or silent (info)
//   SERVE_PAGE      1: also serve the dashboard (www/) at /, its store this server's /api/store
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createApp } from './app.mjs';
import { connect, migrate } from './db.mjs';
import { logger } from './http.mjs';
import { pageFiles } from './page.mjs';

const log = logger();

/** The configuration the environment gives (the defaults above for what it leaves out). */
export function readConfig(env) {
  const number = (name, fallback, min, max) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in ${min}..${max}`);
    return value;
  };
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required (postgres://user@host:port/database)');
  return {
    databaseUrl: env.DATABASE_URL,
    port: number('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    workers: number('WORKERS', 1, 1, 64),
    morSecret: env.MOR_API_SECRET ?? '',
    bodyLimit: number('BODY_LIMIT', 65536, 1, 64 * 2 ** 20),
    poolSize: number('PG_POOL_SIZE', 10, 1, 200),
    poolWaitMs: number('PG_POOL_WAIT_MS', 2000, 1, 600_000),
    statementMs: number('STATEMENT_TIMEOUT_MS', 5000, 1, 600_000),
    lockMs: number('LOCK_TIMEOUT_MS', 2000, 1, 600_000),
    idempotencyTtlS: number('IDEMPOTENCY_TTL_S', 86_400, 1, 30 * 86_400),
    poolSweepMs: number('POOL_SWEEP_MS', 1000, 10, 3_600_000),
    // Longer than a statement may run, so work in flight can finish.
    shutdownMs: number('SHUTDOWN_MS', 15_000, 0, 600_000),
    servePage: env.SERVE_PAGE === '1',
  };
}

/** Serves in this process until a signal; resolves once listening to { server, close }. */
export async function serve(config) {
  const db = connect(config.databaseUrl, {
    max: config.poolSize, statementMs: config.statementMs, lockMs: config.lockMs, waitMs: config.poolWaitMs, log,
  });
  const page = config.servePage ? await pageFiles() : undefined;
  const handle = createApp({ db, config: { ...config, page }, log });
  let draining = false;
  // Replies not sent yet: on a signal each is told to close its connection.
  const pending = new Set();
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    // Once draining, every reply closes its connection after it is sent.
    if (draining) res.setHeader('connection', 'close');
    pending.add(res);
    res.once('close', () => pending.delete(res));
    handle(req, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  log.info('listening', { host: config.host, port: server.address().port });
  // The lifecycle's sweep: one at a time, a failed one logged and tried again next tick.
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    handle.pools.sweep()
      .catch((error) => log.warn('pool sweep failed', { error: error.message, code: error.code }))
      .finally(() => { sweeping = false; });
  }, config.poolSweepMs);

  let closing = null;
  const close = () => {
    closing ??= (async () => {
      log.info('shutting down');
      draining = true;
      clearInterval(sweeper);
      for (const res of pending) if (!res.headersSent) res.setHeader('connection', 'close');
      const done = new Promise((resolve) => server.close(resolve));
      // Kept-alive connections become idle as their requests finish: close
      // each then, so none carries new requests after the signal.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 20);
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownMs);
      await done;
      clearInterval(sweep);
      clearTimeout(timer);
      await db.end();
      log.info('stopped');
    })();
    return closing;
  };
  return { server, close };
}

async function main() {
  const config = readConfig(process.env);
  if (cluster.isPrimary) {
    const db = connect(config.databaseUrl, { max: 1 });
    const applied = await migrate(db);
    await db.end();
    log.info('migrations applied', { applied });
  }
  if (config.workers === 1 || !cluster.isPrimary) {
    const { close } = await serve(config);
    const stop = () => close().then(() => process.exit(0), (error) => {
      log.error('shutdown failed', { error: error.message });
      process.exit(1);
    });
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return;
  }

  // The primary forks the workers, replaces one that dies, and on a signal
  // passes it on and waits for all of them.
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error('worker died; starting another', { worker: worker.process.pid, code, signal });
    fork();
  });
  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const worker of workers) {
      worker.once('exit', () => { if (--left === 0) process.exit(0); });
      worker.process.kill('SIGTERM');
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    log.error('could not start', { error: error.message });
    process.exit(1);
  });
}
