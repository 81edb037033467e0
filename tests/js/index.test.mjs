// SeriesIndex from JS: the scenario, allocation, bulk loads,
// snapshots, and coded errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeriesIndex, SeriesError, splitSeries, validateSeries } from 'seriesguard';

test('overlap, plan and acceptance around V10000051..V10000060', () => {
  const index = new SeriesIndex();
  index.add({ id: 'S1', start: 'V10000051', end: 'V10000060' });
  const query = { start: 'V10000055', end: 'V10000070' };
  assert.deepEqual(index.overlaps(query), [{ id: 'S1', start: 'V10000055', end: 'V10000060', count: 6n }]);
  assert.equal(index.hasOverlap(query), true);
  assert.deepEqual(index.plan(query), {
    create: [{ start: 'V10000061', end: 'V10000070', count: 10n }],
    skipped: [{ id: 'S1', start: 'V10000055', end: 'V10000060', count: 6n }],
    created: 10n,
    requested: 16n,
  });
  assert.deepEqual(index.gaps(query), [{ start: 'V10000061', end: 'V10000070', count: 10n }]);
  assert.throws(() => index.add({ id: 'S2', ...query }), (e) => e instanceof SeriesError
    && e.code === 'OVERLAP' && e.field === 'series'
    && e.details.conflicts.length === 1 && e.details.conflicts[0].id === 'S1'
    && e.details.conflicts[0].start === 'V10000055');
  index.add({ id: 'S2', start: 'V10000061', end: 'V10000070' });
  index.add({ id: 3, start: 'V10000050', end: 'V10000050' });
  assert.equal(index.size, 3);
  assert.equal(index.hasOverlap({ start: 'V10000071', end: 'V10000080' }), false);
  assert.deepEqual(index.entries().map((e) => e.id), [3, 'S1', 'S2']);
  index.free();
});

test('allocate under an area code: first free block, or null', () => {
  const index = new SeriesIndex();
  const pool = { width: 7, first: '4960000', last: '4960099', scope: '0161' };
  index.add({ id: 'taken', start: '4960000', end: '4960009', scope: '0161' });
  index.add({ id: 'other-area', start: '4960010', end: '4960019', scope: '020' });
  assert.deepEqual(index.allocate(pool, 5, 'order-1'), { start: '4960010', end: '4960014', count: 5n });
  assert.deepEqual(index.allocate(pool, 5), { start: '4960015', end: '4960019', count: 5n }, 'a quote does not reserve');
  assert.equal(index.allocate(pool, 86), null);
  assert.deepEqual(index.allocate(pool, 85), { start: '4960015', end: '4960099', count: 85n });
  assert.throws(() => index.allocate(pool, 0), { code: 'QUANTITY_OUT_OF_RANGE' });
  assert.throws(() => index.allocate({ width: 'seven' }, 1), { code: 'POOL_INVALID' });
});

test('conflicts are real identifiers: prefix, padding, suffix and check digit restored', () => {
  const index = new SeriesIndex({ format: 's10' });
  index.add({ id: 'lot-1', start: 'RR473124829GB', end: 'RR473124996GB' });
  assert.deepEqual(index.overlaps({ start: 'RR473124832GB', end: 'RR473125002GB' }), [
    { id: 'lot-1', start: 'RR473124832GB', end: 'RR473124996GB', count: 17n },
  ]);
  const padded = new SeriesIndex();
  padded.add({ id: 1, start: 'AB-000100-X', end: 'AB-000200-X' });
  assert.equal(padded.overlaps({ start: 'AB-000050-X', end: 'AB-000120-X' })[0].start, 'AB-000100-X');
});

