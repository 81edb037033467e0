// The number lifecycle over PostgreSQL. seriesguard (SeriesIndex.lifecycle)
// decides every change; this module gives it its instant, keeps the
// outcome and keeps this process's picture current:
//
// - Every change runs in one transaction holding one advisory lock, so
//   changes are serialized across processes and each is decided on the
//   latest state. Before deciding, the process brings its pools up to date
//   with the declarations and events other processes appended since it last
//   looked (the core's `replay`).
// - The change's declaration and events are appended (pool_declaration,
//   pool_event: the audit trail), and the touched spans of the segment
//   table are rewritten from the core's state, whose constraints refuse any
//   range held twice. If anything fails, the transaction rolls back and this
//   process forgets its pools (rebuilt from the trail next time).
// - Reservations past their expiry and coolings past their end return to
//   available by a periodic sweep inside the server (`expire`).
import { SeriesIndex } from 'seriesguard/server';
import { transaction } from './db.mjs';

// Any constant works; it only has to be the same for every process.
const POOLS_LOCK = 7_312_002;

/** The lifecycle of `db`'s pools; `clock()` gives now in epoch ms. */
export function lifecycle(db, { clock = Date.now, log = null } = {}) {
  let index = null;
  let seen = { declarations: 0n, events: 0n };
  // Each pool's tree root, for the segment table's guard.
  const parents = new Map();
  const rootOf = (pool) => {
    for (let p = pool, depth = 0; depth < 64; depth++) {
      const parent = parents.get(p);
      if (parent === null || parent === undefined) return p;
      p = parent;
    }
    return pool;
  };

  // This process's pools, brought up to date with what others appended.
  async function current(client) {
    if (index === null) {
      index = new SeriesIndex();
      seen = { declarations: 0n, events: 0n };
      parents.clear();
    }
    const declared = await client.query(
      'SELECT seq, name, parent, declaration FROM pool_declaration WHERE seq > $1 ORDER BY seq', [String(seen.declarations)]);
    const events = await client.query('SELECT seq, event FROM pool_event WHERE seq > $1 ORDER BY seq', [String(seen.events)]);
    if (declared.rows.length > 0 || events.rows.length > 0) {
      try {
        index.replayPools(declared.rows.map((r) => r.declaration), events.rows.map((r) => r.event));
      } catch (error) {
        forget();
        throw error;
      }
      for (const r of declared.rows) parents.set(r.name, r.parent);
      if (declared.rows.length) seen.declarations = BigInt(declared.rows.at(-1).seq);
      if (events.rows.length) seen.events = BigInt(events.rows.at(-1).seq);
    }
    return index;
  }

  // Rewrites the spans `events` touched, per pool, from the core's state:
  // each span with one serial either side, so the runs a change merged
  // into come along whole; spans that meet are rewritten as one.
  async function writeSegments(client, pools, events) {
    const touched = events.map((e) => ({ pool: e.pool, a: BigInt(e.first), b: BigInt(e.last) }))
      .sort((x, y) => (x.pool < y.pool ? -1 : x.pool > y.pool ? 1 : x.a < y.a ? -1 : x.a > y.a ? 1 : 0));
    const spans = [];
    for (const t of touched) {
      const last = spans.at(-1);
      if (last && last.pool === t.pool && t.a <= last.b + 2n) last.b = t.b > last.b ? t.b : last.b;
      else spans.push({ ...t });
    }
    for (const { pool, a, b } of spans) {
      const first = a > 0n ? a - 1n : a;
      const runs = pools.lifecycle({ op: 'state', pool, first: String(first), last: String(b + 1n) }).pools[pool] ?? [];
      // The old rows there: the same runs before the change (a run reaching
      // past the span reaches past it unchanged), or nothing.
      const low = runs.length && BigInt(runs[0].first) < first ? BigInt(runs[0].first) : first;
      const high = runs.length && BigInt(runs.at(-1).last) > b + 1n ? BigInt(runs.at(-1).last) : b + 1n;
      await client.query('DELETE FROM pool_segment WHERE pool = $1 AND span && numrange($2, $3)', [pool, String(low), String(high + 1n)]);
      if (runs.length === 0) continue;
      await client.query(
        `INSERT INTO pool_segment (pool, root, span, state, until, holder)
         SELECT $1, $2, numrange(f, l + 1), s, u, h
           FROM unnest($3::numeric[], $4::numeric[], $5::text[], $6::timestamptz[], $7::text[]) AS r(f, l, s, u, h)`,
        [pool, rootOf(pool), runs.map((r) => r.first), runs.map((r) => r.last), runs.map((r) => r.state),
          runs.map((r) => r.until), runs.map((r) => r.holder)],
      );
    }
  }

  /**
   * Runs one lifecycle change ({ op, ... }) at the server's now: it is
   * stored with its events and segments, atomically, or not at all.
   * Throws SeriesError when seriesguard refuses it (nothing changed then).
   */
  async function change(request) {
    let decided = false;
    try {
      return await transaction(db, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [POOLS_LOCK]);
        const pools = await current(client);
        const answer = pools.lifecycle({ ...request, at: clock() });
        decided = true;
        const events = answer.events ?? [];
        const name = (value) => (value === undefined || value === null ? null : String(value).trim());
        if (request.op === 'declare') {
          await client.query('INSERT INTO pool_declaration (name, parent, declaration) VALUES ($1, $2, $3)',
            [name(request.pool), name(request.parent), request]);
        }
        if (events.length > 0) {
          const text = (e) => JSON.stringify(e, (k, v) => (typeof v === 'bigint' ? String(v) : v));
          await client.query(
            'INSERT INTO pool_event (pool, at, op, event) SELECT p, a, o, e FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[]) AS r(p, a, o, e)',
            [events.map((e) => e.pool), events.map((e) => e.at), events.map((e) => e.op), events.map(text)],
          );
          await writeSegments(client, pools, events);
        }
        // This process holds what it appended: nothing of it to replay.
        const [d, e] = await Promise.all([
          client.query('SELECT coalesce(max(seq), 0) AS seq FROM pool_declaration'),
          client.query('SELECT coalesce(max(seq), 0) AS seq FROM pool_event'),
        ]);
        seen = { declarations: BigInt(d.rows[0].seq), events: BigInt(e.rows[0].seq) };
        if (request.op === 'declare') parents.set(name(request.pool), name(request.parent));
        return answer;
      });
    } catch (error) {
      // Decided but not committed: this process's pools are ahead of the
      // database. Forget them; the trail rebuilds them next time.
      if (decided) forget();
      throw error;
    }
  }

  function forget() {
    index?.free();
    index = null;
  }

  /**
   * A read (report, reservation, state) on the latest state. It takes the
   * lock too: catching up shares this process's pools with its changes.
   */
  function read(request) {
    return transaction(db, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [POOLS_LOCK]);
      return (await current(client)).lifecycle(request);
    });
  }

  /** One sweep: every reservation and cooling due at the server's now returns to available. */
  async function sweep() {
    const answer = await change({ op: 'expire', actor: 'sweep' });
    if (answer.events.length > 0) log?.info('pool sweep', { returned: answer.events.length });
    return answer;
  }

  return { change, read, sweep, forget };
}
