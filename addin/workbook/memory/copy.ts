/**
 * Range.copyFrom(source, copyType, skipBlanks, transpose) (ExcelApi 1.9,
 * https://learn.microsoft.com/javascript/api/excel/excel.range#excel-excel-range-copyfrom-member(1))
 * in the in-memory Excel, column by column as the sheet keeps its cells (column.ts): each source
 * column is taken once as typed-array slices (source and destination may overlap), then pasted
 * into each destination column with typed-array `set`s, format runs as runs and formulas from the
 * column's sparse map. A refresh swaps 1,000,000 staged values into its table this way (issue #18).
 *
 * What is modelled, as Excel's copy does it:
 *  - the destination grows to the source's size from its top-left cell, or repeats the source when
 *    it is an exact multiple of it (excel.d.ts copyFrom: "the destination range can be a different
 *    size than the source range; the destination will be expanded automatically if it is smaller");
 *  - formulas' relative A1 references shift by the offset (formula.ts shiftFormula);
 *  - "Values" pastes computed values as constants, "Formats" only number formats, "Formulas"
 *    formulas and constants without formats, "All" both (excel.d.ts Excel.RangeCopyType);
 *  - skipBlanks leaves the destination cell as it is where the source cell has no value and no formula;
 *  - table AutoCorrect applies as for any write (autocorrect.ts).
 * Verify in Excel: with `transpose`, a formula's relative references shift by its own cell's offset
 * (Excel may remap references that point inside the copied block); transposing stays cell by cell.
 * Verify in Excel: no document says what pasting into a range with filtered-out (hidden) rows does;
 * the UI refuses multi-area pastes on filtered ranges, so we fail with InvalidOperation.
 */
import { MAX_COLUMNS, MAX_ROWS, type Rect } from '../address.js';
import { afterWrite, writtenInGrid } from './autocorrect.js';
import { type ColumnSlice, dropSliceValue, isBlankAt, setSliceValue } from './column.js';
import { ExcelLikeError } from './errors.js';
import { shiftFormula } from './formula.js';
import type { MemCell, MemorySheet } from './sheet.js';
import type { MemoryWorkbook } from './workbook.js';

export type CopyType = 'All' | 'Values' | 'Formats' | 'Formulas';

interface At {
  sheet: string;
  rect: Rect;
}

export function copyRange(wb: MemoryWorkbook, src: At, dst: At, copyType: CopyType, skipBlanks: boolean, transpose: boolean): void {
  const sh = wb.guard(dst.sheet, 'Range.copyFrom');
  const sRows = transpose ? src.rect.cols : src.rect.rows;
  const sCols = transpose ? src.rect.rows : src.rect.cols;
  const reps = (d: number, s: number) => (d > s && d % s === 0 ? d / s : 1);
  const rect = {
    row: dst.rect.row,
    col: dst.rect.col,
    rows: sRows * reps(dst.rect.rows, sRows),
    cols: sCols * reps(dst.rect.cols, sCols),
  };
  if (rect.row + rect.rows > MAX_ROWS || rect.col + rect.cols > MAX_COLUMNS)
    throw new ExcelLikeError('InvalidArgument', 'The paste runs off the sheet.');
  for (const r of sh.hiddenRows)
    if (r >= rect.row && r < rect.row + rect.rows)
      throw new ExcelLikeError('InvalidOperation', 'Cannot paste into a range with filtered-out rows.');
  if (transpose) return copyTransposed(wb, sh, src, rect, copyType, skipBlanks);
  const slices = takeSource(wb, src, copyType, skipBlanks);
  for (const m of sh.mergesIn(rect))
    if (m.row < rect.row || m.col < rect.col || m.row + m.rows > rect.row + rect.rows || m.col + m.cols > rect.col + rect.cols)
      throw new ExcelLikeError('InvalidOperation', 'Cannot change part of a merged cell.');
  const masks: Uint8Array[] = [];
  for (let j = 0; j < rect.cols; j++) {
    const sj = j % sCols;
    const { slice, blank, fixed } = slices[sj];
    const c = rect.col + j;
    const col = sh.column(c);
    const mask = copyType === 'Formats' ? null : new Uint8Array(rect.rows);
    for (let top = 0; top < rect.rows; top += sRows) {
      const at = rect.row + top;
      const dRow = at - src.rect.row;
      const dCol = c - (src.rect.col + sj);
      for (const [off, n] of blank ? runsWithout(blank) : [[0, sRows] as const]) {
        if (copyType === 'All' || copyType === 'Formats') col.formats.paste(slice.formats, off, n, at + off);
        if (copyType === 'Formats') continue;
        col.putValues(slice, off, n, at + off);
        col.deleteFormulas(at + off, at + off + n);
        for (const [i, f] of slice.formulas)
          if (i >= off && i < off + n) col.formulas.set(at + i, fixed.has(i) ? f : shiftFormula(f, dRow, dCol));
        // What the write put into each cell, for AutoCorrect (a formula, or a value other than "").
        mask!.set(col.contentMask(at + off, n), top + off);
      }
    }
    if (mask) masks.push(mask);
  }
  if (copyType !== 'Formats') afterWrite.apply(wb, sh.name, rect, (i, j) => masks[j][i] === 1);
}

