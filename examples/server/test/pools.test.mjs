// The number lifecycle over HTTP and a real PostgreSQL, with two server
// processes: concurrent reservations never share a number, the sweep
// returns expired reservations, cooling holds released numbers, refusals
// carry seriesguard's codes, and the event trail replays to the segment table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesIndex } from 'seriesguard/server';
import { startStack } from './stack.mjs';

let stack;

before(async () => {
  stack = await startStack({ workers: 2, env: { POOL_SWEEP_MS: '100' } });
});
after(async () => {
  assert.deepEqual(await stack.stop(), { code: 0, signal: null });
});

const json = (reply) => ({ status: reply.status, body: JSON.parse(reply.text) });
const post = async (path, body) => json(await stack.post(path, body));
const get = (path) => stack.get(path);

test('declare, reserve, confirm, release and report over HTTP', async () => {
  const declared = await post('/api/pools', { pool: 'WEB', blocks: [{ start: 'W00001', end: 'W01000' }], cooling: 30, lowAt: '5%' });
  assert.equal(declared.status, 201);
  assert.equal(declared.body.events[0].to, 'available');
  const held = await post('/api/pools/WEB/reserve', { quantity: 10, ttl: 600_000, key: 'order-1', owner: 'shop' });
  assert.equal(held.status, 200);
  assert.deepEqual([held.body.reservation.start, held.body.reservation.end, held.body.reservation.count], ['W00001', 'W00010', '10']);
  // The server's clock, not the client's: an `at` in the body is not taken.
  const expires = Date.parse(held.body.reservation.expiresAt);
  assert.ok(Math.abs(expires - 600_000 - Date.now()) < 60_000, held.body.reservation.expiresAt);
  const again = await post('/api/pools/WEB/reserve', { quantity: 10, ttl: 600_000, key: 'order-1', owner: 'shop', at: 0 });
  assert.deepEqual([again.status, again.body.events], [200, []]);
  assert.equal((await post('/api/reservations/order-1/confirm', {})).body.reservation.status, 'assigned');
  const report = await get('/api/pools/WEB');
  assert.equal(report.status, 200);
  assert.deepEqual(report.body.counts, { available: '990', reserved: '0', assigned: '10', cooling: '0', blocked: '0', handedDown: '0' });
  assert.equal((await get('/api/reservations/order-1')).body.status, 'assigned');
});

test('a released range cannot be reserved before its cooling ends', async () => {
  await post('/api/pools', { pool: 'COOL', blocks: [{ start: 'C001', end: 'C100' }], cooling: 30 });
  await post('/api/pools/COOL/assign', { start: 'C001', end: 'C010' });
  const released = await post('/api/pools/COOL/release', { start: 'C001', end: 'C010' });
  assert.equal(released.body.events[0].to, 'cooling');
  const until = Date.parse(released.body.events[0].until);
  assert.ok(Math.abs(until - Date.now() - 30 * 86_400_000) < 60_000);
  const refused = await post('/api/pools/COOL/reserve', { start: 'C005', end: 'C006', ttl: 1000, key: 'cool-1' });
  assert.equal(refused.status, 409);
  assert.deepEqual(refused.body.error, { code: 'NOT_AVAILABLE', message: 'C005..C006 in pool "COOL" is cooling, not available' });
  // The sweep leaves it cooling.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await get('/api/pools/COOL')).body.counts.cooling, '10');
});

test('a reservation past its expiry returns to available by the server\'s sweep', async () => {
  await post('/api/pools', { pool: 'SWEEP', blocks: [{ start: 'S001', end: 'S050' }] });
  const held = await post('/api/pools/SWEEP/reserve', { quantity: 20, ttl: 200, key: 'short-1' });
  assert.equal(held.status, 200);
  const deadline = Date.now() + 10_000;
  let report;
  do {
    await new Promise((resolve) => setTimeout(resolve, 100));
    report = (await get('/api/pools/SWEEP')).body;
  } while (report.counts.reserved !== '0' && Date.now() < deadline);
  assert.equal(report.counts.reserved, '0');
  assert.equal(report.counts.available, '50');
  assert.equal((await get('/api/reservations/short-1')).body.status, 'expired');
  const trail = (await get('/api/pools/SWEEP/events')).body.events;
  assert.deepEqual(trail.map((e) => [e.op, e.from, e.to, e.actor]).at(-1), ['expire', 'reserved', 'available', 'sweep']);
  const late = await post('/api/reservations/short-1/confirm', {});
  assert.deepEqual([late.status, late.body.error.code], [409, 'RESERVATION_EXPIRED']);
});

