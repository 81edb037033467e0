// Compiled with `tsc --noEmit` by the test command: if index.d.ts drifts
// from the documented API, this file stops type-checking.
import { validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, splitSeries, memoryBytes, SeriesIndex, SeriesBook, MemoryStore, localStorageStore, indexedDbStore, profiles, type ProfileReply, type SeriesStore, type CreatedSeries, SeriesError, type Conflict, type Plan, type Piece, type Scheme, type Format, type Validation, type Issue, type SeriesRules, type Serial } from 'seriesguard';
import init, { initSync, validateSeries as validateInBrowser } from 'seriesguard/web';
import { profiles as serverProfiles, SeriesBook as ServerBook, SeriesIndex as ServerIndex, MemoryStore as ServerMemory, type ServerProfiles, type PoolReport } from 'seriesguard/server';
import initForm, { validateSeries as validateInForm, countSeries as countInForm, checkDigit as checkInForm, SeriesError as FormError, type Validation as FormValidation } from 'seriesguard/form';

const rules: SeriesRules = { width: 8, prefix: 'V', maxCount: 1000n, numericOnly: false };
const v: Validation = validateSeries({ start: 'V10000051', end: 'V10000060', item_code: 'P7WJEJANkt' }, rules);
const count: bigint | null = v.count;
const many: Validation[] = validateMany([{ start: 'V1', end: 'V2' }], rules);
const firstCode: Issue['code'] | undefined = v.issues[0]?.code;
const exact: bigint = countSeries('V10000051', 'V10000060');
const serial: Serial = parseSerial('AB-000123-X');
const width: number = serial.width;
const check: string | undefined = parseSerial('RR473124829GB', { format: 's10' }).checkDigit;
const scheme: Scheme = 'luhn';
const format: Format = 'awb';
const digit: string = checkDigit(scheme, '7992739871');
const valid: boolean = verifyCheckDigit(format, '02012345675');
const hash: string = morHash(['1', 1000000025, 1000000035n], 'secret');
const hashOk: boolean = verifyMorHash(['1'], 'secret', hash);
const mac: string = hmacSha256('key', 'message', 'base64url');
const macOk: boolean = verifyHmacSha256('key', 'message', mac);
const key: string = fingerprint({ start: 'V10000051', end: 'V10000060', item_code: 'P7WJEJANkt', type: 'virtual' });
const index = new SeriesIndex({ width: 8 }, { mergeAdjacent: false });
index.add({ id: 'S1', start: 'V10000051', end: 'V10000060' });
index.addMany([{ id: 2, start: 'V10000061', end: 'V10000070', scope: 'GL438' }]);
const conflicts: Conflict[] = index.overlaps({ start: 'V10000055', end: 'V10000070' });
const yes: boolean = index.hasOverlap({ start: 'V10000055', end: 'V10000070' });
const plan: Plan = index.plan({ start: 'V10000055', end: 'V10000070' });
const block: Piece | null = index.allocate({ width: 7, first: '4960000', last: '4960999', scope: '0161' }, 10, 'order-1');
const chunks: Piece[] = splitSeries('1', '2500', 1000);
const copy: SeriesIndex = SeriesIndex.fromJSON(index.toJSON());
const bytes: number = memoryBytes() + index.heldBytes() + copy.size;
const store: SeriesStore = {
  overlapping: async (pool, first, last) => [{ id: pool.key, first, last }],
  insert: (series: CreatedSeries) => { void series.count; },
};
const book = new SeriesBook(store, { format: 'awb' });
const created: Promise<CreatedSeries> = new SeriesBook(new MemoryStore()).create({ start: 'V1', end: 'V2', item_code: 'x' });
const browserStores: SeriesStore[] = [localStorageStore(), indexedDbStore('db')];
const shipsyReply: Promise<ProfileReply> = serverProfiles.shipsy.create({}, { authorization: 'Basic k' }, { apiKeyValid: async (k) => k === 'k', book: new ServerBook(new MemoryStore()) });
const stock: Promise<ProfileReply> = serverProfiles.abillity.stockNumber({ AreaCode: '0161', Quantity: 5 }, { pools: [] });
const serverValidate: ServerProfiles['shipsy']['validate'] = serverProfiles.shipsy.validate;
// @ts-expect-error: the create flows are in seriesguard/server only
profiles.shipsy.create({}, {}, { apiKeyValid: true });
// @ts-expect-error: the create flows are in seriesguard/server only
profiles.mor.cardsCreate({}, { secret: 's', group: null });
const traceable: boolean = profiles.crm.traceableItem([], 'SC1').ok;
const customer: string | null = profiles.shipsy.validate({ client_code: 'GL438', start: 'V1', end: 'V2' }).customer;
const withExtra: Promise<CreatedSeries & { created_at: string }> = new SeriesBook(new MemoryStore()).create({ start: 'V1', end: 'V2' }, { created_at: 'now' });
const freePart: Promise<CreatedSeries & { created_at: string }> = book.createFree({ start: '020-12345675', end: '020-12345701' }, { created_at: 'now' });
const bookPlan: Promise<Plan> = book.plan({ start: '020-12345675', end: '020-12345701' });
// @ts-expect-error: a store needs insert()
new SeriesBook({ overlapping: () => [] });
// @ts-expect-error: an id is a string or a number
index.add({ id: {}, start: 'V1', end: 'V2' });
// @ts-expect-error: only hex or base64url
hmacSha256('key', 'message', 'base32');
// @ts-expect-error: not a scheme
checkDigit('crc32', '1');
try {
  countSeries('V2', 'V1');
} catch (e) {
  if (e instanceof SeriesError) {
    const code: string = e.code;
    const issues: Issue[] | undefined = e.details?.issues;
    void code; void issues;
  }
}
async function browser(): Promise<void> {
  await init();
  initSync({ module: new Uint8Array(0) });
  validateInBrowser({ start: 'V1', end: 'V2' });
}
// @ts-expect-error: rules.width is a number, not a string
validateSeries({ start: 'V1', end: 'V2' }, { width: 'ten' });
// @ts-expect-error: countSeries returns a bigint
const wrong: number = countSeries('V1', 'V2');
const pools = new ServerIndex();
pools.declarePool({ pool: 'HQ', at: Date.now(), blocks: [{ start: 'V0001', end: 'V0100' }], cooling: 30, lowAt: '10%' });
const held = pools.reserve({ pool: 'HQ', quantity: 10n, ttl: 30 * 60_000, key: 'order-1', at: new Date() });
const expires: string = held.reservation.expiresAt;
const report: PoolReport = pools.poolReport('HQ');
const available: bigint = report.counts.available;
// @ts-expect-error: a reservation needs its idempotency key
pools.reserve({ pool: 'HQ', quantity: 1, ttl: 1, at: 0 });
// @ts-expect-error: the lifecycle is in seriesguard/server only
new SeriesIndex().declarePool({ pool: 'HQ', at: 0 });
const poolBook = new ServerBook(new ServerMemory());
const booked: Promise<string> = poolBook.reserve({ pool: 'HQ', start: 'V0001', end: 'V0005', ttl: 1000, key: 'k', at: 0 }).then((r) => r.reservation.status);
void expires; void available; void booked;
void stock; void serverValidate; void customer; void withExtra; void freePart; void bookPlan; void shipsyReply; void traceable; void book; void created; void browserStores; void conflicts; void yes; void plan; void block; void chunks; void bytes; void hashOk; void macOk; void key; void many; void count; void check; void digit; void valid; void firstCode; void exact; void width; void browser; void wrong;

// The form entry: the same signatures, its own init.
const formReady: Promise<unknown> = initForm();
const formValidation: FormValidation = validateInForm({ start: 'V1', end: 'V2' }, { width: 1 });
const formCount: bigint = countInForm('V1', 'V2');
const formDigit: string = checkInForm('luhn', '7992739871');
const sameError: boolean = FormError === SeriesError;
void formReady; void formValidation; void formCount; void formDigit; void sameError;
