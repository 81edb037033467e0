/// <reference lib="esnext.disposable" />
// Types of the seriesguard API (Node and, after init, the browser).
// Hand-written and checked by `tsc --noEmit` over tests/types/usage.ts.

/** A series as a form or request carries it. Only `start` and `end` are read by `validateSeries`. */
export interface SeriesInput {
  /** First identifier, e.g. `"V10000051"`. Surrounding whitespace is trimmed. */
  start?: unknown;
  /** Last identifier, e.g. `"V10000060"`. */
  end?: unknown;
  item_code?: string;
  client_code?: string;
  hub_code?: string;
  type?: string;
  service_types?: string[];
  [field: string]: unknown;
}

/** Optional rules a host imposes on every series. */
export interface SeriesRules {
  /** Every serial must have exactly this many digits (1..38), a check digit not included. */
  width?: number | bigint;
  /** Every identifier must begin with this text, directly followed by the digits (e.g. `"V"`, or `"020"` for an airline). */
  prefix?: string;
  /** The largest series allowed (at least 1). Counts above 2^53 - 1 must be a bigint or a decimal string. */
  maxCount?: number | bigint | string;
  /** Identifiers are bare digits: no prefix, no suffix (MOR card numbers). */
  numericOnly?: boolean;
  /** Check-digit scheme: the body's last digit is checked and not counted. */
  scheme?: Scheme;
  /**
   * A named format: its prefix, suffix, digit count and scheme apply, the
   * separators it allows are read (the AWB hyphen; hyphens or spaces between
   * digit groups of ICCIDs, IMEIs, GTINs and SSCCs), and identifiers are
   * answered in its canonical spelling, every separator dropped
   * (`020-12345675` is `02012345675`). `'plain'` is no format.
   */
  format?: Format | 'plain';
}

/** Check-digit schemes. */
export type Scheme = 'none' | 'luhn' | 'mod7' | 's10' | 'gs1';
/** Named formats: IATA air waybill, UPU S10, SIM ICCID, IMEI, GS1 GTIN and SSCC. */
export type Format = 'awb' | 's10' | 'iccid' | 'imei' | 'gtin' | 'sscc';

/** Stable codes of this version. Branch on `code`, show `message`. */
export type IssueCode =
  | 'START_REQUIRED' | 'END_REQUIRED' | 'START_INVALID' | 'END_INVALID'
  | 'SERIAL_REQUIRED' | 'SERIAL_INVALID' | 'INPUT_INVALID' | 'RULES_INVALID' | 'SCHEME_INVALID'
  | 'PREFIX_MISMATCH' | 'SUFFIX_MISMATCH' | 'WIDTH_MISMATCH' | 'CHECK_DIGIT_INVALID'
  | 'START_AFTER_END' | 'RANGE_TOO_LARGE'
  | 'ITEM_CODE_REQUIRED' | 'ITEM_CODE_INVALID' | 'TYPE_INVALID'
  | 'PARAMS_INVALID' | 'SECRET_REQUIRED' | 'SECRET_INVALID' | 'HASH_INVALID'
  | 'KEY_REQUIRED' | 'KEY_INVALID' | 'MESSAGE_INVALID' | 'ENCODING_INVALID'
  | 'OVERLAP' | 'ID_REQUIRED' | 'ID_INVALID' | 'SCOPE_INVALID' | 'QUANTITY_OUT_OF_RANGE'
  | 'POOL_INVALID' | 'SNAPSHOT_INVALID' | 'STORE_FAILED' | 'STORE_INVALID'
  | 'CLIENT_HUB_CODE_NOT_PRESENT' | 'ITEM_CODE_UNKNOWN' | 'ITEM_CODE_NOT_TRACEABLE'
  | 'SERVICE_TYPES_REQUIRED' | 'SERVICE_TYPES_INVALID'
  | 'PREFIX_UNDECLARED' | 'RULES_MISMATCH' | 'INTERNAL_TRAP'
  | 'POOL_UNKNOWN' | 'POOL_EXHAUSTED' | 'NOT_AVAILABLE' | 'RESERVATION_UNKNOWN'
  | 'RESERVATION_EXPIRED' | 'IDEMPOTENCY_KEY_REUSED' | 'QUOTA_EXCEEDED' | 'STATE_CONFLICT'
  | 'POLICY_INVALID' | 'TIME_INVALID' | 'REQUEST_INVALID' | 'OWNER_INVALID';

