// Form validation: validateSeries against the same rules written in zod 4,
// valibot and by hand, on a valid and an invalid series; and the batch API.
import * as z from 'zod';
import * as v from 'valibot';
import { validateSeries, validateMany } from 'seriesguard';

export const title = 'Form validation';
export const description = `One series \`{ start, end }\` checked for the rules a dashboard needs:
each end is a prefix, a digit run and a suffix; prefixes, suffixes and zero-padded
widths match; start ≤ end compared exactly (BigInt); the exact count.
The peers implement exactly these rules (regex + BigInt in a refinement);
seriesguard also refuses non-ASCII digits and reports every issue with a code,
field and message. Valid: \`V10000051..V10000060\`; invalid: the same reversed.`;

const SHAPE = /^([^0-9]*?)([0-9]{1,38})([^0-9]*)$/;

// The rules by hand, as a JS developer would write them.
function handWritten(input) {
  const issues = [];
  const a = typeof input?.start === 'string' ? SHAPE.exec(input.start.trim()) : null;
  const b = typeof input?.end === 'string' ? SHAPE.exec(input.end.trim()) : null;
  if (!a) issues.push({ code: 'START_INVALID', field: 'start' });
  if (!b) issues.push({ code: 'END_INVALID', field: 'end' });
  if (a && b) {
    if (a[1] !== b[1]) issues.push({ code: 'PREFIX_MISMATCH', field: 'end' });
    if (a[3] !== b[3]) issues.push({ code: 'SUFFIX_MISMATCH', field: 'end' });
    const padded = (a[2].length > 1 && a[2][0] === '0') || (b[2].length > 1 && b[2][0] === '0');
    if (a[2].length !== b[2].length && padded) issues.push({ code: 'WIDTH_MISMATCH', field: 'end' });
    if (issues.length === 0) {
      const first = BigInt(a[2]);
      const last = BigInt(b[2]);
      if (first > last) issues.push({ code: 'START_AFTER_END', field: 'end' });
      else return { ok: true, count: last - first + 1n, issues };
    }
  }
  return { ok: false, count: null, issues };
}

function pairCheck(value, report) {
  const a = SHAPE.exec(value.start);
  const b = SHAPE.exec(value.end);
  if (a[1] !== b[1]) report('PREFIX_MISMATCH');
  if (a[3] !== b[3]) report('SUFFIX_MISMATCH');
  const padded = (a[2].length > 1 && a[2][0] === '0') || (b[2].length > 1 && b[2][0] === '0');
  if (a[2].length !== b[2].length && padded) report('WIDTH_MISMATCH');
  if (BigInt(a[2]) > BigInt(b[2])) report('START_AFTER_END');
}

const zodSchema = z
  .object({ start: z.string().trim().regex(SHAPE), end: z.string().trim().regex(SHAPE) })
  .superRefine((value, ctx) => pairCheck(value, (message) => ctx.addIssue({ code: 'custom', message, path: ['end'] })))
  .transform((value) => ({ ...value, count: BigInt(SHAPE.exec(value.end)[2]) - BigInt(SHAPE.exec(value.start)[2]) + 1n }));

const valibotSchema = v.pipe(
  v.object({ start: v.pipe(v.string(), v.trim(), v.regex(SHAPE)), end: v.pipe(v.string(), v.trim(), v.regex(SHAPE)) }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed) pairCheck(dataset.value, (message) => addIssue({ message, path: [] }));
  }),
  v.transform((value) => ({ ...value, count: BigInt(SHAPE.exec(value.end)[2]) - BigInt(SHAPE.exec(value.start)[2]) + 1n })),
);

const valid = { start: 'V10000051', end: 'V10000060' };
const invalid = { start: 'V10000060', end: 'V10000051' };
// One third invalid: reversed, and a prefix mismatch, among valid series.
const mixed = [
  valid, { start: 'V20000001', end: 'V20000100' }, invalid,
  { start: 'A00000001', end: 'A00000999' }, { start: 'V30000001', end: 'V30000002' }, { start: 'V10000051', end: 'W10000060' },
];

export async function groups() {
  // Every implementation must agree before it is timed.
  for (const [input, ok] of [[valid, true], [invalid, false], ...mixed.map((m) => [m, validateSeries(m).ok])]) {
    const answers = [validateSeries(input).ok, handWritten(input).ok, zodSchema.safeParse(input).success, v.safeParse(valibotSchema, input).success];
    if (answers.some((a) => a !== ok)) throw new Error(`implementations disagree on ${JSON.stringify(input)}: ${answers}`);
  }
  const batch = Array.from({ length: 10_000 }, (_, i) => ({ start: `V${10000000 + i * 10}`, end: `V${10000000 + i * 10 + 9}` }));
  return [
    {
      title: 'Valid series',
      cases: [
        { name: 'seriesguard validateSeries', ours: true, fn: () => validateSeries(valid) },
        { name: 'zod 4 safeParse', fn: () => zodSchema.safeParse(valid) },
        { name: 'valibot safeParse', fn: () => v.safeParse(valibotSchema, valid) },
        { name: 'hand-written JS (regex + BigInt)', fn: () => handWritten(valid) },
      ],
    },
    {
      title: 'Invalid series (start after end)',
      cases: [
        { name: 'seriesguard validateSeries', ours: true, fn: () => validateSeries(invalid) },
        { name: 'zod 4 safeParse', fn: () => zodSchema.safeParse(invalid) },
        { name: 'valibot safeParse', fn: () => v.safeParse(valibotSchema, invalid) },
        { name: 'hand-written JS (regex + BigInt)', fn: () => handWritten(invalid) },
      ],
    },
    {
      title: 'A mix, one third invalid (reversed, prefix mismatch)',
      batch: 96,
      cases: [
        { name: 'seriesguard validateSeries', ours: true, fn: (i) => validateSeries(mixed[i % 6]) },
        { name: 'zod 4 safeParse', fn: (i) => zodSchema.safeParse(mixed[i % 6]) },
        { name: 'valibot safeParse', fn: (i) => v.safeParse(valibotSchema, mixed[i % 6]) },
        { name: 'hand-written JS (regex + BigInt)', fn: (i) => handWritten(mixed[i % 6]) },
      ],
    },
    {
      title: 'Batch: 10,000 series, per series',
      batch: 1,
      perCall: 10_000,
      cases: [
        { name: 'seriesguard validateMany (one crossing)', ours: true, fn: () => validateMany(batch) },
        { name: 'seriesguard validateSeries × 10,000', fn: () => { for (const s of batch) validateSeries(s); } },
        { name: 'zod 4 safeParse × 10,000', fn: () => { for (const s of batch) zodSchema.safeParse(s); } },
        { name: 'hand-written JS × 10,000', fn: () => { for (const s of batch) handWritten(s); } },
      ],
    },
  ];
}
