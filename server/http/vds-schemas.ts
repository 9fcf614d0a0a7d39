/**
 * zod schema of a VDS query as the API accepts it (a pull's or a schedule's `source.query`): the
 * shape and the bounds of limits.ts only. The full check against Tableau's OpenAPI schema of the
 * server's version belongs to server/vds and runs before anything is sent. Properties this schema
 * does not name (a table calculation, a newer version's options) pass through, bounded.
 */
import { z } from 'zod';
import { calculationProblem } from '../vds/calculation-limits.js';
import { boundedJson } from './bounded-json.js';
import { formatCount, LIMITS } from './limits.js';

const text = (max: number) => z.string().trim().min(1).max(max);

const tooMany = (limit: number, things: string) => ({
  error: (issue: { input?: unknown }) =>
    `A VDS query may have at most ${formatCount(limit)} ${things}; this one has ${formatCount(Array.isArray(issue.input) ? issue.input.length : 0)}.`,
});

/** Any Tableau calculation: bounded in length (checked first, so nothing scans a huge one) and nesting. */
export const calculationSchema = z
  .string()
  .max(LIMITS.calculationChars, {
    abort: true,
    error: (issue) =>
      `The calculation is ${formatCount(String(issue.input).length)} characters long; the limit is ${formatCount(LIMITS.calculationChars)}.`,
  })
  .superRefine((calc, ctx) => {
    const problem = calculationProblem(calc, { maxChars: LIMITS.calculationChars, maxDepth: LIMITS.calculationDepth });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Unnamed properties of a field, filter or parameter (e.g. a table calculation spec). */
const extra = boundedJson(
  { maxDepth: LIMITS.vdsFilterDepth, maxStringChars: LIMITS.valueChars, maxItems: LIMITS.vdsFilterValues },
  'This value',
);

const vdsFieldSchema = z
  .object({
    fieldCaption: text(1000),
    function: z.string().max(100).optional(),
    calculation: calculationSchema.optional(),
    fieldAlias: z.string().max(1000).optional(),
    maxDecimalPlaces: z.number().int().min(0).max(20).optional(),
    sortDirection: z.enum(['ASC', 'DESC']).optional(),
    sortPriority: z.number().int().min(0).max(LIMITS.vdsFields).optional(),
  })
  .catchall(extra);

const filterValue = boundedJson(
  { maxDepth: LIMITS.vdsFilterDepth, maxStringChars: LIMITS.valueChars, maxItems: LIMITS.vdsFilterValues },
  'A filter value',
);

/** A filter's field: a caption (with a function) or a calculation. */
const vdsFilterFieldSchema = z
  .object({
    fieldCaption: z.string().max(1000).optional(),
    function: z.string().max(100).optional(),
    calculation: calculationSchema.optional(),
  })
  .catchall(extra);

const vdsFilterSchema = z
  .object({
    field: vdsFilterFieldSchema.optional(),
    filterType: z.string().max(100).optional(),
    calculation: calculationSchema.optional(),
    values: z
      .array(filterValue)
      .max(LIMITS.vdsFilterValues, {
        error: (issue) =>
          `A filter may list at most ${formatCount(LIMITS.vdsFilterValues)} values; this one lists ${formatCount(Array.isArray(issue.input) ? issue.input.length : 0)}.`,
      })
      .optional(),
  })
  .catchall(extra);

const vdsParameterSchema = z
  .object({ parameterCaption: text(1000), value: boundedJson({ maxDepth: LIMITS.vdsFilterDepth, maxStringChars: LIMITS.valueChars, maxItems: LIMITS.vdsFilterValues }, 'A parameter value') })
  .catchall(extra);

/** Shape and bounds only: the full VDS check (per server version) belongs to server/vds. */
export const vdsQuerySchema = z
  .object({
    fields: z.array(vdsFieldSchema).min(1).max(LIMITS.vdsFields, tooMany(LIMITS.vdsFields, 'fields')),
    filters: z.array(vdsFilterSchema).max(LIMITS.vdsFilters, tooMany(LIMITS.vdsFilters, 'filters')).optional(),
    parameters: z.array(vdsParameterSchema).max(LIMITS.vdsParameters, tooMany(LIMITS.vdsParameters, 'parameters')).optional(),
  })
  .catchall(extra);
