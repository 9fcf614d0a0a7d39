/**
 * A small Excel formula evaluator for the memory workbook: enough for what tests and the preview
 * need — numbers, strings, TRUE/FALSE, A1 references (same or other sheet) and ranges, table
 * structured references ([@Sales], [@[Unit Price]], Orders[@Sales], Orders[Sales]), operators
 * + - * / ^ & = <> < > <= >=, unary minus, and SUM/MIN/MAX/AVERAGE/ROUND/IF/LEN/N, DATE/YEAR/MONTH/DAY
 * (in the workbook's date system) and SUBTOTAL 1–5/9 and 101–105/109.
 * Anything else evaluates to an Excel error value, never throws.
 */
import { columnIndex } from '../address.js';
import { serialFromYmd, ymdFromSerial } from './coerce.js';

export type Scalar = number | string | boolean;
export type ErrorValue = '#DIV/0!' | '#VALUE!' | '#REF!' | '#NAME?' | '#N/A' | '#NUM!';
export type Value = Scalar | null;
type Operand = Value | Value[] | { error: ErrorValue };

/** What the evaluator needs from the workbook. */
export interface FormulaHost {
  /**
   * The workbook uses the 1904 date system (default false = 1900 system): DATE, YEAR, MONTH and DAY
   * convert serials with it (https://learn.microsoft.com/office/troubleshoot/excel/1900-and-1904-date-system).
   */
  date1904?: boolean;
  /**
   * Is this row hidden (manually or by a filter)? SUBTOTAL 101–111 leave such rows out
   * (https://support.microsoft.com/office/subtotal-function-7b027003-f060-4ade-9040-e478765b9939).
   */
  isRowHidden?(sheet: string, row: number): boolean;
  /** Is this row filtered out? SUBTOTAL 1–11 leave out filtered rows but keep manually hidden ones (same page). */
  isRowFiltered?(sheet: string, row: number): boolean;
  /** The formula of a cell, if any: SUBTOTAL ignores cells that hold SUBTOTAL themselves (same page). */
  formulaAt?(sheet: string, row: number, col: number): string | undefined;
  /** Evaluated value of a cell (null = empty), or an error. */
  valueAt(sheet: string, row: number, col: number): Value | { error: ErrorValue };
  /** Table column lookup for structured references; null when there is no such table/column. */
  tableColumn(
    tableName: string | null,
    column: string,
    sheet: string,
    row: number,
    col: number,
  ): { sheet: string; col: number; firstRow: number; lastRow: number } | null;
}

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|("(?:[^"]|"")*")|((?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?(\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)(?![\w(])|([A-Za-z_\\][\w.]*)?(\[(?:[^[\]]|\[[^\]]*\])*\])|([A-Za-z_][\w.]*)|(<>|<=|>=|[-+*/^&=<>(),%]))/y;

interface Tok {
  kind: 'num' | 'str' | 'ref' | 'struct' | 'name' | 'op';
  text: string;
  sheet?: string;
  table?: string;
}

function tokenize(src: string): Tok[] | null {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < src.length) {
    if (/^\s*$/.test(src.slice(i))) break;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(src);
    if (!m) return null;
    i = TOKEN.lastIndex;
    if (m[1]) out.push({ kind: 'num', text: m[1] });
    else if (m[2]) out.push({ kind: 'str', text: m[2].slice(1, -1).replace(/""/g, '"') });
    else if (m[4])
      out.push({ kind: 'ref', text: m[4], sheet: m[3] ? m[3].slice(0, -1).replace(/^'|'$/g, '').replace(/''/g, "'") : undefined });
    else if (m[6]) out.push({ kind: 'struct', text: m[6], table: m[5] || undefined });
    else if (m[7]) out.push({ kind: 'name', text: m[7] });
    else out.push({ kind: 'op', text: m[8] });
  }
  return out;
}

const isErr = (v: unknown): v is { error: ErrorValue } => typeof v === 'object' && v !== null && 'error' in v;

function toNumber(v: Operand): number | { error: ErrorValue } {
  if (isErr(v)) return v;
  if (Array.isArray(v)) return v.length === 1 ? toNumber(v[0]) : { error: '#VALUE!' };
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  const n = Number(v.trim());
  return v.trim() !== '' && Number.isFinite(n) ? n : { error: '#VALUE!' };
}

