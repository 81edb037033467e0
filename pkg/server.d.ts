// seriesguard/server: the main API over the server build, whose `profiles`
// add each platform's create flow. Import everything a backend uses from
// here: it is one wasm instance, separate from `seriesguard`'s, and a
// SeriesIndex of one cannot be handed to the other. In Node it is ready on
// import; the ES module over the web build (Deno, workers) needs `init()`.
import type { ServerProfiles, SeriesRules, SeriesIndex as BaseIndex, SeriesBook as BaseBook, MemoryStore as BaseMemory, SeriesStore, IssueCode } from './index.js';

export * from './index.js';

/** An instant: epoch milliseconds, an ISO 8601 text (`2026-11-27T19:00:00Z`), or a Date. */
export type Instant = number | bigint | string | Date;
/** A number's state in a declared pool. */
export type PoolState = 'available' | 'reserved' | 'assigned' | 'cooling' | 'blocked' | 'handedDown';
/** What a lifecycle event records as its operation. */
export type PoolOp = 'declare' | 'reserve' | 'extend' | 'confirm' | 'cancel' | 'assign' | 'release'
  | 'block' | 'unblock' | 'expire' | 'handDown' | 'handBack';

/** Every change carries its instant and, optionally, who made it. */
export interface ChangeRequest { at: Instant; actor?: string }
/** A range of identifiers, read under the index's rules. */
export interface IdRange { start: string; end: string }
/** What to take: the first free block of `quantity`, or exactly `start..end`. */
export type Take = { quantity: number | bigint | string } | IdRange;

export interface DeclarePoolRequest extends ChangeRequest {
  pool: string;
  /** A root pool's capacity: disjoint blocks of one format. A child pool has none. */
  blocks?: IdRange[];
  /** The parent a child pool receives numbers from (by handDown). */
  parent?: string;
  /** Days released numbers cool (0..999, 0 = none), or 'never' to never reuse them. */
  cooling?: number | 'never';
  /** POOL_LOW below this count, or below this percentage of capacity ('10%'). */
  lowAt?: number | bigint | string;
  /** A child pool's most numbers held. */
  quota?: number | bigint | string;
}
export type ReserveRequest = ChangeRequest & Take & {
  pool: string;
  /** The idempotency key: the same key and request answers the same reservation. */
  key: string;
  /** Milliseconds until it expires. */
  ttl: number | bigint;
  owner?: string;
};
export interface KeyRequest extends ChangeRequest { key: string }
export interface ExtendRequest extends KeyRequest { ttl: number | bigint }
export type AssignRequest = ChangeRequest & Take & { pool: string };
export interface RangeRequest extends ChangeRequest, IdRange { pool: string }
export type HandDownRequest = ChangeRequest & Take & { parent: string; child: string };
export interface HandBackRequest extends ChangeRequest, Partial<IdRange> { child: string }

/** A range with its exact size. */
export interface CountedRange { start: string; end: string; count: bigint }
/** One change of one range, for the host to append to its trail; replayPools() rebuilds from them. */
export interface PoolEvent {
  /** first and last: the serials of start and end (decimal strings), for a store to index. */
  at: string; pool: string; op: PoolOp; start: string; end: string; first: string; last: string; count: bigint;
  /** null: it entered the pool. */
  from: PoolState | null;
  /** null: it left the pool. */
  to: PoolState | null;
  actor: string; key: string;
  /** The reservation's owner, or the child pool a range was handed to. */
  owner: string;
  /** The expiry of a reservation, or the end of a cooling it entered (null: never). */
  until: string | null;
}
export interface PoolWarning {
  code: 'POOL_LOW' | 'POOL_EXHAUSTED'; pool: string; available: bigint; threshold: bigint; message: string;
}
export interface Reservation {
  key: string; pool: string; owner: string; start: string; end: string; count: bigint;
  expiresAt: string; status: 'reserved' | 'assigned' | 'cancelled' | 'expired';
}
/** What every change answers. */
export interface PoolChange {
  events: PoolEvent[];
  warnings: PoolWarning[];
  /** The range taken (assign, handDown). */
  range?: CountedRange;
  /** The reservation (reserve, extend, confirm, cancel). */
  reservation?: Reservation;
}
export interface PoolReport {
  pool: string; parent: string | null; capacity: bigint;
  counts: Record<PoolState, bigint>;
  largestFree: CountedRange | null;
  freeFragments: number;
  nextExpiries: { at: string; state: 'reserved' | 'cooling'; key: string; range: CountedRange }[];
}
/** A range of one state; `first` and `last` are its serials (decimal strings). */
export interface PoolRun extends CountedRange { first: string; last: string; state: PoolState; until: string | null; holder: string }

/**
 * The main SeriesIndex with the number lifecycle: pools with a capacity whose every number is
 * available, reserved, assigned, cooling, blocked or handed down, held as ranges. Every change
 * is given its instant (`at`); the core reads no clock. Refusals throw SeriesError with
 * POOL_UNKNOWN, POOL_EXHAUSTED, NOT_AVAILABLE, RESERVATION_UNKNOWN, RESERVATION_EXPIRED,
 * IDEMPOTENCY_KEY_REUSED, QUOTA_EXCEEDED, STATE_CONFLICT, POLICY_INVALID, TIME_INVALID, ...
 */