test('addMany crosses once, all or none, and reports collisions among the new series', () => {
  const index = new SeriesIndex();
  const batch = Array.from({ length: 1000 }, (_, i) => ({ id: i, start: String(10000 + i * 10), end: String(10000 + i * 10 + 9) }));
  index.addMany(batch);
  assert.equal(index.size, 1000);
  assert.throws(() => index.addMany([{ id: 'x', start: '90000', end: '90005' }, { id: 'y', start: '90005', end: '90010' }]),
    (e) => e.code === 'OVERLAP' && e.details.conflicts[0].id === 'x');
  assert.equal(index.size, 1000, 'the failed batch left nothing');
  assert.throws(() => index.addMany([{ id: 'z', start: 'V2', end: 'V1' }]), { code: 'START_AFTER_END' });
  assert.throws(() => index.addMany('not a list'), { code: 'INPUT_INVALID', field: 'series' });
  assert.throws(() => index.addMany([{ id: 'w', start: 'V1\x1eV2', end: 'V3' }]), { code: 'START_INVALID' });
});

test('addMany packs into wasm memory: a host getter that calls the package meanwhile changes nothing', () => {
  const series = (i) => ({ id: i, start: `V${10000000 + i * 20}`, end: `V${10000000 + i * 20 + 9}` });
  const plain = Array.from({ length: 3000 }, (_, i) => series(i));
  const expected = new SeriesIndex();
  for (const s of plain) expected.add(s);
  const other = new SeriesIndex();
  let calls = 0;
  // Every 500th item's start is read through a getter that validates,
  // queries (the scratch buffer), loads another index (the bulk buffer,
  // re-entered) and grows wasm memory, which detaches the packer's view.
  const hostile = plain.map((s, i) => (i % 500 === 0 ? {
    ...s,
    get start() {
      calls++;
      assert.equal(validateSeries({ start: 'V1', end: 'V9' }).count, 9n);
      other.hasOverlap({ start: 'V1', end: 'V2' });
      const grown = new SeriesIndex();
      grown.addMany(Array.from({ length: 20000 }, (_, j) => ({ id: `g${calls}-${j}`, start: `W${j * 10 + 100000}`, end: `W${j * 10 + 100005}` })));
      assert.equal(grown.size, 20000);
      grown.free();
      return s.start;
    },
  } : s));
  const index = new SeriesIndex();
  index.addMany(hostile);
  assert.equal(calls, 6);
  assert.deepEqual(index.entries(), expected.entries());
  // Records longer than the packer's first guess (32 bytes each) make the
  // bulk buffer grow; non-ASCII scopes go field by field.
  const long = Array.from({ length: 2000 }, (_, i) => ({ id: `card-group-${'x'.repeat(i % 200)}-${i}`, start: `V${10000000 + i * 20}`, end: `V${10000000 + i * 20 + 9}`, scope: i % 7 === 0 ? 'área-ñ' : 'hub' }));
  const loaded = new SeriesIndex();
  loaded.addMany(long);
  const one = new SeriesIndex();
  for (const s of long) one.add(s);
  assert.deepEqual(loaded.entries(), one.entries());
  assert.equal(loaded.size, 2000);
});

test('a load read in parts keeps a series a host getter stores in the same index meanwhile, whether it succeeds or not', () => {
  const n = 70000; // more than one part
  const list = (clash) => Array.from({ length: n }, (_, i) => {
    const s = { id: `L${i}`, start: `V${10000000 + i * 20}`, end: `V${10000000 + i * 20 + 9}` };
    if (i === n - 1 && clash) s.start = s.end = 'V10000005'; // collides with L0, in the last part
    if (i !== 66000) return s;
    return { ...s, get start() { index.add({ id: `nested-${clash}`, start: `W${clash ? 2 : 1}`, end: `W${clash ? 2 : 1}` }); return s.start; } };
  });
  const index = new SeriesIndex();
  assert.throws(() => index.addMany(list(true)), { code: 'OVERLAP' });
  assert.deepEqual(index.entries(), [{ id: 'nested-true', start: 'W2', end: 'W2', scope: '', count: 1n }]);
  index.addMany(list(false));
  assert.equal(index.size, n + 2);
  assert.deepEqual(index.overlaps({ start: 'W1', end: 'W2' }).map((c) => c.id), ['nested-false', 'nested-true']);
  assert.deepEqual(index.overlaps({ start: 'V10000000', end: 'V10000000' }).map((c) => c.id), ['L0']);
});

