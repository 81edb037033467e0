// The shared conformance corpus (tests/cases/*.json) through the npm
// package, and its validation cases through the form entry
// (seriesguard/form) too. The Rust core (tests/conformance.rs) and the
// component from Python (examples/python/tests/test_conformance.py) run the
// same cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as main from 'seriesguard';
import * as server from 'seriesguard/server';
import * as form from 'seriesguard/form';

const { SeriesError } = main;

const dir = new URL('../cases/', import.meta.url);

// The answer, or { error: code } when the package threw a SeriesError.
function attempt(fn) {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SeriesError) return { error: error.code };
    throw error;
  }
}

// A store answering from a case's script (answers, in order), logging what it is asked.
function scriptedStore(answers, asked) {
  return {
    overlapping(pool, first, last) {
      asked.push(`rows ${first}..${last}`);
      const answer = answers.shift();
      if (answer.throws) throw new Error('the store is down');
      return Array.isArray(answer.rows) ? answer.rows.map(([id, a, b, format]) => ({ id, first: a, last: b, format })) : answer.rows;
    },
    insertMany(list) {
      asked.push(`insert many ${list.map((s) => `${s.start}..${s.end} ${s.count}`).join('; ')}`);
      const answer = answers.shift();
      if (answer.refused === 'overlap') throw Object.assign(new Error('constraint'), { code: 'OVERLAP' });
      if (answer.refused) throw new Error('the store failed');
    },
    insert(series) {
      const pieces = series.segments.length > 1 ? ` [${series.segments.map((g) => `${g.first}..${g.last}`).join(' ')}]` : '';
      asked.push(`insert ${series.start}..${series.end} ${series.count}${pieces}`);
      const answer = answers.shift();
      if (answer.refused === 'overlap') throw Object.assign(new Error('constraint'), { code: 'OVERLAP' });
      if (answer.refused) throw new Error('the store failed');
    },
  };
}

// Where `got` differs from `expected`, read as a subset (as tests/conformance.rs
// reads it): named members match, arrays element by element, same length.
// Counts arrive as bigint and compare as the corpus writes them, decimal strings.
function differences(path, got, expected, out) {
  if (typeof got === 'bigint') got = String(got);
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected) && got !== null && typeof got === 'object' && !Array.isArray(got)) {
    for (const [k, v] of Object.entries(expected)) differences(`${path}.${k}`, got[k] ?? null, v, out);
  } else if (Array.isArray(expected) && Array.isArray(got) && got.length === expected.length) {
    expected.forEach((v, i) => differences(`${path}[${i}]`, got[i], v, out));
  } else if (JSON.stringify(got) !== JSON.stringify(expected)) {
    out.push(`${path}: got ${JSON.stringify(got, (k, v) => (typeof v === 'bigint' ? String(v) : v))}, expected ${JSON.stringify(expected)}`);
  }
}

const entriesOf = (index) => index.entries().map((e) => [String(e.id), e.start, e.end, String(e.count), e.scope]);

