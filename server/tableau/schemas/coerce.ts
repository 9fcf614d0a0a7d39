/**
 * Tolerant building blocks for Tableau's JSON, which is converted from XML: numbers and booleans often
 * arrive as strings ("50", "true"), an empty list is `{}`, and a one-element list may be a bare object
 * (docs/tableau-rest.md#json-shapes; tableau-mcp usersApi.ts / tasksApi.ts normalisers).
 */
import { z } from 'zod';

/**
 * Fast paths. Listing 10k workbooks through zod cost ~25 ms of CPU per 1,000-item page (bench list_10k),
 * more than the round trip it follows. A fast converter gives exactly the schema's output for the
 * common, well-formed input and answers SLOW for anything else, which then goes through zod: the
 * schema stays the single definition of what is accepted (test/server/tableau/fast.test.ts compares both).
 */
export const SLOW: unique symbol = Symbol('slow');
export type Fast = (value: unknown) => unknown;
const fastOf = new WeakMap<z.ZodType, Fast>();

/** The schema's fast answer for `value`, or SLOW (no fast path, or input it leaves to zod). */
export function fastParse(schema: z.ZodType, value: unknown): unknown {
  const fast = fastOf.get(schema);
  return fast ? fast(value) : SLOW;
}

function withFast<S extends z.ZodType>(schema: S, fast: Fast): S {
  fastOf.set(schema, fast);
  return schema;
}

/**
 * `z.looseObject(shape)` with a fast path when every field has one: shape keys first in shape order
 * (present in the input, or absent but giving a value such as `tags: []`), then unknown keys as
 * they came — the same object zod builds.
 */
export function tolerantObject<Shape extends Record<string, z.ZodType>>(shape: Shape) {
  const schema = z.looseObject(shape);
  const fields = Object.entries(shape).map(([key, s]) => ({ key, fast: fastOf.get(s) }));
  if (fields.some((f) => !f.fast)) return schema;
  return withFast(schema, compileObject(fields as Array<{ key: string; fast: Fast }>));
}

/**
 * The fast converter of one object shape, generated once per schema at load time from its own
 * (constant) field names: every field read is then a named property access on items that all share
 * one hidden class, where a loop over the keys made each a megamorphic keyed access (~2x the cost of
 * JSON.parse itself on a 1,000-workbook page). Same output as zod: shape keys first, in shape order
 * (those present in the input or giving a value), then unknown keys as they came.
 *
 * The object is built by one object literal per set of present keys (`mask`), generated the first
 * time that set is seen: a literal allocates the object whole with its properties in-object, where
 * adding them one by one to `{}` grew a property store several times per item (the copies were 30 %
 * of the allocation of a 10k listing, and V8 can pretenure a literal's objects when they all survive:
 * bench list_10k, issue #18). A shape with more fields than a mask holds, or more sets of present
 * keys than MAX_BUILDERS, is built key by key as before.
 */
const MAX_BUILDERS = 32;
const MAX_MASK_FIELDS = 30;

function compileObject(fields: Array<{ key: string; fast: Fast }>): Fast {
  const k = fields.map((f) => JSON.stringify(f.key));
  const r = fields.map((_, i) => `r${i}`);
  const unknownKeys = `for (const key in value) { switch (key) { case ${k.join(': case ')}: continue; } out[key] = value[key]; }`;
  /** `{ key: r, ... }` for the fields whose bit is set in `mask`. */
  const builderOf = (mask: number): ((...values: unknown[]) => Record<string, unknown>) => {
    const props = fields.flatMap((_, i) => ((mask >>> i) & 1 ? [`${k[i]}: r${i}`] : []));
    return new Function(...r, `return { ${props.join(', ')} };`) as (...values: unknown[]) => Record<string, unknown>;
  };
  const byMask = fields.length <= MAX_MASK_FIELDS;
  const body = [
    "if (typeof value !== 'object' || value === null || Array.isArray(value)) return SLOW;",
    ...fields.map((_, i) => `const r${i} = f${i}(value[${k[i]}]); if (r${i} === SLOW) return SLOW;`),
    byMask
      ? [
          `const mask = ${fields.map((_, i) => `((r${i} !== undefined || ${k[i]} in value) ? ${2 ** i} : 0)`).join(' | ')};`,
          `let build = builders.get(mask);`,
          `if (build === undefined && builders.size < ${MAX_BUILDERS}) { build = builderOf(mask); builders.set(mask, build); }`,
          `if (build !== undefined) { const out = build(${r.join(', ')}); ${unknownKeys} return out; }`,
        ].join('\n')
      : '',
    'const out = {};',
    ...fields.map((_, i) => `if (r${i} !== undefined || ${k[i]} in value) out[${k[i]}] = r${i};`),
    unknownKeys,
    'return out;',
  ].join('\n');
  const make = new Function(
    'SLOW',
    'builders',
    'builderOf',
    ...fields.map((_, i) => `f${i}`),
    `return function fastObject(value) {\n${body}\n};`,
  );
  return make(SLOW, new Map(), builderOf, ...fields.map((f) => f.fast)) as Fast;
}

/** Ids: a non-empty string. */
export const id = withFast(z.string().min(1), (v) => (typeof v === 'string' && v !== '' ? v : SLOW));
/** A required string (names). */
export const text = withFast(z.string(), (v) => (typeof v === 'string' ? v : SLOW));

/** "42" → 42, 42 → 42; '' or a non-number → undefined (an odd attribute must not sink the item). */
function toNum(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
export const num = withFast(z.preprocess(toNum, z.number().optional()), toNum);

/**
 * "true"/"false" (any case), booleans, 1/0. NOT z.coerce.boolean: that turns "false" into true
 * (docs/tableau-rest.md#json-shapes).
 */
function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    if (v === 'true') return true; // Tableau's own spelling, before the general case
    if (v === 'false') return false;
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return undefined;
}
export const bool = withFast(z.preprocess(toBool, z.boolean().optional()), toBool);

/** Optional string that also accepts numbers (ids and counts sometimes switch type between versions). */
export const str = withFast(
  z.preprocess((v) => (typeof v === 'number' ? String(v) : v === null ? undefined : v), z.string().optional()),
  (v) => (typeof v === 'string' || v === undefined ? v : typeof v === 'number' ? String(v) : v === null ? undefined : SLOW),
);

const refObject = tolerantObject({ id: str, name: str });
const refObjectFast = fastOf.get(refObject)!;
/** `{id, name}` references (project, owner, workbook...). */
export const ref = withFast(refObject.optional().catch(undefined), (v) => (v === undefined ? undefined : refObjectFast(v)));

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
  const fast = fastOf.get(item);
  raw.forEach((value, index) => {
    if (fast) {
      const quick = fast(value);
      if (quick !== SLOW) {
        items.push(quick as T);
        return;
      }
    }
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
  // Most items have none (list answers carry no views, most workbooks no tags): no parse for those.
  const read = (w: unknown): T[] => {
    const raw = unwrapList(w, itemKey);
    return raw.length === 0 ? [] : parseList(raw, item).items;
  };
  return withFast(z.unknown().optional().transform(read), read);
}

const tagSchema = tolerantObject({ label: text });
/** `"tags": {"tag": [{"label": "x"}]}` / `"tags": {}` → ['x']. */
export const tags = withFast(
  nestedList('tag', tagSchema).transform((t) => t.map((x) => x.label)),
  (w) => {
    const raw = unwrapList(w, 'tag');
    return raw.length === 0 ? [] : parseList(raw, tagSchema).items.map((x) => x.label);
  },
);
