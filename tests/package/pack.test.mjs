// The package as users get it: `npm pack` of pkg/, installed from the
// tarball into an empty project, then used from CommonJS, from ESM and
// from a page in headless Chromium importing the web build.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../e2e/browser.mjs';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let project;
let tarball;

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const scenario = `
  const index = new SeriesIndex();
  index.add({ id: 'S1', start: 'V10000051', end: 'V10000060' });
  const out = [
    String(countSeries('V10000051', 'V10000060')),
    validateSeries({ start: 'V10000060', end: 'V10000051' }).issues[0].code,
    index.overlaps({ start: 'V10000055', end: 'V10000070' })[0].end,
    morHash(['1', '1000000025', '1000000035'], 'secret'),
  ].join(' ');
`;
const expected = '10 START_AFTER_END V10000060 7e112ededcfee097cce21b6201c6d2a00dda1f4c';

before(async () => {
  project = await mkdtemp(join(tmpdir(), 'seriesguard-pack-'));
  const packed = JSON.parse(run('npm', ['pack', join(root, 'pkg'), '--json', '--pack-destination', project], root));
  tarball = join(project, packed[0].filename);
  const files = packed[0].files.map((f) => f.path).sort();
  assert.ok(files.includes('dist/web/seriesguard_bg.wasm') && files.includes('index.d.ts'), files.join());
  assert.ok(!files.some((f) => f.endsWith('.rs') || f.startsWith('src/')), 'only what ships');
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, version: '1.0.0' }));
  run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
});

after(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

test('the tarball works from CommonJS require()', async () => {
  await writeFile(join(project, 'use.cjs'), `const { countSeries, validateSeries, SeriesIndex, morHash } = require('seriesguard');\n${scenario}\nconsole.log(out);`);
  assert.equal(run('node', ['use.cjs'], project).trim(), expected);
});

test('the tarball works from ESM import', async () => {
  await writeFile(join(project, 'use.mjs'), `import { countSeries, validateSeries, SeriesIndex, morHash } from 'seriesguard';\n${scenario}\nconsole.log(out);`);
  assert.equal(run('node', ['use.mjs'], project).trim(), expected);
});

async function inChromium(root, path) {
  const server = await serve(0, [['/', root]]);
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}${path}`);
    await page.waitForFunction(() => document.title.length > 0, null, { timeout: 15000 });
    return await page.title();
  } finally {
    await browser.close();
    server.close();
  }
}

test('a bundler (Vite) resolves the package for the browser and ships its wasm', async () => {
  const app = join(project, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="./main.js"></script>');
  await writeFile(join(app, 'main.js'), `import init, { countSeries, validateSeries, SeriesIndex, morHash } from 'seriesguard';
    await init();
    ${scenario}
    document.title = out;`);
  const vite = join(root, 'node_modules', '.bin', 'vite');
  run(vite, ['build', '--logLevel', 'error', '--outDir', join(app, 'dist')], app);
  const assets = await readdir(join(app, 'dist', 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), assets.join());
  assert.equal(await inChromium(join(app, 'dist'), '/index.html'), expected);
});

test('the tarball works in Chromium through the web build', async () => {
  await writeFile(join(project, 'index.html'), `<!doctype html><meta charset="utf-8"><script type="module">
    import init, { countSeries, validateSeries, SeriesIndex, morHash } from '/node_modules/seriesguard/web.js';
    await init();
    ${scenario}
    document.title = out;
  </script>`);
  assert.equal(await inChromium(project, '/index.html'), expected);
  assert.ok((await readdir(join(project, 'node_modules', 'seriesguard'))).includes('README.md'));
});

// The form entry: what a form calls, over the small build of the wasm.
const formScenario = `
  const out = [
    String(countSeries('V10000051', 'V10000060')),
    validateSeries({ start: 'V10000060', end: 'V10000051' }).issues[0].code,
    checkDigit('luhn', '7992739871'),
  ].join(' ');
`;
const formExpected = '10 START_AFTER_END 3';

test('seriesguard/form works from require(), import and Chromium, over its own smaller wasm', async () => {
  const names = 'countSeries, validateSeries, checkDigit';
  await writeFile(join(project, 'form.cjs'), `const { ${names} } = require('seriesguard/form');\n${formScenario}\nconsole.log(out);`);
  assert.equal(run('node', ['form.cjs'], project).trim(), formExpected);
  await writeFile(join(project, 'form.mjs'), `import { ${names} } from 'seriesguard/form';\n${formScenario}\nconsole.log(out);`);
  assert.equal(run('node', ['form.mjs'], project).trim(), formExpected);
  await writeFile(join(project, 'form.html'), `<!doctype html><meta charset="utf-8"><script type="module">
    import init, { ${names} } from '/node_modules/seriesguard/form.js';
    await init();
    ${formScenario}
    document.title = out;
  </script>`);
  assert.equal(await inChromium(project, '/form.html'), formExpected);
  const dist = join(project, 'node_modules', 'seriesguard', 'dist');
  const { size: formSize } = await stat(join(dist, 'form-web', 'seriesguard_bg.wasm'));
  const { size: fullSize } = await stat(join(dist, 'web', 'seriesguard_bg.wasm'));
  assert.ok(formSize < fullSize / 2, `form ${formSize} B, full ${fullSize} B`);
});

// The server entry: the main API plus the platform create flows, over the
// server build; require() and import share one instance.
const serverScenario = `
  const book = new SeriesBook(new MemoryStore());
  const reply = await profiles.shipsy.create(
    { client_code: 'GL438', type: 'virtual', start: 'V10000051', end: 'V10000060', item_code: 'P7WJEJANkt' },
    { authorization: 'Basic k' }, { apiKeyValid: (key) => key === 'k', book });
  const out = [reply.status, String(countSeries('V10000051', 'V10000060')), typeof mainProfiles.shipsy.create].join(' ');
`;
const serverExpected = '200 10 undefined';

test('seriesguard/server works from require() and import, over its own build with the create flows', async () => {
  const names = 'profiles, SeriesBook, MemoryStore, countSeries';
  await writeFile(join(project, 'server.cjs'), `const { ${names} } = require('seriesguard/server');
    const { profiles: mainProfiles } = require('seriesguard');
    (async () => { ${serverScenario}\nconsole.log(out); })();`);
  assert.equal(run('node', ['server.cjs'], project).trim(), serverExpected);
  await writeFile(join(project, 'server.mjs'), `import { ${names} } from 'seriesguard/server';
    import { profiles as mainProfiles } from 'seriesguard';
    import cjs from 'seriesguard/server';
    ${serverScenario}\nconsole.log(out, cjs.profiles === profiles);`);
  assert.equal(run('node', ['server.mjs'], project).trim(), `${serverExpected} true`);
  const dist = join(project, 'node_modules', 'seriesguard', 'dist');
  const { size: mainSize } = await stat(join(dist, 'web', 'seriesguard_bg.wasm'));
  const { size: serverSize } = await stat(join(dist, 'server-web', 'seriesguard_bg.wasm'));
  assert.ok(mainSize < serverSize, `main ${mainSize} B, server ${serverSize} B`);
});
