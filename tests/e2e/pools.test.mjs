// The pool view (www/pools.html) in headless Chromium, as an operator
// drives it: declare a pool, reserve, confirm, release, block, and see the
// utilization bar and the counts change; the trail kept in IndexedDB
// survives a reload. Screenshots go to target/screenshots/ (artifacts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dashboard, SHOTS } from './browser.mjs';

let ui;
let page;

before(async () => {
  ui = await dashboard();
  page = ui.page;
});

after(async () => {
  await ui?.close();
});

const open = async () => {
  await page.goto(`${ui.url}pools.html`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
};
// The bar's parts: state -> width in percent.
const bar = () => page.$$eval('#bar span', (parts) => Object.fromEntries(parts.map((p) => [p.dataset.state, parseFloat(p.style.width)])));
const legend = (state) => page.textContent(`#legend li[data-state="${state}"]`);
const settled = (fn, arg) => page.waitForFunction(fn, arg, { timeout: 10000 });

test('declare, reserve, confirm, release and block from the page; the bar follows each change', async () => {
  await open();
  assert.equal(await page.isVisible('#no-pools'), true);
  await page.click('#declare-box summary');
  await page.fill('#pool-name', 'HQ');
  await page.fill('#pool-start', 'V0001');
  await page.fill('#pool-end', 'V1000');
  await page.fill('#pool-cooling', '30');
  await page.fill('#pool-low', '50%');
  await page.click('#declare-pool');
  await settled(() => document.getElementById('notice').textContent === 'Pool HQ declared.');
  assert.deepEqual(await bar(), { available: 100 });
  assert.equal(await legend('available'), 'Available: 1,000 (100%)');

  await page.fill('#reserve-quantity', '250');
  await page.fill('#reserve-owner', 'order 4711');
  await page.click('#reserve-button');
  await settled(() => document.getElementById('notice').textContent.startsWith('Reserved V0001..V0250'));
  assert.deepEqual(await bar(), { available: 75, reserved: 25 });
  await page.screenshot({ path: `${SHOTS}pools-reserved.png`, fullPage: true });

  await page.click('button[aria-label="Confirm V0001..V0250"]');
  await settled(() => document.getElementById('notice').textContent === 'Confirmed V0001..V0250.');
  assert.deepEqual(await bar(), { available: 75, assigned: 25 });
  assert.equal(await page.isVisible('#no-reservations'), true);

  await page.fill('#range-start', 'V0001');
  await page.fill('#range-end', 'V0100');
  await page.click('#release');
  await settled(() => document.getElementById('notice').textContent === 'Released V0001..V0100 (cooling).');
  assert.deepEqual(await bar(), { available: 75, assigned: 15, cooling: 10 });
  assert.equal(await legend('cooling'), 'Cooling: 100 (10%)');

  // Cooling numbers cannot be reserved: the library's message, in words.
  await page.fill('#range-start', 'V0050');
  await page.fill('#range-end', 'V0060');
  await page.click('#block');
  await settled(() => document.getElementById('notice').textContent === 'Blocked V0050..V0060.');
  assert.deepEqual(await bar(), { available: 75, assigned: 15, cooling: 8.9, blocked: 1.1 });
  await page.fill('#range-start', 'V0300');
  await page.fill('#range-end', 'V0200');
  await page.click('#release');
  await settled(() => document.getElementById('error').textContent !== '');
  assert.equal(await page.textContent('#error'), 'start V0300 is after end V0200');

  // Below half available: the pool's warning.
  await page.fill('#reserve-quantity', '300');
  await page.click('#reserve-button');
  await settled(() => document.getElementById('notice').textContent.startsWith('Reserved V0251..V0550'));
  assert.equal(await page.textContent('#warnings'), 'pool "HQ" has 450 available numbers, below its threshold of 500');
  await page.screenshot({ path: `${SHOTS}pools-view.png`, fullPage: true });

  // The trail is in IndexedDB: a reload rebuilds the same pool.
  await open();
  assert.deepEqual(await bar(), { available: 45, reserved: 30, assigned: 15, cooling: 8.9, blocked: 1.1 });
  assert.match(await page.textContent('#summary'), /^Capacity 1,000\. Largest free block V0551\.\.V1000 \(450\), in 1 free block\.$/);
  const runs = await page.$$eval('#runs tbody tr', (rows) => rows.map((r) => [r.children[0].textContent, r.dataset.state]));
  assert.deepEqual(runs, [
    ['V0001..V0049', 'cooling'], ['V0050..V0060', 'blocked'], ['V0061..V0100', 'cooling'],
    ['V0101..V0250', 'assigned'], ['V0251..V0550', 'reserved'], ['V0551..V1000', 'available'],
  ]);
  // A wrong hold time is the library's refusal, in words.
  await page.fill('#reserve-ttl', 'soon');
  await page.click('#reserve-button');
  await settled(() => document.getElementById('error').textContent !== '');
  assert.equal(await page.textContent('#error'), 'ttl must be milliseconds or an ISO 8601 duration (PT30M, P1DT12H) from 1 ms to ten years');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `${SHOTS}pools-375.png`, fullPage: true });
  assert.deepEqual(ui.pageErrors, []);
});

test("the pool page's script holds no rule: no patterns, no digit arithmetic", async () => {
  const source = await (await fetch(`${ui.url}pools.js`)).text();
  assert.doesNotMatch(source, /RegExp|\/\^|\\d|charCodeAt|parseInt|Number\(|BigInt\((?!r\.count)/, 'every rule lives in the library');
});