// The ops over one entry (the server's, the main one or the form's): each
// op calls only that entry's functions and classes (one wasm instance).
const opsOf = ({
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords, readCsv, writeCsv, splitSeries,
  morHash, hmacSha256, fingerprint, SeriesIndex, SeriesBook, MemoryStore, profiles,
}) => {
  const indexOf = (c) => {
    const index = new SeriesIndex(c.rules);
    index.addMany(c.stored.map((s) => ({ id: s.id, start: s.start, end: s.end, scope: s.scope })));
    return index;
  };
  return {
  validate(c) {
    const v = validateSeries({ start: c.start, end: c.end }, c.rules);
    const out = { ok: v.ok, count: v.count === null ? null : String(v.count), codes: v.issues.map((i) => i.code) };
    if (v.count !== null) Object.assign(out, { start: v.start, end: v.end });
    return out;
  },
  count: (c) => attempt(() => ({ count: String(countSeries(c.start, c.end, c.rules)) })),
  parse: (c) => attempt(() => {
    const s = parseSerial(c.text, c.rules);
    return { prefix: s.prefix, body: s.body, width: s.width, suffix: s.suffix, check_digit: s.checkDigit ?? null };
  }),
  check_digit: (c) => attempt(() => ({ digit: checkDigit(c.scheme, c.body) })),
  in_words: (c) => ({ words: inWords(c.issue) }),
  csv(c) {
    let out;
    try {
      out = { rows: readCsv(c.text) };
    } catch (error) {
      out = { error: error.code, message: error.message };
    }
    if (c.write !== undefined) out.written = writeCsv(c.write);
    return out;
  },
  verify_check_digit: (c) => attempt(() => ({ valid: verifyCheckDigit(c.scheme, c.id) })),
  split: (c) => attempt(() => ({ pieces: splitSeries(c.start, c.end, BigInt(c.max), c.rules).map((p) => [p.start, p.end, String(p.count)]) })),
  mor_hash: (c) => attempt(() => ({ hash: morHash(c.params, c.secret) })),
  hmac: (c) => ({ hex: hmacSha256(c.key, c.message) }),
  fingerprints: (c) => ({ equal: fingerprint(c.a) === fingerprint(c.b) }),
  overlaps: (c) => attempt(() => {
    const index = indexOf(c);
    const conflicts = index.overlaps(c.query);
    // The yes/no query (its own reading, allocation-free) agrees with the conflicts.
    assert.equal(index.hasOverlap(c.query), conflicts.length > 0, `${c.name}: hasOverlap`);
    return { conflicts: conflicts.map((x) => [String(x.id), x.start, x.end, String(x.count)]) };
  }),
  plan(c) {
    const p = indexOf(c).plan(c.query);
    return {
      created: String(p.created), requested: String(p.requested),
      create: p.create.map((x) => [x.start, x.end]), skipped: p.skipped.map((x) => [String(x.id), x.start, x.end]),
    };
  },
  allocate(c) {
    const block = indexOf(c).allocate(c.pool, BigInt(c.quantity));
    return { block: block ? [block.start, block.end] : null };
  },
  shipsy_validate(c) {
    const v = profiles.shipsy.validate(c.body);
    return { ok: v.ok, count: v.count === null ? null : String(v.count), codes: v.issues.map((i) => i.code), customer: v.customer };
  },
  async shipsy_create(c) {
    const headers = c.authorization === null ? {} : { authorization: c.authorization };
    const r = await profiles.shipsy.create(c.body, headers, { apiKeyValid: () => true });
    return { status: r.status, body: r.text };
  },
  // A book over a store that answers from the case's script and logs what it is asked.
  async flow(c) {
    const answers = [...c.answers];
    const asked = [];
    const store = scriptedStore(answers, asked);
    const book = new SeriesBook(store, c.rules);
    const method = { create: 'create', conflicts: 'conflicts', plan: 'plan', create_free: 'createFree' }[c.mode];
    let result;
    try {
      const r = await book[method](c.request);
      if (c.mode === 'conflicts') result = { conflicts: r.map((x) => [String(x.id), x.start, x.end, String(x.count)]) };
      else if (c.mode === 'plan') {
        result = {
          created: String(r.created), requested: String(r.requested),
          create: r.create.map((x) => [x.start, x.end]), skipped: r.skipped.map((x) => [String(x.id), x.start, x.end]),
        };
      } else result = { created: [r.start, r.end, String(r.count)] };
    } catch (error) {
      if (!(error instanceof SeriesError)) throw error;
      result = { error: error.code };
    }
    return { asked, result };
  },
  verify(c) {
    const book = new SeriesBook(new MemoryStore(), c.rules);
    const scope = c.other_scope ?? c.request.scope;
    let pools;
    try {
      pools = book.prepare({ ...c.request, scope }).segments.map((g) => g.pool);
    } catch {
      pools = [{ key: '' }];
    }
    let series;
    try {
      series = book.prepare(c.request);
    } catch {
      series = { ...c.request };
    }
    series = { ...series, count: c.count, segments: c.segments.map(([at, first, last]) => ({ pool: pools[at] ?? { key: '' }, first, last })) };
    return attempt(() => {
      book.verify(series);
      return { ok: true };
    });
  },
  // Many requests through SeriesBook.planMany / createMany over the scripted store.
  async bulk(c) {
    const answers = [...c.answers];
    const asked = [];
    const book = new SeriesBook(scriptedStore(answers, asked), c.rules);
    const free = c.mode.endsWith('_free');
    const holders = (list) => list.map((x) => [String(x.id), x.start, x.end]);
    const outcome = (o) => {
      if (o instanceof SeriesError) {
        return o.code === 'OVERLAP' ? ['refused', 'OVERLAP', o.details.conflicts.map((x) => String(x.id))] : ['refused', o.code];
      }
      const head = [String(o.created), String(o.requested)];
      return o.skipped.length === 0 ? ['create', ...head] : ['partial', ...head, holders(o.skipped)];
    };
    let result;
    try {
      if (c.mode.startsWith('create')) {
        const r = await book.createMany(c.requests, undefined, { free });
        result = { outcomes: r.outcomes.map(outcome), stored: r.stored };
      } else result = { outcomes: (await book.planMany(c.requests, { free })).map(outcome) };
    } catch (error) {
      if (!(error instanceof SeriesError)) throw error;
      result = { error: error.code };
    }
    return { asked, result };
  },
  add_many(c) {
    try {
      new SeriesIndex(c.rules).addMany(c.stored);
      return { codes: [] };
    } catch (error) {
      if (!(error instanceof SeriesError)) throw error;
      return { codes: error.details.issues.map((i) => i.code) };
    }
  },
  // Books over one store, one book per step's rules, as a host keeps them.
  async creates(c) {
    const store = new MemoryStore();
    const results = [];
    for (const step of c.steps) {
      try {
        const s = await new SeriesBook(store, step.rules).create(step.request);
        results.push(['ok', s.start, s.end, String(s.count)]);
      } catch (error) {
        if (!(error instanceof SeriesError)) throw error;
        results.push([error.code]);
      }
    }
    return { results };
  },
  async shipsy_creates(c) {
    const book = new SeriesBook(new MemoryStore());
    const results = [];
    for (const body of c.bodies) {
      const r = await profiles.shipsy.create(body, { authorization: 'Basic k' }, { apiKeyValid: () => true, book });
      results.push([r.status, r.body.error?.reason ?? 'OK']);
    }
    return { results };
  },
  async mor_cards(c) {
    const group = c.group && {
      id: c.group.id, numberLength: c.group.number_length, pinLength: c.group.pin_length,
      existing: c.existing.map(([start, end]) => ({ start, end })),
    };
    const r = await profiles.mor.cardsCreate(c.params, { secret: c.secret, group });
    return { xml: r.xml };
  },
  // A platform flow whose host answers from the case's script and logs what it is asked.
  async platform_flow(c) {
    const answers = [...c.answers];
    const asked = [];
    const next = (question) => {
      asked.push(question);
      const a = answers.shift();
      if (a.throws) throw new Error('the host failed');
      return a;
    };
    const value = (question) => () => next(question).value;
    let r;
    if (c.platform === 'mor') {
      const group = c.group && {
        id: c.group.id, numberLength: c.group.number_length, pinLength: c.group.pin_length,
        existing: (from, till, scope) => {
          const held = next(`cards ${from}..${till} ${scope}`).cards;
          return Array.isArray(held) ? held.map(([start, end]) => ({ start, end })) : held;
        },
      };
      try {
        const m = await profiles.mor.cardsCreate(c.params, { secret: c.secret, group });
        return { asked, xml: m.xml, create: m.ok ? m.plan.create.map((p) => [p.start, p.end]) : null };
      } catch (error) {
        if (!(error instanceof SeriesError)) throw error;
        return { asked, error: error.code };
      }
    }
    if (c.platform === 'shipsy') {
      // The series is created through a book over the scripted store.
      const book = new SeriesBook(scriptedStore(answers, asked));
      const headers = c.authorization === null ? {} : { authorization: c.authorization };
      r = await profiles.shipsy.create(c.body, headers, { apiKeyValid: (key) => next(`key ${key}`).value, book });
    } else {
      r = await profiles.abillity.stockNumber(c.body, {
        serviceId: c.service_id,
        pools: c.pools,
        maxQuantity: c.max_quantity,
        serviceFound: value('service'),
        isQuote: value('quote'),
        stockNumberId: value('id'),
        index(area, attempt) {
          const a = next(`reserved ${area} ${attempt}`);
          if (!Array.isArray(a.held)) return a.held;
          const index = new SeriesIndex();
          index.addMany(a.held.map(([start, end], i) => ({ id: `held-${i}`, start, end, scope: area })));
          return index;
        },
        save(v) {
          const a = next(`save ${v.stockNumberId} ${v.areaCode} ${v.quantity} ${v.first === null ? 'null' : `${v.first}..${v.last}`}`);
          if (a.refused) throw new SeriesError(a.refused, '');
        },
      });
    }
    return { asked, status: r.status, body: r.text };
  },
  validate_many(c) {
    return { results: validateMany(c.inputs, c.rules).map((v) => [v.ok, v.count === null ? null : String(v.count), v.issues.map((i) => i.code)]) };
  },
  overlaps_many(c) {
    return {
      results: indexOf(c).overlapsMany(c.queries).map((r) => (r instanceof SeriesError
        ? { error: r.code }
        : r.map((x) => [String(x.id), x.start, x.end, String(x.count)]))),
    };
  },
  plan_many(c) {
    const plan = (p) => (p instanceof SeriesError ? { error: p.code } : {
      created: String(p.created), requested: String(p.requested),
      create: p.create.map((x) => [x.start, x.end]), skipped: p.skipped.map((x) => [String(x.id), x.start, x.end]),
    });
    return { results: indexOf(c).planMany(c.queries).map(plan) };
  },
  gaps(c) {
    return { pieces: indexOf(c).gaps(c.query).map((p) => [p.start, p.end, String(p.count)]) };
  },
  stats(c) {
    const s = indexOf(c).stats();
    return {
      ranges: s.ranges, numbers: s.numbers === null ? null : String(s.numbers),
      pools: s.pools.map((p) => [p.prefix, p.width, p.scope, p.ranges, String(p.numbers)]),
    };
  },
  entries(c) {
    return { entries: entriesOf(indexOf(c)) };
  },
  snapshot(c) {
    const written = JSON.parse(JSON.stringify(indexOf(c)));
    const index = SeriesIndex.fromJSON(JSON.stringify(written), c.rules);
    return { entries: entriesOf(index), format: written.format, version: written.version, rules: written.rules.format };
  },
  binary_snapshot(c) {
    const written = indexOf(c).toBytes();
    const bytes = Uint8Array.from(c.load === undefined ? written : Buffer.from(c.load, 'hex'));
    if (c.flip) bytes[c.flip[0]] ^= 1 << c.flip[1];
    const loaded = attempt(() => ({ entries: entriesOf(SeriesIndex.fromBytes(c.cut === undefined ? bytes : bytes.subarray(0, c.cut), c.load_rules)) }));
    return { ...loaded, hex: Buffer.from(written).toString('hex') };
  },
  from_json(c) {
    return attempt(() => ({ entries: entriesOf(SeriesIndex.fromJSON(c.snapshot, c.rules)) }));
  },
  abillity_requests(c) {
    return attempt(() => ({ requests: profiles.abillity.requests(c.area, c.quantity, c.max).map((r) => [r.AreaCode, r.Quantity]) }));
  },
  crm_traceable(c) {
    return { codes: profiles.crm.traceableItem(c.catalog, c.item_code).issues.map((i) => i.code) };
  },
  mor_scope(c) {
    return { scope: profiles.mor.scope(c.group_id) };
  },
  async pool_book(c) {
    // Two books over one store keeping the trail; `append` makes it fail or answer stale once.
    const memory = new MemoryStore();
    let next = null;
    const store = {
      poolTrail: (after) => memory.poolTrail(after),
      appendPool(change) {
        const mode = next;
        next = null;
        if (mode === 'fails') throw new Error('the store failed');
        if (mode === 'stale') throw Object.assign(new Error('stale'), { code: 'STALE' });
        return memory.appendPool(change);
      },
    };
    const books = [new SeriesBook(store, c.rules), new SeriesBook(store, c.rules)];
    const out = [];
    for (const [i, step] of c.steps.entries()) {
      next = step.append ?? null;
      let got;
      try {
        got = await books[step.book].lifecycle(step.request);
      } catch (error) {
        if (!(error instanceof SeriesError)) throw error;
        got = { error: error.code };
      }
      differences(`step ${i}`, got, step.expect, out);
    }
    const trail = memory.poolTrail({ declarations: '0', events: '0' });
    return { differences: out, store: { declarations: trail.declarations.length, events: trail.events.length } };
  },
  lifecycle(c) {
    const index = new SeriesIndex(c.rules);
    const out = [];
    const declared = [];
    const events = [];
    c.steps.forEach((step, i) => {
      let got;
      try {
        got = index.lifecycle(step.request);
        if (step.request.op === 'declare') declared.push(step.request);
        events.push(...(got.events ?? []));
      } catch (error) {
        if (!(error instanceof SeriesError)) throw error;
        got = { error: error.code, message: error.message };
      }
      differences(`step ${i}`, got, step.expect, out);
    });
    if (c.replay) {
      const fresh = new SeriesIndex(c.rules);
      const text = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? String(x) : x));
      const replayed = attempt(() => { fresh.replayPools(declared, events); return fresh.poolState(); });
      if (text(replayed) !== text(index.poolState())) out.push(`replay: ${text(replayed)}`);
    }
    return { differences: out };
  },
  async abillity(c) {
    const index = new SeriesIndex();
    const area = c.body.AreaCode;
    index.addMany(c.stored.map(([start, end], i) => ({ id: `stored-${i}`, start, end, scope: area })));
    const r = await profiles.abillity.stockNumber(c.body, { pools: c.pools, index, isQuote: c.is_quote, stockNumberId: c.stock_number_id, maxQuantity: c.max_quantity });
    return { status: r.status, body: r.text };
  },
  };
};

