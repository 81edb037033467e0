// The example server over real HTTP against a real PostgreSQL: each
// platform's documented replies, partial creation, allocation, listings,
// the database's own overlap check, limits and shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SeriesBook } from 'seriesguard/server';
import { startStack } from './stack.mjs';
import { pgStore } from '../src/store.mjs';

const ROWS = {
  apiKeys: [{ key: 'key-1' }, { key: 'key-off', active: false }],
  morUsers: [{ username: 'admin', role: 'admin' }, { username: 'simple', role: 'user' }, { username: 'clerk', role: 'accountant', manageCards: false }],
  cardGroups: [{ id: 1, numberLength: 10, pinLength: 6 }, { id: 2, numberLength: 20 }, { id: 3, numberLength: 10, pinLength: 1 }],
  orderServices: [{ id: 42, isQuote: true }, { id: 43, isQuote: false }],
  areaCodes: [{ areaCode: '0161', first: '01615550000', last: '01615550999' }, { areaCode: '020', first: '02079460000', last: '02079460009' }],
};
const SHIPSY = '/api/client/integration/virtualseries/create';
const MOR = '/billing/api/calling_cards_create';
const auth = { authorization: 'Basic key-1' };

// The seed's sample replies (../shared/seeds/001), as the platform sends them.
const SEED_REPLIES = {
  noKey: '{"error":{"message":"API key should be present","statusCode":401,"reason":"NO_API_KEY"}}',
  noCustomer: '{"error":{"message":"Either client code or hubCode should be present","statusCode":400,"reason":"CLIENT_HUB_CODE_NOT_PRESENT","code":"WRONG_INPUT"}}',
  ok: '{"status":"OK"}',
};
const page = (inner) => `<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <status>\n    ${inner}\n  </status>\n</page>`;
const morParams = (fields, secret = 'secret') => {
  const hash = createHash('sha1').update(`${fields.card_group_id}${fields.cards_from}${fields.cards_till}${secret}`).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
};

let stack;
before(async () => { stack = await startStack({ rows: ROWS }); });
after(async () => {
  const exit = await stack.stop();
  // Graceful shutdown: the server drained, closed its pool and exited 0.
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(stack.logs.some((l) => l.msg === 'stopped'));
});

test('the seed\'s Shipsy samples, as this test copies them, are the seed\'s own texts', (t) => {
  const dir = new URL('../../../../shared/seeds/', import.meta.url);
  if (!existsSync(dir)) return t.skip('../shared/seeds is not beside this clone');
  const seed = readFileSync(new URL(readdirSync(dir).find((f) => f.startsWith('001_')), dir), 'utf8');
  const samples = [...seed.matchAll(/^`(\{.*\})`$/gm)].map((m) => JSON.stringify(JSON.parse(m[1])));
  assert.deepEqual(samples.slice(1), [SEED_REPLIES.noKey, SEED_REPLIES.noCustomer, SEED_REPLIES.ok]);
});

