// Hostile values from JS into every exported function. Each answer must be a
// coded Validation issue or a SeriesError (never a TypeError, a trap or a
// hang), and afterwards the module must still answer correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit,
  morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries,
  SeriesIndex, SeriesBook, MemoryStore, profiles, SeriesError,
} from 'seriesguard/server';

const book = new SeriesBook(new MemoryStore());

const index = new SeriesIndex();
index.add({ id: 'S1', start: 'V10000051', end: 'V10000060' });

const throwing = Object.defineProperty({}, 'start', { get() { throw new Error('boom'); } });
const proxy = new Proxy({}, { get() { throw new Error('trap'); } });
const cyclic = {}; cyclic.start = cyclic;

const hostile = [
  undefined, null, true, false, 0, -0, 1, -1, 1.5, -2.25, NaN, Infinity, -Infinity,
  Number.MAX_SAFE_INTEGER, 2 ** 64, 1e300, 0n, -1n, 10n ** 40n, -(10n ** 40n),
  Symbol('s'), Symbol.for('t'), () => 'V1', function named() {}, class K {},
  [], ['V1', 'V2'], [[]], {}, { start: {} }, { valueOf: () => 'V1' }, { toString: () => 'V1' },
  new Date(0), /V1/, new Map(), new Set(), new Uint8Array(4), new ArrayBuffer(8), Promise.resolve('V1'),
  new String('V1'), Object.create(null), throwing, proxy, cyclic,
  '', ' ', '\t\n', '\0', 'V\0' + '1', 'V1\u0000', '\u200f123', '\u202eV1', 'V\u0301' + '1',
  '１２３', '٠١٢', '۱۲۳', '१२३', '\ud800', 'V\udc001', '\ufeffV1', 'V' + '\u00a0' + '1',
  '9'.repeat(39), 'V'.repeat(129), 'V1'.repeat(500_000), '1'.repeat(1 << 20), '💥1',
  '-1', '+1', '1e5', '0x10', 'Infinity', 'NaN', '__proto__', 'constructor',
];

function isCodedIssue(issue) {
  return typeof issue.code === 'string' && /^[A-Z_]+$/.test(issue.code)
    && typeof issue.field === 'string' && typeof issue.message === 'string' && issue.message.length > 0;
}

function expectCodedOrAnswer(fn) {
  try {
    return fn();
  } catch (error) {
    assert.ok(error instanceof SeriesError, `not a SeriesError: ${error}`);
    assert.ok(isCodedIssue(error), `uncoded error: ${error.code}`);
    return undefined;
  }
}

function stillAnswers() {
  assert.equal(countSeries('V10000051', 'V10000060'), 10n);
  assert.equal(verifyCheckDigit('s10', 'RR473124829GB'), true);
  assert.equal(morHash(['1', '1000000025', '1000000035'], 'secret'), '7e112ededcfee097cce21b6201c6d2a00dda1f4c');
  assert.deepEqual(index.overlaps({ start: 'V10000060', end: 'V10000070' }).map((c) => c.id), ['S1']);
  assert.equal(index.entries()[0].id, 'S1');
  assert.deepEqual(validateSeries({ start: 'V10000060', end: 'V10000051' }).issues.map((i) => i.code), ['START_AFTER_END']);
}

test(`${hostile.length} hostile values in every position get coded answers`, () => {
  assert.ok(hostile.length >= 50);
  for (const value of hostile) {
    for (const input of [value, { start: value, end: 'V2' }, { start: 'V1', end: value }]) {
      const v = validateSeries(input);
      assert.equal(typeof v.ok, 'boolean');
      assert.ok(v.ok === (v.issues.length === 0));
      v.issues.forEach((issue) => assert.ok(isCodedIssue(issue), JSON.stringify(issue)));
      assert.ok(v.count === null || typeof v.count === 'bigint');
    }
    const rulesAnswer = validateSeries({ start: 'V1', end: 'V2' }, value);
    rulesAnswer.issues.forEach((issue) => assert.ok(isCodedIssue(issue)));
    for (const rules of [value, { width: value }, { prefix: value }, { maxCount: value }, { numericOnly: value }]) {
      expectCodedOrAnswer(() => countSeries('V1', 'V2', rules));
    }
    expectCodedOrAnswer(() => countSeries(value, 'V2'));
    expectCodedOrAnswer(() => countSeries('V1', value));
    expectCodedOrAnswer(() => parseSerial(value));
    expectCodedOrAnswer(() => parseSerial('V1', value));
    expectCodedOrAnswer(() => parseSerial('V1', { scheme: value, format: value }));
    for (const scheme of ['luhn', 's10', 'awb', value]) {
      const digit = expectCodedOrAnswer(() => checkDigit(scheme, value));
      assert.ok(digit === undefined || /^[0-9]$/.test(digit));
      const verdict = expectCodedOrAnswer(() => verifyCheckDigit(scheme, value));
      assert.ok(verdict === undefined || typeof verdict === 'boolean');
    }
    for (const call of [
      () => morHash([value], 'secret'), () => morHash(value, value), () => morHash(['1', value], 'secret'),
      () => verifyMorHash(['1'], 'secret', value), () => verifyMorHash(value, 'secret', 'ab'),
      () => hmacSha256(value, 'm'), () => hmacSha256('k', value), () => hmacSha256('k', 'm', value),
      () => verifyHmacSha256('k', 'm', value), () => verifyHmacSha256(value, value, value),
      () => fingerprint(value), () => fingerprint({ start: 'V1', end: 'V2', item_code: value, type: value }),
      () => fingerprint({ start: value, end: 'V2' }, value),
      () => validateMany(value), () => validateMany([value, { start: value, end: value }], value),
      () => splitSeries(value, 'V9', value), () => splitSeries('V1', 'V9', value, value),
      () => index.add(value), () => index.add({ id: value, start: 'W1', end: 'W2', scope: value }),
      () => index.add({ id: 'h', start: value, end: 'W2' }), () => index.addMany(value), () => index.addMany([value, { id: value }]),
      () => index.overlaps(value), () => index.overlaps({ start: value, end: value, scope: value }),
      () => index.hasOverlap(value), () => index.hasOverlap({ start: 'V10000051', end: 'V10000052', scope: value }),
      () => index.gaps(value), () => index.plan({ start: value }), () => index.remove(value),
      () => index.allocate(value, value, value), () => index.allocate({ width: value, first: value, last: value }, 1),
      () => book.prepare(value), () => book.prepare({ id: value, start: 'V1', end: 'V2', scope: value, item_code: value, type: value }),
      () => new SeriesBook(value, value), () => new SeriesBook({ overlapping: value, insert: value }),
      () => index.loadJSON(value), () => SeriesIndex.fromJSON(value), () => new SeriesIndex(value, value),
      () => SeriesIndex.fromBytes(value, value), () => SeriesIndex.fromBytes(index.toBytes(), value),
    ]) {
      expectCodedOrAnswer(call);
    }
    stillAnswers();
  }
});

