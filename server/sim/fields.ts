import { errors } from './errors.js';

/**
 * The `fields` parameter (docs/tableau-rest.md#fields): `_default_`, `_all_`, attribute names and qualified names of
 * nested objects (`project.name`, `owner.email`). A serializer builds the `_all_` form of an item; this
 * module cuts it down to the selected keys.
 */
export type Selection = Map<string, true | Set<string>>;

export function parseSelection(spec: string): Selection {
  const sel: Selection = new Map();
  for (const name of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean))
    addName(sel, name);
  return sel;
}

function addName(sel: Selection, name: string): void {
  const dot = name.indexOf('.');
  if (dot < 0) {
    sel.set(name, true);
    return;
  }
  const head = name.slice(0, dot);
  const sub = name.slice(dot + 1);
  const cur = sel.get(head);
  if (cur === true) return;
  (cur ?? (sel.set(head, new Set()).get(head) as Set<string>)).add(sub);
}

export interface FieldsConfig {
  /** What `_default_` (and no `fields` at all) returns. */
  defaults: Selection;
  /** Every key the `_all_` form can hold; named fields outside it are rejected. */
  known: ReadonlySet<string>;
}

/** `null` = everything (`_all_`). */
export function resolveFields(raw: string | undefined, cfg: FieldsConfig): Selection | null {
  if (!raw || raw === '_default_') return cfg.defaults;
  const sel: Selection = new Map();
  for (const name of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (name === '_all_') return null;
    if (name === '_default_') {
      for (const [k, v] of cfg.defaults) sel.set(k, v === true ? true : new Set(v));
      continue;
    }
    if (!cfg.known.has(name.split('.')[0])) {
      throw errors.badRequest(`The field '${name}' in the fields parameter is not valid for this resource.`);
    }
    addName(sel, name);
  }
  return sel;
}

export function project(full: Record<string, unknown>, sel: Selection | null): Record<string, unknown> {
  if (sel === null) return full;
  const out: Record<string, unknown> = {};
  for (const [key, want] of sel) {
    const value = full[key];
    if (value === undefined) continue;
    if (want === true || typeof value !== 'object' || value === null) {
      out[key] = value;
      continue;
    }
    const nested: Record<string, unknown> = {};
    for (const sub of want) {
      const v = (value as Record<string, unknown>)[sub];
      if (v !== undefined) nested[sub] = v;
    }
    out[key] = nested;
  }
  return out;
}
