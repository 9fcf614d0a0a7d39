/**
 * Tolerant building blocks for Tableau's JSON, which is converted from XML: numbers and booleans often
 * arrive as strings ("50", "true"), an empty list is `{}`, and a one-element list may be a bare object
 * (notes §3.1; tableau-mcp usersApi.ts / tasksApi.ts normalisers).
 */
import { z } from 'zod';

/** "42" → 42, 42 → 42; '' or a non-number → undefined (an odd attribute must not sink the item). */
export const num = z.preprocess((v) => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}, z.number().optional());

/**
 * "true"/"false" (any case), booleans, 1/0. NOT z.coerce.boolean: that turns "false" into true
 * (notes §3.1 "Beware z.coerce.boolean("false") === true").
 */
export const bool = z.preprocess((v) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return undefined;
}, z.boolean().optional());

/** Optional string that also accepts numbers (ids and counts sometimes switch type between versions). */
export const str = z.preprocess((v) => (typeof v === 'number' ? String(v) : v === null ? undefined : v), z.string().optional());

/** `{id, name}` references (project, owner, workbook...). */
export const ref = z.looseObject({ id: str, name: str }).optional().catch(undefined);

/**
 * Unwrap Tableau's `{ plural: { singular: [...] } }` into a plain array of unknowns:
 * `{}` / missing / null → [], a bare object → [object], an array under the wrapper or directly → as is.
 */
export function unwrapList(wrapper: unknown, itemKey: string): unknown[] {
  if (wrapper === undefined || wrapper === null || wrapper === '') return [];
  if (Array.isArray(wrapper)) return wrapper;
  if (typeof wrapper !== 'object') return [];
  const inner = (wrapper as Record<string, unknown>)[itemKey];
  if (inner === undefined || inner === null) return [];
  return Array.isArray(inner) ? inner : [inner];
}

export interface Dropped {
  index: number;
  id?: string;
  issues: string[];
}

export interface TolerantList<T> {
  items: T[];
  /** Items that failed their schema: counted and logged, never allowed to drop the page. */
  dropped: Dropped[];
}

/**
 * Element-tolerant list parse (tableau-mcp jobsApi.ts tolerantJobArray: "prevents one malformed job
 * from silently dropping an entire page"). Unlike tableau-mcp we also report what we dropped.
 */
export function parseList<T>(raw: unknown[], item: z.ZodType<T>): TolerantList<T> {
  const items: T[] = [];
  const dropped: Dropped[] = [];
  raw.forEach((value, index) => {
    const r = item.safeParse(value);
    if (r.success) items.push(r.data);
    else {
      const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
      dropped.push({
        index,
        id: typeof id === 'string' ? id : undefined,
        issues: r.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`),
      });
    }
  });
  return { items, dropped };
}

/** Nested lists (tags, views inside a workbook): same tolerance, drops are not worth a log line. */
export function nestedList<T>(itemKey: string, item: z.ZodType<T>) {
  return z.unknown().optional().transform((w) => parseList(unwrapList(w, itemKey), item).items);
}

/** `"tags": {"tag": [{"label": "x"}]}` / `"tags": {}` → ['x']. */
export const tags = nestedList('tag', z.looseObject({ label: z.string() })).transform((t) => t.map((x) => x.label));
