// The server against a failing database, as an operator meets it: PostgreSQL
// killed under load and restarted, a lock held from outside, a SIGTERM
// under load. Bounded: each part runs a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../src/db.mjs';
import { startStack } from './stack.mjs';
import { startLoad, lostWrites, LOAD_ROWS, SHIPSY } from './load.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const statuses = (results) => results.reduce((m, r) => ({ ...m, [r.status ?? r.error]: (m[r.status ?? r.error] ?? 0) + 1 }), {});

test('PostgreSQL killed under load: the server stays up, answers 503, recovers, and loses no acknowledged write', async () => {
  const stack = await startStack({ workers: 2, rows: LOAD_ROWS, env: { PG_POOL_WAIT_MS: '1000', STATEMENT_TIMEOUT_MS: '3000' } });
  try {
    const load = startLoad(stack.base);
    await sleep(1000);
    await stack.pg.kill();
    // During the outage: 503 with Retry-After, from /healthz and the creates alike.
    await sleep(300);
    const down = await stack.get('/healthz');
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '1');
    await sleep(1000);
    await stack.pg.restart();
    let up;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      up = await stack.get('/healthz');
      if (up.status === 200) break;
      await sleep(100);
    }
    assert.equal(up.status, 200, 'healthy again after PostgreSQL is back');
    const before = load.results.length;
    await sleep(1000);
    const results = await load.stop();
    const counts = statuses(results);
    assert.equal(stack.process.exitCode, null, 'the server process is up');
    assert.equal(stack.logs.filter((l) => l.msg === 'worker died; starting another').length, 0, 'no worker crashed');
    assert.deepEqual(results.filter((r) => r.error), [], 'every request got an answer');
    assert.deepEqual(results.filter((r) => r.status !== 200 && r.status !== 503).map((r) => `${r.endpoint} ${r.status} ${r.text}`), [], `only 200 and 503: ${JSON.stringify(counts)}`);
    assert.ok(counts[503] > 0, 'the outage was seen');
    assert.ok(results.slice(before).some((r) => r.status === 200), 'creates succeed again after the restart');
    for (const endpoint of ['shipsy', 'mor', 'abillity']) {
      assert.ok(results.some((r) => r.endpoint === endpoint && r.status === 200), `${endpoint} created some`);
    }
    assert.deepEqual(await lostWrites(stack.db, results), [], 'every 200 has its row');
  } finally {
    await stack.stop();
  }
});

test('a lock held from outside: creates answer 503 within the lock timeout, /healthz stays quick, and all is well after', async () => {
  const stack = await startStack({ rows: LOAD_ROWS, env: { LOCK_TIMEOUT_MS: '300', STATEMENT_TIMEOUT_MS: '2000', PG_POOL_WAIT_MS: '500', PG_POOL_SIZE: '4' } });
  const holder = connect(stack.pg.url, { max: 1 });
  const client = await holder.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE series IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const creates = Array.from({ length: 12 }, (_, i) => stack.post(SHIPSY, { client_code: 'LOCK', start: `L${10_000_000 + i * 10}`, end: `L${10_000_009 + i * 10}`, item_code: 'x' }, { authorization: 'Basic load-key' }));
    const health = await stack.get('/healthz');
    const replies = await Promise.all(creates);
    const elapsed = Date.now() - started;
    assert.equal(health.status, 200);
    assert.deepEqual(replies.map((r) => r.status), replies.map(() => 503));
    assert.ok(replies.every((r) => r.headers.get('retry-after') === '1'));
    assert.equal(JSON.parse(replies[0].text).error.code, 'DATABASE_UNAVAILABLE');
    // Twelve requests over four connections, each waiting at most 300 ms for the lock.
    assert.ok(elapsed < 6000, `answered in ${elapsed} ms`);
    const logged = stack.logs.find((l) => l.msg === 'database unavailable');
    assert.equal(logged?.database?.code, '55P03', 'the log line carries the database error');
    await client.query('ROLLBACK');
    const after = await stack.post(SHIPSY, { client_code: 'LOCK', start: 'L10000000', end: 'L10000009', item_code: 'x' }, { authorization: 'Basic load-key' });
    assert.equal(after.status, 200, after.text);
  } finally {
    client.release();
    await holder.end();
    await stack.stop();
  }
});

test('SIGTERM under load: kept-alive connections are closed, work in flight finishes, no committed reply is lost', async () => {
  const stack = await startStack({ rows: LOAD_ROWS });
  try {
    const load = startLoad(stack.base, { clients: 4 });
    await sleep(700);
    stack.process.kill('SIGTERM');
    const exit = await stack.exited;
    const results = await load.stop();
    assert.deepEqual(exit, { code: 0, signal: null });
    const answered = results.filter((r) => r.status === 200);
    assert.ok(answered.length > 0);
    // Every committed create was answered: no request was cut off after its commit.
    const committed = (await stack.db.query("SELECT count(*)::int AS n FROM series WHERE platform = 'shipsy'")).rows[0].n;
    assert.equal(committed, answered.filter((r) => r.endpoint === 'shipsy').length);
    assert.deepEqual(await lostWrites(stack.db, results), []);
    // After the signal, connections were closed rather than kept serving.
    const afterSignal = stack.logs.findIndex((l) => l.msg === 'shutting down');
    const served = stack.logs.slice(afterSignal).filter((l) => l.msg === 'request').length;
    assert.ok(served <= 12, `${served} requests served after the signal (at most one per connection)`);
  } finally {
    await stack.stop();
  }
});