/** One broken rule, placed on the field it concerns. */
export interface Issue {
  code: IssueCode;
  /** `"start"`, `"end"`, `"serial"`, `"input"`, `"rules"` or `"rules.<option>"`. */
  field: string;
  /** A sentence for people; may change between versions. */
  message: string;
}

/** What `validateSeries` answers. Never thrown. */
export interface Validation {
  ok: boolean;
  /** Exact count whenever start and end form a series (even when a rule like `maxCount` fails). */
  count: bigint | null;
  /** Every issue at once, in field order. Empty when `ok`. */
  issues: Issue[];
  /** Normalized (trimmed) start, present with `count`. */
  start?: string;
  /** Normalized (trimmed) end, present with `count`. */
  end?: string;
}

/** One identifier split into its parts. */
export interface Serial {
  /** The identifier, trimmed. */
  text: string;
  /** Everything before the digit body (may be empty). */
  prefix: string;
  /** The serial digits as written, leading zeros kept (the check digit set apart under a scheme). */
  body: string;
  /** Number of digits in `body`. */
  width: number;
  /** Everything after the digits (may be empty, never holds digits). */
  suffix: string;
  /** The check digit, when read under a scheme or format. */
  checkDigit?: string;
}

/** Validates a series for a form: never throws; reports every issue at once. */
export function validateSeries(input: SeriesInput | null | undefined, rules?: SeriesRules): Validation;
/** Validates many series in one crossing into wasm; one Validation per input, in order. Throws `SeriesError` if `inputs` is not an array. */
export function validateMany(inputs: readonly (SeriesInput | null | undefined)[], rules?: SeriesRules): Validation[];
/** Exact count of `start..end`; throws `SeriesError` (first issue's code, all issues in `details`). */
export function countSeries(start: string, end: string, rules?: SeriesRules): bigint;
/** Splits one identifier into prefix, body, width and suffix; throws `SeriesError`. */
export function parseSerial(text: string, rules?: SeriesRules): Serial;

/**
 * The check digit (one character) a scheme or format gives a serial; throws `SeriesError`.
 * Under a bare scheme `body` is digits only; under a format it is the identifier without its
 * check digit as the format writes it (`'0201234567'` or `'020-1234567'` for an AWB: mod 7 of
 * the 7-digit serial; 14 digits for an IMEI), and a wrong length is `WIDTH_MISMATCH`.
 */
export function checkDigit(scheme: Scheme | Format, body: string): string;
/** True when `id` is well formed with the right check digit; throws only for an unknown scheme or a non-string `id`. */
export function verifyCheckDigit(scheme: Scheme | Format, id: string): boolean;
/**
 * An issue's message as a page shows it to people: the field in words ("Item code is
 * required", not "item_code is required") and API sentences in words ("Give a client code
 * or a hub code"). The issue's `message`, which APIs answer, is unchanged.
 */
export function inWords(issue: Pick<Issue, 'code' | 'field' | 'message'>): string;

/** A MOR request parameter: a string, or a non-negative integer written in decimal. */
export type MorParam = string | number | bigint;

/**
 * MOR's request hash: lowercase hex SHA-1 of the params concatenated in order, then the secret
 * (UTF-8; lone surrogates become U+FFFD, as in node:crypto). Throws `SeriesError`.
 */
export function morHash(params: readonly MorParam[], secret: string): string;
/** Constant-time check of a MOR hash; `false` for a wrong, short, uppercase or non-hex hash. */
export function verifyMorHash(params: readonly MorParam[], secret: string, hash: string): boolean;
/**
 * HMAC-SHA256 of `message` under `key` (UTF-8), lowercase hex (default) or unpadded base64url.
 * The last key's keyed state is kept for the next call (one secret, many messages: half the hashing).
 */
export function hmacSha256(key: string, message: string, encoding?: 'hex' | 'base64url'): string;
/** Constant-time check of an HMAC-SHA256 signature in lowercase hex (64 chars) or base64url (43). */
export function verifyHmacSha256(key: string, message: string, signature: string): boolean;
/**
 * Canonical SHA-256 (hex) of a series: pool (prefix, suffix, padding, scheme), first and last
 * serial, trimmed item code, type (default 'virtual'). Equal for equivalent inputs; an idempotency key.
 * Throws `SeriesError` with every issue when the series is invalid.
 */