test('200 concurrent reservations of one pool never hand out one number twice', async () => {
  await post('/api/pools', { pool: 'RACE', blocks: [{ start: 'R0001', end: 'R0600' }] });
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    post('/api/pools/RACE/reserve', { quantity: 1 + (i % 5), ttl: 600_000, key: `race-${i}`, owner: `o${i % 7}` })));
  const by = (status) => replies.filter((r) => r.status === status);
  assert.deepEqual(replies.filter((r) => r.status !== 200 && r.status !== 409).map((r) => JSON.stringify(r.body)), [], 'only reservations and refusals');
  for (const refused of by(409)) assert.equal(refused.body.error.code, 'POOL_EXHAUSTED');
  const numbers = by(200).flatMap((r) => {
    const [a, b] = [Number(r.body.reservation.start.slice(1)), Number(r.body.reservation.end.slice(1))];
    return Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
  assert.equal(new Set(numbers).size, numbers.length, 'a number was reserved twice');
  // 200 requests of 1..5 want exactly 600: every one fits.
  assert.equal(by(200).length, 200);
  assert.equal(numbers.length, 600);
  const report = (await get('/api/pools/RACE')).body;
  assert.deepEqual([report.counts.reserved, report.counts.available], ['600', '0']);
  const { rows } = await stack.db.query("SELECT count(*)::int AS n, sum(upper(span) - lower(span))::text AS held FROM pool_segment WHERE pool = 'RACE' AND state = 'reserved'");
  assert.equal(rows[0].held, '600');
  // The trail, a page at a time, in the order it was written.
  const trail = [];
  for (let after = '0'; after !== null;) {
    const page = (await get(`/api/pools/RACE/events?limit=64&after=${after}`)).body;
    trail.push(...page.events);
    after = page.next;
  }
  assert.equal(trail.length, 201);
  assert.equal(trail[0].op, 'declare');
  const firsts = trail.slice(1).map((e) => Number(e.first));
  assert.deepEqual(firsts, [...firsts].sort((x, y) => x - y), 'first fit in the order the changes were made');
});

test('hand-down within a quota, and seriesguard\'s refusals as HTTP errors', async () => {
  await post('/api/pools', { pool: 'HQ', blocks: [{ start: 'H0001', end: 'H0100' }] });
  assert.equal((await post('/api/pools', { pool: 'HEL', parent: 'HQ', quota: 30 })).status, 201);
  const down = await post('/api/pools/HQ/hand-down', { child: 'HEL', quantity: 25 });
  assert.deepEqual([down.status, down.body.range.end], [200, 'H0025']);
  const over = await post('/api/pools/HQ/hand-down', { child: 'HEL', quantity: 6 });
  assert.deepEqual([over.status, over.body.error.code], [409, 'QUOTA_EXCEEDED']);
  assert.equal((await post('/api/pools/HEL/assign', { quantity: 5 })).body.range.start, 'H0001');
  const back = await post('/api/pools/HEL/hand-back', {});
  assert.equal(back.body.events.length, 2);
  assert.deepEqual((await post('/api/pools/NOPE/reserve', { quantity: 1, ttl: 1, key: 'k' })).status, 404);
  assert.deepEqual((await post('/api/pools/HQ/reserve', { quantity: 1, ttl: 1 })).body.error.code, 'KEY_REQUIRED');
  assert.equal((await stack.post('/api/pools/HQ/reserve', '{not json')).status, 400);
  assert.equal((await post('/api/pools', { pool: 'HQ', blocks: [{ start: 'H0001', end: 'H0002' }] })).status, 409);
});

test('the events table replays to the segment table', async () => {
  await post('/api/pools/HQ/block', { start: 'H0090', end: 'H0095' });
  await post('/api/pools/HQ/reserve', { quantity: 3, ttl: 600_000, key: 'replay-1' });
  await post('/api/reservations/replay-1/cancel', {});
  const declarations = (await stack.db.query('SELECT declaration FROM pool_declaration ORDER BY seq')).rows.map((r) => r.declaration);
  const events = (await stack.db.query('SELECT event FROM pool_event ORDER BY seq')).rows.map((r) => r.event);
  const index = new SeriesIndex();
  index.replayPools(declarations, events);
  const replayed = Object.entries(index.poolState().pools)
    .flatMap(([pool, runs]) => runs.map((r) => [pool, r.first, r.last, r.state, r.until === null ? null : Date.parse(r.until), r.holder]));
  const { rows } = await stack.db.query(
    `SELECT pool, lower(span)::text AS first, (upper(span) - 1)::text AS last, state, until, holder
       FROM pool_segment ORDER BY pool COLLATE "C", lower(span)`);
  const stored = rows.map((r) => [r.pool, r.first, r.last, r.state, r.until === null ? null : r.until.getTime(), r.holder]);
  assert.ok(stored.length > 10);
  assert.deepEqual(stored, replayed);
});
