// seriesguard/server: the main API over the server build, whose `profiles`
// add each platform's create flow. Import everything a backend uses from
// here: it is one wasm instance, separate from `seriesguard`'s, and a
// SeriesIndex of one cannot be handed to the other. In Node it is ready on
// import; the ES module over the web build (Deno, workers) needs `init()`.
import type { Plan, SeriesError, CreateRequest, CreatedSeries, ServerProfiles, SeriesRules, SeriesIndex as BaseIndex, SeriesBook as BaseBook, MemoryStore as BaseMemory, SeriesStore, IssueCode,
  Instant, PoolState, PoolOp, ChangeRequest, IdRange, Take, DeclarePoolRequest, ReserveRequest, KeyRequest, ExtendRequest, AssignRequest, RangeRequest, HandDownRequest, HandBackRequest, CountedRange, PoolEvent, PoolWarning, Reservation, PoolChange, PoolReport, PoolRun, PoolHead, PoolTrail, PoolChangeRecord, PoolStore } from './index.js';

export * from './index.js';

/**
 * Reads CSV text (RFC 4180: quoted or bare cells, CRLF or LF, a byte order mark ignored,
 * blank lines skipped) into rows of cells; at most 1,000,000 rows. Throws `SeriesError`
 * `INPUT_INVALID` naming the line. A cell `writeCsv` defused (`'=1`) reads back as it was (`=1`).
 */
export function readCsv(text: string): string[][];
/**
 * Writes rows as CSV for spreadsheets: every cell quoted, CRLF line ends, and a cell a
 * spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) written
 * after an apostrophe. Throws `SeriesError` `INPUT_INVALID` for a cell that is not a string,
 * number, bigint or null.
 */
export function writeCsv(rows: readonly (readonly (string | number | bigint | null)[])[]): string;


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
/** What a bulk request became: its plan (nothing skipped: whole; something skipped: only partly free), or why it is refused. */
export type BulkOutcome = Plan | SeriesError;
/** Progress of planMany / createMany: requests checked, the store read, the insert, done. */
export interface BulkProgress {
  phase: 'checking' | 'reading' | 'storing' | 'done';
  done: number;
  total: number;
}

/**
 * The server build's SeriesBook: bulk requests (an import) and the lifecycle over a store,
 * the same lifecycle requests as SeriesIndex, answered once the change is appended.
 */
export class SeriesBook extends BaseBook {
  constructor(store: SeriesStore | PoolStore | (SeriesStore & PoolStore), rules?: SeriesRules);
  /**
   * Checks many requests at once against the store and against the requests before them,
   * storing nothing: per request, in order, its plan or the SeriesError it is refused with
   * (OVERLAP, naming the holders, when nothing is free). The store is asked once per pool.
   * With `free`, partly taken requests are planned as `createMany` with `free` creates them.
   */
  /**
   * Checks a series as a store is handed it (by a client that ran the book itself, over HTTP)
   * against this book's rules: its fields valid, its segments inside the pools of its range, in
   * order, from its start to its end, its count theirs. Throws `SeriesError` INPUT_INVALID.
   */
  verify(series: CreatedSeries): void;
  planMany(requests: readonly CreateRequest[], options?: { free?: boolean; onProgress?: (progress: BulkProgress) => void }): Promise<BulkOutcome[]>;
  /**
   * Creates many requests with one `store.insertMany` (all or none): the free ones, and with
   * `free: true` the free part of partly taken ones. `extra`: the host's fields, one object for
   * all, an array, or a function of (request, index). `stored` is false when the store refused
   * the insert for an overlap: nothing was created and `outcomes` are the new decisions.
   */
  createMany<Extra extends object = {}>(
    requests: readonly CreateRequest[],
    extra?: Extra | readonly Extra[] | ((request: CreateRequest, index: number) => Extra),
    options?: { free?: boolean; onProgress?: (progress: BulkProgress) => void },
  ): Promise<{ outcomes: BulkOutcome[]; created: (CreatedSeries & Extra)[]; stored: boolean }>;
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