export class SeriesIndex extends BaseIndex {
  constructor(rules?: SeriesRules, options?: { mergeAdjacent?: boolean });
  static fromJSON(snapshot: Parameters<typeof BaseIndex.fromJSON>[0], rules?: SeriesRules): SeriesIndex;
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, rules?: SeriesRules): SeriesIndex;
  /** Any lifecycle request ({ op, ...fields }) as the README lists them. */
  lifecycle(request: { op: string; [field: string]: unknown }): unknown;
  declarePool(request: DeclarePoolRequest): PoolChange;
  reserve(request: ReserveRequest): PoolChange & { reservation: Reservation };
  extend(request: ExtendRequest): PoolChange & { reservation: Reservation };
  confirm(request: KeyRequest): PoolChange & { reservation: Reservation };
  cancel(request: KeyRequest): PoolChange & { reservation: Reservation };
  assign(request: AssignRequest): PoolChange & { range: CountedRange };
  release(request: RangeRequest): PoolChange;
  block(request: RangeRequest): PoolChange;
  unblock(request: RangeRequest): PoolChange;
  /** Returns every reservation past its expiry and every cooling past its end to available. */
  expire(request: ChangeRequest): PoolChange;
  handDown(request: HandDownRequest): PoolChange & { range: CountedRange };
  /** Gives a child's available numbers back: those in start..end, or all. */
  handBack(request: HandBackRequest): PoolChange;
  poolReport(pool: string): PoolReport;
  reservation(key: string): Reservation;
  poolState(which?: { pool?: string; first?: string; last?: string }): { pools: Record<string, PoolRun[]> };
  /**
   * Adds pools from their declare requests (none already held) and applies events in order:
   * rebuilds pools from their trail, or brings them up to date. Answers how many of each it applied.
   */
  replayPools(pools: DeclarePoolRequest[], events: PoolEvent[]): { pools: number; events: number };
}
/** A trail's head: the last declaration's and event's seq (decimal strings; "0": none). */
export interface PoolHead { declarations: string; events: string }
/** What a pool store answers for poolTrail(after). */
export interface PoolTrail {
  declarations: { seq: string | number; declaration: DeclarePoolRequest }[];
  events: { seq: string | number; event: PoolEvent | Record<string, unknown> }[];
  head: PoolHead;
}
/** A change for the store to append, as the book decided it. */
export interface PoolChangeRecord {
  /** The head the change was decided on: append only if the store's head is still this one. */
  after: PoolHead;
  declaration: DeclarePoolRequest | null;
  /** Counts as decimal strings (stored as they come). */
  events: Record<string, unknown>[];
  /** For a store keeping states as rows: replace `pool`'s rows touching serials first..last with `runs`. */
  segments: { pool: string; root: string; first: string; last: string; runs: Record<string, unknown>[] }[];
}
/**
 * A store for the number lifecycle: it keeps the pools' trail, numbered by seq. appendPool must
 * be atomic and compare-and-append: when its head is past `change.after`, throw an error with
 * `code: 'STALE'` (the book decides again on the whole trail).
 */
export interface PoolStore {
  poolTrail(after: PoolHead): PoolTrail | Promise<PoolTrail>;
  appendPool(change: PoolChangeRecord): PoolHead | Promise<PoolHead>;
}
/** The lifecycle over a store: the same requests as SeriesIndex, answered once the change is appended. */
export class SeriesBook extends BaseBook {
  constructor(store: SeriesStore | PoolStore | (SeriesStore & PoolStore), rules?: SeriesRules);
  lifecycle(request: { op: string; [field: string]: unknown }): Promise<unknown>;
  declarePool(request: DeclarePoolRequest): Promise<PoolChange>;
  reserve(request: ReserveRequest): Promise<PoolChange & { reservation: Reservation }>;
  extend(request: ExtendRequest): Promise<PoolChange & { reservation: Reservation }>;
  confirm(request: KeyRequest): Promise<PoolChange & { reservation: Reservation }>;
  cancel(request: KeyRequest): Promise<PoolChange & { reservation: Reservation }>;
  assign(request: AssignRequest): Promise<PoolChange & { range: CountedRange }>;
  release(request: RangeRequest): Promise<PoolChange>;
  block(request: RangeRequest): Promise<PoolChange>;
  unblock(request: RangeRequest): Promise<PoolChange>;
  expire(request: ChangeRequest): Promise<PoolChange>;
  handDown(request: HandDownRequest): Promise<PoolChange & { range: CountedRange }>;
  handBack(request: HandBackRequest): Promise<PoolChange>;
  poolReport(pool: string): Promise<PoolReport>;
  reservation(key: string): Promise<Reservation>;
  poolState(which?: { pool?: string; first?: string; last?: string }): Promise<{ pools: Record<string, PoolRun[]> }>;
}
/** The in-memory store, with the pools' trail too. */
export class MemoryStore extends BaseMemory implements PoolStore {
  poolTrail(after: PoolHead): PoolTrail;
  appendPool(change: PoolChangeRecord): PoolHead;
}
/** A store in a Web Storage, the pools' trail under `${key}.pools`. Browser only. */
export function localStorageStore(storage?: Storage, key?: string): SeriesStore & PoolStore;
/** A store in IndexedDB (version 2 adds the pools' trail). Browser only. */
export function indexedDbStore(name?: string, factory?: IDBFactory): SeriesStore & PoolStore;

/** The codes a lifecycle refusal throws with. */
export type LifecycleCode = Extract<IssueCode, 'POOL_UNKNOWN' | 'POOL_EXHAUSTED' | 'NOT_AVAILABLE' | 'RESERVATION_UNKNOWN'
  | 'RESERVATION_EXPIRED' | 'IDEMPOTENCY_KEY_REUSED' | 'QUOTA_EXCEEDED' | 'STATE_CONFLICT' | 'POLICY_INVALID' | 'TIME_INVALID'>;

/** Each documented platform's checks and its create flow, exactly as it answers. */
export const profiles: ServerProfiles;

/** Fetches and instantiates the server build's wasm (the web build only). */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL
): Promise<unknown>;
/** Instantiates synchronously from bytes or a compiled module (the web build only). */
export function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
