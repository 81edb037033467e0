// Overlap: SeriesIndex against @flatten-js/interval-tree, node-interval-tree
// and a sorted Float64Array with binary search (what a JS developer writes by
// hand), at 10k, 100k and 1,000,000 stored ranges.
import { IntervalTree as FlattenIntervalTree } from '@flatten-js/interval-tree';
import { IntervalTree as NodeIntervalTree } from 'node-interval-tree';
import { SeriesIndex, memoryBytes, validateMany } from 'seriesguard';

export const title = 'Overlap queries and loading';
export const description = `Stored ranges \`V<8 digits>\`, ten numbers each with a gap of ten between
them. Queries are 1,024 pre-built ranges, half inside stored ranges (hits)
and half in the gaps (misses). seriesguard is queried with identifier
strings as a host holds them (\`{ start: 'V10000051', end: 'V10000055' }\`);
the peers get plain numbers, which they need (they cannot hold 20-digit
ICCIDs exactly). Memory: the JS heap growth after GC for the peers; for
seriesguard both the bytes the index holds and the growth of wasm memory
(which also keeps the bulk load's transient buffers).`;

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const BASE = 10_000_000;
const id = (i) => `V${BASE + i}`;

function gc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

function time(fn) {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

function heapDelta(build) {
  gc();
  const before = used();
  const { ms, value } = time(build);
  gc();
  return { ms, value, bytes: used() - before };
}

function queries(n) {
  const out = [];
  for (let q = 0; q < 1024; q++) {
    const i = Math.floor(((q * 2654435761) % 2 ** 32) / 2 ** 32 * n);
    const lo = BASE + i * 20 + (q % 2 === 0 ? 2 : 12); // hits land inside, misses in the gap
    out.push({ lo, hi: lo + 4, series: { start: `V${lo}`, end: `V${lo + 4}` } });
  }
  return out;
}

class SortedArrays {
  constructor(n) {
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.starts[i] = BASE + i * 20;
      this.ends[i] = BASE + i * 20 + 9;
    }
  }
  any(lo, hi) {
    let a = 0;
    let b = this.ends.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.ends[m] < lo) a = m + 1; else b = m;
    }
    return a < this.starts.length && this.starts[a] <= hi;
  }
}

/** Load results, for the targets table. */
export const loads = [];
/** Snapshot round trips and the import check at the largest size, for the targets table. */
export const extras = {};

// The best of a few runs of fn (milliseconds), for one-off bulk work.
function best(fn, runs = 3) {
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    gc();
    min = Math.min(min, time(fn).ms);
  }
  return min;
}