export function fingerprint(series: SeriesInput, rules?: SeriesRules): string;

/** Bytes of wasm memory this instance uses (grows, never shrinks). */
export function memoryBytes(): number;
/** `start..end` in chunks of at most `maxPerChunk` members (e.g. aBILLity's 1000 per request). */
export function splitSeries(start: string, end: string, maxPerChunk: number | bigint, rules?: SeriesRules): Piece[];

/** A host's id for a stored series: an integer below 2^31, or a string without control characters. */
export type SeriesId = number | string;

/** A series to store: its id, its ends, and the scope it lives in (client, hub, card group, area code). */
export interface StoredSeries {
  id: SeriesId;
  start: string;
  end: string;
  /** Series in different scopes never collide. Default: ''. */
  scope?: string;
}

/** A series to ask about. */
export interface SeriesQuery {
  start: string;
  end: string;
  scope?: string;
}

/** A sub-range of identifiers, as the host writes them (prefix, zero padding, check digit, suffix). */
export interface Piece {
  start: string;
  end: string;
  count: bigint;
}

/** A stored sub-range colliding with a query, and who holds it. */
export interface Conflict extends Piece {
  id: SeriesId;
}

/** MOR-style partial creation (`Cards created: created/requested`). */
export interface Plan {
  create: Piece[];
  skipped: Conflict[];
  created: bigint;
  requested: bigint;
}

/** Where `allocate` looks: a pool's shape and the bounds of its serials (digit strings or integers). */
export interface PoolBounds {
  width: number;
  first: string | number | bigint;
  last: string | number | bigint;
  prefix?: string;
  suffix?: string;
  scheme?: Scheme;
  scope?: string;
}

/** What an index holds. `numbers` is null only if the total exceeds 2^128. */
export interface IndexStats {
  ranges: number;
  numbers: bigint | null;
  pools: { prefix: string; suffix: string; width: number; scheme: Scheme; scope: string; ranges: number; numbers: bigint }[];
}

/** The JSON snapshot `toJSON()` writes: serials as decimal strings. */
export interface IndexSnapshot {
  format: 'seriesguard-index';
  version: 1;
  mergeAdjacent: boolean;
  /** The format the index's series were validated under; `fromJSON` without rules takes it. */
  rules?: { format: Format | 'plain' };
  pools: { prefix: string; suffix: string; width: number; scheme: Scheme; scope: string; ranges: [string, string, SeriesId][] }[];
}

/** An in-memory index of stored series (sorted columns in wasm memory, 36 bytes a range). */
export class SeriesIndex {
  /** `rules` apply to every series added or asked about; `mergeAdjacent` joins touching ranges of one id. */
  constructor(rules?: SeriesRules, options?: { mergeAdjacent?: boolean });
  /** Stores a series, or throws `SeriesError` (`OVERLAP` with `details.conflicts`). */
  add(series: StoredSeries): void;
  /** Stores many series in one crossing into wasm, all or none. */
  addMany(series: readonly StoredSeries[]): void;
  /** Every stored sub-range that collides, in order, with its holder's id. */
  overlaps(series: SeriesQuery): Conflict[];
  /** Whether anything collides: the fast yes/no query. */
  hasOverlap(series: SeriesQuery): boolean;
  /** overlaps() of many queries in one crossing: per query its conflicts, or the SeriesError overlaps() would throw. */
  overlapsMany(queries: readonly SeriesQuery[]): (Conflict[] | SeriesError)[];
  /** plan() of many queries in one crossing: per query its plan, or the SeriesError plan() would throw. */
  planMany(queries: readonly SeriesQuery[]): (Plan | SeriesError)[];
  /** The free sub-ranges of the series. */
  gaps(series: SeriesQuery): Piece[];
  /** What creating the series would create and skip. */
  plan(series: SeriesQuery): Plan;
  /** The first free block of `quantity` within the pool's bounds, reserved under `id` when given; null if none is large enough. */
  allocate(pool: PoolBounds, quantity: number | bigint, id?: SeriesId): Piece | null;
  /** Removes every range stored under `id`. */
  remove(id: SeriesId): boolean;
  /** Ranges stored (a natural series crossing digit counts counts once per digit count). */
  readonly size: number;
  /** Heap bytes the stored ranges and ids occupy. */
  heldBytes(): number;
  stats(): IndexStats;
  /** Every stored range in order. */
  entries(): (Conflict & { scope: string })[];
  toJSON(): IndexSnapshot;
  /** Loads a snapshot (object or JSON text) in one crossing, all or none. */
  loadJSON(snapshot: IndexSnapshot | string): void;
  static fromJSON(snapshot: IndexSnapshot | string, rules?: SeriesRules): SeriesIndex;
  /**
   * The binary snapshot: the index's columns (36 bytes a range), the format its series were
   * validated under, `mergeAdjacent` and a checksum. About 10 times faster than JSON both ways.
   */
  toBytes(): Uint8Array;
  /**
   * A new index holding a binary snapshot, in one crossing; without rules, under the format it
   * was written under. Corrupted or cut bytes throw SNAPSHOT_INVALID.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, rules?: SeriesRules): SeriesIndex;
  /** Frees the wasm memory now; later calls throw. */
  free(): void;
  [Symbol.dispose](): void;
}

