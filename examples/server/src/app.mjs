// The routes. Every rule and every platform reply comes from seriesguard's
// profiles; this file only reads requests, asks the database what the
// profiles need to know, and writes what they answer.
import { profiles, SeriesBook, SeriesIndex, SeriesError } from 'seriesguard/server';
import { pgStore } from './store.mjs';
import { transaction, isUnavailable, databaseError, storable } from './db.mjs';
import { HttpError, readBody, mediaType, parseJson, parseFlatXml, send, errorBody, JSON_TYPE } from './http.mjs';
import { idempotency, requestKey, requestHash, fingerprintKey, Refused } from './idempotency.mjs';
import { lifecycle } from './pools.mjs';

const XML_TYPE = 'application/xml; charset=utf-8';

/** The database is away: the request may be sent again in a moment. */
class Unavailable extends Error {
  constructor(cause) {
    super('the database is unavailable', { cause });
  }
}

/**
 * Host callbacks that remember the last error they threw: a profile turns
 * a failed callback into its platform's failure reply (Shipsy's 500,
 * aBILLity's documented 400 lines), which is answered 503 instead when the
 * database was away (`unavailable()` throws then).
 */
function watched() {
  let last = null;
  return {
    wrap: (fn) => async (...args) => {
      try {
        return await fn(...args);
      } catch (error) {
        last = error;
        throw error;
      }
    },
    unavailable(reply) {
      if (reply.status >= 400 && isUnavailable(last)) throw new Unavailable(last);
    },
  };
}

const SHIPSY_BOOKS = 1024;
const LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;

/**
 * The request handler: (req, res) => Promise. `db` is a pg.Pool; config:
 * { morSecret, bodyLimit }; `log` a logger (./http.mjs).
 */
