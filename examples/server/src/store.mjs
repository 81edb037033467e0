// The SeriesBook store contract over PostgreSQL: overlapping(pool, first,
// last), insert(series), remove(id), list(query), plus insertMany() for a
// batch in one transaction. Every platform gets its own namespace of pools
// (`shipsy:`, `mor:`, `abillity:` before the library's pool key).
//
// The library asks overlapping() before it inserts; two processes can still
// both pass that check at the same moment. The exclusion constraint on
// series_segment then refuses the second insert (SQLSTATE 23P01), and
// insert() throws an error with code 'OVERLAP': SeriesBook asks again and
// answers OVERLAP with the exact conflicts, as if it had seen them first.
import { transaction } from './db.mjs';

/** SQLSTATE of an exclusion-constraint violation. */
export const EXCLUSION_VIOLATION = '23P01';
/** SQLSTATE of a deadlock: two inserts of several segments each waited on the other. */
export const DEADLOCK = '40P01';

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

/**
 * An error a store throws when the series' id is stored already: the same
 * request (a series' default id is its fingerprint in its scope) was
 * created by a process racing this one. The caller answers it as done.
 */
export class DuplicateError extends Error {
  code = 'DUPLICATE';
  constructor(cause) {
    super('the series is stored already (the same request won a race)', { cause });
  }
}

/** An error a store throws when its constraint saw an overlap. */
export class OverlapError extends Error {
  code = 'OVERLAP';
  constructor(cause) {
    super('the series overlaps a stored series (refused by the database)', { cause });
  }
}

const SEGMENTS = `
  INSERT INTO series_segment (series_id, pool, span, format)
  SELECT $1, p, numrange(f, l + 1, '[)'), $5
    FROM unnest($2::text[], $3::numeric[], $4::numeric[]) AS t(p, f, l)`;

