/**
 * The companion server's bounds on the shared contracts (common/bounds.ts): the shape is the
 * contract's (common/source.ts, common/vds-query.ts, common/api.ts), the numbers are limits.ts's
 * and the table below. The full check of a VDS
 * query against Tableau's OpenAPI schema of the server's version belongs to server/vds and runs
 * before anything is sent. Properties the contract does not name (a table calculation, a newer
 * version's options) pass through, bounded.
 */
import { z } from 'zod';

import type { Bounds, ListSpot, TextSpot } from '../../common/bounds.js';
import { calculationProblem } from '../vds/calculation-limits.js';
import { boundedJson } from './bounded-json.js';
import { formatCount, LIMITS } from './limits.js';

/** Characters of each free-text property of a source. */
const TEXT_MAX: Record<TextSpot, number> = {
  contentUrl: 2000,
  name: 1000,
  // BCP 47 tags are at most 35 characters in practice (https://www.rfc-editor.org/rfc/rfc5646#section-4.4.1).
  locale: 35,
  inventoryFilter: 4000,
  inventorySort: 1000,
  inventoryFields: 4000,
  caption: 1000,
  function: 100,
  fieldAlias: 1000,
  filterType: 100,
  principal: 256,
  secret: 1024,
  // A Tableau connected-app JWT is a few hundred bytes; 16 KiB leaves room for large claim sets.
  jwt: 16_384,
  label: 200,
};

const count = (input: unknown) => formatCount(Array.isArray(input) ? input.length : Object.keys(input ?? {}).length);

/** How many of each list, and the refusal in words. */
const LIST_MAX: Record<ListSpot, { max: number; words: (input: unknown) => string }> = {
  vdsFields: {
    max: LIMITS.vdsFields,
    words: (i) => `A VDS query may have at most ${formatCount(LIMITS.vdsFields)} fields; this one has ${count(i)}.`,
  },
  vdsFilters: {
    max: LIMITS.vdsFilters,
    words: (i) => `A VDS query may have at most ${formatCount(LIMITS.vdsFilters)} filters; this one has ${count(i)}.`,
  },
  vdsParameters: {
    max: LIMITS.vdsParameters,
    words: (i) => `A VDS query may have at most ${formatCount(LIMITS.vdsParameters)} parameters; this one has ${count(i)}.`,
  },
  vdsFilterValues: {
    max: LIMITS.vdsFilterValues,
    words: (i) => `A filter may list at most ${formatCount(LIMITS.vdsFilterValues)} values; this one lists ${count(i)}.`,
  },
  viewFilters: {
    max: LIMITS.viewFilters,
    words: (i) => `A view pull may set at most ${formatCount(LIMITS.viewFilters)} filters or parameters; this one sets ${count(i)}.`,
  },
};

/** Any Tableau calculation: bounded in length (checked first, so nothing scans a huge one) and nesting. */
const calculationSchema = z
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

const JSON_LIMITS = { maxDepth: LIMITS.vdsFilterDepth, maxStringChars: LIMITS.valueChars, maxItems: LIMITS.vdsFilterValues };

export const SERVER_BOUNDS: Bounds = {
  text: (spot) => z.string().max(TEXT_MAX[spot]),
  list: (item, spot) => z.array(item).max(LIST_MAX[spot].max, { error: (issue) => LIST_MAX[spot].words(issue.input) }),
  stringMap: () =>
    z
      .record(z.string().min(1).max(1000), z.string().max(LIMITS.valueChars))
      .refine((map) => Object.keys(map).length <= LIST_MAX.viewFilters.max, { error: (issue) => LIST_MAX.viewFilters.words(issue.input) }),
  calculation: () => calculationSchema,
  json: (what) => boundedJson(JSON_LIMITS, what),
  sortPriorityMax: LIMITS.vdsFields,
  decimalPlacesMax: 20,
};
