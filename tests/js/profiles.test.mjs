// The platform profiles from JS, with the host's answers (API keys, card
// groups, pools) supplied as a host would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profiles, SeriesBook, MemoryStore, SeriesIndex, SeriesError, morHash } from 'seriesguard/server';

const MOR = {
  u: 'admin', card_group_id: '1', cards_from: '1000000025', cards_till: '1000000035',
  batch_number: '50', min_balance: '15', language: 'en', distributor_id: '2',
  hash: '7e112ededcfee097cce21b6201c6d2a00dda1f4c',
};
const page = (inner) => `<?xml version="1.0" encoding="UTF-8"?>\n<page>\n  <status>\n    ${inner}\n  </status>\n</page>`;

test('MOR: the seed example creates 11/11 on an empty group', async () => {
  const result = await profiles.mor.cardsCreate(MOR, { secret: 'secret', group: { id: 1, numberLength: 10 } });
  assert.equal(result.ok, true);
  assert.equal(result.xml, page('<success>Cards created: 11/11</success>'));
  assert.deepEqual(result.options, { batch_number: '50', min_balance: '15', distributor_id: '2', language: 'en' });
});

test('MOR: 8/11 when 1000000025..1000000027 already exist, whichever way the host gives them', async () => {
  const index = new SeriesIndex({ numericOnly: true });
  index.add({ id: 'old', start: '1000000025', end: '1000000027' });
  for (const existing of [[{ start: '1000000025', end: '1000000027' }], index, async () => [{ start: '1000000025', end: '1000000027' }]]) {
    const result = await profiles.mor.cardsCreate(MOR, { secret: 'secret', group: { id: '1', numberLength: 10, existing } });
    assert.equal(result.xml, page('<success>Cards created: 8/11</success>'));
    assert.deepEqual(result.plan.create, [{ start: '1000000028', end: '1000000035', count: 8n }]);
  }
});

test('MOR: the library judges the user role and names the group\'s scope; existing cards may be serials', async () => {
  const run = (options) => profiles.mor.cardsCreate(MOR, { secret: 'secret', group: { id: 1, numberLength: 10 }, ...options });
  for (const role of ['admin', 'reseller', 'accountant']) assert.equal((await run({ role })).ok, true, role);
  for (const role of ['user', '', 'Admin']) assert.equal((await run({ role })).error, 'Access Denied', role);
  assert.equal((await run({})).scope, 'card_group:1');
  assert.equal(profiles.mor.scope(7), 'card_group:7');
  let scopeSeen;
  const existing = (from, till, scope) => {
    scopeSeen = [from, till, scope];
    return [{ first: '1000000025', last: '1000000027' }];
  };
  const result = await profiles.mor.cardsCreate(MOR, { secret: 'secret', group: { id: 1, numberLength: 10, existing } });
  assert.deepEqual(scopeSeen, ['1000000025', '1000000035', 'card_group:1']);
  assert.equal(result.xml, page('<success>Cards created: 8/11</success>'));
});

test('MOR: documented errors as XML', async () => {
  const run = (params, options) => profiles.mor.cardsCreate(params, { secret: 'secret', group: { id: 1, numberLength: 10 }, ...options });
  assert.equal((await run({ ...MOR, hash: 'x' })).xml, page('<error>Incorrect hash</error>'));
  assert.equal((await run(MOR, { userAllowed: false })).error, 'Access Denied');
  assert.equal((await run(MOR, { canManageCards: false })).error, 'You are not authorized to use this functionality');
  assert.equal((await run(MOR, { group: null })).error, 'Card Group was not found');
  const reversed = { ...MOR, cards_from: '1000000036', hash: morHash(['1', '1000000036', '1000000035'], 'secret') };
  const result = await run(reversed);
  assert.equal(result.ok, false);
  assert.equal(result.xml, page('<error>Cards from must not be greater than Cards till</error>'));
  assert.equal((await run(MOR, { group: { id: 1, numberLength: 10, pinLength: 1 } })).error, 'PIN is too short for this interval');
});