/** A pool as a store sees it: `key` is a stable string to index (a JSON array of the other fields). */
export interface Pool {
  key: string;
  prefix: string;
  suffix: string;
  width: number;
  scheme: Scheme;
  scope: string;
  /** The request's format: answer one row of this pool stored under another format, if any. */
  format: Format | 'plain';
}

/** One pool's part of a series, serials as decimal strings. */
export interface Segment {
  pool: Pool;
  first: string;
  last: string;
}

/** A validated series as a book creates it and hands it to the store. */
export interface CreatedSeries {
  id: SeriesId;
  start: string;
  end: string;
  count: bigint;
  fingerprint: string;
  scope: string;
  item_code: string;
  type: 'physical' | 'virtual';
  /** The format it was validated under: keep it, and answer it in `StoredRow.format`. */
  format: Format | 'plain';
  segments: Segment[];
}

/** A row `overlapping()` returns: a stored segment. */
export interface StoredRow {
  id: SeriesId;
  first: string | number | bigint;
  last: string | number | bigint;
  /** The stored series' format; a row of another format than the request's is `RULES_MISMATCH`. */
  format?: Format | 'plain';
}

type MaybePromise<T> = T | Promise<T>;

/** The host's storage, as callbacks. */
export interface SeriesStore {
  /** Stored segments of `pool` touching first..last, and one of `pool` stored under another format than `pool.format` if any; a superset is fine (the book clips exactly). */
  overlapping(pool: Pool, first: string, last: string): MaybePromise<StoredRow[]>;
  /** Store the series. Throw an error with `code: 'OVERLAP'` when your own constraint refuses it: the book re-checks and answers OVERLAP. */
  insert(series: CreatedSeries): MaybePromise<unknown>;
  remove?(id: SeriesId): MaybePromise<boolean>;
  list?(poolKey?: string): MaybePromise<unknown[]>;
  /** The stored series of an id, or null. */
  get?(id: SeriesId): MaybePromise<unknown | null>;
  /** A page of one scope's series, by start (pool, then serial) or newest first. */
  page?(query: PageQuery): MaybePromise<SeriesPage>;
  /** Store many series at once, all or none. */
  insertMany?(series: CreatedSeries[]): MaybePromise<unknown>;
}

/** A page of one scope's stored series: `limit` 1..1000 (default 50), `offset` from 0. */
export interface PageQuery {
  scope: string;
  order?: 'start' | 'newest';
  offset?: number;
  limit?: number;
}

/** One page of stored series, and how many the scope has in all. */
export interface SeriesPage<Series = unknown> {
  series: Series[];
  total: number;
}

/** A create request: the series, its optional id (default: its fingerprint, with the scope hashed in when there is one) and attributes. */
export interface CreateRequest {
  id?: SeriesId;
  start: string;
  end: string;
  scope?: string;
  item_code?: string;
  type?: 'physical' | 'virtual';
}

