// The public API as a Node ESM user imports it: `import ... from 'seriesguard'`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSeries, countSeries, parseSerial, SeriesError } from 'seriesguard';

const codes = (v) => v.issues.map((i) => i.code);

test('counts are exact bigints, for any size', () => {
  assert.equal(countSeries('V10000051', 'V10000060'), 10n);
  assert.equal(countSeries('00000000000000000001', '99999999999999999999'), 99999999999999999999n);
  assert.equal(countSeries('0'.repeat(38), '9'.repeat(38)), 10n ** 38n);
  assert.equal(countSeries('89440012345678901234', '89440012345678909999'), 8766n);
  assert.equal(countSeries(' V9 ', 'V12'), 4n);
});

test('39 digits give a coded error that names the limit', () => {
  assert.throws(() => countSeries('9'.repeat(39), '9'.repeat(39)), (e) => {
    assert.ok(e instanceof SeriesError);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'SeriesError');
    assert.equal(e.code, 'START_INVALID');
    assert.equal(e.field, 'start');
    assert.match(e.message, /at most 38/);
    assert.deepEqual(e.details.issues.map((i) => i.code), ['START_INVALID', 'END_INVALID']);
    return true;
  });
});

test('a reversed series is START_AFTER_END on the end field', () => {
  const v = validateSeries({ start: 'V10000060', end: 'V10000051' });
  assert.equal(v.ok, false);
  assert.equal(v.count, null);
  assert.deepEqual(v.issues, [
    { code: 'START_AFTER_END', field: 'end', message: 'start V10000060 is after end V10000051' },
  ]);
});

test('a reversed series answers alike on the one-pass path (built from the core\'s template) and the general path', async () => {
  const { validateMany } = await import('seriesguard');
  for (const [start, end] of [['V10000060', 'V10000051'], ['12', '9'], ['AB-0130-X', 'AB-0123-X'], ['V1000000000000000000', 'V0999999999999999999']]) {
    // Spaces around an end take the general path, which trims them and reports the normalized ends.
    const general = validateSeries({ start: ` ${start}`, end: `${end} ` });
    assert.deepEqual(general.issues.map((i) => i.code), ['START_AFTER_END']);
    assert.equal(general.issues[0].message, `start ${start} is after end ${end}`);
    assert.deepEqual(validateSeries({ start, end }), general);
    assert.deepEqual(validateMany([{ start, end }, { start: ` ${start}`, end }]), [general, general]);
  }
});

test('an empty input reports both required fields at once', () => {
  assert.deepEqual(codes(validateSeries({})), ['START_REQUIRED', 'END_REQUIRED']);
  assert.deepEqual(codes(validateSeries(undefined)), ['START_REQUIRED', 'END_REQUIRED']);
  assert.deepEqual(codes(validateSeries({ start: '  ', end: null })), ['START_REQUIRED', 'END_REQUIRED']);
});

test('a valid series answers ok with count and normalized ends', () => {
  assert.deepEqual(validateSeries({ start: ' V10000051', end: 'V10000060 ', item_code: 'P7WJEJANkt' }), {
    ok: true,
    count: 10n,
    issues: [],
    start: 'V10000051',
    end: 'V10000060',
  });
});

test('each rule has its code', () => {
  const table = [
    [{ start: 'V1', end: 'W2' }, undefined, ['PREFIX_MISMATCH']],
    [{ start: 'AB-01-X', end: 'AB-09-Y' }, undefined, ['SUFFIX_MISMATCH']],
    [{ start: 'V0001', end: 'V00010' }, undefined, ['WIDTH_MISMATCH']],
    [{ start: '100000025', end: '1000000035' }, { width: 10, numericOnly: true }, ['WIDTH_MISMATCH']],
    [{ start: 'C1000000025', end: '1000000035' }, { numericOnly: true }, ['START_INVALID', 'PREFIX_MISMATCH']],
    [{ start: 'X1', end: 'X2' }, { prefix: 'V' }, ['PREFIX_MISMATCH', 'PREFIX_MISMATCH']],
    [{ start: '1', end: '1001' }, { maxCount: 1000 }, ['RANGE_TOO_LARGE']],
    [{ start: '1', end: '1001' }, { maxCount: 1001n }, []],
    [{ start: '1', end: '2' }, { maxCount: '99999999999999999999999' }, []],
    [{ start: '１', end: '٢' }, undefined, ['START_INVALID', 'END_INVALID']],
  ];
  for (const [input, rules, want] of table) {
    assert.deepEqual(codes(validateSeries(input, rules)), want, JSON.stringify(input));
  }
});

test('a too-large series still shows its count', () => {
  const v = validateSeries({ start: '1', end: '1001' }, { maxCount: 1000 });
  assert.equal(v.ok, false);
  assert.equal(v.count, 1001n);
  assert.equal(v.issues[0].field, 'end');
});

test('parseSerial splits real identifiers', () => {
  assert.deepEqual(parseSerial('AB-000123-X'), { text: 'AB-000123-X', prefix: 'AB-', body: '000123', width: 6, suffix: '-X' });
  assert.deepEqual(parseSerial('89440012345678901234').body, '89440012345678901234');
  assert.deepEqual(parseSerial('02012345675', { prefix: '020' }).body, '12345675');
  assert.throws(() => parseSerial(''), { name: 'SeriesError', code: 'SERIAL_REQUIRED', field: 'serial' });
  assert.throws(() => parseSerial('V\u00a012'), { code: 'SERIAL_INVALID' });
  assert.throws(() => parseSerial('V12', { width: 3 }), { code: 'WIDTH_MISMATCH' });
});

