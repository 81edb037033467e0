// The form entry for browsers (ES module): seriesguard/form. Call the
// default export `init()` once (it fetches the form build's
// seriesguard_bg.wasm next to it), or `initSync({ module })`, first.
import init, { initSync } from './dist/form-web/seriesguard.js';
import * as raw from './dist/form-web/seriesguard.js';
import { bindForm } from './lib/form.js';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  memoryBytes, SeriesError,
} = bindForm(raw);
export { initSync };
export default init;
