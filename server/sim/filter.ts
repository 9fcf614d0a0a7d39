import { errors } from './errors.js';

/**
 * Tableau's `filter=field:op:value[,field:op:value]` and `sort=field:asc|desc[,...]` (docs/tableau-rest.md#filter-and-sort).
 * Rules kept: expressions are ANDed; split on TOP-LEVEL commas only, so `in:[a,b]` survives
 * (tableau-mcp parseAndValidateFilterString.ts splitTopLevel); the same field twice = last wins
 * (tableau-mcp genericFilterDescription.ts); `*` is a wildcard in eq values; names, operators and
 * values are case-sensitive except with `cieq`.
 */
type Operator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'has' | 'cieq';
const OPERATORS = new Set<Operator>(['eq', 'gt', 'gte', 'lt', 'lte', 'in', 'has', 'cieq']);

type FieldType = 'string' | 'number' | 'date' | 'boolean' | 'list';
type Scalar = string | number | boolean | undefined;

interface FieldSpec<T> {
  type: FieldType;
  get: (item: T) => Scalar | string[];
  /** Operators this field accepts; defaults by type (see DEFAULT_OPS). */
  ops?: readonly Operator[];
}
export type FieldTable<T> = Record<string, FieldSpec<T>>;

const DEFAULT_OPS: Record<FieldType, readonly Operator[]> = {
  string: ['eq', 'cieq', 'in', 'gt', 'gte', 'lt', 'lte', 'has'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte', 'in'],
  date: ['eq', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['eq'],
  list: ['eq', 'in', 'has'],
};

export interface FilterExpr {
  field: string;
  op: Operator;
  values: string[];
}

/** Splits on commas that are not inside `[...]`. */
export function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function parseFilter<T>(raw: string | undefined, table: FieldTable<T>): FilterExpr[] {
  if (!raw) return [];
  const byField = new Map<string, FilterExpr>();
  for (const part of splitTopLevel(raw)) {
    const m = /^([^:]+):([^:]+):(.*)$/s.exec(part);
    if (!m) throw errors.badRequest(`Invalid filter expression '${part}': expected field:operator:value.`);
    const [, field, opRaw, value] = m;
    const spec = table[field];
    if (!spec) throw errors.unknownFilterKey(field);
    const op = opRaw as Operator;
    if (!OPERATORS.has(op) || !(spec.ops ?? DEFAULT_OPS[spec.type]).includes(op)) {
      throw errors.badRequest(`The operator '${opRaw}' is not supported for the filter field '${field}'.`);
    }
    let values = [value];
    if (op === 'in') {
      const list = /^\[(.*)\]$/s.exec(value);
      if (!list) throw errors.badRequest(`The 'in' operator needs a list like [a,b]; got '${value}'.`);
      values = list[1] === '' ? [] : list[1].split(',');
    }
    for (const v of values) checkValue(field, spec.type, v);
    byField.delete(field); // re-insert so the last reference is the one kept
    byField.set(field, { field, op, values });
  }
  return [...byField.values()];
}

function checkValue(field: string, type: FieldType, v: string): void {
  const bad =
    (type === 'number' && !Number.isFinite(Number(v))) ||
    (type === 'date' && Number.isNaN(Date.parse(v))) ||
    (type === 'boolean' && v !== 'true' && v !== 'false');
  if (bad) throw errors.badRequest(`The value '${v}' is not valid for the filter field '${field}'.`);
}

const regexCache = new Map<string, RegExp>();

/** `*` wildcards → anchored RegExp, cached: a filter is tested against every item of a 10k list. */
function wildcard(pattern: string, flags = ''): RegExp {
  const key = `${flags}/${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(key, (re = compileWildcard(pattern, flags)));
  }
  return re;
}

function compileWildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, flags);
}

function compare(type: FieldType, a: Scalar, b: string): number {
  if (a === undefined) return NaN;
  if (type === 'number') return Number(a) - Number(b);
  if (type === 'date') return Date.parse(String(a)) - Date.parse(b);
  const s = String(a);
  return s < b ? -1 : s > b ? 1 : 0;
}

function matchScalar(type: FieldType, op: Operator, actual: Scalar, value: string): boolean {
  if (actual === undefined) return false;
  switch (op) {
    case 'eq':
      if (type === 'string') return value.includes('*') ? wildcard(value).test(String(actual)) : actual === value;
      return compare(type, actual, value) === 0;
    case 'cieq':
      return wildcard(value, 'i').test(String(actual));
    case 'has':
      return String(actual).toLowerCase().includes(value.toLowerCase());
    case 'in':
      return compare(type, actual, value) === 0;
    case 'gt':
      return compare(type, actual, value) > 0;
    case 'gte':
      return compare(type, actual, value) >= 0;
    case 'lt':
      return compare(type, actual, value) < 0;
    case 'lte':
      return compare(type, actual, value) <= 0;
  }
}

function matches<T>(item: T, exprs: readonly FilterExpr[], table: FieldTable<T>): boolean {
  for (const e of exprs) {
    const spec = table[e.field];
    const actual = spec.get(item);
    const candidates = Array.isArray(actual) ? actual : [actual];
    const type = spec.type === 'list' ? 'string' : spec.type;
    const op = spec.type === 'list' && e.op === 'has' ? 'eq' : e.op;
    const ok = e.values.some((v) => candidates.some((a) => matchScalar(type, op, a, v)));
    if (!ok) return false;
  }
  return true;
}

export function applyFilter<T>(items: Iterable<T>, raw: string | undefined, table: FieldTable<T>): T[] {
  const exprs = parseFilter(raw, table);
  const out: T[] = [];
  for (const item of items) if (exprs.length === 0 || matches(item, exprs, table)) out.push(item);
  return out;
}

interface SortKey {
  field: string;
  desc: boolean;
}

function parseSort<T>(raw: string | undefined, table: FieldTable<T>): SortKey[] {
  if (!raw) return [];
  return raw.split(',').map((part) => {
    const m = /^([^:]+):(asc|desc)$/.exec(part);
    if (!m) throw errors.badRequest(`Invalid sort expression '${part}': expected field:asc or field:desc.`);
    if (!table[m[1]] || table[m[1]].type === 'list') throw errors.badRequest(`The sort field '${m[1]}' is not supported.`);
    return { field: m[1], desc: m[2] === 'desc' };
  });
}

/** A sort value computed once per item: `compare` per comparison re-parsed dates ~280k times for a 10k list. */
type SortValue = number | string | undefined;

function sortValue(type: FieldType, v: Scalar): SortValue {
  if (v === undefined) return undefined;
  if (type === 'number') return Number(v);
  if (type === 'date') return Date.parse(String(v));
  return String(v);
}

/** Same order as `compare(type, a, String(b))`: numbers subtract (NaN = tie), strings by code unit. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number') return a - (b as number);
  return a < b ? -1 : a > b ? 1 : 0;
}

interface SortedEntry {
  input: readonly unknown[];
  /** Raw sort values, item by item: `keys` values per item, flat (one array, not 10k small ones). */
  raw: Scalar[];
  sorted: readonly unknown[];
}

/**
 * Last sorts by sort expression. Paging a 10k list asks for the same order on every page; the entry
 * is reused only when the input holds the same items in the same order with the same raw sort values,
 * so content changed in any way (added, removed, renamed, touched) simply sorts again.
 */
const sortCache = new Map<string, SortedEntry>();
const SORT_CACHE_SIZE = 8;

function sameInput(e: SortedEntry, items: readonly unknown[], raw: readonly Scalar[]): boolean {
  if (e.input.length !== items.length || e.raw.length !== raw.length) return false;
  for (let i = 0; i < items.length; i++) if (e.input[i] !== items[i]) return false;
  for (let i = 0; i < raw.length; i++) if (e.raw[i] !== raw[i]) return false;
  return true;
}

/** Stable multi-key sort; missing values sort last in ascending order. */
export function applySort<T>(items: T[], raw: string | undefined, table: FieldTable<T>): T[] {
  const keys = parseSort(raw, table);
  if (keys.length === 0) return items;
  const specs = keys.map((k) => table[k.field]);
  const width = specs.length;
  const rawValues = new Array<Scalar>(items.length * width);
  for (let i = 0; i < items.length; i++) for (let k = 0; k < width; k++) rawValues[i * width + k] = specs[k].get(items[i]) as Scalar;
  const cacheKey = keys.map((k) => `${k.field}:${k.desc ? 'desc' : 'asc'}:${table[k.field].type}`).join(',');
  const hit = sortCache.get(cacheKey);
  if (hit && sameInput(hit, items, rawValues)) return hit.sorted.slice() as T[];

  const rows = items.map((item, i) => ({ item, i, values: specs.map((spec, k) => sortValue(spec.type, rawValues[i * width + k])) }));
  rows.sort((x, y) => {
    for (let k = 0; k < width; k++) {
      const c = compareValues(x.values[k], y.values[k]);
      if (c !== 0 && !Number.isNaN(c)) return keys[k].desc ? -c : c;
    }
    return x.i - y.i;
  });
  const sorted = rows.map((r) => r.item);
  sortCache.delete(cacheKey);
  if (sortCache.size >= SORT_CACHE_SIZE) sortCache.delete(sortCache.keys().next().value!);
  sortCache.set(cacheKey, { input: items.slice(), raw: rawValues, sorted });
  return sorted.slice();
}
