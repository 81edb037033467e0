// The form entry for Node's import: the same instance as require('seriesguard/form').
import api from './form.cjs';

export const {
  validateSeries, validateMany, countSeries, parseSerial, checkDigit, verifyCheckDigit, inWords,
  memoryBytes, SeriesError,
} = api;
export default api;
