// Bounded load on the three create endpoints for the fault tests: every
// request a new series (so every 200 must leave a row), each answer or
// network error recorded, until stop().
import { createHash } from 'node:crypto';

export const SHIPSY = '/api/client/integration/virtualseries/create';
export const MOR = '/billing/api/calling_cards_create';
export const ABILLITY = '/api/order/Service/1/StockNumber';

/** The rows the load needs. */
export const LOAD_ROWS = {
  apiKeys: [{ key: 'load-key' }],
  morUsers: [{ username: 'admin', role: 'admin' }],
  cardGroups: [{ id: 9, numberLength: 10 }],
  orderServices: [{ id: 1 }],
  areaCodes: [{ areaCode: '0113', first: '01134960000', last: '01134999999' }],
};

const mor = (n) => {
  const fields = { u: 'admin', card_group_id: '9', cards_from: String(1_000_000_000 + n * 10), cards_till: String(1_000_000_009 + n * 10) };
  const hash = createHash('sha1').update(`${fields.card_group_id}${fields.cards_from}${fields.cards_till}secret`).digest('hex');
  return `${MOR}?${new URLSearchParams({ ...fields, hash })}`;
};

/**
 * Starts `clients` concurrent loops per endpoint against `base`; resolves
 * stop() to the list of { endpoint, key, status, text } or { endpoint, key, error }.
 */
export function startLoad(base, { clients = 3, headers = {} } = {}) {
  let n = 0;
  let running = true;
  const results = [];
  const send = async (endpoint, key, path, init) => {
    try {
      const res = await fetch(base + path, init);
      results.push({ endpoint, key, status: res.status, text: await res.text() });
    } catch (error) {
      results.push({ endpoint, key, error: error.cause?.code ?? error.message });
    }
  };
  const json = (body, extra = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers, ...extra }, body: JSON.stringify(body) });
  const loops = [];
  for (let c = 0; c < clients; c++) {
    loops.push((async () => {
      while (running) {
        const i = n++;
        const first = 10_000_000 + i * 10;
        await send('shipsy', `F${first}`, SHIPSY, json({ client_code: 'FAULT', start: `F${first}`, end: `F${first + 9}`, item_code: 'load' }, { authorization: 'Basic load-key' }));
      }
    })());
    loops.push((async () => {
      while (running) {
        const i = n++;
        await send('mor', String(1_000_000_000 + i * 10), mor(i), { method: 'POST', headers });
      }
    })());
    loops.push((async () => {
      while (running) await send('abillity', null, ABILLITY, json({ AreaCode: '0113', Quantity: 1 }));
    })());
  }
  return {
    results,
    async stop() {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** Every reply answered 200 has its row: the keys of those without one (none expected). */
export async function lostWrites(db, results) {
  const ok = (endpoint) => results.filter((r) => r.endpoint === endpoint && r.status === 200);
  const shipsy = new Set((await db.query("SELECT start_id FROM series WHERE platform = 'shipsy'")).rows.map((r) => r.start_id));
  const mor = new Set((await db.query("SELECT start_id FROM series WHERE platform = 'mor'")).rows.map((r) => r.start_id));
  const stock = new Set((await db.query('SELECT id::text FROM stock_numbers')).rows.map((r) => r.id));
  return [
    ...ok('shipsy').filter((r) => !shipsy.has(r.key)).map((r) => `shipsy ${r.key}`),
    ...ok('mor').filter((r) => r.text.includes('Cards created: 10/10') && !mor.has(r.key)).map((r) => `mor ${r.key}`),
    ...ok('abillity').map((r) => String(JSON.parse(r.text).StockNumberID)).filter((id) => !stock.has(id)).map((id) => `abillity ${id}`),
  ];
}
