// Many requests racing over loopback against four server processes and one
// PostgreSQL: whatever interleaving happens, what is committed never
// overlaps, every refusal is an OVERLAP (never a 500), and every request is
// accounted for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startStack } from './stack.mjs';

const WORKERS = 4;
const auth = { authorization: 'Basic race-key' };
let stack;

before(async () => {
  stack = await startStack({
    workers: WORKERS,
    rows: {
      apiKeys: [{ key: 'race-key' }],
      morUsers: [{ username: 'admin', role: 'admin' }],
      cardGroups: [{ id: 7, numberLength: 8 }],
      orderServices: [{ id: 1 }],
      areaCodes: [{ areaCode: '0113', first: '01134960000', last: '01134960499' }],
    },
  });
});
after(async () => {
  assert.deepEqual(await stack.stop(), { code: 0, signal: null });
});

// Segments of the committed series, by pool, in order: adjacent ones must not overlap.
async function assertDisjoint(platform) {
  const { rows } = await stack.db.query(
    `SELECT pool, lower(span)::text AS first, upper(span)::text AS stop FROM series_segment
      WHERE pool LIKE $1 ORDER BY pool, lower(span)`,
    [`${platform}:%`],
  );
  for (let i = 1; i < rows.length; i++) {
    if (rows[i].pool !== rows[i - 1].pool) continue;
    assert.ok(BigInt(rows[i].first) >= BigInt(rows[i - 1].stop), `${rows[i - 1].pool}: ${JSON.stringify(rows[i - 1])} overlaps ${JSON.stringify(rows[i])}`);
  }
  return rows;
}

test('Shipsy: 200 concurrent overlapping creates over 4 pools; committed rows never overlap', async (t) => {
  // 50 requests a pool, each 30 numbers long, starting every 7 numbers: most collide.
  const requests = Array.from({ length: 200 }, (_, i) => {
    const first = 10_000_000 + (i >> 2) * 7;
    return { client_code: `RACE${i % 4}`, start: `R${first}`, end: `R${first + 29}`, item_code: 'race' };
  });
  const replies = await Promise.all(requests.map((body) => stack.post('/api/client/integration/virtualseries/create', body, auth)));
  const by = (status) => replies.filter((r) => r.status === status);
  assert.deepEqual(replies.filter((r) => r.status !== 200 && r.status !== 400).map((r) => r.text), [], 'no 500s');
  for (const refused of by(400)) assert.equal(JSON.parse(refused.text).error.reason, 'OVERLAP');
  const committed = (await stack.db.query("SELECT count(*)::int AS n FROM series WHERE platform = 'shipsy'")).rows[0].n;
  assert.equal(committed, by(200).length);
  assert.equal(by(200).length + by(400).length, requests.length);
  const segments = await assertDisjoint('shipsy');
  assert.equal(segments.length, committed);
  // Every pool got its first request at least.
  assert.equal(new Set(segments.map((s) => s.pool)).size, 4);
  const workers = new Set(stack.logs.filter((l) => l.msg === 'request' && l.path.endsWith('/create')).map((l) => l.pid));
  const caught = stack.logs.filter((l) => l.msg === 'database refused an overlapping insert' && l.platform === 'shipsy').length;
  t.diagnostic(`${by(200).length} created, ${by(400).length} refused with OVERLAP (${caught} of them by the database's constraint after the library's check passed), served by ${workers.size} processes`);
  assert.ok(workers.size > 1, 'the requests were spread over several processes');
});

test('aBILLity: 60 concurrent reservations of 10 from 500 numbers: 50 blocks, disjoint, then null ranges', async () => {
  const replies = await Promise.all(Array.from({ length: 60 }, () => stack.post('/api/order/Service/1/StockNumber', { AreaCode: '0113', Quantity: 10 })));
  assert.deepEqual(replies.filter((r) => r.status !== 200).map((r) => r.text), []);
  const views = replies.map((r) => JSON.parse(r.text));
  const blocks = views.filter((v) => v.FirstNumber !== null).sort((a, b) => a.FirstNumber.localeCompare(b.FirstNumber));
  assert.equal(blocks.length, 50);
  blocks.forEach((b, i) => {
    assert.equal(b.FirstNumber, `0113496${String(i * 10).padStart(4, '0')}`);
    assert.equal(b.LastNumber, `0113496${String(i * 10 + 9).padStart(4, '0')}`);
  });
  assert.equal(new Set(views.map((v) => v.StockNumberID)).size, 60);
  const stored = (await stack.db.query("SELECT count(*)::int AS all, count(series_id)::int AS blocks FROM stock_numbers WHERE area_code = '0113'")).rows[0];
  assert.deepEqual(stored, { all: 60, blocks: 50 });
  await assertDisjoint('abillity');
});

test('MOR: 24 concurrent overlapping card ranges: created cards add up to the union, none twice', async () => {
  const ranges = Array.from({ length: 24 }, (_, i) => [50_000_000 + i * 5, 50_000_000 + i * 5 + 19]);
  const replies = await Promise.all(ranges.map(([from, till]) => {
    const fields = { u: 'admin', card_group_id: '7', cards_from: String(from), cards_till: String(till) };
    const hash = createHash('sha1').update(`7${from}${till}secret`).digest('hex');
    return stack.post(`/billing/api/calling_cards_create?${new URLSearchParams({ ...fields, hash })}`, '');
  }));
  const created = replies.map((r) => {
    assert.equal(r.status, 200);
    const m = /<success>Cards created: (\d+)\/20<\/success>/.exec(r.text);
    assert.ok(m, r.text);
    return Number(m[1]);
  });
  // The union is 50000000..50000134: 135 cards, each created by exactly one request.
  assert.equal(created.reduce((a, b) => a + b, 0), 135);
  const stored = await assertDisjoint('mor');
  assert.equal(stored.reduce((n, s) => n + Number(BigInt(s.stop) - BigInt(s.first)), 0), 135);
});
