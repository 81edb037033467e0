// The number lifecycle's JS side, shared by SeriesIndex and SeriesBook:
// requests cross as JSON text and answers come back as JSON text (the
// core's one protocol, src/lifecycle/command.rs); here they are only
// written and read.

// The answers write counts as decimal strings under these keys; they
// arrive as bigint, exact at 38 digits.
const COUNT_KEYS = new Set(['count', 'capacity', 'available', 'reserved', 'assigned', 'cooling', 'blocked', 'handedDown', 'threshold']);

/** An answer's JSON text read, counts as bigint. */
export const readAnswer = (text) => JSON.parse(text, (key, value) =>
  (typeof value === 'string' && COUNT_KEYS.has(key) && /^\d+$/.test(value) ? BigInt(value) : value));

/**
 * A request as JSON text, `op` set when given: bigints as decimal strings,
 * and numbers JSON cannot hold (NaN, Infinity) as their names, for the core
 * to refuse by field. What is no object goes as JSON of itself, and what
 * cannot be written (a cycle, a throwing getter) as empty text: the core
 * answers REQUEST_INVALID for both.
 */
export function requestText(request, op) {
  try {
    const plain = typeof request === 'object' && request !== null && !Array.isArray(request);
    const value = plain && op !== undefined ? { ...request, op } : request ?? null;
    return JSON.stringify(value, (key, v) =>
      typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) ? String(v) : v) ?? '';
  } catch {
    return '';
  }
}

// The methods that are one request each, by the core's op name.
const OPS = {
  declarePool: 'declare', reserve: 'reserve', extend: 'extend', confirm: 'confirm', cancel: 'cancel',
  assign: 'assign', release: 'release', block: 'block', unblock: 'unblock', expire: 'expire',
  handDown: 'handDown', handBack: 'handBack',
};

/**
 * Puts the lifecycle methods on `Class.prototype`, each sending one request
 * through `run(instance, text)` (a value, or a Promise of one).
 */
export function installLifecycle(Class, run) {
  const methods = {
    /** Runs one lifecycle request ({ op, ... }); answers its JSON, counts as bigint. */
    lifecycle(request) { return run(this, requestText(request)); },
    /** A pool's utilization: counts per state, largest free block, fragments, next expiries. */
    poolReport(pool) { return run(this, requestText({ op: 'report', pool })); },
    /** The reservation made under an idempotency key. */
    reservation(key) { return run(this, requestText({ op: 'reservation', key })); },
    /** Every pool's ranges and their states (or one pool's: `{ pool, first?, last? }`). */
    poolState(which) { return run(this, requestText({ ...(which ?? {}), op: 'state' })); },
  };
  for (const [method, op] of Object.entries(OPS)) {
    methods[method] = { [method](request) { return run(this, requestText(request, op)); } }[method];
  }
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Class.prototype, name, { value, writable: true, configurable: true });
  }
}