test('Shipsy: every documented reply, byte for byte, and the API key checked in the database', async () => {
  const sample = { start: 'V10000071', end: 'V10000080', client_code: 'SL1981', item_code: 'P7WJEJANkt' };
  const noKey = await stack.post(SHIPSY, sample);
  assert.deepEqual([noKey.status, noKey.text], [401, SEED_REPLIES.noKey]);
  const noCustomer = await stack.post(SHIPSY, { start: 'V10000071', end: 'V10000080', item_code: 'P7WJEJANkt' }, auth);
  assert.deepEqual([noCustomer.status, noCustomer.text], [400, SEED_REPLIES.noCustomer]);
  const ok = await stack.post(SHIPSY, sample, auth);
  assert.deepEqual([ok.status, ok.text, ok.type], [200, SEED_REPLIES.ok, 'application/json; charset=utf-8']);

  const inactive = await stack.post(SHIPSY, sample, { authorization: 'Basic key-off' });
  assert.deepEqual([inactive.status, JSON.parse(inactive.text).error.reason], [401, 'INVALID_API_KEY']);
  const again = await stack.post(SHIPSY, { ...sample, start: 'V10000080', end: 'V10000085' }, auth);
  assert.equal(again.status, 400);
  assert.deepEqual(JSON.parse(again.text).error, {
    message: 'V10000080..V10000080 is already held by series ' + (await stack.db.query("SELECT id FROM series WHERE scope = 'client:SL1981'")).rows[0].id,
    statusCode: 400, reason: 'OVERLAP', code: 'WRONG_INPUT',
  });
  const wrong = await stack.post(SHIPSY, { ...sample, start: 'V20', end: 'V1', type: 'digital' }, auth);
  assert.deepEqual([wrong.status, JSON.parse(wrong.text).error.code], [400, 'WRONG_INPUT']);

  // The same numbers for another customer are another pool.
  assert.equal((await stack.post(SHIPSY, { ...sample, client_code: 'GL438' }, auth)).status, 200);
  const hub = await stack.post(SHIPSY, { start: 'V10000071', end: 'V10000072', hub_code: 'BF074', item_code: 'x', creator_hub: 'BLR' }, auth);
  assert.equal(hub.status, 200);
  const stored = await stack.get('/api/series?hub_code=BF074');
  assert.deepEqual(stored.body.series.map((s) => [s.start, s.end, s.count, s.attributes.creator_hub]), [['V10000071', 'V10000072', '2', 'BLR']]);
  assert.deepEqual((await stack.get('/api/series?client_code=BF074')).body.series, []);

  // One customer however its code is typed: case and full-width variants meet its series.
  for (const spelling of ['sl1981', ' ＳＬ１９８１ ']) {
    const variant = await stack.post(SHIPSY, { ...sample, client_code: spelling, start: 'V10000079', end: 'V10000090' }, auth);
    assert.deepEqual([variant.status, JSON.parse(variant.text).error.reason], [400, 'OVERLAP'], spelling);
  }
  const listed = await stack.get(`/api/series?client_code=${encodeURIComponent('ｓｌ１９８１')}`);
  assert.deepEqual(listed.body.series.map((s) => [s.scope, s.start, s.end]), [['client:SL1981', 'V10000071', 'V10000080']]);
});

test('a series keeps its format in the database, and a pool never mixes two formats', async () => {
  const store = pgStore(stack.db, 'shipsy');
  const imei = new SeriesBook(store, { format: 'imei' });
  const luhn = new SeriesBook(store, { scheme: 'luhn' });
  const created = await imei.create({ start: '35-209900-176148-1', end: '35-209900-176150-7', scope: 'FMT' });
  assert.deepEqual([created.start, created.end, created.count, created.format], ['352099001761481', '352099001761507', 3n, 'imei']);
  const { rows } = await stack.db.query("SELECT start_id, end_id, count::text, format FROM series WHERE scope = 'FMT'");
  assert.deepEqual(rows, [{ start_id: '352099001761481', end_id: '352099001761507', count: '3', format: 'imei' }]);
  // The same pool under other rules, not even overlapping: refused by the library...
  await assert.rejects(luhn.create({ start: '352099001761556', end: '352099001761556', scope: 'FMT' }), { code: 'RULES_MISMATCH' });
  // ...and by the database when a store is written to past the library.
  const sneaky = luhn.prepare({ id: 'sneaky-format', start: '352099001761556', end: '352099001761556', scope: 'FMT' });
  await assert.rejects(store.insert(sneaky), (error) => error.code === 'OVERLAP' && error.cause.constraint === 'series_segment_one_format');
  assert.equal((await imei.create({ start: '352099001761556', end: '352099001761556', scope: 'FMT' })).count, 1n);
});

