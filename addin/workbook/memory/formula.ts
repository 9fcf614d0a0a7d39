/**
 * A small Excel formula evaluator for the memory workbook: enough for what tests and the preview
 * need — numbers, strings, TRUE/FALSE, A1 references (same or other sheet) and ranges, table
 * structured references ([@Sales], [@[Unit Price]], Orders[@Sales], Orders[Sales]), operators
 * + - * / ^ & = <> < > <= >=, unary minus, and SUM/MIN/MAX/AVERAGE/ROUND/IF/LEN.
 * Anything else evaluates to an Excel error value, never throws.
 */
import { columnIndex } from '../address.js';

export type Scalar = number | string | boolean;
export type ErrorValue = '#DIV/0!' | '#VALUE!' | '#REF!' | '#NAME?' | '#N/A' | '#NUM!';
export type Value = Scalar | null;
type Operand = Value | Value[] | { error: ErrorValue };

/** What the evaluator needs from the workbook. */
interface FormulaHost {
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

  const reference = (sh: string, ref: string): Operand => {
    const [a, b = a] = ref.replace(/\$/g, '').split(':');
    const pa = /^([A-Za-z]+)(\d+)$/.exec(a)!;
    const pb = /^([A-Za-z]+)(\d+)$/.exec(b)!;
    const r1 = Number(pa[2]) - 1,
      r2 = Number(pb[2]) - 1,
      c1 = columnIndex(pa[1]),
      c2 = columnIndex(pb[1]);
    const vals: Value[] = [];
    for (let r = Math.min(r1, r2); r <= Math.max(r1, r2); r++)
      for (let c = Math.min(c1, c2); c <= Math.max(c1, c2); c++) {
        const v = host.valueAt(sh, r, c);
        if (isErr(v)) return v;
        vals.push(v);
      }
    return a === b ? vals[0] : vals;
  };

  const structured = (table: string | null, spec: string): Operand => {
    // [@Col] / [@[Col name]] = this row; [Col] = the whole data column.
    const inner = spec.slice(1, -1);
    const thisRow = inner.startsWith('@');
    const name = (thisRow ? inner.slice(1) : inner).replace(/^\[|\]$/g, '');
    const tc = host.tableColumn(table, name, sheet, row, col);
    if (!tc) return { error: '#REF!' };
    if (thisRow) return row >= tc.firstRow && row <= tc.lastRow ? (host.valueAt(tc.sheet, row, tc.col) as Operand) : { error: '#VALUE!' };
    const vals: Value[] = [];
    for (let r = tc.firstRow; r <= tc.lastRow; r++) {
      const v = host.valueAt(tc.sheet, r, tc.col);
      if (isErr(v)) return v;
      vals.push(v);
    }
    return vals;
  };

  const call = (name: string): Operand => {
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
