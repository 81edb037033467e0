import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const raw = require('../../pkg/dist/node/seriesguard.js');
const US = '\x1f', RS = '\x1e';
if (process.argv[2]) raw.tmp_reserve(Number(process.argv[2]));
for (const n of [100000, 300000]) {
  const series = Array.from({ length: n }, (_, i) => ({ id: i, start: `V${10000000 + i * 20}`, end: `V${10000000 + i * 20 + 9}` }));
  const packed = series.map((s) => 'n' + s.id + US + 's' + s.start + US + 's' + s.end + US + 'u').join(RS);
  let t = performance.now();
  const index = new raw.IndexRaw(undefined, false);
  index.addMany(packed, undefined);
  console.log(n, 'wasm addMany', (performance.now() - t).toFixed(0), 'mem', raw.wasmMemory().buffer.byteLength >> 20);
  index.free();
}
