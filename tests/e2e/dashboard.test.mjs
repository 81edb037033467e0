// The dashboard form (www/) in headless Chromium, as a user drives it:
// instant validation, overlap before submit, IndexedDB persistence.
// Screenshots go to target/screenshots/ (artifacts, not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { profiles, inWords } from 'seriesguard';
import { dashboard, SHOTS } from './browser.mjs';

let ui;
let page;
let url;
let pageErrors;
const open = () => ui.open();
const fill = (fields) => ui.fill(fields);

before(async () => {
  ui = await dashboard();
  ({ page, url, pageErrors } = ui);
  await open();
  await page.screenshot({ path: `${SHOTS}empty-form.png`, fullPage: true });
});

after(async () => {
  await ui?.close();
});

test('a valid series shows its count, is added, and is still listed after a reload', async () => {
  await page.check('input[name="service_types"][value="EXPRESS"]');
  await fill({ client_code: 'GL438', start: 'V10000051', end: 'V10000060', item_code: 'P7WJEJANkt' });
  assert.equal(await page.textContent('#count'), '10');
  assert.equal(await page.isEnabled('#add'), true);
  await page.click('#add');
  await page.waitForFunction(() => document.getElementById('notification').textContent === 'series added successfully');
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 1);
  await page.screenshot({ path: `${SHOTS}list.png`, fullPage: true });
  await open();
  await fill({ client_code: 'GL438' });
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 1);
  const cells = await page.$$eval('#list tbody tr td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells.slice(0, 6), ['V10000051', 'V10000060', '10', 'plain', 'P7WJEJANkt', 'EXPRESS']);
});

test('an overlapping series shows the conflict before submit and is refused', async () => {
  await open();
  await page.check('input[name="service_types"][value="STANDARD"]');
  await fill({ client_code: 'GL438', start: 'V10000055', end: 'V10000070', item_code: 'P7WJEJANkt' });
  await page.waitForSelector('#conflicts:not([hidden])');
  assert.match(await page.textContent('#conflicts-list'), /V10000055\.\.V10000060 \(6\) is taken: item P7WJEJANkt, added /);
  assert.equal(await page.textContent('#free-part'), '"Create only the free part" adds V10000061..V10000070: 10 of the 16 numbers, as one series.');
  assert.equal(await page.isEnabled('#add'), false);
  await page.screenshot({ path: `${SHOTS}overlap.png`, fullPage: true });
  // "Create only the free part" adds V10000061..V10000070.
  await page.click('#create-free');
  await page.waitForFunction(() => document.getElementById('notification').textContent === 'series added successfully');
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 2);
  const starts = await page.$$eval('#list tbody tr td:first-child', (tds) => tds.map((td) => td.textContent).sort());
  assert.deepEqual(starts, ['V10000051', 'V10000061']);
});

