/**
 * GET /api/connections/:cid/datasources/:dsid/field-values?field&q&limit → FieldValues: the
 * distinct values of one data source field, for the filter editor's value picker.
 *
 * One call is one VizQL Data Service query (it counts against the VDS budget like any query): the
 * field alone as a dimension, sorted, with COUNT of the same field beside it: the shape the VDS
 * OpenAPI schema allows for any query (a dimension plus a measure with function COUNT; Field and
 * Function in server/vds/schemas/vds-*.json, the official OpenAPI schemas). `q` narrows
 * the list on Tableau with a MATCH `contains` filter, so a search over a long list also sees the
 * values past the first page. Text fields only: MATCH is a string filter (Tableau's MatchFilter).
 */
import { z } from 'zod';

/** Values sent back at most; the rest are counted, not sent ("first 200 of 4,812"). */
const FIELD_VALUES_MAX = 1000;
const FIELD_VALUES_DEFAULT = 200;

export const fieldValuesQuerySchema = z.object({
  /** The field's caption, as the query builder names it. */
  field: z.string().trim().min(1).max(1000),
  /** Case-insensitive "contains" search, done by Tableau. */
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(FIELD_VALUES_MAX).default(FIELD_VALUES_DEFAULT),
});

export interface FieldValuesQuery {
  field: string;
  q?: string;
  limit?: number;
}

export interface FieldValueItem {
  /** As text, the form the filter editor takes values in (a number 3 is "3"); null = the field's null. */
  value: string | null;
  /** Rows with this value (COUNT of the field: a null value has no count). */
  count?: number;
}

export interface FieldValues {
  field: string;
  values: FieldValueItem[];
  /**
   * Distinct values in all (matching `q`, when given). When Tableau had more than the server reads
   * for one picker (`totalIsLowerBound`), this is that cap and the true number is larger.
   */
  total: number;
  totalIsLowerBound: boolean;
}
