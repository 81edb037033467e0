// The form entry (seriesguard/form): what a form calls, over the form
// build of the wasm (validation, counts, parsing, check digits; no
// splitting, index, book, signing or profiles), so a page pays only for those.

import { SeriesError, reader } from './wire.js';
import { validation } from './validation.js';
import { guardAll } from './trap.js';

/** Binds the raw wasm exports of the form build into the form API. */
export function bindForm(raw) {
  const wire = reader(raw);
  const { reset, ...checks } = validation(raw, wire);
  const api = { ...checks, SeriesError };
  guardAll(raw, wire, [wire.reset, reset], api, [], {});
  return api;
}