test('a reversed range and a missing item code show the library messages and keep Add disabled', async () => {
  await open();
  await page.check('input[name="service_types"][value="EXPRESS"]');
  await fill({ client_code: 'GL438', start: 'V20000060', end: 'V20000051', item_code: 'x' });
  await fill({ item_code: '' });
  const entry = { client_code: 'GL438', hub_code: '', service_types: ['EXPRESS'], type: 'virtual', start: 'V20000060', end: 'V20000051', item_code: '' };
  const expected = profiles.shipsy.validate(entry).issues;
  assert.equal(await page.textContent('#end-error'), inWords(expected.find((i) => i.field === 'end')));
  assert.equal(await page.textContent('#item_code-error'), 'Item code is required');
  assert.equal(await page.getAttribute('#end', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#item_code', 'aria-invalid'), 'true');
  assert.equal(await page.isEnabled('#add'), false);
  await page.screenshot({ path: `${SHOTS}error-state.png`, fullPage: true });
});

test('a 20-digit ICCID range shows its exact count, with separators', async () => {
  await open();
  await page.selectOption('#format', 'iccid');
  await fill({ hub_code: 'BF074', start: '89440012345678901234', end: '89440098765432109876' });
  const first = 8944001234567890123n;
  const last = 8944009876543210987n;
  assert.equal(await page.textContent('#count'), new Intl.NumberFormat('en-US').format(last - first + 1n));
  await page.selectOption('#format', '');
  await fill({ start: '00000000000000000001', end: '99999999999999999999' });
  assert.equal(await page.textContent('#count'), '99,999,999,999,999,999,999');
});

test('keyboard only: Tab reaches the fields in order and focus is visible; the page fits a phone', async () => {
  await open();
  await page.focus('#client_code');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'hub_code');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  assert.equal(overflow, false);
  await page.screenshot({ path: `${SHOTS}phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(pageErrors, []);
});

test('export JSON and CSV download the listed series; delete removes one', async () => {
  await open();
  await fill({ client_code: 'GL438' });
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 2);
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const exported = JSON.parse(await (await json.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString()));
  assert.deepEqual(exported.map((s) => s.start), ['V10000051', 'V10000061']);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const lines = (await (await csv.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString())).split('\r\n');
  assert.equal(lines[0], '"customer","start","end","count","format","item_code","type","service_types","created_at"');
  assert.equal(lines.length, 4, 'two series and the last line end');
  await page.click('button[aria-label="Delete V10000061..V10000070"]');
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 1);
});

test("the page's script holds no validation rule: no patterns, no digit arithmetic", async () => {
  for (const file of ['app.js', 'import.js']) {
    const source = await (await fetch(`${url}${file}`)).text();
    assert.doesNotMatch(source, /RegExp|\/\^|\\d|charCodeAt|parseInt|Number\(|BigInt\((?!s\.count)/, `${file}: every rule lives in the library`);
  }
});

test('conflicts show as soon as customer, start and end are valid, before service types and item code', async () => {
  await open();
  // Nothing but the customer and the range: the other fields are still empty and invalid.
  await fill({ client_code: 'GL438', start: 'V10000041', end: 'V10000052' });
  await page.waitForSelector('#conflicts:not([hidden])');
  assert.match(await page.textContent('#conflicts-list'), /^V10000051\.\.V10000052 \(2\) is taken: item P7WJEJANkt, added .+\.$/);
  assert.equal(await page.textContent('#free-part'), '"Create only the free part" adds V10000041..V10000050: 10 of the 12 numbers, as one series.');
  assert.equal(await page.isEnabled('#add'), false);
});

test('a fully taken range offers no free part, and nothing is announced as added', async () => {
  await open();
  await page.check('input[name="service_types"][value="EXPRESS"]');
  await fill({ client_code: 'GL438', start: 'V10000051', end: 'V10000055', item_code: 'P7WJEJANkt' });
  await page.waitForSelector('#conflicts:not([hidden])');
  assert.equal(await page.textContent('#free-part'), 'Nothing in this range is free.');
  assert.equal(await page.isVisible('#create-free'), false);
  await page.press('#item_code', 'Enter');
  await page.waitForTimeout(300);
  assert.equal(await page.textContent('#notification'), '');
});

test('the customer is in the URL and remembered: a reload shows the same list', async () => {
  await open();
  await fill({ client_code: 'GL438', hub_code: '' });
  assert.match(page.url(), /\?client_code=GL438$/);
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length > 0);
  const rows = await page.$$eval('#list tbody tr', (trs) => trs.length);
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.inputValue('#client_code'), 'GL438');
  await page.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, rows);
  // A link naming the customer as typed another way lists the same customer's series.
  await page.goto(`${url}?client_code=%20gl438%20`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, rows);
  // Without a URL, the last customer comes back.
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.inputValue('#client_code'), ' gl438 ');
});

// A new page of the dashboard's context whose IndexedDB index `name` fails
// to open a cursor (a disk error), every other index working.
async function failingIndex(name) {
  const broken = await page.context().newPage();
  await broken.addInitScript((failing) => {
    const open = IDBIndex.prototype.openCursor;
    IDBIndex.prototype.openCursor = function openCursor(...args) {
      if (this.name === failing) throw new DOMException('disk I/O error', 'UnknownError');
      return open.apply(this, args);
    };
  }, name);
  return broken;
}

test('a store that fails while checking is an error, not "no conflicts"', async () => {
  // Only the overlap index fails: the list still reads.
  const broken = await failingIndex('span');
  await broken.goto(url);
  await broken.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  for (const [id, value] of Object.entries({ client_code: 'GL438', start: 'V30000001', end: 'V30000010' })) await broken.fill(`#${id}`, value);
  await broken.waitForFunction(() => document.getElementById('check-error').textContent !== '');
  assert.equal(await broken.textContent('#check-error'), "Could not check this range against the stored series: the store's overlapping() failed");
  assert.equal(await broken.isVisible('#conflicts'), false);
  assert.equal(await broken.isEnabled('#add'), false);
  await broken.close();
});

test('when the wasm cannot load, the page says so and offers nothing to click', async () => {
  const offline = await page.context().newPage();
  await offline.route('**/*.wasm', (route) => route.abort());
  await offline.goto(url);
  await offline.waitForFunction(() => document.getElementById('load-error').textContent !== '');
  assert.match(await offline.textContent('#load-error'), /^The page could not load its number library/);
  assert.equal(await offline.isEnabled('#start'), false);
  assert.equal(await offline.isEnabled('#add'), false);
  await offline.screenshot({ path: `${SHOTS}load-error.png` });
  await offline.close();
});

test('delete can be undone, and another tab sees adds and deletes without a reload', async () => {
  await open();
  await fill({ client_code: 'GL438', hub_code: '' });
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length > 0);
  const before = await page.$$eval('#list tbody tr td:first-child', (tds) => tds.map((td) => td.textContent).sort());
  const other = await page.context().newPage();
  await other.goto(`${url}?client_code=GL438`);
  await other.waitForSelector('html[data-ready="true"]');
  await other.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, before.length);
  await page.click('#list tbody tr:first-child button');
  await page.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n - 1, before.length);
  assert.match(await page.textContent('#notification'), / deleted\. Undo$/);
  // The other tab follows.
  await other.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n - 1, before.length);
  await page.click('#undo');
  await page.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, before.length);
  assert.match(await page.textContent('#notification'), / restored$/);
  assert.deepEqual(await page.$$eval('#list tbody tr td:first-child', (tds) => tds.map((td) => td.textContent).sort()), before);
  await other.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, before.length);
  await other.close();
});