export async function groups() {
  const out = [];
  for (const n of SIZES) {
    const series = Array.from({ length: n }, (_, i) => ({ id: i, start: id(i * 20), end: id(i * 20 + 9) }));
    const wasmBefore = memoryBytes();
    let index;
    const ours = time(() => {
      index = new SeriesIndex();
      index.addMany(series);
      return index;
    });
    const wasmGrowth = memoryBytes() - wasmBefore;
    const flatten = heapDelta(() => {
      const tree = new FlattenIntervalTree();
      for (let i = 0; i < n; i++) tree.insert([BASE + i * 20, BASE + i * 20 + 9], i);
      return tree;
    });
    const nit = heapDelta(() => {
      const tree = new NodeIntervalTree();
      for (let i = 0; i < n; i++) tree.insert({ low: BASE + i * 20, high: BASE + i * 20 + 9, id: i });
      return tree;
    });
    const sorted = heapDelta(() => new SortedArrays(n));
    loads.push({ n, ours, held: index.heldBytes(), wasmGrowth, flatten, nit, sorted });

    if (n === SIZES.at(-1)) {
      // Snapshots both ways: the binary one and the JSON one.
      let bytes;
      let json;
      extras.n = n;
      extras.toBytes = best(() => { bytes = index.toBytes(); });
      extras.fromBytes = best(() => SeriesIndex.fromBytes(bytes).free());
      extras.bytes = bytes.length;
      extras.toJSON = best(() => { json = JSON.stringify(index); }, 1);
      extras.fromJSON = best(() => SeriesIndex.fromJSON(json).free(), 1);
      // An import of 100,000 rows checked against everything stored: each row
      // validated, its conflicts with stored series, and the conflicts among the
      // rows themselves (an index of the import alone refuses any).
      const rows = Array.from({ length: 100_000 }, (_, i) => ({ id: `new-${i}`, start: id(n * 20 + i * 20), end: id(n * 20 + i * 20 + 9) }));
      rows[50_000] = { id: 'new-clash', start: id(40), end: id(45) };
      extras.importRows = rows.length;
      extras.importCheck = best(() => {
        const checked = validateMany(rows);
        const stored = index.overlapsMany(rows);
        const own = new SeriesIndex();
        own.addMany(rows);
        own.free();
        if (checked.length !== rows.length || stored[50_000].length !== 1) throw new Error('import check answered wrong');
      });
    }
    const qs = queries(n);
    let k = 0;
    const next = () => qs[(k++) & 1023];
    out.push({
      title: `Yes/no overlap query, ${n.toLocaleString('en-US')} stored ranges (hits and misses alternating)`,
      batch: 200,
      cases: [
        { name: 'seriesguard SeriesIndex.hasOverlap', ours: true, fn: () => index.hasOverlap(next().series) },
        { name: '@flatten-js/interval-tree intersect_any', fn: () => { const q = next(); return flatten.value.intersect_any([q.lo, q.hi]); } },
        { name: 'node-interval-tree search().length > 0', fn: () => { const q = next(); return nit.value.search(q.lo, q.hi).length > 0; } },
        { name: 'sorted Float64Array, binary search', fn: () => { const q = next(); return sorted.value.any(q.lo, q.hi); } },
      ],
    });
    if (n === SIZES.at(-1)) {
      // Hits and misses apart, at the largest size: a hit stops at the first
      // stored range found, a miss proves there is none.
      for (const [kind, parity] of [['hits only', 0], ['misses only', 1]]) {
        const only = qs.filter((_, q) => q % 2 === parity);
        let j = 0;
        const pick = () => only[(j++) % only.length];
        out.push({
          title: `Yes/no overlap query, ${n.toLocaleString('en-US')} stored ranges, ${kind}`,
          batch: 200,
          cases: [
            { name: 'seriesguard SeriesIndex.hasOverlap', ours: true, fn: () => index.hasOverlap(pick().series) },
            { name: '@flatten-js/interval-tree intersect_any', fn: () => { const q = pick(); return flatten.value.intersect_any([q.lo, q.hi]); } },
            { name: 'sorted Float64Array, binary search', fn: () => { const q = pick(); return sorted.value.any(q.lo, q.hi); } },
          ],
        });
      }
    }
    if (n === 100_000) {
      // Many queries in one crossing, reported per query.
      const many = Array.from({ length: 10_000 }, (_, q) => qs[q & 1023]);
      const manySeries = many.map((q) => q.series);
      out.push({
        title: '10,000 overlap queries returning the conflicts, 100,000 stored ranges (per query)',
        batch: 1,
        perCall: many.length,
        cases: [
          { name: 'seriesguard SeriesIndex.overlapsMany (one crossing)', ours: true, fn: () => index.overlapsMany(manySeries) },
          { name: 'seriesguard SeriesIndex.overlaps × 10,000', fn: () => manySeries.map((q) => index.overlaps(q)) },
          { name: '@flatten-js/interval-tree search × 10,000', fn: () => many.map((q) => flatten.value.search([q.lo, q.hi])) },
        ],
      });
    }
    out.push({
      title: `Overlap query returning the conflicts, ${n.toLocaleString('en-US')} stored ranges`,
      batch: 200,
      cases: [
        { name: 'seriesguard SeriesIndex.overlaps (identifiers, ids, counts)', ours: true, fn: () => index.overlaps(next().series) },
        { name: '@flatten-js/interval-tree search (values)', fn: () => { const q = next(); return flatten.value.search([q.lo, q.hi]); } },
        { name: 'node-interval-tree search (records)', fn: () => { const q = next(); return nit.value.search(q.lo, q.hi); } },
      ],
    });
  }
  const perRange = (bytes, n) => `${(bytes / n).toFixed(1)} B`;
  const lines = ['| stored ranges | library | load | memory per range |', '| ---: | --- | ---: | ---: |'];
  for (const l of loads) {
    const n = l.n.toLocaleString('en-US');
    lines.push(`| ${n} | **seriesguard addMany** (one crossing) | ${l.ours.ms.toFixed(0)} ms | ${perRange(l.held, l.n)} held; wasm memory grew ${perRange(l.wasmGrowth, l.n)} |`);
    lines.push(`| ${n} | @flatten-js/interval-tree insert | ${l.flatten.ms.toFixed(0)} ms | ${perRange(l.flatten.bytes, l.n)} |`);
    lines.push(`| ${n} | node-interval-tree insert | ${l.nit.ms.toFixed(0)} ms | ${perRange(l.nit.bytes, l.n)} |`);
    lines.push(`| ${n} | sorted Float64Array (numbers only) | ${l.sorted.ms.toFixed(0)} ms | ${perRange(l.sorted.bytes, l.n)} |`);
  }
  out.unshift({ title: 'Loading', table: lines.join('\n') });
  return out;
}
