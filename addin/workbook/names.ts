/**
 * Table and sheet names Excel accepts.
 * Table names (Excel "Rename an Excel table" rules): letters, digits, underscore, period; start with
 * a letter, underscore or backslash; ≤ 255 characters; not "C"/"R"/"c"/"r"; not a cell reference
 * (A1 or R1C1); unique in the workbook, compared case-insensitively. We keep to letters, digits and
 * underscore so the name also works unquoted in structured references.
 * Sheet names: ≤ 31 characters, none of : \ / ? * [ ], not starting/ending with an apostrophe,
 * unique case-insensitively, and not "History" (reserved by Excel).
 */
import { columnIndex, MAX_COLUMNS, MAX_ROWS } from './address.js';

const MAX_TABLE_NAME = 255;
const MAX_SHEET_NAME = 31;

function looksLikeCellReference(name: string): boolean {
  const a1 = /^([A-Za-z]{1,3})(\d+)$/.exec(name);
  if (a1 && columnIndex(a1[1]) < MAX_COLUMNS && Number(a1[2]) >= 1 && Number(a1[2]) <= MAX_ROWS) return true;
  // R1C1 forms: R, C, R12, C3, R1C1, RC, R[1]C[2] (brackets are already stripped by sanitizing).
  return /^[Rr](\d*)([Cc](\d*))?$/.test(name) || /^[Cc]\d*$/.test(name);
}

/** Turns any text into a valid table name stem (not yet unique). */
export function sanitizeTableName(wanted: string): string {
  let s = wanted
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!s) s = 'Table';
  if (!/^[A-Za-z_]/.test(s)) s = `T_${s}`;
  if (looksLikeCellReference(s)) s = `${s}_`;
  return s.slice(0, MAX_TABLE_NAME);
}

/** A valid table name not in `taken` (case-insensitive): Sales, Sales_2, Sales_3 … */
export function uniqueTableName(wanted: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const stem = sanitizeTableName(wanted);
  if (!used.has(stem.toLowerCase())) return stem;
  for (let i = 2; ; i++) {
    const suffix = `_${i}`;
    const candidate = stem.slice(0, MAX_TABLE_NAME - suffix.length) + suffix;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

export function sanitizeSheetName(wanted: string): string {
  const printable = Array.from(wanted, (ch) => (ch.charCodeAt(0) < 32 ? ' ' : ch)).join('');
  let s = printable
    .replace(/[:\\/?*[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  s = s.replace(/^'+|'+$/g, '').trim();
  if (!s || s.toLowerCase() === 'history') s = s ? `${s} 1` : 'Data';
  return s.slice(0, MAX_SHEET_NAME).trim();
}

/** A valid sheet name not in `taken` (case-insensitive): Sales, Sales (2), Sales (3) … */
export function uniqueSheetName(wanted: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((t) => t.toLowerCase()));
  const stem = sanitizeSheetName(wanted);
  if (!used.has(stem.toLowerCase())) return stem;
  for (let i = 2; ; i++) {
    const suffix = ` (${i})`;
    const candidate = stem.slice(0, MAX_SHEET_NAME - suffix.length).trimEnd() + suffix;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
