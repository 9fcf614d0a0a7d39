/**
 * A batch of rows as the pull worker posts it to the pane (pull-worker-core.ts): one kind byte and
 * one number slot per cell in typed arrays, which postMessage hands over without copying
 * (transferable ArrayBuffers, https://developer.mozilla.org/docs/Web/API/Web_Workers_API/Transferable_objects),
 * and each distinct string of the batch once. A structured clone of the rows as arrays would copy
 * and re-allocate ten values per row on the pane's thread, most of the cost of decoding them again.
 * Cells are row-major (row × width + column), the order the rows are rebuilt in.
 */
import type { CellValue } from '../../common/stream.js';
import { type CellKinds, HAS_EMPTY, HAS_STRING, needsTextRule } from '../workbook/text.js';

// 0: an empty cell (null).
export const NUMBER = 1;
export const STRING = 2;
export const TRUE = 3;
export const FALSE = 4;

export interface ColumnarRows {
  rows: number;
  width: number;
  /** 0 (empty), NUMBER, STRING, TRUE or FALSE per cell. */
  kinds: Uint8Array;
  /** The number of a NUMBER cell, the index into `strings` of a STRING cell. */
  slots: Float64Array;
  /** The batch's distinct strings, in order of first appearance. */
  strings: string[];
  /** Each row's JSON bytes as the chunk planner counts them, when counted in the worker (rows-scan.ts). */
  rowBytes?: Uint32Array;
  /** Which kinds each column holds (summarize), when summarized in the worker. */
  cellKinds?: CellKinds;
}

/**
 * What the writer's text rules (workbook/text.ts toExcelRows) need to know of the batch to keep
 * every row as it is without looking at each cell on the pane's thread: one pass over its kinds
 * (in the pull worker) and each distinct string once, through the writer's own test.
 */
export function summarize(b: ColumnarRows): CellKinds {
  const { width, kinds, slots } = b;
  const columns = new Uint8Array(width);
  for (let c = 0; c < width; c++) {
    let seen = 0;
    for (let i = c; i < kinds.length; i += width) seen |= 1 << kinds[i];
    columns[c] = (seen & 1 ? HAS_EMPTY : 0) | (seen & (1 << STRING) ? HAS_STRING : 0);
  }
  // Only a number's slot can be NaN or infinite (a string's is its index, an empty cell's 0), and
  // any such slot makes the sum of each slot times 0 NaN: one pass without a branch per cell.
  let zero = 0;
  for (let i = 0; i < slots.length; i++) zero += slots[i] * 0;
  let unusual = zero !== 0;
  for (let i = 0; i < b.strings.length && !unusual; i++) unusual = needsTextRule(b.strings[i]);
  return { columns, unusual };
}

/**
 * The batch in columnar form, or null when a row is not an array of exactly `width` cells of the
 * stream's types (common/stream.ts CellValue): such a batch is posted as it is, so the writer
 * meets it exactly as it would have without the worker (and names the bad row).
 */
export function toColumnar(rows: readonly unknown[], width: number): ColumnarRows | null {
  const kinds = new Uint8Array(rows.length * width);
  const slots = new Float64Array(rows.length * width);
  const strings: string[] = [];
  const index = new Map<string, number>();
  let i = 0;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== width) return null;
    for (let c = 0; c < width; c++, i++) {
      const v: unknown = row[c];
      if (typeof v === 'number') {
        kinds[i] = NUMBER;
        slots[i] = v;
      } else if (typeof v === 'string') {
        let k = index.get(v);
        if (k === undefined) {
          k = strings.length;
          strings.push(v);
          index.set(v, k);
        }
        kinds[i] = STRING;
        slots[i] = k;
      } else if (v === true) kinds[i] = TRUE;
      else if (v === false) kinds[i] = FALSE;
      else if (v !== null) return null;
    }
  }
  return { rows: rows.length, width, kinds, slots, strings };
}

/** The rows again, equal to those toColumnar was given (a string shared by cells is one string). */
export function fromColumnar(b: ColumnarRows): CellValue[][] {
  const { width, kinds, slots, strings } = b;
  const out = new Array<CellValue[]>(b.rows);
  let i = 0;
  for (let r = 0; r < b.rows; r++) {
    const row = new Array<CellValue>(width);
    for (let c = 0; c < width; c++, i++) {
      const k = kinds[i];
      row[c] = k === NUMBER ? slots[i] : k === STRING ? strings[slots[i]] : k === TRUE ? true : k === FALSE ? false : null;
    }
    out[r] = row;
  }
  return out;
}
