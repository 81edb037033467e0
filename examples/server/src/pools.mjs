// The number lifecycle over PostgreSQL: a store for seriesguard's
// SeriesBook, which decides every change and runs its protocol (catch up on
// the trail, decide, compare-and-append; src/lifecycle/book.rs). This
// module only gives it the server's clock, one transaction per request, and
// the store it asks:
//
// - poolTrail(after): the declarations and events appended after `after`
//   (pool_declaration, pool_event: the audit trail), and the head.
// - appendPool(change): refused as stale when the head moved; else the
//   declaration and events appended and the segment table's rows over the
//   touched spans replaced by the runs seriesguard gives, whose exclusion
//   constraints refuse any number held twice.
//
// Every request runs in one transaction under one advisory lock, so changes
// are serialized across processes. Reservations past their expiry and
// coolings past their end return to available by a sweep (`sweep()`, run
// periodically by ./main.mjs).
import { SeriesBook } from 'seriesguard/server';
import { transaction } from './db.mjs';

// Any constant works; it only has to be the same for every process.
const POOLS_LOCK = 7_312_002;

const HEAD = `SELECT (SELECT coalesce(max(seq), 0) FROM pool_declaration)::text AS declarations,
                     (SELECT coalesce(max(seq), 0) FROM pool_event)::text AS events`;

/** The lifecycle of `db`'s pools; `clock()` gives now in epoch ms. */
export function lifecycle(db, { clock = Date.now, log = null } = {}) {
  // The transaction the book's current request runs in (one at a time: the lock).
  let client = null;
  const store = {
    async poolTrail(after) {
      const declarations = await client.query(
        'SELECT seq::text, declaration FROM pool_declaration d WHERE d.seq > $1 ORDER BY d.seq', [after.declarations]);
      const events = await client.query('SELECT seq::text, event FROM pool_event e WHERE e.seq > $1 ORDER BY e.seq', [after.events]);
      const head = (await client.query(HEAD)).rows[0];
      return { declarations: declarations.rows, events: events.rows, head };
    },
    async appendPool(change) {
      const head = (await client.query(HEAD)).rows[0];
      if (head.declarations !== change.after.declarations || head.events !== change.after.events) {
        throw Object.assign(new Error('the pools changed since this process looked'), { code: 'STALE' });
      }
      const d = change.declaration;
      if (d !== null) {
        await client.query('INSERT INTO pool_declaration (name, parent, declaration) VALUES ($1, $2, $3)',
          [String(d.pool).trim(), d.parent === undefined || d.parent === null ? null : String(d.parent).trim(), d]);
      }
      const events = change.events;
      if (events.length > 0) {
        await client.query(
          'INSERT INTO pool_event (pool, at, op, event) SELECT p, a, o, e FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[]) AS r(p, a, o, e)',
          [events.map((e) => e.pool), events.map((e) => e.at), events.map((e) => e.op), events.map((e) => JSON.stringify(e))],
        );
      }
      for (const s of change.segments) {
        await client.query('DELETE FROM pool_segment WHERE pool = $1 AND span && numrange($2, $3 + 1)', [s.pool, s.first, s.last]);
        await client.query(
          `INSERT INTO pool_segment (pool, root, span, state, until, holder)
           SELECT $1, $2, numrange(f, l + 1), st, u, h
             FROM unnest($3::numeric[], $4::numeric[], $5::text[], $6::timestamptz[], $7::text[]) AS r(f, l, st, u, h)`,
          [s.pool, s.root, s.runs.map((r) => r.first), s.runs.map((r) => r.last), s.runs.map((r) => r.state),
            s.runs.map((r) => r.until), s.runs.map((r) => r.holder)],
        );
      }
      return (await client.query(HEAD)).rows[0];
    },
  };
  const book = new SeriesBook(store);

  // One request of the book, in its own transaction under the lock.
  const locked = (request) => transaction(db, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [POOLS_LOCK]);
    client = c;
    try {
      return await book.lifecycle(request);
    } finally {
      client = null;
    }
  });

  return {
    /** A change ({ op, ... }) at the server's now, stored atomically; throws SeriesError when refused. */
    change: (request) => locked({ ...request, at: clock() }),
    /** A read (report, reservation, state) on the latest state. */
    read: (request) => locked(request),
    /** One sweep: every reservation and cooling due now returns to available. */
    async sweep() {
      const answer = await locked({ op: 'expire', actor: 'sweep', at: clock() });
      if (answer.events.length > 0) log?.info('pool sweep', { returned: answer.events.length });
      return answer;
    },
  };
}
