/** A1 addresses ↔ zero-based indexes. Excel sheets are 1,048,576 rows × 16,384 columns (XFD). */
import { WorkbookError } from './gateway.js';

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

export interface Rect {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export function columnLetters(col: number): string {
  let n = col + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export function cellAddress(row: number, col: number): string {
  return `${columnLetters(col)}${row + 1}`;
}

export function rectAddress(r: Rect): string {
  const tl = cellAddress(r.row, r.col);
  return r.rows === 1 && r.cols === 1 ? tl : `${tl}:${cellAddress(r.row + r.rows - 1, r.col + r.cols - 1)}`;
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;

/** Parses "B3", "$B$3", "B3:D9" or "Sheet1!B3:D9" (sheet part dropped) into a rectangle. */
export function parseAddress(address: string): Rect {
  const bare = address.includes('!') ? address.slice(address.lastIndexOf('!') + 1) : address;
  const [a, b = a] = bare.trim().split(':');
  const m1 = CELL.exec(a);
  const m2 = CELL.exec(b);
  if (!m1 || !m2) throw new WorkbookError('invalid-input', `"${address}" is not a cell address like B3.`);
  const r1 = Number(m1[2]) - 1;
  const r2 = Number(m2[2]) - 1;
  const c1 = columnIndex(m1[1]);
  const c2 = columnIndex(m2[1]);
  if (r1 < 0 || r2 < 0 || Math.max(r1, r2) >= MAX_ROWS || Math.max(c1, c2) >= MAX_COLUMNS) {
    throw new WorkbookError('invalid-input', `"${address}" is outside the sheet.`);
  }
  const row = Math.min(r1, r2);
  const col = Math.min(c1, c2);
  return { row, col, rows: Math.abs(r2 - r1) + 1, cols: Math.abs(c2 - c1) + 1 };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;
}

export function fitsSheet(r: Rect): boolean {
  return r.row >= 0 && r.col >= 0 && r.row + r.rows <= MAX_ROWS && r.col + r.cols <= MAX_COLUMNS;
}
