/**
 * A1 ↔ R1C1 formula notation, as `Range.formulasR1C1` reads and writes it
 * (https://learn.microsoft.com/javascript/api/excel/excel.range#excel-excel-range-formulasr1c1-member).
 *
 * `row`/`col` are the 0-based position of the cell holding the formula. R1C1 notation
 * (https://support.microsoft.com/office/overview-of-formulas-in-excel-ecfdc708-9162-49e8-b993-c311f47ca173,
 * "The R1C1 reference style"): `R2C3` absolute (row 2, column 3, 1-based), `R[-1]C[2]` relative
 * offsets, `R`/`C` alone = the formula's own row/column; whole rows `R[1]` / `R2:R4` and whole
 * columns `C[1]` / `C2:C4`. Text in double quotes, quoted sheet names (`'My Sheet'!`) and structured
 * references (`[@Sales]`, `Table1[Sales]`, `Table1[[#This Row],[Sales]]`) are copied untouched; names
 * and function calls (`LOG10(`, `Sheet1!`) are not references. A relative reference that would fall
 * off the sheet becomes `#REF!`, as in Excel.
 */
import { MAX_COLUMNS, MAX_ROWS } from '../address.js';

const STRING = `"(?:[^"]|"")*"`;
const QUOTED_SHEET = `'(?:[^']|'')+'`;
const STRUCT = `(?:[A-Za-z_\\\\][\\w.]*)?\\[(?:[^[\\]]|\\[[^\\]]*\\])*\\]`;
const NUMBER = `\\d+(?:\\.\\d*)?(?:[eE][-+]?\\d+)?|\\.\\d+(?:[eE][-+]?\\d+)?`;
const IDENT = `[A-Za-z_\\\\][\\w.]*`;
const END = `(?![\\w(![.])`;

const A1_TOKENS = new RegExp(
  [
    `(${STRING})`,
    `(${QUOTED_SHEET})`,
    `(\\$?)([A-Za-z]{1,3}):(\\$?)([A-Za-z]{1,3})${END}`, // whole columns A:C
    `(\\$?)([A-Za-z]{1,3})(\\$?)(\\d+)${END}`, // a cell
    `(\\$?)(\\d+):(\\$?)(\\d+)${END}`, // whole rows 2:4
    `(${NUMBER})`,
    `(${STRUCT})`,
    `(${IDENT})`,
  ].join('|'),
  'g',
);

const PART = `(\\[-?\\d+\\]|\\d+)?`;
const R1C1_TOKENS = new RegExp(
  [
    `(${STRING})`,
    `(${QUOTED_SHEET})`,
    `[Rr]${PART}[Cc]${PART}${END}`, // a cell
    `[Rr]${PART}(?::[Rr]${PART})?(?![\\w(![.:])`, // whole rows
    `[Cc]${PART}(?::[Cc]${PART})?(?![\\w(![.:])`, // whole columns
    `(${NUMBER})`,
    `(${STRUCT})`,
    `(${IDENT})`,
  ].join('|'),
  'g',
);

export function columnLetters(c: number): string {
  let l = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) l = String.fromCharCode(65 + ((n - 1) % 26)) + l;
  return l;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n - 1;
}

const part = (letter: 'R' | 'C', absolute: boolean, index: number, here: number) =>
  absolute ? `${letter}${index + 1}` : index === here ? letter : `${letter}[${index - here}]`;

/** A1 formula → R1C1, for a formula in the 0-based cell (row, col). */
export function toR1C1(formula: string, row: number, col: number): string {
  return formula.replace(A1_TOKENS, (all: string, ...g: (string | undefined)[]) => {
    // Groups: 0 string, 1 quoted sheet, 2–5 columns, 6–9 cell, 10–13 rows, 14 number, 15 structured, 16 name.
    if (g[2] !== undefined) {
      const [d1, l1, d2, l2] = g.slice(2, 6) as string[];
      const c1 = columnNumber(l1);
      const c2 = columnNumber(l2);
      if (c1 >= MAX_COLUMNS || c2 >= MAX_COLUMNS) return all;
      const a = part('C', !!d1, c1, col);
      const b = part('C', !!d2, c2, col);
      return a === b ? a : `${a}:${b}`;
    }
    if (g[6] !== undefined) {
      const [dc, letters, dr, digits] = g.slice(6, 10) as string[];
      const c = columnNumber(letters);
      const r = Number(digits) - 1;
      if (c >= MAX_COLUMNS || r < 0 || r >= MAX_ROWS) return all;
      return part('R', !!dr, r, row) + part('C', !!dc, c, col);
    }
    if (g[10] !== undefined) {
      const [d1, n1, d2, n2] = g.slice(10, 14) as string[];
      const r1 = Number(n1) - 1;
      const r2 = Number(n2) - 1;
      if (r1 < 0 || r2 < 0 || r1 >= MAX_ROWS || r2 >= MAX_ROWS) return all;
      const a = part('R', !!d1, r1, row);
      const b = part('R', !!d2, r2, row);
      return a === b ? a : `${a}:${b}`;
    }
    return all;
  });
}

/** Resolves one R1C1 part (`[−1]`, `3` or empty) to a 0-based index, or null when off the sheet. */
function resolve(p: string | undefined, here: number, max: number): { index: number; absolute: boolean } | null {
  let index: number;
  let absolute = false;
  if (p === undefined) index = here;
  else if (p.startsWith('[')) index = here + Number(p.slice(1, -1));
  else {
    index = Number(p) - 1;
    absolute = true;
  }
  return index < 0 || index >= max ? null : { index, absolute };
}

/** R1C1 formula → A1, for a formula in the 0-based cell (row, col). */
export function fromR1C1(formula: string, row: number, col: number): string {
  return formula.replace(R1C1_TOKENS, (all: string, ...g: (string | undefined)[]) => {
    // Groups: 0 string, 1 quoted sheet, 2–3 cell, 4–5 rows, 6–7 columns, 8 number, 9 structured, 10 name.
    if (g[0] !== undefined || g[1] !== undefined || g[8] !== undefined || g[9] !== undefined || g[10] !== undefined) return all;
    if (/^[Rr]/.test(all) && /[Cc]/.test(all)) {
      const r = resolve(g[2], row, MAX_ROWS);
      const c = resolve(g[3], col, MAX_COLUMNS);
      if (!r || !c) return '#REF!';
      return `${c.absolute ? '$' : ''}${columnLetters(c.index)}${r.absolute ? '$' : ''}${r.index + 1}`;
    }
    if (/^[Rr]/.test(all)) {
      const a = resolve(g[4], row, MAX_ROWS);
      const b = all.includes(':') ? resolve(g[5], row, MAX_ROWS) : a;
      if (!a || !b) return '#REF!';
      return `${a.absolute ? '$' : ''}${a.index + 1}:${b.absolute ? '$' : ''}${b.index + 1}`;
    }
    const a = resolve(g[6], col, MAX_COLUMNS);
    const b = all.includes(':') ? resolve(g[7], col, MAX_COLUMNS) : a;
    if (!a || !b) return '#REF!';
    return `${a.absolute ? '$' : ''}${columnLetters(a.index)}:${b.absolute ? '$' : ''}${columnLetters(b.index)}`;
  });
}
