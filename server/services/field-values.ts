/**
 * The distinct values of a data source field for the filter editor's picker (common/field-values.ts):
 * one VizQL Data Service query, read as a stream. The first `limit` values are kept; the rest are
 * only counted, up to FIELD_VALUES_SCAN, so "first 200 of 4,812" is a real number and a field of a
 * million ids neither fills memory nor reads the whole answer.
 */
import type { FieldValueItem, FieldValues, FieldValuesQuery } from '../../common/field-values.js';
import { fieldValuesQuerySchema } from '../../common/field-values.js';
import type { StreamMessage } from '../../common/stream.js';
import { ApiError } from '../errors.js';
import { vdsSseToTyped } from '../pull/vds-sse.js';
import { vdsToTyped } from '../pull/vds-typed.js';
import type { Tableau } from './tableau.js';

/** Distinct values read at most for one picker; past it the total is "more than". */
const FIELD_VALUES_SCAN = 100_000;

/**
 * The VDS query: the field as a dimension sorted ascending, beside COUNT of the same field (VDS
 * schema: Field.function COUNT, sortDirection/sortPriority; vds_create_queries "Fields"). A search
 * is a MATCH filter with `contains`, which Tableau applies to string fields
 * (https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_create_queries.html#filters).
 */
export function distinctValuesQuery(field: string, q?: string): Record<string, unknown> {
  return {
    fields: [
      { fieldCaption: field, sortDirection: 'ASC', sortPriority: 1 },
      { fieldCaption: field, function: 'COUNT', fieldAlias: `Rows of ${field}` },
    ],
    ...(q ? { filters: [{ field: { fieldCaption: field }, filterType: 'MATCH', contains: q }] } : {}),
  };
}

export async function fieldValues(client: Tableau, datasourceId: string, input: FieldValuesQuery): Promise<FieldValues> {
  const { field, q, limit } = fieldValuesQuerySchema.parse(input);
  const options: Record<string, unknown> = { returnFormat: 'ARRAYS' };
  // Tableau cuts the answer itself from 2026.1 (tableau-mcp#215); one more row than the scan tells
  // "more than FIELD_VALUES_SCAN" from exactly that many. Older servers send all and we stop reading.
  if (client.supports('vdsRowLimit')) options.rowLimit = FIELD_VALUES_SCAN + 1;
  const sse = client.supports('vdsServerSentEvents');
  if (sse) options.returnServerSentEvents = true;
  const body = await client.vdsQuery({
    datasource: { datasourceLuid: datasourceId },
    query: distinctValuesQuery(field, q || undefined),
    options,
  });
  // UNKNOWN types each value as text (a date stays "2024-01-31", 3 is "3"): what the filter editor holds.
  const typing = {
    columns: [
      { key: field, caption: field, dataType: 'UNKNOWN' as const },
      { key: `Rows of ${field}`, caption: 'Rows', dataType: 'INTEGER' as const, function: 'COUNT' },
    ],
    returnFormat: 'ARRAYS' as const,
    limit: FIELD_VALUES_SCAN,
  };
  return collectValues(field, limit, sse ? vdsSseToTyped(body, typing) : vdsToTyped(body, typing));
}

export async function collectValues(field: string, limit: number, messages: AsyncGenerator<StreamMessage>): Promise<FieldValues> {
  const values: FieldValueItem[] = [];
  let total = 0;
  let totalIsLowerBound = false;
  for await (const m of messages) {
    if (m.kind === 'error') throw new ApiError(m.error);
    if (m.kind === 'end') totalIsLowerBound = m.truncated;
    if (m.kind !== 'rows') continue;
    for (const [value, count] of m.rows) {
      total++;
      if (values.length < limit) values.push(item(value, count));
    }
  }
  return { field, values, total, totalIsLowerBound };
}

function item(value: unknown, count: unknown): FieldValueItem {
  const v = value === null || value === undefined ? null : String(value);
  return typeof count === 'number' && v !== null ? { value: v, count } : { value: v };
}
