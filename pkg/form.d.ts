// seriesguard/form: what a form calls (validation, counts, parsing, check
// digits; splitSeries is in the main entry), over a small build of the wasm. In a browser, call
// `init()` (or `initSync`) once first; in Node it is ready on import.
export {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  memoryBytes, SeriesError,
} from './index.js';
export type {
  SeriesRules, SeriesInput, Validation, Issue, IssueCode, Serial, Scheme, Format,
} from './index.js';

/** Fetches and instantiates the form build's wasm (or the given URL, Response or bytes). */
export default function init(
  input?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module } | RequestInfo | URL
): Promise<unknown>;
/** Instantiates synchronously from bytes or a compiled module. */
export function initSync(input: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