test('rules are read on every call: a mutated rules object is seen', async () => {
  const rules = { width: 2 };
  assert.deepEqual(validateSeries({ start: 'V1', end: 'V5' }, rules).issues.map((i) => i.code), ['WIDTH_MISMATCH', 'WIDTH_MISMATCH']);
  rules.width = 1;
  assert.equal(validateSeries({ start: 'V1', end: 'V5' }, rules).ok, true);
  assert.equal(validateSeries({ start: 'V1', end: 'V5' }, { width: 1 }).ok, true);
  assert.equal(validateSeries({ start: 'V1', end: 'V5' }, { width: 2 }).ok, false, 'an inline object with other values');
  assert.equal(validateSeries({ start: 'V1', end: 'V5' }, 'width 2').issues[0].code, 'RULES_INVALID');
});

test('every path answers alike: ASCII fast path, non-ASCII, long and trimmed input', async () => {
  const { validateMany } = await import('seriesguard');
  const cases = [
    { start: 'V10000051', end: 'V10000060' },
    { start: ' V10000051 ', end: 'V10000060' },
    { start: 'V1000005１', end: 'V10000060' },
    { start: 'V' + '1'.repeat(200), end: 'V' + '2'.repeat(200) },
    { start: '0'.repeat(38), end: '9'.repeat(38) },
    { start: 'V10000060', end: 'V10000051' },
  ];
  const many = validateMany(cases);
  assert.equal(many.length, cases.length);
  cases.forEach((input, i) => assert.deepEqual(validateSeries(input), many[i], JSON.stringify(input)));
  assert.deepEqual(many[1], { ok: true, count: 10n, issues: [], start: 'V10000051', end: 'V10000060' });
  assert.equal(many[2].issues[0].code, 'START_INVALID');
  assert.equal(many[4].count, 10n ** 38n);
  assert.throws(() => validateMany('no'), { code: 'INPUT_INVALID' });
  assert.deepEqual(validateMany([]), []);
});

test('validateMany answers as validateSeries does, item by item, on random data and rules', async () => {
  const { validateMany } = await import('seriesguard');
  let seed = 23;
  const next = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
  const prefixes = ['', 'V', 'AB-', ' V', 'Ｖ', '020'];
  const suffixes = ['', 'X', '-GB', ' '];
  const digits = (n, width) => (next(4) ? String(n).padStart(width, '0') : String(n));
  const ends = () => {
    const [prefix, suffix] = [prefixes[next(prefixes.length)], suffixes[next(suffixes.length)]];
    const width = 1 + next(24);
    const a = BigInt(next(2 ** 30)) * BigInt(1 + next(2 ** 20));
    const b = a + BigInt(next(2000)) - 500n;
    const end = next(8) ? `${prefix}${digits(b < 0n ? 0n : b, width)}${suffix}` : `W${digits(b < 0n ? 0n : b, width)}`;
    return { start: `${prefix}${digits(a, width)}${suffix}`, end };
  };
  const odd = [{}, null, { start: 5, end: 'V1' }, { start: 'V1', end: 10n }, 'V1', { start: 'V1' }, 7, [], () => 1];
  const ruleSets = [undefined, { width: 8 }, { maxCount: 100 }, { numericOnly: true }, { width: 0 }, { scheme: 'luhn' }];
  for (const rules of ruleSets) {
    const inputs = Array.from({ length: 400 }, () => (next(10) ? ends() : odd[next(odd.length)]));
    const many = validateMany(inputs, rules);
    assert.equal(many.length, inputs.length);
    const shown = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
    inputs.forEach((input, i) => assert.deepEqual(many[i], validateSeries(input, rules), `${shown(input)} ${shown(rules)}`));
    if (rules === undefined) {
      // The generator reaches both one-pass answers and the general path.
      assert.ok(many.filter((v) => v.ok).length > 40);
      assert.ok(many.filter((v) => v.issues.some((issue) => issue.code === 'START_AFTER_END')).length > 20);
      assert.ok(many.filter((v) => v.issues.some((issue) => issue.code === 'INPUT_INVALID')).length > 0);
    }
  }
});

test('answers stay right across wasm memory growth (cached views are renewed)', async () => {
  const { SeriesIndex, memoryBytes, morHash } = await import('seriesguard');
  const before = validateSeries({ start: 'V10000060', end: 'V10000051' });
  const index = new SeriesIndex();
  const hash = morHash(['1', '2'], 'secret');
  const start = memoryBytes();
  // Grow wasm memory between calls that read answers and write arguments in place.
  for (let round = 0; round < 8 && memoryBytes() === start; round++) {
    index.addMany(Array.from({ length: 200_000 }, (_, i) => ({ id: round * 200_000 + i, start: `W${String(round * 4_000_000 + i * 20).padStart(9, '0')}`, end: `W${String(round * 4_000_000 + i * 20 + 9).padStart(9, '0')}` })));
  }
  assert.ok(memoryBytes() > start, 'memory grew');
  assert.deepEqual(validateSeries({ start: 'V10000060', end: 'V10000051' }), before);
  assert.equal(validateSeries({ start: 'V10000051', end: 'V10000060' }).count, 10n);
  assert.equal(morHash(['1', '2'], 'secret'), hash);
  assert.equal(index.hasOverlap({ start: 'W000000005', end: 'W000000006' }), true);
  assert.deepEqual(index.overlaps({ start: 'W000000005', end: 'W000000006' }).map((c) => c.id), [0]);
  index.free();
});
