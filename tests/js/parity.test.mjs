// The npm package and the WIT name every capability alike (README's naming
// table): each function of the WIT's `rules` and `signing` interfaces and
// each method of its `series-index` is in the package under the same name
// (kebab-case -> camelCase), and the other way round. What one side has and
// the other must not is listed here with the reason, so a capability added
// to one surface only fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as main from 'seriesguard';
import * as server from 'seriesguard/server';

const wit = readFileSync(new URL('../../wit/seriesguard.wit', import.meta.url), 'utf8');

// The function names declared in a block of the WIT that starts at `opening`.
function declared(opening) {
  const start = wit.indexOf(opening);
  assert.ok(start >= 0, opening);
  let depth = 0;
  let end = start;
  for (let i = wit.indexOf('{', start); i < wit.length; i++) {
    if (wit[i] === '{') depth++;
    if (wit[i] === '}' && --depth === 0) { end = i; break; }
  }
  const names = [];
  for (const line of wit.slice(start, end).split('\n')) {
    const m = /^\s+([a-z][a-z0-9-]*): (static )?func\(/.exec(line);
    if (m) names.push({ name: m[1], isStatic: m[2] !== undefined });
  }
  return names;
}

// to-json -> toJSON (the JS convention), held-bytes -> heldBytes.
const camel = (kebab) => kebab.replace(/-([a-z])/g, (_, c) => c.toUpperCase()).replace(/Json$/, 'JSON');

// The component's packed forms serve hosts that pay per value crossed; in
// JS the bulk calls (validateMany, addMany, overlapsMany) pack themselves.
const WIT_ONLY = new Set(['validatePacked', 'addPacked', 'overlapsPacked']);
// JS only: wasm memory in use, freeing an index at once, and the browser
// stores (a component host brings its own through the imported `store`).
const JS_ONLY = new Set(['memoryBytes', 'free', 'localStorageStore', 'indexedDbStore', 'httpStore',
  // The lifecycle: the WIT takes every request through series-index.lifecycle
  // (JSON text); the package has that method too and, for typing, one per request.
  'declarePool', 'reserve', 'extend', 'confirm', 'cancel', 'assign', 'release', 'block', 'unblock',
  'expire', 'handDown', 'handBack', 'poolReport', 'reservation', 'poolState', 'replayPools']);

test('every rules and signing function of the WIT is a package function of the same name, and back', () => {
  const fromWit = [...declared('interface rules {'), ...declared('interface signing {')].map((f) => camel(f.name)).filter((n) => !WIT_ONLY.has(n));
  const functions = ['validateSeries', 'validateMany', 'countSeries', 'parseSerial', 'checkDigit', 'verifyCheckDigit', 'inWords', 'readCsv', 'writeCsv', 'splitSeries',
    'morHash', 'verifyMorHash', 'hmacSha256', 'verifyHmacSha256', 'fingerprint'];
  for (const name of fromWit) assert.equal(typeof server[name], 'function', `the WIT's ${name} is not in the package`);
  const jsFunctions = Object.keys(server).filter((k) => typeof server[k] === 'function' && /^[a-z]/.test(k) && !JS_ONLY.has(k) && k !== 'default');
  assert.deepEqual(jsFunctions.sort(), [...new Set(fromWit)].sort(), 'package functions without a WIT twin');
  assert.deepEqual([...new Set(fromWit)].sort(), functions.sort());
});

// The component has everything the server entry has (the lifecycle included).
test('every series-index method of the WIT is a SeriesIndex method of the same name, and back', () => {
  const fromWit = declared('resource series-index {').filter((f) => !WIT_ONLY.has(camel(f.name)));
  const { SeriesIndex } = server;
  for (const { name, isStatic } of fromWit) {
    const js = camel(name);
    const where = isStatic ? SeriesIndex : SeriesIndex.prototype;
    assert.ok(js in where, `the WIT's series-index.${name} is not ${isStatic ? 'static ' : ''}SeriesIndex.${js}`);
  }
  const instance = Object.getOwnPropertyNames(SeriesIndex.prototype).filter((n) => n !== 'constructor' && !JS_ONLY.has(n));
  const statics = Object.getOwnPropertyNames(SeriesIndex).filter((n) => !['length', 'name', 'prototype'].includes(n));
  const witNames = new Set(fromWit.map((f) => camel(f.name)));
  for (const name of [...instance, ...statics]) assert.ok(witNames.has(name), `SeriesIndex.${name} has no series-index twin in the WIT`);
  for (const name of WIT_ONLY) assert.ok(!(name in SeriesIndex.prototype) && !(name in main), `${name} is both: take it off WIT_ONLY`);
});