test('Shipsy: the documented replies, byte for byte, and creation through a book', async () => {
  const book = new SeriesBook(new MemoryStore());
  const options = { apiKeyValid: async (key) => key === 'secret-key', book };
  const headers = { Authorization: 'Basic secret-key' };
  const payload = { start: 'V10000071', end: 'V10000080', client_code: 'SL1981', item_code: 'P7WJEJANkt' };

  const ok = await profiles.shipsy.create(payload, headers, options);
  assert.deepEqual([ok.status, ok.text], [200, '{"status":"OK"}']);
  assert.deepEqual(ok.body, { status: 'OK' });

  const noKey = await profiles.shipsy.create(payload, {}, options);
  assert.deepEqual([noKey.status, noKey.text], [401, '{"error":{"message":"API key should be present","statusCode":401,"reason":"NO_API_KEY"}}']);

  const noCustomer = await profiles.shipsy.create({ ...payload, client_code: undefined }, headers, options);
  assert.deepEqual([noCustomer.status, noCustomer.text], [400, '{"error":{"message":"Either client code or hubCode should be present","statusCode":400,"reason":"CLIENT_HUB_CODE_NOT_PRESENT","code":"WRONG_INPUT"}}']);

  const wrongKey = await profiles.shipsy.create(payload, { authorization: 'Basic nope' }, options);
  assert.equal(wrongKey.status, 401);
  assert.equal(wrongKey.body.error.reason, 'INVALID_API_KEY');

  const overlap = await profiles.shipsy.create({ ...payload, start: 'V10000075', end: 'V10000090' }, new Headers(headers), options);
  assert.equal(overlap.status, 400);
  assert.equal(overlap.body.error.reason, 'OVERLAP');
  assert.equal(overlap.body.error.code, 'WRONG_INPUT');

  const otherClient = await profiles.shipsy.create({ ...payload, client_code: 'GL438' }, headers, options);
  assert.equal(otherClient.status, 200, 'series of another customer do not collide');

  const failing = await profiles.shipsy.create(payload, headers, { apiKeyValid: () => { throw new Error('auth down'); } });
  assert.equal(failing.status, 500);
});

test('aBILLity: allocates the next free block under the area code, then the null range', async () => {
  const index = new SeriesIndex();
  const options = { pools: [{ areaCode: '0161', first: '01615550000', last: '01615550999' }], index, stockNumberId: 7 };
  const first = await profiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 600 }, options);
  assert.equal(first.status, 200);
  assert.deepEqual(first.body, { StockNumberID: 7, FirstNumber: '01615550000', LastNumber: '01615550599', AreaCode: '0161', Quantity: 600 });
  assert.equal(first.text, JSON.stringify(first.body, null, 2));
  assert.match(first.xml, /<FirstNumber>01615550000<\/FirstNumber>/);
  const second = await profiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 400 }, { ...options, stockNumberId: 8 });
  assert.equal(second.body.FirstNumber, '01615550600');
  const none = await profiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 1 }, { ...options, stockNumberId: 9 });
  assert.deepEqual([none.status, none.body.FirstNumber, none.body.LastNumber], [200, null, null]);
  assert.match(none.xml, /<FirstNumber i:nil="true" \/>/);

  const notQuote = await profiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 1 }, { ...options, isQuote: async () => false });
  assert.deepEqual([notQuote.status, notQuote.body.Message], [400, 'Order.Status = Only quotes may be updated']);
  const tooMany = await profiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 1001 }, options);
  assert.equal(tooMany.body.Message, 'StockNumber.Quantity = Quantity must be between 1 and 1000.');
  const unknown = await profiles.abillity.stockNumber({ AreaCode: '020', Quantity: 1 }, options);
  assert.equal(unknown.body.Message, 'StockNumber.AreaCode = AreaCode `020` is not valid.');
  assert.deepEqual(profiles.abillity.requests('0161', 2500).map((r) => r.Quantity), [1000, 1000, 500]);
  // The configured maximum: up to the documented 1000, never above it.
  assert.deepEqual(profiles.abillity.requests('0161', 250n, 100).map((r) => r.Quantity), [100, 100, 50]);
  assert.deepEqual(profiles.abillity.requests('0161', 2000, 5000), [{ AreaCode: '0161', Quantity: 1000 }, { AreaCode: '0161', Quantity: 1000 }]);
  for (const bad of [0, -5, 1.5, 'many', null]) {
    assert.throws(() => profiles.abillity.requests('0161', bad), (e) => e instanceof SeriesError && e.code === 'QUANTITY_OUT_OF_RANGE', String(bad));
  }
});

