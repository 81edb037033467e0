// Safe retries with four server processes: identical creates sent at once
// (a client retrying) create once and all get the first reply, with or
// without an Idempotency-Key; a key reused for another request is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startStack } from './stack.mjs';
import { LOAD_ROWS, SHIPSY, MOR, ABILLITY } from './load.mjs';

const auth = { authorization: 'Basic load-key' };
let stack;
before(async () => { stack = await startStack({ workers: 4, rows: LOAD_ROWS }); });
after(async () => { assert.deepEqual(await stack.stop(), { code: 0, signal: null }); });

const rowsOf = async (sql, params) => (await stack.db.query(sql, params)).rows[0].n;
const at = (n, send) => Promise.all(Array.from({ length: n }, send));
const noServerErrors = (replies) => assert.deepEqual(replies.filter((r) => r.status >= 500).map((r) => r.text), []);

test('50 identical Shipsy creates at once, no header: one series, every reply the first one', async () => {
  const body = { client_code: 'RETRY', start: 'R10000000', end: 'R10000009', item_code: 'x' };
  const replies = await at(50, () => stack.post(SHIPSY, body, auth));
  noServerErrors(replies);
  assert.deepEqual(new Set(replies.map((r) => `${r.status} ${r.text}`)), new Set(['200 {"status":"OK"}']));
  assert.equal(await rowsOf("SELECT count(*)::int AS n FROM series WHERE scope = 'client:RETRY'"), 1);
});

test('50 identical Shipsy creates under one Idempotency-Key: one series, one reply; the key with another body is 422', async () => {
  const body = { client_code: 'RETRY', start: 'R20000000', end: 'R20000009', item_code: 'x' };
  const headers = { ...auth, 'idempotency-key': '"retry-1"' };
  const replies = await at(50, () => stack.post(SHIPSY, body, headers));
  noServerErrors(replies);
  assert.deepEqual(new Set(replies.map((r) => `${r.status} ${r.text}`)), new Set(['200 {"status":"OK"}']));
  assert.ok(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true').length >= 1);
  assert.equal(await rowsOf("SELECT count(*)::int AS n FROM series WHERE start_id = 'R20000000'"), 1);
  const other = await stack.post(SHIPSY, { ...body, end: 'R20000019' }, headers);
  assert.deepEqual([other.status, JSON.parse(other.text).error.code], [422, 'IDEMPOTENCY_KEY_REUSED']);
  const blank = await stack.post(SHIPSY, body, { ...auth, 'idempotency-key': '' });
  assert.deepEqual([blank.status, JSON.parse(blank.text).error.code], [400, 'IDEMPOTENCY_KEY_INVALID']);
});

test('a refused create without a header is asked again, not replayed', async () => {
  const body = { client_code: 'RETRY', start: 'R10000005', end: 'R10000015', item_code: 'x' };
  const first = await stack.post(SHIPSY, body, auth);
  assert.equal(JSON.parse(first.text).error.reason, 'OVERLAP');
  await stack.db.query("DELETE FROM series WHERE scope = 'client:RETRY' AND start_id = 'R10000000'");
  assert.equal((await stack.post(SHIPSY, body, auth)).status, 200);
});

test('MOR and aBILLity under an Idempotency-Key: created once, the first reply byte for byte', async () => {
  const fields = { u: 'admin', card_group_id: '9', cards_from: '1000000100', cards_till: '1000000109' };
  const hash = createHash('sha1').update(`9${fields.cards_from}${fields.cards_till}secret`).digest('hex');
  const mor = await at(10, () => stack.post(`${MOR}?${new URLSearchParams({ ...fields, hash })}`, '', { 'idempotency-key': 'mor-1' }));
  noServerErrors(mor);
  assert.equal(new Set(mor.map((r) => r.text)).size, 1);
  assert.match(mor[0].text, /Cards created: 10\/10/);
  const stock = await at(10, () => stack.post(ABILLITY, { AreaCode: '0113', Quantity: 5 }, { 'idempotency-key': 'stock-1' }));
  noServerErrors(stock);
  assert.equal(new Set(stock.map((r) => r.text)).size, 1);
  const id = JSON.parse(stock[0].text).StockNumberID;
  assert.equal(await rowsOf('SELECT count(*)::int AS n FROM stock_numbers WHERE id = $1', [id]), 1);
  assert.equal(await rowsOf('SELECT count(*)::int AS n FROM stock_numbers'), 1);
});