/** The library's rules over a host store. Creates on one book run one at a time. */
export class SeriesBook {
  constructor(store: SeriesStore, rules?: SeriesRules);
  /** Validates without touching the store; throws `SeriesError`. */
  prepare(request: CreateRequest): CreatedSeries;
  /**
   * Validates, checks the store for overlaps (`OVERLAP`), inserts; store failures are `STORE_FAILED` with `cause`.
   * `extra`: the host's own fields, copied onto the stored record.
   */
  create<Extra extends object = {}>(request: CreateRequest, extra?: Extra): Promise<CreatedSeries & Extra>;
  /** The stored sub-ranges the request collides with ([] when free); inserts nothing. */
  conflicts(request: CreateRequest): Promise<Conflict[]>;
  /** What creating only the free part would create and skip. */
  plan(request: CreateRequest): Promise<Plan>;
  /**
   * Creates only the free part, as one series stored in one `insert` (atomic): its segments
   * are the free pieces, `start`/`end`/`count` those of the free part; `OVERLAP` when nothing is free.
   */
  createFree<Extra extends object = {}>(request: CreateRequest, extra?: Extra): Promise<CreatedSeries & Extra>;
  remove(id: SeriesId): Promise<boolean>;
  list(poolKey?: string): Promise<unknown[]>;
  /** The store's `get(id)`: the stored series, or null (`STORE_FAILED` when the store has none). */
  get(id: SeriesId): Promise<unknown | null>;
  /** The store's `page(query)`: a page of one scope's series and the scope's total. */
  page(query: PageQuery): Promise<SeriesPage>;
  free(): void;
}

/** An in-memory store over a SeriesIndex; refuses overlapping inserts itself. */
export class MemoryStore implements SeriesStore {
  overlapping(pool: Pool, first: string, last: string): StoredRow[];
  insert(series: CreatedSeries): void;
  remove(id: SeriesId): boolean;
  list(poolKey?: string): CreatedSeries[];
  get(id: SeriesId): CreatedSeries | null;
  page(query: PageQuery): SeriesPage<CreatedSeries>;
  /** Stores many series, all or none (an overlap among them or with the stored refuses all). */
  insertMany(series: CreatedSeries[]): void;
  /** Frees the wasm side now. */
  free(): void;
}

/** A store in a Web Storage (localStorage by default) under one key. Browser only. */
export function localStorageStore(storage?: Storage, key?: string): SeriesStore;
/** A store in IndexedDB (database `name`). Browser only. */
export function indexedDbStore(name?: string, factory?: IDBFactory): SeriesStore;
/**
 * A store over HTTP, as the reference server (examples/server) serves it under `base`
 * (`'/api/store'`): browsers share one inventory; each write is checked again by the server's
 * library and guarded by its database (an overlap refused there throws `code: 'OVERLAP'`).
 */
export function httpStore(base: string, fetchImpl?: typeof fetch): SeriesStore;

/** An aBILLity reservation as `save` receives it. */
export interface StockNumberReservation {
  stockNumberId: number;
  areaCode: string;
  quantity: number;
  first: string | null;
  last: string | null;
}

/** A finished platform reply: status, body parsed, the exact body text, and XML where the platform has it. */
export interface ProfileReply<Body = unknown> {
  status: number;
  body: Body;
  text: string;
  xml?: string;
}

type MaybeAsync<T, A extends unknown[] = []> = T | ((...args: A) => T | Promise<T>);

/** Each documented platform's checks a page calls (seriesguard and seriesguard/server). */
export interface Profiles {
  shipsy: {
    /** The dashboard form: every issue at once, the count, and the customer (client_code, else hub_code). */
    validate(
      body: { client_code?: string; hub_code?: string; service_types?: string[]; type?: string; start?: string; end?: string; item_code?: string },
      rules?: SeriesRules,
    ): Validation & { customer: string | null };
  };
  mor: {
    /** The scope a card group's cards are stored under (`card_group:7`). */
    scope(groupId: string | number): string;
  };
  abillity: {
    /** Request bodies of at most `max` (1000) numbers for a larger quantity. */
    requests(areaCode: string, quantity: number | bigint, max?: number): { AreaCode: string; Quantity: number }[];
  };
  crm: {
    /** Whether item_code names a TRACEABLE physical good of the host's catalog (the documented list, or its `data`). */
    traceableItem(catalog: unknown, itemCode: unknown): Validation;
  };
}

