import type { ViewSource } from '../../../common/source.js';

/** One editable vf_ row of the Pick-a-view screen. */
export interface KeyValueRow {
  id: number;
  key: string;
  value: string;
}

const strip = (key: string, prefix: RegExp) => key.trim().replace(prefix, '');

/**
 * Rows → the view source. Keys are stored without the `vf_` / `vf_Parameters.` prefixes
 * (common/source.ts ViewSource); analysts who paste them from a URL get them removed. An empty
 * key with a value is an error; fully blank rows are ignored.
 */
export function buildViewSource(
  view: { id: string; contentUrl?: string; name?: string },
  filterRows: KeyValueRow[],
  parameterRows: KeyValueRow[],
): { source: ViewSource | null; errors: string[] } {
  const errors: string[] = [];
  const collect = (rows: KeyValueRow[], prefix: RegExp, what: string) => {
    const out: Record<string, string> = {};
    for (const row of rows) {
      const key = strip(row.key, prefix);
      if (!key && !row.value.trim()) continue;
      if (!key) {
        errors.push(`A ${what} has a value but no name.`);
        continue;
      }
      if (key in out) errors.push(`The ${what} "${key}" is listed twice.`);
      out[key] = row.value;
    }
    return out;
  };
  const filters = collect(filterRows, /^vf_/i, 'filter');
  const parameters = collect(parameterRows, /^(vf_)?Parameters\./i, 'parameter');
  if (errors.length) return { source: null, errors };
  const source: ViewSource = { kind: 'view', viewId: view.id };
  if (view.contentUrl) source.contentUrl = view.contentUrl;
  if (view.name) source.name = view.name;
  if (Object.keys(filters).length) source.filters = filters;
  if (Object.keys(parameters).length) source.parameters = parameters;
  return { source, errors: [] };
}