const ops = opsOf(server);
const mainOps = opsOf(main);
const formOps = opsOf(form);
// What only the server entry holds: the platform create flows and the number lifecycle.
const SERVER_OPS = ['bulk', 'csv', 'verify', 'shipsy_create', 'shipsy_creates', 'mor_cards', 'platform_flow', 'abillity', 'lifecycle', 'pool_book'];
// What the form entry holds: the validation functions, nothing with an index, a book or a profile.
const FORM_OPS = ['validate', 'count', 'parse', 'check_digit', 'verify_check_digit', 'validate_many', 'in_words'];

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const { cases } = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  test(`conformance: ${file} (${cases.length} cases)`, async () => {
    for (const c of cases) {
      assert.ok(ops[c.op], `${file}: unknown op ${c.op}`);
      assert.deepEqual(await ops[c.op](c), c.expect, `${file}: ${c.name}`);
    }
  });
  const mainCases = cases.filter((c) => !SERVER_OPS.includes(c.op));
  if (mainCases.length > 0) {
    test(`conformance through seriesguard (main entry): ${file} (${mainCases.length} cases)`, async () => {
      for (const c of mainCases) assert.deepEqual(await mainOps[c.op](c), c.expect, `${file}: ${c.name}`);
    });
  }
  const formCases = cases.filter((c) => FORM_OPS.includes(c.op));
  if (formCases.length > 0) {
    test(`conformance through seriesguard/form: ${file} (${formCases.length} cases)`, () => {
      for (const c of formCases) assert.deepEqual(formOps[c.op](c), c.expect, `${file}: ${c.name}`);
    });
  }
}

