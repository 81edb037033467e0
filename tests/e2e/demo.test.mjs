// The README's demo page in a real browser: served by scripts/serve.mjs,
// loading the web build of pkg/, validating as the user types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './browser.mjs';

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  server = await serve(0);
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('typing a series shows its exact count with separators', async () => {
  await page.fill('#start', 'V10000051');
  await page.fill('#end', 'V10000060');
  assert.equal(await page.textContent('#count'), 'Count: 10');
  await page.fill('#start', '00000000000000000001');
  await page.fill('#end', '99999999999999999999');
  assert.equal(await page.textContent('#count'), 'Count: 99,999,999,999,999,999,999');
  assert.equal(await page.getAttribute('#end', 'aria-invalid'), 'false');
});

test('a reversed series shows the library message under end', async () => {
  await page.fill('#start', 'V10000060');
  await page.fill('#end', 'V10000051');
  assert.equal(await page.textContent('#end-error'), 'start V10000060 is after end V10000051');
  assert.equal(await page.getAttribute('#end', 'aria-invalid'), 'true');
  assert.equal(await page.textContent('#count'), '');
});

test('full-width digits are refused and the field is reachable by keyboard', async () => {
  await page.fill('#start', '');
  await page.fill('#end', '');
  await page.focus('#start');
  await page.keyboard.type('１２３');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'end');
  assert.match(await page.textContent('#start-error'), /not ASCII/);
  assert.equal(await page.getAttribute('#start', 'aria-invalid'), 'true');
  assert.deepEqual(pageErrors, []);
});