interface Taken {
  slice: ColumnSlice;
  /** Offsets whose source cell has no value and no formula, when skipping blanks. */
  blank: Uint8Array | null;
  /** Offsets whose formula reads the same wherever it goes (no relative reference). */
  fixed: Set<number>;
}

/**
 * Each source column as a slice, before anything is written. For "Values" a formula's computed
 * value replaces it (evaluated now, as the copy sees the source); otherwise a formula cell carries
 * no value of its own (sheet.ts setContent).
 */
function takeSource(wb: MemoryWorkbook, src: At, copyType: CopyType, skipBlanks: boolean): Taken[] {
  const sheet = wb.sheet(src.sheet);
  return Array.from({ length: src.rect.cols }, (_, j) => {
    const slice = sheet.slice(src.rect.col + j, src.rect.row, src.rect.rows);
    let blank: Uint8Array | null = null;
    if (skipBlanks) {
      blank = new Uint8Array(slice.rows);
      for (let i = 0; i < slice.rows; i++) if (isBlankAt(slice, i)) blank[i] = 1;
    }
    const fixed = new Set<number>();
    if (copyType === 'Values') {
      for (const i of slice.formulas.keys()) setSliceValue(slice, i, wb.value(src.sheet, src.rect.row + i, src.rect.col + j));
      slice.formulas.clear();
    } else
      for (const [i, f] of slice.formulas) {
        dropSliceValue(slice, i);
        // Shifting changes nothing when it changes nothing by one row and column (no relative reference).
        if (shiftFormula(f, 1, 1) === f) fixed.add(i);
      }
    return { slice, blank, fixed };
  });
}

/** Runs [offset, length] of the offsets not marked in `blank`. */
function runsWithout(blank: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < blank.length; i++) {
    if (blank[i]) continue;
    const last = out.at(-1);
    if (last && last[0] + last[1] === i) last[1]++;
    else out.push([i, 1]);
  }
  return out;
}

/** The transposed copy, cell by cell (rare, and small: a row pasted as a column). */
function copyTransposed(wb: MemoryWorkbook, sh: MemorySheet, src: At, rect: Rect, copyType: CopyType, skipBlanks: boolean): void {
  const srcSheet = wb.sheet(src.sheet);
  const sRows = src.rect.cols;
  const sCols = src.rect.rows;
  const snap: (MemCell & { computed: unknown })[][] = [];
  for (let i = 0; i < src.rect.rows; i++) {
    snap.push([]);
    for (let j = 0; j < src.rect.cols; j++) {
      const cell = srcSheet.get(src.rect.row + i, src.rect.col + j);
      snap[i].push({ ...(cell ?? { value: null }), computed: wb.value(src.sheet, src.rect.row + i, src.rect.col + j) });
    }
  }
  for (const m of sh.mergesIn(rect))
    if (m.row < rect.row || m.col < rect.col || m.row + m.rows > rect.row + rect.rows || m.col + m.cols > rect.col + rect.cols)
      throw new ExcelLikeError('InvalidOperation', 'Cannot change part of a merged cell.');
  const grid: unknown[][] = Array.from({ length: rect.rows }, () => Array<unknown>(rect.cols).fill(null));
  for (let i = 0; i < rect.rows; i++)
    for (let j = 0; j < rect.cols; j++) {
      const si = j % sCols;
      const sj = i % sRows;
      const s = snap[si][sj];
      if (skipBlanks && s.value === null && !s.formula) continue;
      const r = rect.row + i;
      const c = rect.col + j;
      if (copyType !== 'Values' && copyType !== 'Formulas') sh.setFormat(r, c, s.format);
      if (copyType === 'Formats') continue;
      if (copyType === 'Values') sh.setContent(r, c, (s.computed ?? null) as never);
      else if (s.formula) sh.setContent(r, c, null, shiftFormula(s.formula, r - (src.rect.row + si), c - (src.rect.col + sj)));
      else sh.setContent(r, c, s.value);
      grid[i][j] = sh.formula(r, c) ?? sh.value(r, c);
    }
  if (copyType !== 'Formats') afterWrite.apply(wb, sh.name, rect, writtenInGrid(grid));
}
