// Safe retries for the create endpoints, after the IETF draft
// "The Idempotency-Key HTTP Header Field": the first reply to a request is
// kept under its key and replayed, byte for byte, to every repeat of the
// same request; the same key with a different request is refused (422).
// A repeat that arrives while the first is still in flight waits for its
// reply (up to `waitMs`, then 409). Replies of 5xx are not kept: the
// request may be tried again. Keys expire after `ttlS` seconds. A request
// without a key may be given one made of the request itself (Shipsy's
// creates): then only successes are kept, so an identical retry of a
// create that succeeded gets its reply, while a refused one is asked again.
import { createHash } from 'node:crypto';
import { errorBody, JSON_TYPE } from './http.mjs';

const POLL_MS = 25;
// A pending row older than this was left by a process that died: take it over.
const STALE_S = 30;
/** The longest key accepted (the draft leaves it to the server). */
export const MAX_KEY_LENGTH = 255;

const sha256 = (...parts) => createHash('sha256').update(parts.join('\n')).digest('hex');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** An error with the reply it stands for: `{ status, type, text, headers? }`. */
export class Refused extends Error {
  constructor(reply) {
    super(reply.text);
    this.reply = reply;
  }
}

const refuse = (status, code, message) => new Refused({
  status, type: JSON_TYPE, text: JSON.stringify(errorBody(code, message)),
});

/**
 * The key of a request: its Idempotency-Key header (an sf-string, quoted or
 * not), or `fallback()` when it has none (null: the request is not kept).
 */
export function requestKey(headers, fallback = () => null) {
  const header = headers['idempotency-key'];
  if (header === undefined) return fallback();
  const key = String(header).trim().replace(/^"(.*)"$/, '$1');
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(key)) {
    throw refuse(400, 'IDEMPOTENCY_KEY_INVALID', `Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters without control characters`);
  }
  return `header:${key}`;
}

/** The fingerprint of a request: what a repeat must match to be replayed. */
export const requestHash = (req, text) => sha256(
  req.method, req.url, req.headers['content-type'] ?? '', req.headers.accept ?? '', req.headers.authorization ?? '', text,
);

/** A fallback key: the request's own fingerprint (Shipsy's retries, which carry no header). */
export const fingerprintKey = (hash) => `request:${hash}`;

/** Which replies are kept for a key: all but 5xx for a header's key, successes for a fingerprint's. */
const kept = (key, reply) => (key.startsWith('request:') ? reply.status < 300 : reply.status < 500);

/**
 * Runs `work()` (resolving to a reply) at most once per `platform` and `key`:
 * a repeat gets the first reply. `db` is a pg.Pool.
 */
export function idempotency(db, { ttlS = 86_400, waitMs = 15_000 } = {}) {
  // One round trip: the key is ours when it is new, expired, or left
  // pending by a process that died (stale).
  async function claim(platform, key, hash) {
    const { rowCount } = await db.query(
      `INSERT INTO idempotency AS i (platform, key, request_hash) VALUES ($1, $2, $3)
       ON CONFLICT (platform, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL, body = NULL,
             created_at = now(), locked_at = now()
       WHERE i.created_at < now() - make_interval(secs => $4)
          OR (i.status IS NULL AND i.locked_at < now() - make_interval(secs => $5))`,
      [platform, key, hash, ttlS, STALE_S],
    );
    return rowCount === 1;
  }

  async function settle(platform, key, reply) {
    if (!kept(key, reply)) {
      await db.query('DELETE FROM idempotency WHERE platform = $1 AND key = $2 AND status IS NULL', [platform, key]);
    } else {
      await db.query(
        'UPDATE idempotency SET status = $3, content_type = $4, body = $5 WHERE platform = $1 AND key = $2',
        [platform, key, reply.status, reply.type, reply.text],
      );
    }
  }

  return async function once(platform, key, hash, work) {
    if (key === null) return work();
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await claim(platform, key, hash)) {
        let reply;
        try {
          reply = await work();
        } catch (error) {
          await db.query('DELETE FROM idempotency WHERE platform = $1 AND key = $2 AND status IS NULL', [platform, key]).catch(() => {});
          throw error;
        }
        await settle(platform, key, reply);
        return reply;
      }
      const { rows } = await db.query(
        'SELECT request_hash, status, content_type, body FROM idempotency WHERE platform = $1 AND key = $2',
        [platform, key],
      );
      const row = rows[0];
      if (!row) continue; // released in between: claim again
      if (row.request_hash !== hash) {
        throw refuse(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
      }
      if (row.status !== null) return { status: row.status, type: row.content_type, text: row.body, replayed: true };
      if (Date.now() > deadline) {
        throw refuse(409, 'IDEMPOTENCY_KEY_IN_USE', 'a request with this Idempotency-Key is still in progress; retry later');
      }
      await sleep(POLL_MS);
    }
  };
}
