// The dashboard over the reference server, in headless Chromium: served by
// the server (SERVE_PAGE=1), the page's store is its HTTP API, so two
// browsers share one PostgreSQL inventory. Two browser contexts race for
// one range: one creates it, the other sees the conflict in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startStack } from './stack.mjs';
import { launch } from '../../../tests/e2e/browser.mjs';

const shots = fileURLToPath(new URL('../../../target/screenshots/', import.meta.url));
let stack;
let browsers;

before(async () => {
  await mkdir(shots, { recursive: true });
  stack = await startStack({ env: { SERVE_PAGE: '1' } });
  // Two browsers: separate profiles, nothing shared but the server.
  browsers = [await launch(), await launch()];
});

after(async () => {
  for (const b of browsers ?? []) await b.close();
  await stack?.stop();
});

async function open(browser) {
  const page = await browser.context.newPage();
  await page.goto(`${stack.base}/?client_code=RACE1`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  return page;
}

async function fillSeries(page, start, end) {
  await page.check('#service-express');
  await page.fill('#start', start);
  await page.fill('#end', end);
  await page.fill('#item_code', 'RACE');
  await page.waitForFunction(() => !document.getElementById('add').disabled);
}

test('the page served by the server keeps its series in PostgreSQL', async () => {
  const page = await open(browsers[0]);
  assert.equal(await page.getAttribute('html', 'data-store'), 'server');
  assert.match(await page.textContent('#store-note'), /kept by the server \(PostgreSQL\)/);
  await fillSeries(page, 'V20000001', 'V20000010');
  await page.click('#add');
  await page.waitForFunction(() => document.getElementById('notification').textContent === 'series added successfully');
  const { rows } = await stack.db.query("SELECT start_id, end_id, count::text, attributes FROM series WHERE scope = 'client:RACE1'");
  assert.deepEqual(rows, [{ start_id: 'V20000001', end_id: 'V20000010', count: '10', attributes: { service_types: ['EXPRESS'] } }]);
  // The other browser lists it, and sees it as taken.
  const other = await open(browsers[1]);
  await other.waitForFunction(() => document.getElementById('page-info').textContent === '1–1 of 1');
  await other.fill('#start', 'V20000005');
  await other.fill('#end', 'V20000015');
  await other.waitForSelector('#conflicts:not([hidden])');
  assert.match(await other.textContent('#conflicts-list'), /^V20000005\.\.V20000010 \(6\) is taken: item RACE, added /);
  await other.screenshot({ path: `${shots}server-conflict-1280.png` });
  await page.close();
  await other.close();
});

// Holds each browser's look at the store (`/api/store/overlapping`) until
// both have looked, so both see the range free and both insert: the race
// is then decided by the database, every run.
function bothLookFirst(pages) {
  const held = [];
  let released = false;
  return Promise.all(pages.map((page) => page.route('**/api/store/overlapping', (route) => {
    if (released) return route.continue();
    held.push(route);
    if (held.length < pages.length) return undefined;
    released = true;
    return Promise.all(held.map((r) => r.continue()));
  })));
}

for (const [name, items] of [['the same request', ['RACE', 'RACE']], ['two requests', ['RACE-A', 'RACE-B']]]) {
  test(`two browsers race for one range (${name}): one creates it, the other is refused and shown the conflict`, async () => {
    const pages = [await open(browsers[0]), await open(browsers[1])];
    const start = name === 'the same request' ? 'V30000001' : 'V31000001';
    const end = name === 'the same request' ? 'V30000100' : 'V31000100';
    // Both see the range free before either submits.
    for (const [i, page] of pages.entries()) {
      await fillSeries(page, start, end);
      await page.fill('#item_code', items[i]);
    }
    await bothLookFirst(pages);
    await Promise.all(pages.map((page) => page.click('#add')));
  await Promise.all(pages.map((page) => page.waitForFunction(() => document.getElementById('notification').textContent !== ''
    || document.getElementById('action-error').textContent !== '' || !document.getElementById('conflicts').hidden)));
  const outcomes = await Promise.all(pages.map((page) => page.evaluate(() => ({
    added: document.getElementById('notification').textContent === 'series added successfully',
    refused: document.getElementById('action-error').textContent,
    conflicts: document.getElementById('conflicts').hidden ? '' : document.getElementById('conflicts-list').textContent,
  }))));
    assert.equal(outcomes.filter((o) => o.added).length, 1, JSON.stringify(outcomes));
    const loser = outcomes.find((o) => !o.added);
    // Refused as an overlap, naming the range: never "the store failed".
    assert.match(loser.refused, new RegExp(`^${start}\\.\\.${end} is already held by series`), JSON.stringify(loser));
    const { rows } = await stack.db.query("SELECT count(*)::int AS n FROM series WHERE scope = 'client:RACE1' AND start_id = $1", [start]);
    assert.equal(rows[0].n, 1);
    const loserPage = pages[outcomes.indexOf(loser)];
    await loserPage.setViewportSize({ width: 375, height: 800 });
    await loserPage.screenshot({ path: `${shots}server-race-375.png`, fullPage: true });
    for (const page of pages) await page.close();
  });
}

test('the HTTP store refuses a series the library does not make, whatever the page sent', async () => {
  const forged = {
    id: 'forged', start: 'V40000001', end: 'V40000010', count: '1000', scope: 'client:RACE1', item_code: 'X', type: 'virtual', format: 'plain',
    fingerprint: 'x', segments: [{ pool: { key: '["V","",8,"none","client:RACE1"]' }, first: '40000001', last: '40001000' }],
  };
  const refused = await stack.post('/api/store/series', { series: forged });
  assert.equal(refused.status, 400);
  assert.equal(JSON.parse(refused.text).error.code, 'INPUT_INVALID');
  const bad = await stack.post('/api/store/overlapping', { pool: { key: 1 }, first: 'x', last: '2' });
  assert.equal(bad.status, 400);
  const page = await stack.get('/api/store/page?scope=client%3ARACE1&limit=5000');
  assert.equal(page.status, 400);
});