test('Shipsy: serials too long for int8range (22 digits) overlap exactly in numrange', async () => {
  const sim = (n) => `8944${String(n).padStart(18, '0')}`;
  const first = await stack.post(SHIPSY, { start: sim(999_999_999_999_999_990n), end: sim(999_999_999_999_999_999n), client_code: 'SIM', item_code: 'sim' }, auth);
  assert.equal(first.status, 200, first.text);
  const edge = await stack.post(SHIPSY, { start: sim(999_999_999_999_999_999n), end: sim(999_999_999_999_999_999n), client_code: 'SIM', item_code: 'sim' }, auth);
  assert.equal(JSON.parse(edge.text).error.reason, 'OVERLAP');
  const below = await stack.post(SHIPSY, { start: sim(999_999_999_999_999_980n), end: sim(999_999_999_999_999_989n), client_code: 'SIM', item_code: 'sim' }, auth);
  assert.equal(below.status, 200, below.text);
  const spans = (await stack.db.query("SELECT span::text FROM series_segment WHERE pool LIKE 'shipsy:%SIM%' ORDER BY lower(span)")).rows.map((r) => r.span);
  assert.deepEqual(spans, ['[8944999999999999999980,8944999999999999999990)', '[8944999999999999999990,8945000000000000000000)']);
});

test('Shipsy: malformed JSON is a clear 400, an oversized body a 413', async () => {
  const bad = await stack.post(SHIPSY, '{"start": ', { 'content-type': 'application/json', ...auth });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.text).error.code, 'BODY_INVALID');
  const huge = await stack.post(SHIPSY, JSON.stringify({ start: 'V1', end: 'V2', item_code: 'x'.repeat(70_000) }), { 'content-type': 'application/json', ...auth });
  assert.deepEqual([huge.status, JSON.parse(huge.text).error.code], [413, 'BODY_TOO_LARGE']);
  const missing = await stack.get('/nope');
  assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
  const method = await stack.get(SHIPSY);
  assert.equal(method.status, 405);
});

test('validate-only: every issue at once, no database', async () => {
  const v = JSON.parse((await stack.post('/api/series/validate', { start: 'V1', end: 'V0' })).text);
  assert.equal(v.ok, false);
  assert.deepEqual(v.issues.map((i) => i.code), ['CLIENT_HUB_CODE_NOT_PRESENT', 'START_AFTER_END', 'ITEM_CODE_REQUIRED']);
  const good = JSON.parse((await stack.post('/api/series/validate', { start: 'V10000051', end: 'V10000060', client_code: 'A', item_code: 'i' })).text);
  assert.deepEqual([good.ok, good.count, good.customer], [true, '10', 'client:A']);
  // What create refuses, validate refuses: a customer code with a control character or over 256 bytes.
  for (const client_code of ['A\u0001B', 'A'.repeat(257)]) {
    const refused = JSON.parse((await stack.post('/api/series/validate', { start: 'V1', end: 'V2', client_code, item_code: 'i' })).text);
    assert.deepEqual([refused.ok, refused.issues.map((i) => i.code)], [false, ['SCOPE_INVALID']]);
  }
});

