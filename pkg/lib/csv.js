// CSV for imports and exports: reading and writing are the core's
// (src/csv.rs). Rows read come back as JSON text; rows to write cross
// packed: `s<UTF-16 length>:<text>` per cell, `x` for a value that is no
// cell (the core refuses it), `\n` after each row.

import { answer } from './wire.js';

/** The CSV functions of one instance (`wire`: its reader). */
export function tables(raw, wire) {
  const { take } = wire;

  /** Reads CSV text into rows of cells; throws SeriesError (INPUT_INVALID, naming the line). */
  function readCsv(text) {
    return JSON.parse(answer(take(raw.readCsvRaw(text))));
  }

  /**
   * Writes rows as CSV: every cell quoted, formulas defused (a cell starting with = + - @
   * is written after an apostrophe, which readCsv takes off again). Cells are strings,
   * numbers, bigints or null; anything else is INPUT_INVALID.
   */
  function writeCsv(rows) {
    const parts = [];
    for (const row of Array.isArray(rows) ? rows : [null]) {
      for (const cell of Array.isArray(row) ? row : [row]) {
        const text = typeof cell === 'string' ? cell
          : typeof cell === 'number' || typeof cell === 'bigint' ? String(cell)
            : cell === null || cell === undefined ? '' : null;
        parts.push(text === null || !Array.isArray(row) ? 'x' : `s${text.length}:${text}`);
      }
      parts.push('\n');
    }
    return answer(take(raw.writeCsvRaw(parts.join(''))));
  }

  return { readCsv, writeCsv };
}
