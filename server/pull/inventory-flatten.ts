/**
 * Flattens one REST list item (JSON as Tableau sends it, docs/tableau-rest.md#json-shapes) into readable columns:
 * nested objects become dotted paths (`project.name`, `owner.name`, `usage.totalViewCount`), lists
 * become one cell ("a, b"), and Tableau's wrapper objects (`tags: {tag: [{label}]}`) and empty lists
 * (`tags: {}`) are unwrapped.
 */

export type FlatValue = string | number | boolean | null;

const MAX_DEPTH = 6;

function labelOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  const o = v as Record<string, unknown>;
  const label = o.label ?? o.name ?? o.id;
  return label === undefined ? JSON.stringify(v) : String(label);
}

function joinList(list: unknown[]): FlatValue {
  const parts = list.map(labelOf).filter((s) => s !== '');
  return parts.length ? parts.join(', ') : null;
}

function put(out: Map<string, FlatValue>, path: string, value: unknown, depth: number): void {
  if (value === null || value === undefined) {
    out.set(path, null);
    return;
  }
  if (Array.isArray(value)) {
    out.set(path, joinList(value));
    return;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.set(path, null); // Tableau's empty list: "tags": {}
      return;
    }
    // Wrapper of a list ({tag: [...]}, {tag: {...}} for a single element): one cell.
    if (entries.length === 1 && (Array.isArray(entries[0][1]) || path.endsWith(`${entries[0][0]}s`))) {
      const inner = entries[0][1];
      out.set(path, joinList(Array.isArray(inner) ? inner : [inner]));
      return;
    }
    if (depth >= MAX_DEPTH) {
      out.set(path, JSON.stringify(value));
      return;
    }
    for (const [k, v] of entries) put(out, path ? `${path}.${k}` : k, v, depth + 1);
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out.set(path, value);
    return;
  }
  out.set(path, String(value));
}

export function flattenItem(item: Record<string, unknown>): Map<string, FlatValue> {
  const out = new Map<string, FlatValue>();
  for (const [k, v] of Object.entries(item)) put(out, k, v, 1);
  return out;
}
