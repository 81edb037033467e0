// Rows the platforms need before they can answer: API keys, MOR users and
// card groups, aBILLity order services and area codes. Used by the tests,
// the load benchmark and `npm run dev`; a real deployment has its own.

/** Inserts the given rows (each list optional); existing keys are left alone. */
export async function seed(db, { apiKeys = [], morUsers = [], cardGroups = [], orderServices = [], areaCodes = [] }) {
  for (const key of apiKeys) {
    await db.query('INSERT INTO api_keys (key, active) VALUES ($1, $2) ON CONFLICT DO NOTHING', [key.key, key.active ?? true]);
  }
  for (const user of morUsers) {
    await db.query('INSERT INTO mor_users (username, role, manage_cards) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [user.username, user.role, user.manageCards ?? true]);
  }
  for (const group of cardGroups) {
    await db.query('INSERT INTO card_groups (id, name, number_length, pin_length) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [group.id, group.name ?? '', group.numberLength, group.pinLength ?? null]);
  }
  for (const service of orderServices) {
    await db.query('INSERT INTO order_services (id, is_quote) VALUES ($1, $2) ON CONFLICT DO NOTHING', [service.id, service.isQuote ?? true]);
  }
  for (const area of areaCodes) {
    await db.query('INSERT INTO area_codes (area_code, first_number, last_number) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [area.areaCode, area.first, area.last]);
  }
}

/** The demo's rows: what `npm run dev` and the README's curl examples use. */
export const DEMO = {
  apiKeys: [{ key: 'demo-api-key' }],
  morUsers: [{ username: 'admin', role: 'admin' }],
  cardGroups: [{ id: 1, name: 'Demo cards', numberLength: 10, pinLength: 6 }],
  orderServices: [{ id: 42, isQuote: true }, { id: 43, isQuote: false }],
  areaCodes: [{ areaCode: '0161', first: '01615550000', last: '01615559999' }],
};
