// Typing in the dashboard with 100,000 series stored (issue: under 16 ms a
// keystroke), measured in headless Chromium: per keystroke, the work the
// page does before the browser may paint again (every input listener,
// capture to bubble); the time until the range's check against the store
// is shown; and the main thread's long tasks (over 50 ms) while typing.
// Writes target/bench-typing.md for BENCHMARKS.md. A figure, not a test.
import { writeFile } from 'node:fs/promises';
import { dashboard, seed } from '../../tests/e2e/browser.mjs';

const STORED = 100000;
const ui = await dashboard();
const { page } = ui;
await ui.open();
await seed(page, 'client:TYPING', STORED);
await page.goto(`${ui.url}?client_code=typing`);
await page.waitForSelector('html[data-ready="true"]', { timeout: 60000 });
await page.waitForFunction(() => document.getElementById('page-info').textContent.endsWith('of 100,000'));

// Listeners around the page's own: the first to run (window, capture) and the last (window, bubble).
await page.evaluate(() => {
  window.keystrokes = [];
  window.longTasks = [];
  let began = 0;
  addEventListener('input', () => { began = performance.now(); }, true);
  addEventListener('input', () => window.keystrokes.push(performance.now() - began));
  new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
    .observe({ type: 'longtask', buffered: false });
});
// Keystrokes as a user types them: a customer's range over the stored series, three times.
for (let round = 0; round < 3; round++) {
  for (const id of ['start', 'end']) {
    await page.fill(`#${id}`, '');
    await page.focus(`#${id}`);
    await page.keyboard.type(id === 'start' ? `B0123${round}455` : `B0123${round}475`, { delay: 30 });
  }
}
// The check shown: a complete range set at once, until the conflict list shows its answer.
const checks = [];
for (let i = 0; i < 30; i++) {
  const start = `B0${1000000 + i * 2000 + 5}`;
  checks.push(await page.evaluate(([start, end]) => new Promise((resolve) => {
    const list = document.getElementById('conflicts-list');
    const began = performance.now();
    const seen = new MutationObserver(() => {
      seen.disconnect();
      resolve(performance.now() - began);
    });
    seen.observe(list, { childList: true, subtree: true, characterData: true });
    document.getElementById('end').value = end;
    document.getElementById('start').value = start;
    document.getElementById('start').dispatchEvent(new Event('input', { bubbles: true }));
  }), [start, `B0${1000000 + i * 2000 + 25}`]));
}
const { keystrokes, longTasks } = await page.evaluate(() => ({ keystrokes: window.keystrokes, longTasks: window.longTasks }));
await ui.close();

const sorted = (list) => [...list].sort((a, b) => a - b);
const median = (list) => sorted(list)[Math.floor(list.length / 2)];
const ms = (v) => `${v.toFixed(2)} ms`;
const k = sorted(keystrokes);
const md = `| measured with ${STORED.toLocaleString('en-US')} series stored (IndexedDB, one customer) | median | max | n |
| --- | --- | --- | --- |
| one keystroke: the page's input listeners, capture to bubble (validation, count, the check started) | ${ms(median(k))} | ${ms(k.at(-1))} | ${k.length} |
| a range typed: until its conflicts and free part are shown (the store's span index, one IndexedDB cursor) | ${ms(median(checks))} | ${ms(Math.max(...checks))} | ${checks.length} |
| main-thread tasks over 50 ms while typing | — | ${longTasks.length ? ms(Math.max(...longTasks)) : 'none'} | ${longTasks.length} |
`;
await writeFile(new URL('../../target/bench-typing.md', import.meta.url), md);
console.log(md);
