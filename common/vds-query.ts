/**
 * A VizQL Data Service query (the `query` of query-datasource) as a pull source carries it. Only
 * the parts the product builds are typed; everything else passes through (loose objects), because
 * Tableau's schema grows with each version and the full check against the OpenAPI schema of the
 * server's own version runs on the server before anything is sent (server/vds).
 * https://help.tableau.com/current/api/vizql-data-service/en-us/reference/index.html
 */
import { z } from 'zod';

import type { Bounds } from './bounds.js';

export function vdsQuerySchemaWith(b: Bounds) {
  const caption = b.text('caption').trim().min(1, { error: 'A query field caption must not be empty.' });
  const whole = (max?: number) => (max === undefined ? z.number().int().min(0) : z.number().int().min(0).max(max));
  const extra = b.json('This value');

  const field = z
    .object({
      fieldCaption: caption,
      function: b.text('function').optional(),
      calculation: b.calculation().optional(),
      fieldAlias: b.text('fieldAlias').optional(),
      maxDecimalPlaces: whole(b.decimalPlacesMax).optional(),
      sortDirection: z.enum(['ASC', 'DESC']).optional(),
      sortPriority: whole(b.sortPriorityMax).optional(),
    })
    .catchall(extra);

  // A filter's field: a caption (with a function) or a calculation.
  const filterField = z
    .object({
      fieldCaption: b.text('caption').optional(),
      function: b.text('function').optional(),
      calculation: b.calculation().optional(),
    })
    .catchall(extra);

  const filter = z
    .object({
      field: filterField.optional(),
      filterType: b.text('filterType').optional(),
      calculation: b.calculation().optional(),
      values: b.list(b.json('A filter value'), 'vdsFilterValues').optional(),
    })
    .catchall(extra);

  const parameter = z.object({ parameterCaption: caption, value: b.json('A parameter value') }).catchall(extra);

  return z
    .object({
      fields: b.list(field, 'vdsFields').min(1, { error: 'A data source query needs at least one field.' }),
      filters: b.list(filter, 'vdsFilters').optional(),
      parameters: b.list(parameter, 'vdsParameters').optional(),
    })
    .catchall(extra);
}

export type VdsQuery = z.infer<ReturnType<typeof vdsQuerySchemaWith>>;
export type VdsField = VdsQuery['fields'][number];
