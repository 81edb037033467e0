// The browser stores (localStorage and IndexedDB) under SeriesBook, in a
// real browser: they persist across a reload and refuse overlaps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve.mjs';
import { launch } from './browser.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await serve(0);
  browser = await launch();
  page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

for (const kind of ['localStorageStore', 'indexedDbStore']) {
  test(`SeriesBook over ${kind} persists and refuses overlaps`, async () => {
    const run = (step) => page.evaluate(async ([kind, step]) => {
      const lib = await import('/pkg/web.js');
      const book = new lib.SeriesBook(lib[kind]());
      if (step === 'create') {
        const created = await book.create({ id: 'S1', start: 'V10000051', end: 'V10000060', scope: 'GL438' });
        return String(created.count);
      }
      try {
        await book.create({ id: 'S2', start: 'V10000055', end: 'V10000070', scope: 'GL438' });
        return 'created';
      } catch (e) {
        const listed = await book.list();
        return `${e.code} ${e.details.conflicts[0].start} ${listed.length}`;
      }
    }, [kind, step]);
    assert.equal(await run('create'), '10');
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await run('again'), 'OVERLAP V10000055 1');
  });
}
