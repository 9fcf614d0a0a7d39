/**
 * Every request limit of the companion server's API, in one place. The reasons and sources of
 * each number are in docs/limits.md; an over-limit request is refused with a 400 (413 for the body
 * size) whose message names the limit, before any work is done.
 *
 * Tableau documents no limit on a VizQL Data Service query's field count, filter count or
 * calculation length (https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_limitations.html
 * lists only the 1 GB response cap and the per-site query quota), and its OpenAPI schemas
 * (server/vds/schemas) set no maxLength or maxItems. So the bounds below are ours: generous for
 * any query a person or the pane builds, small enough that nothing unbounded reaches the service
 * layer, the database or Tableau.
 */
export const LIMITS = {
  /**
   * Bytes in one request body (fastify's bodyLimit; over it: 413). The largest legitimate body is a
   * VDS query with a long SET filter: 10,000 values of ~60 characters is ~700 KB.
   */
  bodyBytes: 1024 * 1024,
  /** Characters in one path segment such as a connection id (fastify's maxParamLength; ids are at most 64). */
  urlParamChars: 100,
  /**
   * Levels of `[` / `{` nesting in a JSON body, checked on the raw text before JSON.parse. The
   * deepest body the API defines (a schedule's VDS query with a table calculation) is ~10 levels;
   * past a few thousand, recursive code (JSON.stringify, validators) overflows the stack.
   */
  jsonDepth: 64,
  /**
   * Characters in any one JSON string of a body, as sent (escapes count as written). Above every
   * field's own bound (the longest is a calculation) so the field's own, more precise words apply.
   */
  jsonStringChars: 100_000,
  /** Items in one JSON array, or members of one JSON object, anywhere in a body. */
  jsonContainerItems: 10_000,
  /** Fields (columns) in one VDS query: far beyond a readable Excel table, well under its 16,384 columns. */
  vdsFields: 500,
  /** Filters in one VDS query (VDS allows one filter per field, so more than the fields is odd). */
  vdsFilters: 200,
  /** Parameter overrides in one VDS query. */
  vdsParameters: 200,
  /** Values in one VDS SET filter or other list inside a filter. */
  vdsFilterValues: 10_000,
  /** Levels of nesting inside one VDS filter (a filter object is ~4 deep; values are flat). */
  vdsFilterDepth: 16,
  /**
   * Characters in one Tableau calculation (a VDS field's or filter's `calculation`). Generated CASE
   * mappings of a few thousand branches fit; anything longer belongs in the data source.
   */
  calculationChars: 65_536,
  /**
   * Levels of parenthesis nesting in one calculation. Hand-written calculations use a handful;
   * deeper input only exercises the recursion of a parser (the simulator's, server/sim/data/vds/
   * calc-parse.ts, overflows its stack between 3,000 and 5,000 levels and answered 500).
   */
  calculationDepth: 256,
  /** Filters (or parameters) in a view pull: one per field of a view is already a lot. */
  viewFilters: 200,
  /**
   * Characters in one filter or parameter value: a view filter's comma-separated list of values,
   * or one value of a VDS SET filter (a dimension member) or parameter.
   */
  valueChars: 10_000,
} as const;

/** "10,001" — limits and measurements in messages. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');
