// The dashboard at scale, in headless Chromium: 100,000 stored series
// (paged list, search by number), a 10,000-row CSV import (progress, a
// preview, one confirmed create, the refused rows' report) and the exports
// (named after the customer, formula-safe, no internal fields).
// Screenshots at 1280 and 375 px go to target/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readCsv } from 'seriesguard/server';
import { dashboard, seed, SHOTS } from './browser.mjs';

let ui;
let page;

before(async () => {
  ui = await dashboard();
  ({ page } = ui);
  page.on('console', (m) => { if (process.env.DEBUG_PAGE) console.log('page:', m.text()); });
  await ui.open();
});

after(async () => {
  await ui?.close();
});

const text = async (download) => Buffer.concat(await (await download.createReadStream()).toArray()).toString();
const customer = async (code) => {
  await page.goto(`${ui.url}?client_code=${code}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
};

test('100,000 stored series: the list is paged and sorted, the search finds the series holding a number', async () => {
  const seeded = await seed(page, 'client:BIG100K', 100000);
  assert.equal(seeded, 100000);
  await customer('big100k');
  await page.waitForFunction(() => document.getElementById('page-info').textContent !== '');
  assert.equal(await page.textContent('#page-info'), '1–50 of 100,000');
  assert.equal(await page.locator('#list tbody tr').count(), 50);
  const starts = () => page.$$eval('#list tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual((await starts()).slice(0, 3), ['B01000000', 'B01000020', 'B01000040']);
  await page.screenshot({ path: `${SHOTS}list-100k-1280.png` });
  await page.click('#next');
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '51–100 of 100,000');
  assert.equal((await starts())[0], 'B01001000');
  // Newest first: the last stored (i = 99,999, n = 92,081) leads.
  await page.selectOption('#order', 'newest');
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–50 of 100,000');
  assert.equal((await starts())[0], `B0${1000000 + ((99999 * 7919) % 100000) * 20}`);
  // The series holding a number, found by the library among 100,000.
  await page.fill('#search', ' B01234567 ');
  await page.click('#find');
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '1 found');
  assert.deepEqual(await page.$$eval('#list tbody tr td', (tds) => tds.slice(0, 2).map((td) => td.textContent)), ['B01234560', 'B01234569']);
  await page.fill('#search', 'B01234575');
  await page.click('#find');
  await page.waitForFunction(() => document.getElementById('search-error').textContent !== '');
  assert.equal(await page.textContent('#search-error'), 'No series of this customer holds B01234575');
  await page.click('#show-all');
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–50 of 100,000');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.screenshot({ path: `${SHOTS}list-100k-375.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  // Typing a range checks it against the 100,000 (a conflict found by the store's index).
  await page.fill('#start', 'B01234565');
  await page.fill('#end', 'B01234570');
  await page.waitForSelector('#conflicts:not([hidden])');
  assert.match(await page.textContent('#conflicts-list'), /^B01234565\.\.B01234569 \(5\) is taken: item IC11728, added/);
});

