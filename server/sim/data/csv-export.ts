/**
 * View CSV export (GET …/views/:id/data): the view's summary data with formatted values, streamed
 * in batches so a large view never becomes one giant string (TSC #1374: 200 MB exports).
 */
import { getDataset } from './catalog.js';
import type { Dataset } from './datasets/types.js';
import { csvField, formatValue } from './format.js';
import { type QueryResult, runQuery } from './vds/engine.js';
import type { QParameter } from './vds/query-types.js';
import type { ViewSpec } from './views.js';

const BATCH_ROWS = 500;

export interface ExportRequest {
  /** Field → exact value (custom view filters, then vf_ filters). */
  filters: Array<[string, string]>;
  /** Parameter caption → raw text (vf_Parameters.<name>). */
  parameters: Record<string, string>;
}

/** Parses a parameter's text by its type; unknown names and unusable values are ignored like Tableau. */
function parameterOverrides(dataset: Dataset, raw: Record<string, string>): QParameter[] {
  const out: QParameter[] = [];
  for (const [caption, text] of Object.entries(raw)) {
    const def = dataset.parameters.find((p) => p.caption === caption);
    if (!def) continue;
    const value = def.dataType === 'STRING' ? text : Number(text);
    if (typeof value === 'number' && (!Number.isFinite(value) || (def.dataType === 'INTEGER' && !Number.isInteger(value)))) continue;
    if (def.members && !def.members.includes(value)) continue;
    if (typeof value === 'number' && ((def.min !== undefined && value < def.min) || (def.max !== undefined && value > def.max))) continue;
    out.push({ parameterCaption: caption, value });
  }
  return out;
}

/** vf_ field names: a data source field caption, or a column header of the view. Unknown → ignored. */
function exactFilters(spec: ViewSpec, dataset: Dataset, filters: Array<[string, string]>): Array<{ fieldCaption: string; value: string }> {
  const out: Array<{ fieldCaption: string; value: string }> = [];
  for (const [name, value] of filters) {
    if (dataset.columns.some((c) => c.caption === name) || dataset.calcs.some((c) => c.caption === name && c.role === 'DIMENSION')) {
      out.push({ fieldCaption: name, value });
      continue;
    }
    const column = spec.columns.find((c) => c.header === name && !c.field.function && c.field.calculation === undefined);
    if (column) out.push({ fieldCaption: column.field.fieldCaption, value });
  }
  return out;
}

/**
 * The view's summary data for a request (custom view and vf_ filters, parameters): the query every
 * export of the view runs (CSV here, the picture in view-image.ts). Throws for unusable requests.
 */
export function viewResult(spec: ViewSpec, request: ExportRequest): QueryResult {
  const dataset = getDataset(spec.datasetKey);
  if (!dataset) throw new Error(`View data "${spec.key}" needs the unknown dataset "${spec.datasetKey}"`);
  const parameters = parameterOverrides(dataset, request.parameters);
  const paramValues = new Map<string, number | string>(dataset.parameters.map((p) => [p.caption, p.value]));
  for (const p of parameters) paramValues.set(p.parameterCaption, p.value as number | string);
  return runQuery(
    dataset,
    {
      fields: spec.columns.map((c) => c.field),
      filters: spec.filters?.(paramValues) ?? [],
      parameters,
    },
    { exactMatch: exactFilters(spec, dataset, request.filters) },
  );
}

/** Lines of the CSV (header first), lazily. Throws before the first line for unusable requests. */
export function* csvLines(spec: ViewSpec, request: ExportRequest): Generator<string> {
  const result = viewResult(spec, request);

  const cell = (values: readonly unknown[], i: number): string =>
    csvField(formatValue(values[i] as never, spec.columns[i].format, spec.locale));
  const { pivot } = spec;
  if (!pivot) {
    yield spec.columns.map((c) => csvField(c.header)).join(',');
    for (let k = 0; k < result.rowCount; k++) {
      const values = result.row(k);
      yield values.map((_, i) => cell(values, i)).join(',');
    }
    return;
  }
  yield pivot.layout
    .map((p) => csvField(p === 'names' ? 'Measure Names' : p === 'values' ? 'Measure Values' : spec.columns[p].header))
    .join(',');
  for (let k = 0; k < result.rowCount; k++) {
    const values = result.row(k);
    for (const m of pivot.measures) {
      yield pivot.layout
        .map((p) => {
          if (p === 'names') return csvField(m.name);
          // Measure Values shows the measure unformatted ("Automatic" number format), as in populate_csv.csv.
          if (p === 'values') return csvField(formatValue(values[m.column], { kind: 'auto' }, spec.locale));
          return cell(values, p);
        })
        .join(',');
    }
  }
}

/**
 * The export's bytes: optional UTF-8 BOM, lines joined by the view's newline, in batches. The query
 * runs before this returns, so an unusable request throws here, before any byte is sent.
 */
export function csvChunks(spec: ViewSpec, request: ExportRequest): Iterable<Buffer> {
  const lines = csvLines(spec, request);
  const first = lines.next();
  return (function* batches() {
    let batch: string[] = [];
    if (!first.done) batch.push(`${spec.bom ? '\uFEFF' : ''}${first.value}`);
    for (const line of lines) {
      batch.push(line);
      if (batch.length >= BATCH_ROWS) {
        yield Buffer.from(`${batch.join(spec.newline)}${spec.newline}`);
        batch = [];
      }
    }
    if (batch.length > 0) yield Buffer.from(`${batch.join(spec.newline)}${spec.newline}`);
  })();
}