test('MOR: the documented request creates 11/11; an overlapping one creates only its free part', async () => {
  const documented = 'u=admin&card_group_id=1&cards_from=1000000025&cards_till=1000000035&batch_number=50&min_balance=15&language=en&distributor_id=2&hash=7e112ededcfee097cce21b6201c6d2a00dda1f4c';
  const created = await stack.post(`${MOR}?${documented}`, '');
  assert.deepEqual([created.status, created.text, created.type], [200, page('<success>Cards created: 11/11</success>'), 'application/xml; charset=utf-8']);

  // Form body this time: 1000000030..1000000040 overlaps 30..35, so 36..40 are created.
  const partial = await stack.post(MOR, morParams({ u: 'admin', card_group_id: '1', cards_from: '1000000030', cards_till: '1000000040' }), { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(partial.text, page('<success>Cards created: 5/11</success>'));
  const cards = (await stack.get('/api/series?card_group_id=1')).body.series;
  assert.deepEqual(cards.map((c) => [c.start, c.end, c.attributes.batch_number ?? null]), [['1000000025', '1000000035', '50'], ['1000000036', '1000000040', '']]);
  const none = await stack.post(`${MOR}?${morParams({ u: 'admin', card_group_id: '1', cards_from: '1000000025', cards_till: '1000000040' })}`, '');
  assert.equal(none.text, page('<success>Cards created: 0/16</success>'));

  // A 20-digit group: numbers past 2^64.
  const long = await stack.post(`${MOR}?${morParams({ u: 'admin', card_group_id: '2', cards_from: '99999999999999999990', cards_till: '99999999999999999999' })}`, '');
  assert.equal(long.text, page('<success>Cards created: 10/10</success>'));

  const error = async (fields, secret) => (await stack.post(`${MOR}?${morParams(fields, secret)}`, '')).text;
  const base = { u: 'admin', card_group_id: '1', cards_from: '1000000100', cards_till: '1000000101' };
  assert.equal(await error(base, 'wrong'), page('<error>Incorrect hash</error>'));
  assert.equal(await error({ ...base, card_group_id: '9' }), page('<error>Card Group was not found</error>'));
  assert.equal(await error({ ...base, u: 'simple' }), page('<error>Access Denied</error>'));
  assert.equal(await error({ ...base, u: 'clerk' }), page('<error>You are not authorized to use this functionality</error>'));
  assert.equal(await error({ ...base, cards_from: '100000010' }), page('<error>Cards from is in incorrect format</error>'));
  assert.equal(await error({ ...base, cards_from: '1000000102' }), page('<error>Cards from must not be greater than Cards till</error>'));
  // Group 3 has one-digit PINs: ten cards at most.
  assert.equal(await error({ ...base, card_group_id: '3', cards_till: '1000000110' }), page('<error>PIN is too short for this interval</error>'));
});

test('aBILLity: two requests allocate blocks that never overlap, then the null range; JSON and XML', async () => {
  const path = '/api/order/Service/42/StockNumber';
  const first = await stack.post(path, { AreaCode: '0161', Quantity: 600 });
  assert.equal(first.status, 200, first.text);
  const a = JSON.parse(first.text);
  assert.equal(first.text, JSON.stringify(a, null, 2));
  assert.deepEqual([a.FirstNumber, a.LastNumber, a.AreaCode, a.Quantity], ['01615550000', '01615550599', '0161', 600]);
  // The second asks in XML and wants XML back.
  const xmlBody = '<StockNumberBase xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/aBILLity.API.Models">\n  <AreaCode>0161</AreaCode>\n  <Quantity>400</Quantity>\n</StockNumberBase>';
  const second = await stack.post(path, xmlBody, { 'content-type': 'application/xml', accept: 'application/xml' });
  assert.equal(second.type, 'application/xml; charset=utf-8');
  assert.equal(second.text, `<StockNumberView xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/aBILLity.API.Models">
  <AreaCode>0161</AreaCode>
  <Quantity>400</Quantity>
  <FirstNumber>01615550600</FirstNumber>
  <LastNumber>01615550999</LastNumber>
  <StockNumberID>${a.StockNumberID + 1}</StockNumberID>
</StockNumberView>`);
  const full = JSON.parse((await stack.post(path, { AreaCode: '0161', Quantity: 1 })).text);
  assert.deepEqual([full.FirstNumber, full.LastNumber], [null, null]);
  const rows = (await stack.db.query("SELECT quantity, series_id IS NULL AS empty FROM stock_numbers WHERE area_code = '0161' ORDER BY id")).rows;
  assert.deepEqual(rows, [{ quantity: 600, empty: false }, { quantity: 400, empty: false }, { quantity: 1, empty: true }]);
  const listed = (await stack.get('/api/series?area_code=0161&limit=1')).body;
  assert.equal(listed.series[0].start, '01615550000');
  const rest = (await stack.get(`/api/series?area_code=0161&after=${listed.next}`)).body;
  assert.deepEqual([rest.series.map((s) => s.start), rest.next], [['01615550600'], null]);

  const message = async (p, body) => JSON.parse((await stack.post(p, body)).text).Message;
  assert.equal(await message('/api/order/Service/43/StockNumber', { AreaCode: '020', Quantity: 1 }), 'Order.Status = Only quotes may be updated');
  assert.equal(await message('/api/order/Service/77/StockNumber', { AreaCode: '020', Quantity: 1 }), 'OrderServices.OrderServiceID = OrderServiceID 77 not found');
  assert.equal(await message('/api/order/Service/abc/StockNumber', { AreaCode: '020', Quantity: 1 }), 'OrderServices.OrderServiceID = Error retrieving the Order Service with ID abc.');
  assert.equal(await message(path, { AreaCode: '0207', Quantity: 1 }), 'StockNumber.AreaCode = AreaCode `0207` is not valid.');
  assert.equal(await message(path, { AreaCode: '020', Quantity: 1001 }), 'StockNumber.Quantity = Quantity must be between 1 and 1000.');
  const xmlError = await stack.post(path, '<StockNumberBase><AreaCode>020</AreaCode><Quantity>0</Quantity></StockNumberBase>', { 'content-type': 'text/xml', accept: 'text/xml' });
  assert.equal(xmlError.text, '<Error>\n  <Message>StockNumber.Quantity = Quantity must be between 1 and 1000.</Message>\n</Error>');
  const notXml = await stack.post(path, 'AreaCode=020', { 'content-type': 'application/xml' });
  assert.deepEqual([notXml.status, JSON.parse(notXml.text).error.code], [400, 'BODY_INVALID']);
});

test('the database refuses an overlap the library did not see, and the book answers OVERLAP with the conflicts', async () => {
  const store = pgStore(stack.db, 'shipsy');
  const book = new SeriesBook(store);
  const held = await book.create({ id: 'held', start: 'Q00000100', end: 'Q00000199', scope: 'DB' });
  // Straight into the store, past the library's check: the constraint refuses it.
  const sneaky = book.prepare({ id: 'sneaky', start: 'Q00000150', end: 'Q00000250', scope: 'DB' });
  await assert.rejects(store.insert(sneaky), (error) => error.code === 'OVERLAP' && error.cause.code === '23P01');
  // A book whose first look misses the stored series (as when another process
  // inserts between the check and the insert): the constraint catches it, and
  // the book's second look finds the conflict.
  let looks = 0;
  const blind = new SeriesBook({ ...store, overlapping: (...args) => (looks++ === 0 ? [] : store.overlapping(...args)) });
  await assert.rejects(blind.create({ id: 'late', start: 'Q00000150', end: 'Q00000250', scope: 'DB' }), (error) => {
    assert.equal(error.code, 'OVERLAP');
    assert.deepEqual(error.details.conflicts.map((c) => [c.id, c.start, c.end]), [[held.id, 'Q00000150', 'Q00000199']]);
    return true;
  });
  assert.equal((await stack.db.query("SELECT count(*)::int AS n FROM series WHERE scope = 'DB'")).rows[0].n, 1);
  // Adjacent ranges do not overlap (half-open spans).
  await book.create({ id: 'next', start: 'Q00000200', end: 'Q00000200', scope: 'DB' });
  assert.equal(await book.remove('next'), true);
  // Spans must be whole and half-open.
  await assert.rejects(stack.db.query("INSERT INTO series_segment (series_id, pool, span) VALUES ('held', 'x', numrange(1.5, 3))"), /span_is_whole_half_open/);
  await assert.rejects(stack.db.query("INSERT INTO series_segment (series_id, pool, span) VALUES ('held', 'x', numrange(1, 3, '[]'))"), /span_is_whole_half_open/);
});

test('structured logs: one JSON line per request', () => {
  const requests = stack.logs.filter((l) => l.msg === 'request');
  assert.ok(requests.length > 20);
  for (const line of requests) {
    assert.equal(typeof line.time, 'string');
    assert.equal(typeof line.status, 'number');
    assert.equal(typeof line.ms, 'number');
  }
});

test('fields PostgreSQL cannot hold (a NUL) are answered 400 in each platform\'s own format, never 500', async () => {
  const sample = { start: 'V30000001', end: 'V30000002', client_code: 'NUL', item_code: 'x' };
  for (const [field, reason] of [['item_code', 'ITEM_CODE_INVALID'], ['hub_code', 'SCOPE_INVALID'], ['creator_hub', 'SCOPE_INVALID'], ['client_code', 'SCOPE_INVALID']]) {
    const reply = await stack.post(SHIPSY, { ...sample, [field]: 'a\u0000b' }, auth);
    assert.deepEqual([reply.status, JSON.parse(reply.text).error.reason], [400, reason], field);
  }
  const area = await stack.post('/api/order/Service/42/StockNumber', { AreaCode: '01\u000061', Quantity: 1 });
  assert.deepEqual([area.status, JSON.parse(area.text).Message], [400, 'StockNumber.AreaCode = AreaCode `01\u000061` is not valid.']);
  const user = await stack.post(`${MOR}?${morParams({ u: 'ad\u0000min', card_group_id: '1', cards_from: '1000000300', cards_till: '1000000301' })}`, '');
  assert.deepEqual([user.status, user.text, user.type], [200, page('<error>Access Denied</error>'), 'application/xml; charset=utf-8']);
  const batch = await stack.post(`${MOR}?${morParams({ u: 'admin', card_group_id: '1', cards_from: '1000000300', cards_till: '1000000301', batch_number: 'b\u0000' })}`, '');
  assert.equal(batch.text, page('<success>Cards created: 2/2</success>'));
});

test('MOR: a signature moved across the unseparated fields does not pass the number-length check', async () => {
  // card_group_id=1 with an 11-digit cards_from signs the same text as a
  // 10-digit one under group 10: the hash cannot tell them apart, the
  // group's number length does.
  const forged = { u: 'admin', card_group_id: '1', cards_from: '01000000400', cards_till: '1000000401' };
  const reply = await stack.post(`${MOR}?${morParams(forged)}`, '');
  assert.equal(reply.text, page('<error>Cards from is in incorrect format</error>'));
  assert.equal((await stack.db.query("SELECT count(*)::int AS n FROM series WHERE start_id LIKE '0100000040%'")).rows[0].n, 0);
});

test('hostile XML costs time linear in its size, and is refused without holding the server', async () => {
  const { parseFlatXml } = await import('../src/http.mjs');
  const fields = { AreaCode: 'text', Quantity: 'integer' };
  const hostile = (bytes) => `<StockNumberBase>${'<AreaCode a'.repeat(Math.floor(bytes / 11))}`;
  const cost = (text) => {
    let best = Infinity;
    for (let i = 0; i < 7; i++) {
      const started = process.hrtime.bigint();
      try { parseFlatXml(text, fields); } catch { /* refused, as it should be */ }
      best = Math.min(best, Number(process.hrtime.bigint() - started));
    }
    return best;
  };
  for (const shape of [hostile, (bytes) => `<a>${'<b></b>'.repeat(Math.floor(bytes / 7))}</a>`, (bytes) => `<a>${'x'.repeat(bytes)}</a>`]) {
    const small = cost(shape(8192));
    const large = cost(shape(65536));
    assert.ok(large <= 16 * Math.max(small, 50_000), `64 KB cost ${large} ns, 8 KB ${small} ns`);
  }
  assert.throws(() => parseFlatXml(`<a>${'<b>'.repeat(20)}</a>`, fields), /deeper than 8 levels/);
  assert.throws(() => parseFlatXml(`<a>${'<b/>'.repeat(300)}</a>`, fields), /more than 256 elements/);
  // Eight hostile bodies at once, and /healthz still answers at once.
  const path = '/api/order/Service/42/StockNumber';
  const replies = await Promise.all(Array.from({ length: 8 }, () => stack.post(path, hostile(60_000), { 'content-type': 'application/xml' })));
  assert.deepEqual(replies.map((r) => r.status), replies.map(() => 400));
  assert.equal((await stack.get('/healthz')).status, 200);
});