export function createApp({ db, config, log }) {
  const stores = { shipsy: pgStore(db, 'shipsy', log), mor: pgStore(db, 'mor', log), abillity: pgStore(db, 'abillity', log) };
  // A book runs its creates one at a time; pools of different customers
  // never collide, so each customer gets its own book (the most recently
  // used SHIPSY_BOOKS of them are kept) and customers proceed in parallel.
  const shipsyBooks = new Map();
  const shipsyBook = (scope) => {
    let book = shipsyBooks.get(scope);
    if (book) {
      shipsyBooks.delete(scope);
    } else {
      book = new SeriesBook(stores.shipsy);
      // A dropped book may still be finishing a create; the database's
      // constraint covers the moment two books of one customer overlap.
      if (shipsyBooks.size >= SHIPSY_BOOKS) shipsyBooks.delete(shipsyBooks.keys().next().value);
    }
    shipsyBooks.set(scope, book);
    return book;
  };
  // aBILLity reservations per area code, as this process last read them.
  const reservations = new Map();
  const once = idempotency(db, { ttlS: config.idempotencyTtlS });

  // A create endpoint: its body read once, the request run at most once per
  // idempotency key (the header, or `fallbackKey` of the request's
  // fingerprint), its reply sent.
  const create = (platform, work, fallbackKey = () => null) => async (req, res, ...args) => {
    const text = await readBody(req, config.bodyLimit);
    const hash = requestHash(req, text);
    const key = requestKey(req.headers, () => fallbackKey(hash));
    const reply = await once(platform, key, hash, () => work(req, text, ...args));
    if (reply.replayed) res.setHeader('idempotent-replayed', 'true');
    send(res, reply.status, reply.text, reply.type);
  };

  async function shipsyCreate(req, text) {
    const body = parseJson(text);
    const attributes = {
      client_code: body?.client_code ?? null,
      hub_code: body?.hub_code ?? null,
      creator_hub: body?.creator_hub ?? null,
    };
    const host = watched();
    const reply = await profiles.shipsy.create(body, req.headers, {
      apiKeyValid: host.wrap(async (key) => (await db.query('SELECT 1 FROM api_keys WHERE key = $1 AND active', [key])).rowCount === 1),
      // The profile creates through this book; the request's own fields ride along.
      book: {
        create: host.wrap(async (request) => {
          try {
            return await shipsyBook(request.scope).create(request, { attributes });
          } catch (error) {
            // The same request already stored (its id is its fingerprint in
            // its scope, so an identical create raced this one): done.
            if (error.cause?.code === 'DUPLICATE') return null;
            throw error;
          }
        }),
      },
    });
    host.unavailable(reply);
    if (reply.status === 500) log.error('shipsy create failed', { reply: reply.body });
    return { status: reply.status, type: JSON_TYPE, text: reply.text };
  }

  async function validate(req, res) {
    const body = parseJson(await readBody(req, config.bodyLimit));
    const v = profiles.shipsy.validate(body ?? {});
    // The request succeeded whether or not the series is valid: the answer says which.
    send(res, 200, { ...v, count: v.count === null ? null : String(v.count) });
  }

  async function morCardsCreate(req, text, url) {
    const params = Object.fromEntries(url.searchParams);
    if (mediaType(req.headers['content-type']) === 'application/x-www-form-urlencoded') {
      Object.assign(params, Object.fromEntries(new URLSearchParams(text)));
    }
    const [user, group] = await Promise.all([
      storable(params.u) ? db.query('SELECT role, manage_cards FROM mor_users WHERE username = $1', [params.u]) : { rows: [] },
      /^\d{1,18}$/.test(params.card_group_id ?? '')
        ? db.query('SELECT id::text, number_length, pin_length FROM card_groups WHERE id = $1', [params.card_group_id])
        : { rows: [] },
    ]);
    const row = group.rows[0];
    // One request per card group at a time across all processes: once the
    // request has passed its checks, the group's row is locked from reading
    // its cards to committing the new ones, so partial creation counts
    // against what is really stored. The free part is one series, created
    // by the book in the same transaction.
    const result = await transaction(db, async (client) => {
      const book = new SeriesBook(stores.mor.in(client));
      const planned = await profiles.mor.cardsCreate(params, {
        secret: config.morSecret,
        role: user.rows[0]?.role ?? '',
        canManageCards: user.rows[0]?.manage_cards === true,
        group: row && {
          id: row.id,
          numberLength: row.number_length,
          pinLength: row.pin_length ?? undefined,
          existing: async (from, till, scope) => {
            await client.query('SELECT 1 FROM card_groups WHERE id = $1 FOR UPDATE', [row.id]);
            return book.conflicts({ start: from, end: till, scope });
          },
        },
      });
      if (planned.ok && planned.plan.create.length > 0) {
        const attributes = { card_group_id: row.id, username: params.u, ...planned.options };
        await book.createFree({ start: planned.from, end: planned.till, scope: planned.scope }, { attributes });
      }
      return planned;
    });
    return { status: 200, type: XML_TYPE, text: result.xml };
  }

  // aBILLity reservations: one area at a time across all processes. The
  // request is one transaction; the area's row is locked (SELECT ... FOR
  // UPDATE) from reading its reservations to committing the new one, so two
  // requests never pick from the same picture. Each look starts at a
  // savepoint that a lost save rolls back to. This process keeps its index
  // of the area and reads it again only when another process has reserved
  // since (the version moved). The exclusion constraint still stands behind it.
  async function stockNumber(req, text, serviceId) {
    const type = mediaType(req.headers['content-type']);
    const xmlBody = type === 'application/xml' || type === 'text/xml';
    const body = xmlBody ? parseFlatXml(text, { AreaCode: 'text', Quantity: 'integer' }) : parseJson(text);
    const area = storable(body?.AreaCode) ? body.AreaCode : null;
    const pools = area === null ? [] : (await db.query('SELECT area_code AS "areaCode", first_number AS first, last_number AS last FROM area_codes WHERE area_code = $1', [area])).rows;
    let saved = null;
    let reply;
    try {
      reply = await transaction(db, async (client) => {
        const book = new SeriesBook(stores.abillity.in(client));
        // One connection a request: every query goes through the transaction's client.
        const service = serviceLookup(client, serviceId);
        const host = watched();
        const answer = await profiles.abillity.stockNumber(body, {
          serviceId,
          serviceFound: host.wrap(async () => (await service()) !== null),
          isQuote: host.wrap(async () => (await service())?.is_quote === true),
          pools,
          index: host.wrap(async (areaCode) => {
            await client.query('SAVEPOINT look');
            const { version } = (await client.query('SELECT version FROM area_codes WHERE area_code = $1 FOR UPDATE', [areaCode])).rows[0];
            const cached = reservations.get(areaCode);
            if (cached?.version === version) return cached.index;
            const { rows } = await client.query(
              'SELECT n.id, s.start_id, s.end_id FROM stock_numbers n JOIN series s ON s.id = n.series_id WHERE n.area_code = $1',
              [areaCode],
            );
            const index = new SeriesIndex();
            index.addMany(rows.map((r) => ({ id: Number(r.id), start: r.start_id, end: r.end_id, scope: areaCode })));
            reservations.set(areaCode, { version, index });
            return index;
          }),
          stockNumberId: host.wrap(async () => Number((await client.query("SELECT nextval('stock_number_id') AS id")).rows[0].id)),
          save: host.wrap(async (view) => {
            try {
              let seriesId = null;
              if (view.first !== null) {
                const attributes = { order_service_id: serviceId, stock_number_id: view.stockNumberId };
                const series = { id: `stock-number:${view.stockNumberId}`, start: view.first, end: view.last, scope: view.areaCode };
                seriesId = (await book.create(series, { attributes })).id;
              }
              await client.query(
                'INSERT INTO stock_numbers (id, order_service_id, area_code, quantity, series_id) VALUES ($1, $2, $3, $4, $5)',
                [view.stockNumberId, serviceId, view.areaCode, view.quantity, seriesId],
              );
              const { version } = (await client.query('UPDATE area_codes SET version = version + 1 WHERE area_code = $1 RETURNING version', [view.areaCode])).rows[0];
              saved = { areaCode: view.areaCode, version };
            } catch (error) {
              await client.query('ROLLBACK TO SAVEPOINT look');
              reservations.delete(view.areaCode);
              if (error.code !== 'OVERLAP') log.error('stock number not saved', { error: error.message, code: error.code });
              throw error;
            }
          }),
        });
        host.unavailable(answer);
        return answer;
      });
    } catch (error) {
      // Not committed: this process's index may hold the block.
      if (saved) reservations.delete(saved.areaCode);
      throw error;
    }
    // Committed: this process's index already holds the new block.
    const cached = saved && reservations.get(saved.areaCode);
    if (cached) cached.version = saved.version;
    if (reply.status !== 200) log.info('stock number refused', { service: serviceId, message: reply.body?.Message });
    return wantsXml(req.headers.accept)
      ? { status: reply.status, type: XML_TYPE, text: reply.xml }
      : { status: reply.status, type: JSON_TYPE, text: reply.text };
  }

  // The order service of a path id, read once per request (null: none).
  function serviceLookup(client, serviceId) {
    let found;
    return () => {
      found ??= /^\d{1,18}$/.test(serviceId)
        ? client.query('SELECT is_quote FROM order_services WHERE id = $1', [serviceId]).then((r) => r.rows[0] ?? null)
        : Promise.reject(new Error('OrderServiceID is not an integer'));
      return found;
    };
  }

  async function listSeries(res, url) {
    const q = url.searchParams;
    const limit = Math.min(Number(q.get('limit') ?? LIST_LIMIT), MAX_LIST_LIMIT);
    const after = q.get('after') ?? '0';
    if (!Number.isSafeInteger(limit) || limit < 1 || !/^\d{1,18}$/.test(after)) {
      return send(res, 400, errorBody('QUERY_INVALID', 'limit must be 1..1000 and after a cursor from `next`'));
    }
    let page;
    if (q.has('client_code') || q.has('hub_code')) {
      // The customer's scope as the library writes it (normalized, client: or hub:).
      const { customer } = profiles.shipsy.validate({ client_code: q.get('client_code') ?? undefined, hub_code: q.get('hub_code') ?? undefined });
      if (customer === null) return send(res, 400, errorBody('QUERY_INVALID', 'client_code or hub_code must not be blank'));
      page = await stores.shipsy.list({ scope: customer, after, limit });
    }
    else if (q.has('card_group_id')) page = await stores.mor.list({ scope: profiles.mor.scope(q.get('card_group_id')), after, limit });
    else if (q.has('area_code')) page = await stores.abillity.list({ scope: q.get('area_code'), after, limit });
    else return send(res, 400, errorBody('QUERY_INVALID', 'give one of client_code, hub_code, card_group_id, area_code'));
    send(res, 200, page);
  }

  // The number lifecycle (./pools.mjs). The HTTP status of a refusal: the
  // reference server's own API, one table (the codes are seriesguard's).
  const pools = lifecycle(db, { log });
  const POOL_STATUS = {
    POOL_UNKNOWN: 404, RESERVATION_UNKNOWN: 404,
    NOT_AVAILABLE: 409, STATE_CONFLICT: 409, POOL_EXHAUSTED: 409, QUOTA_EXCEEDED: 409,
    IDEMPOTENCY_KEY_REUSED: 409, RESERVATION_EXPIRED: 409,
  };
  const poolReply = (res, status, work) => work.then(
    (answer) => send(res, status, JSON.stringify(answer, (k, v) => (typeof v === 'bigint' ? String(v) : v))),
    (error) => {
      // The database failing (STORE_FAILED, with its cause) is the server's: 503 or 500.
      if (!(error instanceof SeriesError) || error.code === 'STORE_FAILED') throw error;
      send(res, POOL_STATUS[error.code] ?? 400, errorBody(error.code, error.message));
    },
  );
  // A change: the body's fields, the op and names from the path (the server sets `at`).
  const poolChange = (op, names = () => ({})) => async (req, res, url, m) => {
    const body = parseJson(await readBody(req, config.bodyLimit));
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
    await poolReply(res, op === 'declare' ? 201 : 200, pools.change({ ...fields, ...names(m), op }));
  };
  const poolRead = (request) => (req, res, url, m) => poolReply(res, 200, pools.read(request(m, url)));

  // A pool's audit trail, oldest first, a page at a time (`after` a seq).
  async function poolEvents(res, url, pool) {
    const q = url.searchParams;
    const limit = Math.min(Number(q.get('limit') ?? LIST_LIMIT), MAX_LIST_LIMIT);
    const after = q.get('after') ?? '0';
    if (!Number.isSafeInteger(limit) || limit < 1 || !/^\d{1,18}$/.test(after) || !storable(pool)) {
      return send(res, 400, errorBody('QUERY_INVALID', 'limit must be 1..1000 and after a cursor from `next`'));
    }
    const { rows } = await db.query('SELECT e.seq::text, e.event FROM pool_event e WHERE e.pool = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3', [pool, after, limit]);
    send(res, 200, { events: rows.map((r) => r.event), next: rows.length === limit ? rows.at(-1).seq : null });
  }

  // The dashboard's store over HTTP (seriesguard's httpStore): Shipsy's
  // series, one inventory with the API's. The page runs the book itself;
  // every write is checked again by the library here (SeriesBook.verify)
  // and guarded by the database's constraint: an overlap refused there is
  // 409 OVERLAP, and the page's book looks again and shows the conflict.
  const verifiers = new Map();
  function verifier(format) {
    const key = format === undefined || format === null || format === 'plain' ? '' : format;
    // Only books the library accepted are kept (the formats are few).
    return verifiers.get(key) ?? (() => {
      const book = new SeriesBook(stores.shipsy, key === '' ? undefined : { format: key });
      verifiers.set(key, book);
      return book;
    })();
  }
  // The record to store for a series a page sent, once the library accepts it.
  function checked(series) {
    const book = verifier(series?.format);
    book.verify(series);
    const types = series.service_types;
    const prepared = book.prepare({ id: series.id, start: series.start, end: series.end, scope: series.scope, item_code: series.item_code, type: series.type });
    return {
      ...prepared,
      count: series.count,
      segments: series.segments.map((g) => ({ pool: { key: g.pool.key }, first: g.first, last: g.last })),
      attributes: { service_types: Array.isArray(types) ? types.filter((t) => typeof t === 'string').slice(0, 16) : [] },
    };
  }
  // A write's reply: the library's refusal 400; the database's refusal 409
  // OVERLAP, for an overlap and for the same series stored already (its id
  // is its fingerprint: the same request from another browser won the race),
  // so the page's book looks again and shows what holds the range.
  const storeWrite = async (res, work) => {
    try {
      await work();
      send(res, 201, { stored: true });
    } catch (error) {
      if (error instanceof SeriesError && error.code !== 'STORE_FAILED') send(res, 400, errorBody(error.code, error.message));
      else if (error?.code === 'OVERLAP' || error?.code === 'DUPLICATE') send(res, 409, errorBody('OVERLAP', error.message));
      else throw error;
    }
  };
  const body = async (req, limit = config.bodyLimit) => {
    const value = parseJson(await readBody(req, limit));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
  };
  const SERIAL = /^\d{1,39}$/;
  async function storeOverlapping(req, res) {
    const { pool, first, last } = await body(req);
    if (typeof pool?.key !== 'string' || typeof pool?.format !== 'string' || !SERIAL.test(first) || !SERIAL.test(last)) {
      return send(res, 400, errorBody('QUERY_INVALID', 'give pool { key, format } and first, last as decimal serials'));
    }
    send(res, 200, await stores.shipsy.overlapping(pool, first, last));
  }
  async function storePage(res, url) {
    const q = url.searchParams;
    const [offset, limit] = [Number(q.get('offset') ?? 0), Number(q.get('limit') ?? 50)];
    if (!q.get('scope') || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      return send(res, 400, errorBody('QUERY_INVALID', 'give scope, offset from 0 and limit 1..1000'));
    }
    send(res, 200, await stores.shipsy.page({ scope: q.get('scope'), order: q.get('order') === 'newest' ? 'newest' : 'start', offset, limit }));
  }
  async function storeGet(res, id) {
    const series = await stores.shipsy.get(id);
    if (series === null) send(res, 404, errorBody('NOT_FOUND', 'no series has this id'));
    else send(res, 200, series);
  }

  async function health(res) {
    await db.query('SELECT 1');
    send(res, 200, { status: 'ok' });
  }

  const routes = [
    // Shipsy's retries are safe without a header: the body's fingerprint is the key.
    ['POST', /^\/api\/client\/integration\/virtualseries\/create$/, create('shipsy', shipsyCreate, fingerprintKey)],
    ['POST', /^\/api\/series\/validate$/, (req, res) => validate(req, res)],
    ['POST', /^\/billing\/api\/calling_cards_create$/, create('mor', (req, text, url) => morCardsCreate(req, text, url))],
    ['POST', /^\/api\/order\/Service\/([^/]+)\/StockNumber$/i, create('abillity', (req, text, url, m) => stockNumber(req, text, pathSegment(m[1])))],
    ['GET', /^\/api\/series$/, (req, res, url) => listSeries(res, url)],
    ['GET', /^\/healthz$/, (req, res) => health(res)],
    ['GET', /^\/api\/store$/, (req, res) => send(res, 200, { store: 'http', platform: 'shipsy' })],
    ['POST', /^\/api\/store\/overlapping$/, (req, res) => storeOverlapping(req, res)],
    ['POST', /^\/api\/store\/series$/, async (req, res) => {
      const { series } = await body(req);
      await storeWrite(res, async () => stores.shipsy.insert(checked(series)));
    }],
    ['POST', /^\/api\/store\/series\/many$/, async (req, res) => {
      const { series } = await body(req, config.bulkBodyLimit ?? 64 * 1024 * 1024);
      await storeWrite(res, async () => stores.shipsy.insertMany((Array.isArray(series) ? series : [null]).map(checked)));
    }],
    ['GET', /^\/api\/store\/series\/([^/]+)$/, (req, res, url, m) => storeGet(res, pathSegment(m[1]))],
    ['DELETE', /^\/api\/store\/series\/([^/]+)$/, async (req, res, url, m) => send(res, 200, { removed: await stores.shipsy.remove(pathSegment(m[1])) })],
    ['GET', /^\/api\/store\/page$/, (req, res, url) => storePage(res, url)],
    // The dashboard itself, when the server is started with it (`npm run page`).
    ...(config.page ? [['GET', /^\/(?!api\/|billing\/|healthz$)/, (req, res) => config.page(req, res)]] : []),
    ['POST', /^\/api\/pools$/, poolChange('declare')],
    ['GET', /^\/api\/pools\/([^/]+)$/, poolRead((m) => ({ op: 'report', pool: pathSegment(m[1]) }))],
    ['GET', /^\/api\/pools\/([^/]+)\/segments$/, poolRead((m, url) => ({
      op: 'state', pool: pathSegment(m[1]), first: url.searchParams.get('first') ?? undefined, last: url.searchParams.get('last') ?? undefined,
    }))],
    ['GET', /^\/api\/pools\/([^/]+)\/events$/, (req, res, url, m) => poolEvents(res, url, pathSegment(m[1]))],
    ...['reserve', 'assign', 'release', 'block', 'unblock'].map((op) =>
      ['POST', new RegExp(`^/api/pools/([^/]+)/${op}$`), poolChange(op, (m) => ({ pool: pathSegment(m[1]) }))]),
    ['POST', /^\/api\/pools\/([^/]+)\/hand-down$/, poolChange('handDown', (m) => ({ parent: pathSegment(m[1]) }))],
    ['POST', /^\/api\/pools\/([^/]+)\/hand-back$/, poolChange('handBack', (m) => ({ child: pathSegment(m[1]) }))],
    ['GET', /^\/api\/reservations\/([^/]+)$/, poolRead((m) => ({ op: 'reservation', key: pathSegment(m[1]) }))],
    ...['extend', 'confirm', 'cancel'].map((op) =>
      ['POST', new RegExp(`^/api/reservations/([^/]+)/${op}$`), poolChange(op, (m) => ({ key: pathSegment(m[1]) }))]),
  ];

  async function handle(req, res) {
    const started = process.hrtime.bigint();
    let url;
    try {
      url = new URL(req.url, 'http://localhost');
      const matches = routes.filter(([, pattern]) => pattern.test(url.pathname));
      const route = matches.find(([method]) => method === req.method);
      if (!route) {
        if (matches.length) send(res, 405, errorBody('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`));
        else send(res, 404, errorBody('NOT_FOUND', 'no such route'));
      } else {
        await route[2](req, res, url, route[1].exec(url.pathname));
      }
    } catch (error) {
      if (error instanceof HttpError) {
        if (error.status === 413) res.setHeader('connection', 'close');
        send(res, error.status, errorBody(error.code, error.message));
      } else if (error instanceof Refused) {
        send(res, error.reply.status, error.reply.text, error.reply.type);
      } else if (isUnavailable(error)) {
        log.warn('database unavailable', { path: url?.pathname, database: databaseError(error) });
        if (!res.headersSent) {
          res.setHeader('retry-after', '1');
          send(res, 503, errorBody('DATABASE_UNAVAILABLE', 'the database is unavailable; retry shortly'));
        }
      } else {
        log.error('request failed', { path: url?.pathname, error: error?.message, code: error?.code, database: databaseError(error) });
        if (!res.headersSent) {
          const code = error instanceof SeriesError ? error.code : 'INTERNAL';
          send(res, 500, errorBody(code, 'the server could not complete the request'));
        }
      }
    } finally {
      log.info('request', {
        method: req.method, path: url?.pathname, status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    }
  }
  // The server runs the lifecycle's sweep (./main.mjs).
  handle.pools = pools;
  return handle;
}

/** A path segment decoded, or as sent when its percent-encoding is broken. */
function pathSegment(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether an Accept header prefers XML (application/xml or text/xml before any JSON). */
export function wantsXml(accept) {
  for (const entry of String(accept ?? '').split(',')) {
    const type = mediaType(entry);
    if (type === 'application/xml' || type === 'text/xml') return true;
    if (type === 'application/json' || type === 'text/json') return false;
  }
  return false;
}