function toText(v: Operand): string | { error: ErrorValue } {
  if (isErr(v)) return v;
  if (Array.isArray(v)) return v.length === 1 ? toText(v[0]) : { error: '#VALUE!' };
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

interface Cell {
  sheet: string;
  row: number;
  col: number;
}

export function evaluateFormula(
  formula: string,
  host: FormulaHost,
  sheet: string,
  row: number,
  col: number,
): Value | { error: ErrorValue } {
  const toks = tokenize(formula.replace(/^=/, ''));
  if (!toks) return { error: '#NAME?' };
  let p = 0;
  const peek = () => toks[p];
  const eat = (t: string) => (peek()?.kind === 'op' && peek()?.text === t ? (p++, true) : false);

  const cmp = (): Operand => {
    let l = concat();
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op' || !['=', '<>', '<', '>', '<=', '>='].includes(t.text)) return l;
      p++;
      const r = concat();
      if (isErr(l)) return l;
      if (isErr(r)) return r;
      const a = Array.isArray(l) ? l[0] : l;
      const b = Array.isArray(r) ? r[0] : r;
      const c =
        typeof a === 'string' && typeof b === 'string' ? a.toLowerCase().localeCompare(b.toLowerCase()) : Number(a ?? 0) - Number(b ?? 0);
      l = { '=': c === 0, '<>': c !== 0, '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[t.text] as boolean;
    }
  };
  const concat = (): Operand => {
    let l = additive();
    while (eat('&')) {
      const a = toText(l);
      const b = toText(additive());
      l = isErr(a) ? a : isErr(b) ? b : a + b;
    }
    return l;
  };
  const arith = (next: () => Operand, ops: string[]) => (): Operand => {
    let l = next();
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op' || !ops.includes(t.text)) return l;
      p++;
      const a = toNumber(l);
      const b = toNumber(next());
      if (isErr(a)) return a;
      if (isErr(b)) return b;
      if (t.text === '/' && b === 0) return { error: '#DIV/0!' };
      l = t.text === '+' ? a + b : t.text === '-' ? a - b : t.text === '*' ? a * b : t.text === '/' ? a / b : a ** b;
    }
  };
  const unary = (): Operand => {
    if (eat('-')) {
      const v = toNumber(unary());
      return isErr(v) ? v : -v;
    }
    if (eat('+')) return unary();
    const v = primary();
    if (eat('%')) {
      const n = toNumber(v);
      return isErr(n) ? n : n / 100;
    }
    return v;
  };
  const power = arith(unary, ['^']);
  const multiplicative = arith(power, ['*', '/']);
  const additive = arith(multiplicative, ['+', '-']);

  const primary = (): Operand => {
    const t = toks[p++];
    if (!t) return { error: '#VALUE!' };
    if (t.kind === 'num') return Number(t.text);
    if (t.kind === 'str') return t.text;
    if (t.kind === 'ref') return reference(t.sheet ?? sheet, t.text);
    if (t.kind === 'struct') return structured(t.table ?? null, t.text);
    if (t.kind === 'name') {
      const name = t.text.toUpperCase();
      if (eat('(')) return call(name);
      if (name === 'TRUE' || name === 'FALSE') return name === 'TRUE';
      return { error: '#NAME?' };
    }
    if (t.text === '(') {
      const v = cmp();
      return eat(')') ? v : { error: '#VALUE!' };
    }
    return { error: '#VALUE!' };
  };

  /** The cells an A1 reference covers. */
  const refCells = (sh: string, ref: string): Cell[] => {
    const [a, b = a] = ref.replace(/\$/g, '').split(':');
    const pa = /^([A-Za-z]+)(\d+)$/.exec(a)!;
    const pb = /^([A-Za-z]+)(\d+)$/.exec(b)!;
    const r1 = Number(pa[2]) - 1,
      r2 = Number(pb[2]) - 1,
      c1 = columnIndex(pa[1]),
      c2 = columnIndex(pb[1]);
    const cells: Cell[] = [];
    for (let r = Math.min(r1, r2); r <= Math.max(r1, r2); r++)
      for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) cells.push({ sheet: sh, row: r, col: c });
    return cells;
  };

  const valuesOf = (cells: Cell[]): Value[] | { error: ErrorValue } => {
    const vals: Value[] = [];
    for (const { sheet: s, row: r, col: c } of cells) {
      const v = host.valueAt(s, r, c);
      if (isErr(v)) return v;
      vals.push(v);
    }
    return vals;
  };

  const reference = (sh: string, ref: string): Operand => {
    const vals = valuesOf(refCells(sh, ref));
    if (isErr(vals)) return vals;
    return ref.includes(':') ? vals : vals[0];
  };

  /** The cells a structured reference covers ([@Col] / [@[Col name]] = this row; [Col] = the whole data column). */
  const structCells = (table: string | null, spec: string): Cell[] | { error: ErrorValue } => {
    const inner = spec.slice(1, -1);
    const thisRow = inner.startsWith('@');
    const name = (thisRow ? inner.slice(1) : inner).replace(/^\[|\]$/g, '');
    const tc = host.tableColumn(table, name, sheet, row, col);
    if (!tc) return { error: '#REF!' };
    if (thisRow) return row >= tc.firstRow && row <= tc.lastRow ? [{ sheet: tc.sheet, row, col: tc.col }] : { error: '#VALUE!' };
    const cells: Cell[] = [];
    for (let r = tc.firstRow; r <= tc.lastRow; r++) cells.push({ sheet: tc.sheet, row: r, col: tc.col });
    return cells;
  };

  const structured = (table: string | null, spec: string): Operand => {
    const cells = structCells(table, spec);
    if (isErr(cells)) return cells;
    const vals = valuesOf(cells);
    if (isErr(vals)) return vals;
    return spec.startsWith('[@') ? vals[0] : vals;
  };

  /**
   * SUBTOTAL(function_num, ref1, …): 1 AVERAGE, 2 COUNT, 3 COUNTA, 4 MAX, 5 MIN, 9 SUM; 101–109 the same
   * leaving out hidden rows; both leave out rows a filter hides and cells holding SUBTOTAL
   * (https://support.microsoft.com/office/subtotal-function-7b027003-f060-4ade-9040-e478765b9939).
   * The refs must be references (a typed value is not accepted: #VALUE!).
   */
  /** Consumes the rest of a call's arguments up to and including its closing parenthesis. */
  const skipCall = <T>(result: T): T => {
    for (let depth = 0; p < toks.length;) {
      const t = toks[p++];
      if (t.kind !== 'op') continue;
      if (t.text === '(') depth++;
      else if (t.text === ')' && depth-- === 0) break;
    }
    return result;
  };

  const subtotal = (): Operand => {
    const fnArg = toNumber(cmp());
    if (isErr(fnArg)) return skipCall(fnArg);
    const fn = Math.trunc(fnArg);
    const base = fn > 100 ? fn - 100 : fn;
    if (base < 1 || base > 11 || (fn > 11 && fn < 101)) return skipCall({ error: '#VALUE!' });
    // 6–8, 10, 11 (PRODUCT, STDEV, STDEVP, VAR, VARP) are not modelled: the evaluator's "unknown function".
    if (![1, 2, 3, 4, 5, 9].includes(base)) return skipCall({ error: '#NAME?' });
    const cells: Cell[] = [];
    while (eat(',')) {
      const t = peek();
      const next = toks[p + 1];
      const isRefArg =
        (t?.kind === 'ref' || t?.kind === 'struct') && (!next || (next.kind === 'op' && (next.text === ',' || next.text === ')')));
      if (!isRefArg) return skipCall({ error: '#VALUE!' });
      p++;
      const cs = t.kind === 'ref' ? refCells(t.sheet ?? sheet, t.text) : structCells(t.table ?? null, t.text);
      if (isErr(cs)) return skipCall(cs);
      cells.push(...cs);
    }
    if (!eat(')') || cells.length === 0) return skipCall({ error: '#VALUE!' });
    const kept = cells.filter(
      (c) =>
        !host.isRowFiltered?.(c.sheet, c.row) &&
        !(fn > 100 && host.isRowHidden?.(c.sheet, c.row)) &&
        !/\bSUBTOTAL\s*\(/i.test(host.formulaAt?.(c.sheet, c.row, c.col) ?? ''),
    );
    const vals = valuesOf(kept);
    if (isErr(vals)) return vals;
    const nums = vals.filter((v): v is number => typeof v === 'number');
    const sum = nums.reduce((a, n) => a + n, 0);
    if (base === 9) return sum;
    if (base === 1) return nums.length ? sum / nums.length : { error: '#DIV/0!' };
    if (base === 2) return nums.length;
    if (base === 4) return nums.length ? Math.max(...nums) : 0;
    if (base === 5) return nums.length ? Math.min(...nums) : 0;
    return vals.filter((v) => v !== null).length;
  };

  const call = (name: string): Operand => {
    if (name === 'SUBTOTAL') return subtotal();
    const args: Operand[] = [];
    if (!eat(')')) {
      do args.push(cmp());
      while (eat(','));
      if (!eat(')')) return { error: '#VALUE!' };
    }
    const err = args.find(isErr);
    if (err) return err;
    const nums = args.flatMap((a) => (Array.isArray(a) ? a.filter((v): v is number => typeof v === 'number') : [toNumber(a)]));
    const numErr = nums.find(isErr);
    const ns = nums as number[];
    switch (name) {
      case 'SUM':
        return numErr ?? ns.reduce((s, n) => s + n, 0);
      case 'MIN':
        return numErr ?? (ns.length ? Math.min(...ns) : 0);
      case 'MAX':
        return numErr ?? (ns.length ? Math.max(...ns) : 0);
      case 'AVERAGE':
        return numErr ?? (ns.length ? ns.reduce((s, n) => s + n, 0) / ns.length : { error: '#DIV/0!' });
      case 'ROUND': {
        const [v, d] = [toNumber(args[0]), toNumber(args[1] ?? 0)];
        if (isErr(v)) return v;
        if (isErr(d)) return d;
        const f = 10 ** d;
        return Math.round(v * f) / f;
      }
      case 'IF': {
        const c = toNumber(args[0]);
        if (isErr(c)) return c;
        return c !== 0 ? (args[1] ?? true) : (args[2] ?? false);
      }
      case 'DATE': {
        // DATE(year, month, day): year 0–1899 is added to 1900; month and day overflow into the next
        // or previous month/year; below 0 or from 10000 → #NUM!; a result before the date system's
        // first day → #NUM! (https://support.microsoft.com/office/date-function-e36c0c8c-4104-49da-ab83-82328b832349).
        if (args.length !== 3) return { error: '#VALUE!' };
        const [y, m, d] = args.map(toNumber);
        if (isErr(y)) return y;
        if (isErr(m)) return m;
        if (isErr(d)) return d;
        let year = Math.trunc(y);
        if (year < 0 || year >= 10_000) return { error: '#NUM!' };
        if (year < 1900) year += 1900;
        const serial = serialFromYmd(year, Math.trunc(m), Math.trunc(d), host.date1904 ?? false);
        // The latest date Excel allows is 9999-12-31 (Excel specifications and limits,
        // https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3).
        const last = serialFromYmd(9999, 12, 31, host.date1904 ?? false);
        return serial < 0 || serial > last ? { error: '#NUM!' } : serial;
      }
      case 'YEAR':
      case 'MONTH':
      case 'DAY': {
        // The date part of a serial in the workbook's date system; 1900 system: serial 0 is
        // 1900-01-00 and 60 the fictitious 1900-02-29 (https://learn.microsoft.com/office/troubleshoot/excel/wrongly-assumes-1900-is-leap-year).
        const v = toNumber(args[0] ?? null);
        if (isErr(v)) return v;
        const ymd = ymdFromSerial(v, host.date1904 ?? false);
        if (!ymd || v > serialFromYmd(9999, 12, 31, host.date1904 ?? false)) return { error: '#NUM!' };
        return name === 'YEAR' ? ymd.y : name === 'MONTH' ? ymd.m : ymd.d;
      }
      case 'N': {
        // N(value): a number stays, TRUE/FALSE become 1/0, anything else (text, empty) is 0
        // (https://support.microsoft.com/office/n-function-a624cad1-3635-4208-b54a-29733d1278c9).
        // The add-in's highlight rule =N("…")=0 uses it to carry its label (mark-changes.ts).
        if (args.length !== 1) return { error: '#VALUE!' };
        const v = Array.isArray(args[0]) ? args[0][0] : args[0];
        return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : 0;
      }
      case 'LEN': {
        const s = toText(args[0]);
        return isErr(s) ? s : s.length;
      }
      default:
        return { error: '#NAME?' };
    }
  };

  const result = cmp();
  if (p < toks.length) return { error: '#NAME?' };
  if (Array.isArray(result)) return result.length === 1 ? result[0] : { error: '#VALUE!' };
  if (typeof result === 'number' && !Number.isFinite(result)) return { error: '#NUM!' };
  return result;
}

/** Shifts relative A1 references by (dRow, dCol), as Excel does when a formula is filled or copied. */
export function shiftFormula(formula: string, dRow: number, dCol: number): string {
  return formula.replace(
    /("(?:[^"]|"")*")|(\[(?:[^[\]]|\[[^\]]*\])*\])|(?<![\w.$])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![\w(])/g,
    (all, str, struct, dc, letters, dr, digits) => {
      if (str || struct) return all;
      const c = dc ? columnIndex(letters) : columnIndex(letters) + dCol;
      const r = dr ? Number(digits) : Number(digits) + dRow;
      if (c < 0 || r < 1) return '#REF!';
      let l = '';
      for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) l = String.fromCharCode(65 + ((n - 1) % 26)) + l;
      return `${dc}${l}${dr}${r}`;
    },
  );
}
