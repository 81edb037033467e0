// Starts Debian's Chromium headless through playwright-core, with the flags
// this workplace needs (no sandbox as root, no background networking) and a
// fresh profile each time. Shared by the browser tests.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests save screenshots (artifacts, not committed); made by dashboard(). */
export const SHOTS = fileURLToPath(new URL('../../target/screenshots/', import.meta.url));

export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'seriesguard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Stores `count` series of ten for customer `scope` (`client:CODE`) in the
 * page's IndexedDB store, in one transaction, each prepared by the library:
 * B01000000..B01000009, B01000020..B01000029, ... (a gap after each),
 * stored in a scrambled order (series n is the (i * 7919 % count)-th
 * stored), item code ICn, created a second apart.
 */
export async function seed(page, scope, count) {
  return page.evaluate(async ([scope, count]) => {
    const lib = await import('/pkg/server.js');
    await lib.default();
    const store = lib.indexedDbStore('seriesguard-demo');
    const book = new lib.SeriesBook(store);
    const list = [];
    for (let i = 0; i < count; i++) {
      const n = (i * 7919) % count;
      const start = `B${String(1000000 + n * 20).padStart(8, '0')}`;
      const end = `B${String(1000000 + n * 20 + 9).padStart(8, '0')}`;
      const series = book.prepare({ start, end, scope, item_code: `IC${n}` });
      list.push({ ...series, service_types: ['EXPRESS'], created_at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString() });
    }
    await store.insertMany(list);
    return list.length;
  }, [scope, count]);
}

/**
 * The dashboard (www/) served on a free port in a fresh browser: `open()`
 * loads it and waits until it is ready, `fill(fields)` types into fields by
 * id and lets the asynchronous overlap check settle; `pageErrors` collects
 * uncaught page errors. Shared by the dashboard's browser tests.
 */
export async function dashboard() {
  await mkdir(SHOTS, { recursive: true });
  const server = await serve(0);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launch();
  const page = await browser.context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  return {
    page,
    url,
    pageErrors,
    async open() {
      await page.goto(url);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 15000 });
    },
    async fill(fields) {
      for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
      await page.waitForTimeout(150);
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}
