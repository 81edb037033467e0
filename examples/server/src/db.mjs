// The database: a connection pool with bounded waits, the migrations in
// ../migrations applied at start (once, under an advisory lock, so workers
// starting together do not race), a transaction helper, and the one place
// that tells a database that is away (answered 503) from a failed request.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

const MIGRATIONS = new URL('../migrations/', import.meta.url);
// Any constant works; it only has to be the same for every process.
const MIGRATION_LOCK = 7_312_001;

/**
 * A pool of connections to `url`. Every wait is bounded: a statement runs at
 * most `statementMs`, waits for a lock at most `lockMs`, and a request waits
 * for a free connection at most `waitMs` (then it is answered 503). `log`
 * (optional) hears of connections lost.
 */
export function connect(url, { max = 10, statementMs = 5000, lockMs = 2000, waitMs = 2000, log = null } = {}) {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: waitMs,
    statement_timeout: statementMs,
    lock_timeout: lockMs,
    idle_in_transaction_session_timeout: statementMs * 2,
    query_timeout: statementMs + 1000,
  });
  // A client losing its server emits 'error'. pg-pool listens only while
  // the client is idle; a checked-out client's error would crash the
  // process. Every client gets a listener for its whole life: the query in
  // flight rejects with the error, and the client is destroyed on release.
  const lost = (error) => log?.warn('database connection lost', { code: error?.code, error: error?.message });
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}

// SQLSTATEs and socket errors that mean "the database is away or too busy
// right now; ask again": shutdown, cannot connect now, too many
// connections, connection failures, statement and lock timeouts.
const AWAY = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '57014', '55P03',
]);
const AWAY_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|Connection terminated due to connection timeout/;

/** True when `error` (or an error it was caused by) means the database is away: answer 503. */
export function isUnavailable(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (AWAY.has(e.code) || AWAY_MESSAGES.test(String(e.message ?? ''))) return true;
  }
  return false;
}

/** The database error under `error` (its cause chain), for the logs. */
export function databaseError(error) {
  for (let e = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e.code && e.code !== 'STORE_FAILED' && e.code !== 'OVERLAP') return { code: e.code, message: e.message, constraint: e.constraint };
  }
  return undefined;
}

/**
 * A text PostgreSQL can hold: a `text` value cannot contain NUL, so a
 * request value holding one matches no row (and is never sent).
 */
export const storable = (value) => typeof value === 'string' && !value.includes('\0');

/** Applies the migrations not yet applied, in file-name order; returns their names. */
export async function migrate(pool) {
  const client = await pool.connect();
  const applied = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await client.query('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      if (done.has(file)) continue;
      await client.query('BEGIN');
      try {
        await client.query(readFileSync(new URL(file, MIGRATIONS), 'utf8'));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${error.message}`, { cause: error });
      }
      applied.push(file);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
  return applied;
}

/** Runs `work(client)` in a transaction: committed when it resolves, rolled back when it throws. */
export async function transaction(pool, work) {
  const client = await pool.connect();
  let broken;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A client whose connection failed is destroyed, not pooled again.
    if (isUnavailable(error)) broken = error;
    else await client.query('ROLLBACK').catch((e) => { broken = e; });
    throw error;
  } finally {
    client.release(broken);
  }
}