test('seriesguard/form holds the validation functions only', () => {
  assert.deepEqual(Object.keys(form).filter((k) => k !== 'default').sort(), [
    'SeriesError', 'checkDigit', 'countSeries', 'inWords', 'memoryBytes', 'parseSerial',
    'validateMany', 'validateSeries', 'verifyCheckDigit',
  ]);
  assert.equal(form.SeriesError, main.SeriesError, 'one SeriesError class for every entry');
  assert.equal(server.SeriesError, main.SeriesError, 'one SeriesError class for every entry');
  assert.throws(() => form.countSeries('V2', 'V1'), (e) => e instanceof SeriesError && e.code === 'START_AFTER_END');
});

test('the create flows are in seriesguard/server only; every other name is in both', () => {
  const names = (profiles) => Object.entries(profiles).flatMap(([p, fns]) => Object.keys(fns).map((f) => `${p}.${f}`)).sort();
  const flows = ['abillity.stockNumber', 'mor.cardsCreate', 'shipsy.create'];
  assert.deepEqual(names(server.profiles).filter((n) => !names(main.profiles).includes(n)), flows);
  assert.deepEqual(names(main.profiles).filter((n) => !names(server.profiles).includes(n)), []);
  // CSV is the server build's (feature `bulk`), with SeriesBook's planMany and createMany.
  assert.deepEqual(Object.keys(main).sort(), Object.keys(server).filter((k) => !['readCsv', 'writeCsv'].includes(k)).sort());
  assert.equal(typeof main.SeriesBook.prototype.planMany, 'undefined');
  assert.equal(typeof server.SeriesBook.prototype.createMany, 'function');
  assert.notEqual(main.SeriesIndex, server.SeriesIndex, 'two instances, two classes');
});