test('a 10,000-row CSV import: progress while checked, a preview, one create, a report of the rows not created', async () => {
  await customer('imp10k');
  await page.fill('#start', '');
  await page.fill('#end', '');
  // A file that is not CSV is refused in words, with its line.
  await page.setInputFiles('#import-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('start,end\nM1,M"2\n') });
  await page.waitForFunction(() => document.getElementById('import-error').textContent !== '');
  assert.equal(await page.textContent('#import-error'), 'Could not import broken.csv: Input is not CSV: line 2 has a quote inside an unquoted cell');
  // More than 100,000 rows is refused before anything is checked.
  const huge = `start,end\n${'M1,M2\n'.repeat(100001)}`;
  await page.setInputFiles('#import-file', { name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.from(huge) });
  await page.waitForFunction(() => document.getElementById('import-error').textContent.includes('huge.csv'));
  assert.equal(await page.textContent('#import-error'), 'Could not import huge.csv: the file has 100,001 rows; import at most 100,000 at a time');
  // One stored series the file collides with.
  await page.check('#service-express');
  await page.fill('#start', 'M00005000');
  await page.fill('#end', 'M00005004');
  await page.fill('#item_code', 'STORED');
  await page.click('#add');
  await page.waitForFunction(() => document.getElementById('notification').textContent === 'series added successfully');
  const lines = ['start,end,item_code,type,service_types'];
  for (let i = 0; i < 10000; i++) {
    const first = String(i * 10).padStart(8, '0');
    const last = String(i * 10 + 9).padStart(8, '0');
    if (i === 3) lines.push(`M${last},M${first},REVERSED,virtual,EXPRESS`);
    else if (i === 7) lines.push(`M${first},M${last},"=HYPERLINK(""http://x"")",virtual,`);
    else if (i === 8) lines.push(`M${first},M${last},"=HYPERLINK(""http://y"")",virtual,EXPRESS`);
    else lines.push(`M${first},M${last},IC${i},${i % 2 ? 'physical' : ''},EXPRESS STANDARD`);
  }
  // A row half over line 8 of the file (the other half was line 9's, which is refused);
  // line 502 of the file is half over the stored series.
  lines.push('M00000065,M00000074,LATE,virtual,EXPRESS');
  // Progress as the page shows it, recorded as it changes.
  await page.evaluate(() => {
    window.progressSeen = [];
    new MutationObserver(() => window.progressSeen.push(document.getElementById('import-progress').value))
      .observe(document.getElementById('import-progress'), { attributes: true, attributeFilter: ['value'] });
  });
  await page.setInputFiles('#import-file', { name: 'series.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
  await page.waitForSelector('#import-preview:not([hidden])', { timeout: 60000 });
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.length >= 5, `progress shown ${seen.length} times`);
  assert.equal(seen.at(-1), 100);
  assert.deepEqual(await page.$$eval('#import-summary li', (lis) => lis.map((li) => li.textContent)), [
    '9,997 will be created whole',
    '2 are only partly free: left out (tick the box above to create their free part)',
    '2 are refused',
  ]);
  const outcomes = await page.$$eval('#import-rows tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(outcomes.map((o) => o[0]), ['5', '9', '502', '10002']);
  assert.match(outcomes[0][3], /^refused: Start M00000039 is after end M00000030/);
  assert.equal(outcomes[1][3], 'refused: Service types is required');
  assert.equal(outcomes[2][3], 'only partly free: 5 of 10 free; taken: M00005000..M00005004 (stored)');
  assert.equal(outcomes[3][3], 'only partly free: 5 of 10 free; taken: M00000065..M00000069 (line 8 of this file)');
  await page.screenshot({ path: `${SHOTS}import-preview-1280.png`, fullPage: false });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.locator('#import-preview').screenshot({ path: `${SHOTS}import-preview-375.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  // The report lists every row not created, with why, formula-safe.
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('#import-report')]);
  assert.match(report.suggestedFilename(), /^refused-client-IMP10K-\d{4}-\d\d-\d\d\.csv$/);
  const reportText = await text(report);
  const reported = readCsv(reportText);
  assert.deepEqual(reported[0], ['line', 'start', 'end', 'item_code', 'outcome', 'reason']);
  assert.deepEqual(reported.slice(1).map((r) => r[0]), ['5', '9', '502', '10002']);
  assert.equal(reported[2][3], '=HYPERLINK("http://x")', 'read back as entered');
  assert.match(reportText, /"'=HYPERLINK/, 'written defused');
  // One create: the 9,997 free rows.
  assert.equal(await page.textContent('#import-create'), 'Create 9,997 series');
  await page.click('#import-create');
  await page.waitForFunction(() => document.getElementById('import-status').textContent.startsWith('9,997 series added'), null, { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–50 of 9,998');
});

test('exports are named after the customer and the date, carry the customer, no internal fields, and defuse formulas', async () => {
  await customer('imp10k');
  await page.waitForFunction(() => document.getElementById('page-info').textContent === '1–50 of 9,998');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(csv.suggestedFilename(), /^series-client-IMP10K-\d{4}-\d\d-\d\d\.csv$/);
  const body = await text(csv);
  const rows = readCsv(body);
  assert.deepEqual(rows[0], ['customer', 'start', 'end', 'count', 'format', 'item_code', 'type', 'service_types', 'created_at']);
  assert.equal(rows.length, 9999);
  assert.ok(rows.slice(1).every((r) => r[0] === 'client:IMP10K'));
  assert.deepEqual(rows[1].slice(1, 8), ['M00000000', 'M00000009', '10', 'plain', 'IC0', 'virtual', 'EXPRESS STANDARD']);
  // The file holds no cell a spreadsheet would run; the library reads it back as entered.
  assert.doesNotMatch(body, /(^|,)"?[=+\-@]/m);
  assert.match(body, /"'=HYPERLINK\(""http:\/\/y""\)"/);
  assert.ok(rows.some((r) => r[5] === '=HYPERLINK("http://y")'), 'read back as entered');
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.match(json.suggestedFilename(), /^series-client-IMP10K-\d{4}-\d\d-\d\d\.json$/);
  const listed = JSON.parse(await text(json));
  assert.equal(listed.length, 9998);
  assert.deepEqual(Object.keys(listed[0]).sort(), ['count', 'created_at', 'customer', 'end', 'format', 'item_code', 'service_types', 'start', 'type']);
});