const SERIES = `
  INSERT INTO series (id, platform, scope, start_id, end_id, count, fingerprint, item_code, type, attributes, format)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

// A series as a page shows it: its fields, the service types kept in its
// attributes, and its segments (pool key without the platform, serials).
const SHOWN = `
  SELECT s.id, s.scope, s.start_id AS start, s.end_id AS "end", s.count::text AS count, s.format, s.item_code, s.type,
         s.attributes, s.created_at,
         (SELECT json_agg(json_build_object('pool', g.pool, 'first', lower(g.span)::text, 'last', (upper(g.span) - 1)::text)
                          ORDER BY g.pool, lower(g.span))
            FROM series_segment g WHERE g.series_id = s.id) AS segments
    FROM series s`;
const shown = ({ attributes, created_at: createdAt, segments, ...row }) => ({
  ...row,
  service_types: attributes?.service_types ?? [],
  created_at: createdAt instanceof Date ? createdAt.toISOString() : createdAt,
  segments: (segments ?? []).map((g) => ({ pool: { key: g.pool.slice(g.pool.indexOf(':') + 1) }, first: g.first, last: g.last })),
});

/**
 * A store for `platform`'s series in the database behind `db` (a pg.Pool).
 * `log` (optional) hears of every insert the database refused as an overlap.
 */
export function pgStore(db, platform, log = null) {
  const poolKey = (pool) => `${platform}:${pool.key}`;

  // Inserts each series with its segments through `client` (in its transaction).
  async function insertWith(client, list) {
    for (const series of list) {
      await client.query(SERIES, [
        String(series.id), platform, series.scope, series.start, series.end, String(series.count),
        series.fingerprint, series.item_code ?? '', series.type ?? 'virtual', series.attributes ?? {}, series.format,
      ]);
      const segments = series.segments;
      await client.query(SEGMENTS, [
        String(series.id), segments.map((s) => poolKey(s.pool)), segments.map((s) => s.first), segments.map((s) => s.last), series.format,
      ]);
    }
  }

  async function guarded(work) {
    try {
      return await work();
    } catch (error) {
      // A deadlock aborted one of two colliding inserts: for the loser it is
      // an overlap like the other (the caller looks again and sees it).
      if (error?.code === EXCLUSION_VIOLATION || error?.code === DEADLOCK) {
        log?.info('database refused an overlapping insert', { platform, sqlstate: error.code, constraint: error.constraint });
        throw new OverlapError(error);
      }
      if (error?.code === UNIQUE_VIOLATION && error.constraint === 'series_pkey') throw new DuplicateError(error);
      throw error;
    }
  }

  return {
    platform,

    /**
     * Stored segments of `pool` that touch serials first..last (decimal
     * strings), with their format, and one row of the pool stored under
     * another format than `pool.format` if there is one (the library then
     * answers RULES_MISMATCH).
     */
    overlapping(pool, first, last) {
      return this.overlappingIn(db, pool, first, last);
    },

    /** overlapping() through `client` (in its transaction). */
    async overlappingIn(client, pool, first, last) {
      const { rows } = await client.query(
        `(SELECT series_id AS id, lower(span)::text AS first, (upper(span) - 1)::text AS last, format
            FROM series_segment
           WHERE pool = $1 AND span && numrange($2::numeric, $3::numeric + 1, '[)')
           ORDER BY lower(span))
         UNION ALL
         (SELECT series_id, lower(span)::text, (upper(span) - 1)::text, format
            FROM series_segment
           WHERE pool = $1 AND format <> $4
           LIMIT 1)`,
        [poolKey(pool), first, last, pool.format],
      );
      return rows;
    },

    /** Stores one series (all its segments) in one transaction. */
    insert(series) {
      return guarded(() => transaction(db, (client) => insertWith(client, [series])));
    },

    /** Stores several series in one transaction: all or none. */
    insertMany(list) {
      return guarded(() => transaction(db, (client) => insertWith(client, list)));
    },

    /**
     * This store through `client`, inside the caller's transaction (the
     * caller commits): what a SeriesBook runs over when its writes belong
     * to a larger unit. Each insert runs under a savepoint, so one the
     * database refuses leaves the transaction usable for the book's
     * second look.
     */
    in(client) {
      return {
        overlapping: (pool, first, last) => this.overlappingIn(client, pool, first, last),
        insert: (series) => guarded(async () => {
          await client.query('SAVEPOINT insert_series');
          try {
            await insertWith(client, [series]);
          } catch (error) {
            await client.query('ROLLBACK TO SAVEPOINT insert_series');
            throw error;
          }
          await client.query('RELEASE SAVEPOINT insert_series');
        }),
      };
    },

    /** The series stored under `id`, as a page shows it, or null. */
    async get(id) {
      const { rows } = await db.query(`${SHOWN} WHERE s.platform = $1 AND s.id = $2`, [platform, String(id)]);
      return rows.length ? shown(rows[0]) : null;
    },

    /**
     * A page of a scope's series: by start (the first segment's pool, then
     * serial) or newest first; `{ series, total }`.
     */
    async page({ scope, order = 'start', offset = 0, limit = 50 }) {
      const by = order === 'newest' ? 's.seq DESC' : 'f.pool, f.first, s.seq';
      const [{ rows }, counted] = await Promise.all([
        db.query(
          `${SHOWN}
             LEFT JOIN LATERAL (SELECT g.pool, lower(g.span) AS first FROM series_segment g
                                 WHERE g.series_id = s.id ORDER BY g.pool, lower(g.span) LIMIT 1) f ON true
            WHERE s.platform = $1 AND s.scope = $2
            ORDER BY ${by} OFFSET $3 LIMIT $4`,
          [platform, scope, offset, limit],
        ),
        db.query('SELECT count(*)::int AS total FROM series WHERE platform = $1 AND scope = $2', [platform, scope]),
      ]);
      return { series: rows.map(shown), total: counted.rows[0].total };
    },

    async remove(id) {
      const { rowCount } = await db.query('DELETE FROM series WHERE id = $1 AND platform = $2', [String(id), platform]);
      return rowCount > 0;
    },

    /**
     * Stored series of a scope, oldest first, `limit` at a time after the
     * cursor `after` (the `next` of the previous page). `where` narrows by
     * attributes (a JSON object the series' attributes must contain).
     */
    async list({ scope, where = {}, after = 0, limit = 100 } = {}) {
      const { rows } = await db.query(
        `SELECT seq, id, scope, start_id AS start, end_id AS "end", count::text AS count, format, item_code, type, attributes, created_at
           FROM series
          WHERE platform = $1 AND scope = $2 AND attributes @> $3 AND seq > $4
          ORDER BY seq
          LIMIT $5`,
        [platform, scope, where, after, limit],
      );
      const next = rows.length === limit ? String(rows.at(-1).seq) : null;
      return { series: rows.map(({ seq, ...row }) => row), next };
    },
  };
}