test('on a narrow screen each listed value carries its column name', async () => {
  await open();
  await fill({ client_code: 'GL438', hub_code: '' });
  await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length > 0);
  await page.setViewportSize({ width: 375, height: 800 });
  const labels = await page.$$eval('#list tbody tr:first-child td', (tds) => tds.slice(0, 3).map((td) => getComputedStyle(td, '::before').content));
  assert.deepEqual(labels, ['"Start: "', '"End: "', '"Count: "']);
  await page.screenshot({ path: `${SHOTS}list-375.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('"Add series" says why it is off, each reason a link to its field; required fields are marked; Enter shows every issue', async () => {
  await open();
  await page.evaluate(() => localStorage.clear());
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]');
  for (const id of ['start', 'end', 'item_code']) assert.equal(await page.getAttribute(`#${id}`, 'aria-required'), 'true');
  assert.equal(await page.locator('label[for="item_code"] abbr.required').count(), 1);
  const reasons = () => page.$$eval('#add-summary a', (as) => as.map((a) => [a.textContent, a.getAttribute('href')]));
  assert.deepEqual(await reasons(), [
    ['Give a client code or a hub code', '#client_code'], ['Service types is required', '#service-express'],
    ['Start is required', '#start'], ['End is required', '#end'], ['Item code is required', '#item_code'],
  ]);
  // Untouched fields show nothing of their own yet; the summary's link takes the focus to the field.
  assert.equal(await page.textContent('#item_code-error'), '');
  await page.click('#add-summary a[href="#item_code"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'item_code');
  // Enter in a field while Add is off: every issue shows, each on its own line, the first field focused.
  await page.press('#item_code', 'Enter');
  await page.waitForFunction(() => document.getElementById('item_code-error').textContent !== '');
  assert.equal(await page.textContent('#scope-error'), 'Give a client code or a hub code');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'client_code');
  await page.fill('#client_code', 'GL438');
  await page.check('#service-express');
  await page.fill('#item_code', 'P7WJEJANkt');
  await page.fill('#start', 'V30000010');
  await page.fill('#end', 'V30000005');
  await page.waitForFunction(() => document.querySelectorAll('#end-error .line').length === 1);
  assert.deepEqual(await reasons(), [['Start V30000010 is after end V30000005', '#end']]);
});

test('range errors wait for the field to be left, or for End to be as long as Start', async () => {
  await open();
  await page.fill('#client_code', 'GL438');
  await page.fill('#start', '');
  await page.fill('#end', '');
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  await page.focus('#start');
  await page.keyboard.type('V40000');
  await page.waitForTimeout(100);
  assert.equal(await page.textContent('#start-error'), '', 'nothing said while Start is typed');
  await page.focus('#end');
  await page.keyboard.type('V3');
  await page.waitForTimeout(100);
  assert.equal(await page.textContent('#end-error'), '', 'nothing said while End is shorter than Start');
  await page.keyboard.type('0000');
  await page.waitForFunction(() => document.getElementById('end-error').textContent === 'Start V40000 is after end V30000');
  await page.fill('#end', 'V5');
  await page.focus('#item_code');
  await page.waitForFunction(() => document.getElementById('end-error').textContent !== '');
});

test('a store that cannot list says so, and the page stays usable', async () => {
  const broken = await failingIndex('byStart');
  await broken.goto(`${url}?client_code=GL438`);
  await broken.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
  assert.equal(await broken.textContent('#list-error'), "Could not read the stored series: the store's page() failed");
  assert.equal(await broken.isVisible('#empty'), false, 'not shown as an empty list');
  await broken.fill('#start', 'V10000055');
  await broken.fill('#end', 'V10000056');
  await broken.waitForSelector('#conflicts:not([hidden])');
  await broken.close();
});
