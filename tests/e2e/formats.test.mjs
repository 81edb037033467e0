// Every number format of the dashboard (www/) in headless Chromium: a
// series typed in the spelling people use is stored with its format, in
// its canonical spelling, counted under the format's rules, survives a
// reload and an export, and "Create only the free part" creates only valid
// identifiers of that format with the right counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { countSeries, verifyCheckDigit } from 'seriesguard';
import { dashboard } from './browser.mjs';

// Per format: the series added (as typed), what the store must hold, a
// wider series overlapping it, and the free pieces that must be created.
const FORMATS = [
  {
    format: 'awb', scheme: 'mod7', typed: ['020-12345675', '020-12345686'], stored: ['02012345675', '02012345686', '2'],
    wider: ['020-12345675', '020-12345701'], free: [['02012345690', '02012345701', '2']],
  },
  {
    format: 's10', scheme: 's10', typed: ['RR473124829GB', 'RR473124832GB'], stored: ['RR473124829GB', 'RR473124832GB', '2'],
    wider: ['RR473124829GB', 'RR473124850GB'], free: [['RR473124846GB', 'RR473124850GB', '2']],
  },
  {
    format: 'iccid', scheme: 'luhn', typed: ['8965880812100011146', '8965880812100011153'],
    stored: ['8965880812100011146', '8965880812100011153', '2'],
    wider: ['8965880812100011146', '8965880812100011179'], free: [['8965880812100011161', '8965880812100011179', '2']],
  },
  {
    format: 'imei', scheme: 'luhn', typed: ['35-209900-176148-1', '35 209900 176150 7'], stored: ['352099001761481', '352099001761507', '3'],
    wider: ['35-209900-176148-1', '35-209900-176155-6'], free: [['352099001761515', '352099001761556', '5']],
  },
  {
    format: 'gtin', scheme: 'gs1', typed: ['978-0-471-11709-4', '978-0-471-11710-0'], stored: ['9780471117094', '9780471117100', '2'],
    wider: ['978-0-471-11709-4', '978-0-471-11712-4'], free: [['9780471117117', '9780471117124', '2']],
  },
];

let ui;
let page;
const open = () => ui.open();
const fill = (fields) => ui.fill(fields);

const rows = () => page.$$eval('#list tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
const read = async (download) => Buffer.concat(await (await download.createReadStream()).toArray()).toString();

before(async () => {
  ui = await dashboard();
  page = ui.page;
});

after(async () => {
  await ui?.close();
});

for (const f of FORMATS) {
  test(`${f.format}: stored with its format, counted under it, and the free part is valid`, async () => {
    const customer = `FMT-${f.format}`;
    await open();
    await page.selectOption('#format', f.format);
    await page.check('input[name="service_types"][value="EXPRESS"]');
    await fill({ client_code: customer, start: f.typed[0], end: f.typed[1], item_code: 'item' });
    assert.equal(await page.textContent('#count'), f.stored[2]);
    await page.click('#add');
    await page.waitForFunction(() => document.getElementById('notification').textContent === 'series added successfully');

    // After a reload, with the plain format picked, the list still shows what was stored.
    await open();
    await fill({ client_code: customer });
    await page.waitForFunction(() => document.querySelectorAll('#list tbody tr').length === 1);
    assert.deepEqual((await rows())[0].slice(0, 4), [...f.stored, f.format]);

    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
    const [exported] = JSON.parse(await read(json));
    assert.deepEqual([exported.start, exported.end, exported.count, exported.format], [...f.stored, f.format]);
    assert.equal(exported.segments, undefined, 'no internal fields');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    assert.match((await read(csv)).split('\n')[1], new RegExp(`"${f.stored[0]}","${f.stored[1]}","${f.stored[2]}","${f.format}"`));

    // A wider series overlaps it; only the free part is created, as valid identifiers.
    await page.selectOption('#format', f.format);
    await page.check('input[name="service_types"][value="EXPRESS"]');
    await fill({ start: f.wider[0], end: f.wider[1], item_code: 'item' });
    await page.waitForSelector('#conflicts:not([hidden])');
    await page.click('#create-free');
    await page.waitForFunction((n) => document.querySelectorAll('#list tbody tr').length === n, 1 + f.free.length);
    const created = (await rows()).map((r) => r.slice(0, 3)).filter((r) => r[0] !== f.stored[0]);
    assert.deepEqual(created, f.free);
    for (const [start, end, count] of created) {
      assert.equal(verifyCheckDigit(f.format, start), true, start);
      assert.equal(verifyCheckDigit(f.format, end), true, end);
      assert.equal(String(countSeries(start, end, { format: f.format })), count);
    }
    assert.deepEqual(ui.pageErrors, []);
  });
}