test('aBILLity: the host\'s failures are the documented lines; a save that lost a race looks again', async () => {
  const pools = [{ areaCode: '0161', first: '01615550000', last: '01615550999' }];
  const body = { AreaCode: '0161', Quantity: 10 };
  const message = async (options) => (await profiles.abillity.stockNumber(body, { pools, serviceId: '42', ...options })).body.Message;
  assert.equal(await message({ serviceFound: false }), 'OrderServices.OrderServiceID = OrderServiceID 42 not found');
  assert.equal(await message({ serviceFound: async () => { throw new Error('db down'); } }),
    'OrderServices.OrderServiceID = Error retrieving the Order Service with ID 42.');
  assert.equal(await message({ isQuote: () => Promise.reject(new Error('db down')) }),
    'OrderServices.OrderServiceID = Error retrieving the Order Service with ID 42.');
  assert.equal(await message({ index: async () => { throw new Error('db down'); } }), 'StockNumber.StartRange = Error getting number range.');
  assert.equal(await message({ save: async () => { throw new Error('disk full'); } }), 'StockNumber.ID = Error saving numbers.');

  // Another process holds 01615550000..01615550009, unknown to this process's index
  // until it looks again: the first save is refused, the second takes the next block.
  const elsewhere = [{ id: 1, start: '01615550000', end: '01615550009', scope: '0161' }];
  const attempts = [];
  const saved = [];
  const reply = await profiles.abillity.stockNumber(body, {
    pools, serviceId: '42', stockNumberId: async () => 5,
    index: (area, attempt) => {
      attempts.push([area, attempt]);
      const index = new SeriesIndex();
      if (attempt > 0) index.addMany(elsewhere);
      return index;
    },
    save: async (view) => {
      if (view.first === '01615550000') throw Object.assign(new Error('exclusion'), { code: 'OVERLAP' });
      saved.push(view);
    },
  });
  assert.deepEqual(attempts, [['0161', 0], ['0161', 1]]);
  assert.deepEqual(saved, [{ stockNumberId: 5, areaCode: '0161', quantity: 10, first: '01615550010', last: '01615550019' }]);
  assert.deepEqual([reply.status, reply.body.StockNumberID, reply.body.FirstNumber], [200, 5, '01615550010']);

  // A save that keeps losing gives up with the documented line, and the static index keeps nothing.
  const index = new SeriesIndex();
  const lost = await profiles.abillity.stockNumber(body, { pools, index, save: () => { throw Object.assign(new Error('x'), { code: 'OVERLAP' }); } });
  assert.deepEqual([lost.status, lost.body.Message, index.size], [400, 'StockNumber.ID = Error saving numbers.', 0]);
});

test('CRM.COM: only TRACEABLE physical goods are series item codes', () => {
  const catalog = { status: { code: 'OK' }, data: [
    { id: 'EAC7', product: { code: 'Smartcard 1', alternative_code: 'SC1', product_type: { classification: 'PHYSICALGOODS', physical_good_type: 'TRACEABLE' } } },
    { id: 'E867', product: { code: 'Decoders 1', alternative_code: 'D1', product_type: { classification: 'PHYSICALGOODS', physical_good_type: 'NONTRACEABLE' } } },
  ] };
  assert.equal(profiles.crm.traceableItem(catalog, 'SC1').ok, true);
  assert.deepEqual(profiles.crm.traceableItem(catalog, 'Decoders 1').issues.map((i) => i.code), ['ITEM_CODE_NOT_TRACEABLE']);
  assert.deepEqual(profiles.crm.traceableItem(catalog.data, 'nope').issues.map((i) => [i.code, i.field]), [['ITEM_CODE_UNKNOWN', 'item_code']]);
  assert.deepEqual(profiles.crm.traceableItem(null, undefined).issues.map((i) => i.code), ['ITEM_CODE_REQUIRED']);
});