/** The profiles with each platform's create flow, exactly as it answers: `seriesguard/server` only. */
export interface ServerProfiles extends Profiles {
  shipsy: Profiles['shipsy'] & {
    /** POST /api/client/integration/virtualseries/create, answered as Shipsy does (200, 400 WRONG_INPUT, 401). */
    create(
      body: unknown,
      headers: Record<string, string | undefined> | Headers | undefined,
      options: { apiKeyValid: MaybeAsync<boolean, [key: string]>; book?: SeriesBook; rules?: SeriesRules },
    ): Promise<ProfileReply>;
  };
  mor: Profiles['mor'] & {
    /** MOR calling_cards_create: `Cards created: n/m` or a documented `<error>`, as MOR's XML page. */
    cardsCreate(
      params: Record<string, unknown>,
      options: {
        secret: string;
        group: { id: string | number; numberLength: number; pinLength?: number; existing?: SeriesIndex | ({ start: string; end: string } | { first: string; last: string })[] | ((from: string, till: string, scope: string) => unknown) } | null;
        /** The user's MOR role: admin, reseller and accountant may use the API (the library decides). */
        role?: string;
        /** Instead of `role`: the host's own decision. */
        userAllowed?: boolean;
        canManageCards?: boolean;
      },
    ): Promise<{ ok: boolean; xml: string; error?: string; plan: Plan | null; from?: string; till?: string; scope?: string; options?: { batch_number: string; min_balance: string; distributor_id: string; language: string } }>;
  };
  abillity: Profiles['abillity'] & {
    /** POST api/order/Service/{id}/StockNumber: the StockNumberView (JSON and XML) or a `Field = message` error. */
    stockNumber(
      body: unknown,
      options: {
        pools: { areaCode: string; first: string; last: string }[];
        /** The path's OrderServiceID, as sent (it appears in the documented errors). */
        serviceId?: string | number;
        /** Whether the order service exists (default true); a rejection answers "Error retrieving the Order Service". */
        serviceFound?: MaybeAsync<boolean>;
        isQuote?: MaybeAsync<boolean>;
        /** The reservations so far: an index, or a function giving one (called again with attempt + 1 after a save lost a race). */
        index?: SeriesIndex | ((areaCode: string, attempt: number) => SeriesIndex | Promise<SeriesIndex>);
        stockNumberId?: MaybeAsync<number>;
        /** Persists the reservation (first/last null: the null range); reject with `code: 'OVERLAP'` when another process saved an overlapping block first. */
        save?: (view: StockNumberReservation) => unknown;
        maxQuantity?: number;
      },
    ): Promise<ProfileReply>;
  };
}

/**
 * Each documented platform's checks. The create flows (`shipsy.create`,
 * `mor.cardsCreate`, `abillity.stockNumber`) are in `seriesguard/server`.
 */
export const profiles: Profiles;

/** The error seriesguard throws. */
export class SeriesError extends Error {
  readonly name: 'SeriesError';
  readonly code: IssueCode;
  readonly field?: string;
  readonly details?: { issues: Issue[]; conflicts?: Conflict[]; cause?: unknown };
  constructor(code: string, message: string, field?: string, details?: unknown);
}

// ----- The number lifecycle's types (its classes are in seriesguard/server: server.d.ts) -----

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
  /** Until it expires: milliseconds, or an ISO 8601 duration ('PT30M', 'P1DT12H'). */
  ttl: number | bigint | string;
  owner?: string;
};
export interface KeyRequest extends ChangeRequest { key: string }
export interface ExtendRequest extends KeyRequest { ttl: number | bigint | string }
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
  /** Each state's share of the capacity in percent, two decimals, rounded down (for drawing). */
  percent: Record<PoolState, number>;
  largestFree: CountedRange | null;
  freeFragments: number;
  nextExpiries: { at: string; state: 'reserved' | 'cooling'; key: string; range: CountedRange }[];
}
/** A range of one state; `first` and `last` are its serials (decimal strings). */
export interface PoolRun extends CountedRange { first: string; last: string; state: PoolState; until: string | null; holder: string }

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