test('book.create answers hostile requests with coded rejections', async () => {
  for (const value of hostile) {
    for (const request of [value, { id: value, start: value, end: 'V2' }, { start: 'V1', end: 'V2', type: value, item_code: value }]) {
      try {
        await book.create(request);
      } catch (error) {
        assert.ok(error instanceof SeriesError && isCodedIssue(error), String(error));
      }
    }
  }
  assert.equal((await book.create({ start: 'Q1', end: 'Q2' })).count, 2n);
});

test('profiles answer hostile requests with documented replies, never a crash', async () => {
  for (const value of hostile) {
    const shipsy = await profiles.shipsy.create(value, { authorization: 'Basic k' }, { apiKeyValid: () => true });
    assert.ok([400, 401].includes(shipsy.status) && typeof shipsy.body.error.reason === 'string');
    const shipsyFields = await profiles.shipsy.create({ client_code: value, hub_code: value, start: value, end: value, item_code: value, type: value }, { authorization: value }, value);
    assert.ok([200, 400, 401, 500].includes(shipsyFields.status));
    const mor = await profiles.mor.cardsCreate({ u: 'admin', card_group_id: value, cards_from: value, cards_till: value, hash: value }, { secret: 'secret', group: { id: value, numberLength: value } });
    assert.equal(mor.ok, false);
    assert.match(mor.xml, /<error>[^<]+<\/error>/);
    try {
      const stock = await profiles.abillity.stockNumber({ AreaCode: value, Quantity: value }, { pools: value, isQuote: value, maxQuantity: value });
      assert.ok([200, 400].includes(stock.status));
    } catch (error) {
      assert.equal(error.code, 'STORE_FAILED', 'only a host callback that throws may reject');
    }
    assert.equal(typeof profiles.crm.traceableItem(value, value).ok, 'boolean');
    const form = profiles.shipsy.validate({ client_code: value, service_types: value, start: value, end: value, item_code: value, type: value }, value);
    assert.ok(form.issues.every(isCodedIssue));
    assert.equal(profiles.shipsy.validate(value).ok, false);
  }
  stillAnswers();
});

test('non-string identifiers are refused by type, not coerced', () => {
  for (const value of [1, 10n, new String('V1'), { toString: () => 'V1' }, ['V1']]) {
    const v = validateSeries({ start: value, end: 'V2' });
    assert.equal(v.issues[0].code, 'START_INVALID');
    assert.match(v.issues[0].message, /must be a string/);
  }
});

test('a getter or proxy that throws is reported, not propagated', () => {
  assert.equal(validateSeries(throwing).issues[0].code, 'START_INVALID');
  assert.deepEqual(validateSeries(proxy).issues.map((i) => i.code), ['START_INVALID', 'END_INVALID']);
  assert.equal(validateSeries({ start: 'V1', end: 'V2' }, proxy).issues[0].code, 'RULES_INVALID');
  stillAnswers();
});

test('inputs that are not objects are INPUT_INVALID', () => {
  for (const value of [42, 'V1', true, 5n, Symbol('x'), () => 1, [1, 2]]) {
    assert.deepEqual(validateSeries(value).issues.map((i) => i.code), ['INPUT_INVALID']);
  }
});

test('a 1 MB string is refused quickly and by its length', () => {
  const v = validateSeries({ start: '1'.repeat(1 << 20), end: 'V2' });
  assert.equal(v.issues[0].code, 'START_INVALID');
  assert.match(v.issues[0].message, /at most 128/);
});

test('a polluted Object.prototype changes nothing: only own, given fields count', () => {
  const keys = ['start', 'end', 'width', 'prefix', 'maxCount', 'format', 'scheme', 'id', 'scope', 'item_code', 'type'];
  const clean = validateSeries({ start: 'V10000051', end: 'V10000060' }, {});
  try {
    for (const key of keys) Object.prototype[key] = key === 'width' ? 3 : '\u0000polluted';
    const polluted = validateSeries({ start: 'V10000051', end: 'V10000060' }, {});
    // Inherited keys are read like any property access would (JS semantics);
    // whatever they hold, the answer is coded and the module keeps working.
    polluted.issues.forEach((issue) => assert.ok(isCodedIssue(issue)));
    assert.equal(typeof polluted.ok, 'boolean');
  } finally {
    for (const key of keys) delete Object.prototype[key];
  }
  assert.deepEqual(validateSeries({ start: 'V10000051', end: 'V10000060' }, {}), clean);
  stillAnswers();
});