// addMany reads the common record (a small integer id, ASCII ends of one
// width, an ASCII scope or none) straight into the load, and any other
// through the general reading; add() reads the object itself. Each series
// must come out the same either way: stored alike, or refused with the
// same error. The values sit on both sides of every condition of the
// direct reading (src/wasm/index.rs plain_record).
test('addMany stores or refuses each series exactly as add does, on random series at the edges of the direct reading', () => {
  let seed = 11;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const pick = (values) => values[next(values.length)];
  const ids = [0, 7, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 1.5, -1, NaN, '7', 'card group', '', 12n, null];
  const scopes = [undefined, null, '', 'hub:A', '  hub:A ', 'x'.repeat(256), 'x'.repeat(257), 'hübA', 'ＧＬ438', 7, 'a\x1fb'];
  const rulesList = [undefined, { maxCount: 5 }, { prefix: 'V' }, { format: 'awb' }];
  const ends = () => {
    const width = pick([1, 4, 8, 20]);
    const at = next(10 ** Math.min(width, 6));
    const body = (n, w = width) => String(n).padStart(w, '0');
    const count = pick([0, 3, 9, -2]);
    return pick([
      [`V${body(at)}`, `V${body(at + count)}`],
      [`V${body(at)}X`, `V${body(at + count)}X`],
      [`V${body(at)}`, `W${body(at + count)}`],
      [`V${body(at)}`, `V${body(at + count, width + 1)}`],
      [`V9`, `V12`],
      [body(at), body(at + count)],
      [`v${body(at)}`, `V${body(at + count)}`],
      [`V${body(at)}`, 12],
      [`V${body(at)}é`, `V${body(at + count)}é`],
      ['', `V${body(at)}`],
    ]);
  };
  const outcome = (fn) => {
    try {
      fn();
      return 'stored';
    } catch (e) {
      assert.ok(e instanceof SeriesError, String(e));
      return JSON.stringify({ code: e.code, field: e.field, message: e.message, details: e.details }, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    }
  };
  let stored = 0;
  for (let i = 0; i < 3000; i++) {
    const rules = pick(rulesList);
    const [start, end] = ends();
    const series = { id: pick(ids), start, end, scope: pick(scopes) };
    const one = new SeriesIndex(rules);
    const many = new SeriesIndex(rules);
    const single = outcome(() => one.add(series));
    assert.equal(outcome(() => many.addMany([series])), single, JSON.stringify(series, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    assert.deepEqual(many.entries(), one.entries());
    if (single === 'stored') stored++;
  }
  // Both sides of the direct reading are exercised.
  assert.ok(stored > 300 && stored < 2700, `${stored} stored`);
});

// A conflict that is only numbers (a numeric id, the query inside the
// stored range, a count below 2^53) crosses as numbers, any other as text
// (src/wasm/index.rs push_overlaps): both must read back alike, one by
// one and in bulk, also after wasm memory grew between two answers.
test('overlaps reads conflicts crossing as numbers and as text alike, one by one and in bulk', () => {
  const index = new SeriesIndex();
  index.addMany([
    { id: 7, start: 'V100', end: 'V199' },
    { id: 'text-id', start: 'V300', end: 'V399' },
    { id: 3, start: `W${'0'.repeat(20)}`, end: `W${'9'.repeat(20)}` },
    { id: 2 ** 31 - 1, start: 'X1', end: 'X5', scope: 'hub:A' },
    { id: 9, start: 'Y1', end: 'Y9', scope: 'hüb' },
  ]);
  const cases = [
    [{ start: 'V150', end: 'V160' }, [{ id: 7, start: 'V150', end: 'V160', count: 11n }]],
    [{ start: 'V310', end: 'V320' }, [{ id: 'text-id', start: 'V310', end: 'V320', count: 11n }]],
    [{ start: 'V190', end: 'V210' }, [{ id: 7, start: 'V190', end: 'V199', count: 10n }]],
    [{ start: 'V150', end: 'V350' }, [{ id: 7, start: 'V150', end: 'V199', count: 50n }, { id: 'text-id', start: 'V300', end: 'V350', count: 51n }]],
    [{ start: `W${'0'.repeat(19)}1`, end: `W${'9'.repeat(19)}8` }, [{ id: 3, start: `W${'0'.repeat(19)}1`, end: `W${'9'.repeat(19)}8`, count: 10n ** 20n - 2n }]],
    [{ start: `W${'0'.repeat(19)}1`, end: `W${'0'.repeat(19)}9` }, [{ id: 3, start: `W${'0'.repeat(19)}1`, end: `W${'0'.repeat(19)}9`, count: 9n }]],
    [{ start: 'X2', end: 'X3', scope: 'hub:A' }, [{ id: 2 ** 31 - 1, start: 'X2', end: 'X3', count: 2n }]],
    [{ start: 'X2', end: 'X3' }, []],
    [{ start: 'V250', end: 'V260' }, []],
    // Not ASCII: written as strings, not into the scratch buffer.
    [{ start: 'Y2', end: 'Y3', scope: 'hüb' }, [{ id: 9, start: 'Y2', end: 'Y3', count: 2n }]],
    [{ start: 'Y2', end: 'Y3', scope: 'hüb2' }, []],
  ];
  for (const [query, expected] of cases) assert.deepEqual(index.overlaps(query), expected, JSON.stringify(query));
  assert.deepEqual(index.overlapsMany(cases.map(([query]) => query)), cases.map(([, expected]) => expected));
  assert.throws(() => index.overlaps({ start: 'V9', end: 'V1' }), { code: 'START_AFTER_END' });
  const many = index.overlapsMany([{ start: 'V9', end: 'V1' }, cases[0][0], cases[2][0]]);
  assert.ok(many[0] instanceof SeriesError);
  assert.deepEqual(many.slice(1), [cases[0][1], cases[2][1]]);
  // Wasm memory grows between answers: the views read from are renewed.
  const grown = new SeriesIndex();
  for (let round = 0; round < 3; round++) {
    assert.deepEqual(index.overlaps(cases[0][0]), cases[0][1]);
    grown.addMany(Array.from({ length: 100_000 }, (_, i) => ({ id: i, start: `Z${round}${String(i * 10).padStart(8, '0')}`, end: `Z${round}${String(i * 10 + 5).padStart(8, '0')}` })));
    assert.deepEqual(index.overlaps(cases[4][0]), cases[4][1]);
  }
  grown.free();
});

test('snapshots round-trip through JSON, serials as decimal strings', () => {
  const index = new SeriesIndex(undefined, { mergeAdjacent: true });
  index.add({ id: 'g1', start: '89440012345678901234', end: '89440012345678901300' });
  index.add({ id: 'g1', start: '89440012345678901301', end: '89440012345678901400' });
  index.add({ id: 7, start: 'V9', end: 'V12', scope: 'client "A"' });
  assert.equal(index.size, 3, 'touching ranges of g1 merged; V9..V12 is two segments');
  const json = JSON.stringify(index);
  assert.match(json, /"89440012345678901234","89440012345678901400","g1"/);
  const copy = SeriesIndex.fromJSON(json);
  assert.deepEqual(copy.entries(), index.entries());
  assert.deepEqual(copy.stats(), index.stats());
  assert.equal(copy.stats().numbers, 167n + 4n);
  assert.throws(() => SeriesIndex.fromJSON('{"format":"other"}'), { code: 'SNAPSHOT_INVALID' });
  assert.throws(() => SeriesIndex.fromJSON('not json'), { code: 'SNAPSHOT_INVALID' });
  const bad = JSON.parse(json);
  bad.pools[0].ranges[0] = ['5', '1', 'x'];
  assert.throws(() => SeriesIndex.fromJSON(bad), { code: 'SNAPSHOT_INVALID' });
});

test('binary snapshots round-trip (numeric and text ids, mergeAdjacent, formats) and refuse changed bytes', () => {
  const index = new SeriesIndex(undefined, { mergeAdjacent: true });
  index.add({ id: 'g1', start: '89440012345678901234', end: '89440012345678901300' });
  index.add({ id: 'g1', start: '89440012345678901301', end: '89440012345678901400' });
  index.add({ id: 7, start: 'V9', end: 'V12', scope: 'client "A"' });
  index.add({ id: 2 ** 31 - 1, start: 'V100', end: 'V100' });
  const bytes = index.toBytes();
  assert.ok(bytes instanceof Uint8Array);
  const copy = SeriesIndex.fromBytes(bytes);
  assert.deepEqual(copy.entries(), index.entries());
  assert.equal(typeof copy.entries().find((e) => e.start === 'V100').id, 'number', 'numeric ids stay numbers');
  assert.deepEqual([...copy.toBytes()], [...bytes], 'written again, byte for byte');
  // mergeAdjacent travels with the snapshot: a touching range of g1 merges into the copy.
  copy.add({ id: 'g1', start: '89440012345678901401', end: '89440012345678901401' });
  assert.equal(copy.size, index.size);
  // ArrayBuffer and other views are read as their bytes; anything else is no snapshot.
  assert.equal(SeriesIndex.fromBytes(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)).size, index.size);
  assert.equal(SeriesIndex.fromBytes(new DataView(bytes.buffer, bytes.byteOffset, bytes.length)).size, index.size);
  for (const value of [undefined, null, 'SGIX', 42, {}, [1, 2], new Uint8Array(0)]) {
    assert.throws(() => SeriesIndex.fromBytes(value), { code: 'SNAPSHOT_INVALID' });
  }
  // Every single flipped bit and every cut is refused, never loaded half or wrong.
  for (let at = 0; at < bytes.length; at++) {
    const changed = Uint8Array.from(bytes);
    changed[at] ^= 1 << (at % 8);
    assert.throws(() => SeriesIndex.fromBytes(changed), { code: 'SNAPSHOT_INVALID' }, `bit flipped at ${at}`);
    assert.throws(() => SeriesIndex.fromBytes(bytes.subarray(0, at)), { code: 'SNAPSHOT_INVALID' }, `cut at ${at}`);
  }
  // Formats travel too: an AWB index loads as AWB, and refuses other rules.
  const awb = new SeriesIndex({ format: 'awb' });
  awb.add({ id: 'A', start: '020-12345675', end: '020-12345686' });
  assert.equal(SeriesIndex.fromBytes(awb.toBytes()).overlaps({ start: '02012345686', end: '02012345686' }).length, 1);
  assert.throws(() => SeriesIndex.fromBytes(awb.toBytes(), { format: 'imei' }), { code: 'RULES_MISMATCH' });
  assert.throws(() => SeriesIndex.fromBytes(awb.toBytes(), { width: 'x' }), { code: 'RULES_INVALID' });
});

test('binary snapshots of random indexes equal their JSON snapshots', () => {
  let seed = 7;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  for (let round = 0; round < 20; round++) {
    const index = new SeriesIndex();
    const list = [];
    for (let i = 0, at = next(1000); i < 1 + next(300); i++, at += 1 + next(500)) {
      const scope = ['', 'hub:A', 'hub:B'][next(3)];
      list.push({ id: next(2) ? i : `s${i}`, start: `V${String(at).padStart(8, '0')}`, end: `V${String(at + next(50)).padStart(8, '0')}`, scope });
      at += 50;
    }
    index.addMany(list);
    const copy = SeriesIndex.fromBytes(index.toBytes());
    assert.deepEqual(copy.entries(), index.entries());
    assert.deepEqual(copy.toJSON(), index.toJSON());
  }
});

test('splitSeries chunks by count, as aBILLity 1000-per-request needs', () => {
  assert.deepEqual(splitSeries('1', '2500', 1000).map((c) => [c.start, c.end]), [['1', '1000'], ['1001', '2000'], ['2001', '2500']]);
  assert.deepEqual(splitSeries('V0001', 'V0003', 2).map((c) => c.end), ['V0002', 'V0003']);
  assert.throws(() => splitSeries('0', '9'.repeat(38), 1), { code: 'RANGE_TOO_LARGE' });
  assert.throws(() => splitSeries('1', '2', 0), { code: 'QUANTITY_OUT_OF_RANGE' });
});

test('invalid series and ids are coded; a freed index refuses further use', () => {
  const index = new SeriesIndex({ width: 8 });
  assert.throws(() => index.add({ id: 'a', start: 'V1', end: 'V2' }), { code: 'WIDTH_MISMATCH' });
  assert.throws(() => index.add({ start: 'V10000001', end: 'V10000002' }), { code: 'ID_REQUIRED' });
  assert.throws(() => index.add({ id: 2 ** 40, start: 'V10000001', end: 'V10000002' }), { code: 'ID_INVALID' });
  assert.throws(() => index.add(42), { code: 'INPUT_INVALID' });
  assert.throws(() => index.overlaps({ start: 'V10000001' }), { code: 'END_REQUIRED' });
  assert.throws(() => index.hasOverlap({ start: 'V10000001', end: 'V10000002', scope: 5 }), { code: 'SCOPE_INVALID' });
  assert.throws(() => new SeriesIndex({ width: 'x' }), { code: 'RULES_INVALID' });
  assert.equal(index.remove('nobody'), false);
  index.free();
  assert.throws(() => index.size);
});

test('overlapsMany and planMany answer as overlaps() and plan() do, query by query, on random data', () => {
  let seed = 19;
  const next = (n) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const index = new SeriesIndex();
  const scopes = ['', 'hub:A', 'hub:B'];
  const stored = [];
  for (let i = 0, at = 0; i < 400; i++, at += 10 + next(40)) {
    stored.push({ id: next(2) ? i : `s${i}`, start: `V${String(at).padStart(8, '0')}`, end: `V${String(at + next(30)).padStart(8, '0')}`, scope: scopes[next(3)] });
    at += 30;
  }
  // Natural widths (N9..N12 spans two pools): a query's first and last conflict may lie in different pools.
  for (let i = 0, at = 1; at < 5_000; i++, at += 20 + next(300)) {
    const end = at + next(60);
    stored.push({ id: `n${i}`, start: `N${at}`, end: `N${end}` });
    at = end;
  }
  index.addMany(stored);
  const identifier = (n) => (next(10) === 0 ? `V${n}` : `V${String(n).padStart(8, '0')}`);
  const natural = Array.from({ length: 200 }, () => {
    const a = 1 + next(5_000);
    return { start: `N${a}`, end: `N${a + next(400)}` };
  });
  const queries = Array.from({ length: 300 }, () => {
    const a = next(30_000);
    const q = { start: identifier(a), end: identifier(a + next(200) - 20) };
    if (next(3)) q.scope = scopes[next(3)];
    return q;
  });
  queries.push(...natural, { start: 'V1', end: 'W2' }, { start: 5, end: 'V1' }, {});
  const attempt = (fn) => { try { return fn(); } catch (error) { if (error instanceof SeriesError) return error; throw error; } };
  const many = index.overlapsMany(queries);
  const plans = index.planMany(queries);
  assert.equal(many.length, queries.length);
  queries.forEach((q, i) => {
    const single = attempt(() => index.overlaps(q));
    const plan = attempt(() => index.plan(q));
    if (single instanceof SeriesError) {
      assert.deepEqual([many[i].code, many[i].message], [single.code, single.message], JSON.stringify(q));
      assert.deepEqual([plans[i].code, plans[i].message], [plan.code, plan.message], JSON.stringify(q));
    } else {
      assert.deepEqual(many[i], single, JSON.stringify(q));
      assert.deepEqual(plans[i], plan, JSON.stringify(q));
      // Padded, the query takes the general reading, whose answers write every
      // identifier: the one-pass answers (which leave the query's own to it) agree.
      if (typeof q.start === 'string') assert.deepEqual(index.overlaps({ ...q, start: ` ${q.start}` }), single, JSON.stringify(q));
    }
  });
  assert.throws(() => index.planMany('nope'), { code: 'INPUT_INVALID' });
});
