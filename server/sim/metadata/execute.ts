/**
 * Runs one Metadata API request with graphql-js against METADATA_SDL over a site's graph. What is
 * Tableau's and not graphql-js's (https://help.tableau.com/current/api/metadata_api/en-us/docs/meta_api_errors.html):
 * - root filters `{luid: ...}`, `{nameWithin: [...]}` ... match exactly (the `...Within` forms: any of the list);
 * - connections page by `first` + `after` (an opaque cursor naming the type, the site and the last id —
 *   the shape of the cursors in https://github.com/tableau/server-client-python/blob/master/test/assets/metadata_paged_1.json) or
 *   `offset`; "after" with "offset", or a cursor of another type or site, is an INVALID_ARGUMENT error;
 *   a `first` above the maximum page size is cut to it with a MAX_PAGE_SIZE_EXCEEDED warning;
 * - more than `nodeLimit` objects in an answer: partial results and a NODE_LIMIT_EXCEEDED warning
 *   (Tableau Server's `metadata.query.limits.count`, 20,000 by default:
 *   https://help.tableau.com/current/server/en-us/cli_configuration-set_tsm.htm#metadata_query_limits_count).
 * Errors carry `extensions: {code, severity}` with the page's names and error types.
 */
import { buildSchema, execute, type ExecutionResult, GraphQLError, parse, validate } from 'graphql';

import type { SiteContent } from '../state/site.js';
import { MetadataGraph } from './graph.js';
import { METADATA_SDL } from './schema.js';

const schema = buildSchema(METADATA_SDL);

/** Page size when a connection query gives no `first`, and the most one page holds. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
export const DEFAULT_NODE_LIMIT = 20_000;

type MetadataErrorCode = 'FEATURE_DISABLED' | 'INVALID_ARGUMENT' | 'MAX_PAGE_SIZE_EXCEEDED' | 'NODE_LIMIT_EXCEEDED' | 'ACCESS_DENIED';

interface MetadataErrorJson {
  message: string;
  locations?: unknown;
  path: ReadonlyArray<string | number> | null;
  extensions: { code: MetadataErrorCode | string; severity: 'ERROR' | 'WARNING' } | null;
}

interface MetadataAnswer {
  data: Record<string, unknown> | null;
  errors?: MetadataErrorJson[];
}

const SEVERITY: Record<MetadataErrorCode, 'ERROR' | 'WARNING'> = {
  FEATURE_DISABLED: 'ERROR',
  INVALID_ARGUMENT: 'ERROR',
  ACCESS_DENIED: 'ERROR',
  MAX_PAGE_SIZE_EXCEEDED: 'WARNING',
  NODE_LIMIT_EXCEEDED: 'WARNING',
};

function metadataError(code: MetadataErrorCode, message: string): MetadataErrorJson {
  return { message, path: null, extensions: { code, severity: SEVERITY[code] } };
}

/** The FEATURE_DISABLED answer, word for word from meta_api_errors.html. */
export function featureDisabledAnswer(): MetadataAnswer {
  return {
    data: null,
    errors: [
      metadataError(
        'FEATURE_DISABLED',
        "Can't run the query because the Metadata API has not been enabled yet. Run the 'tsm maintenance metadata-services enable' command to enable the Metadata API or contact your Tableau administrator.",
      ),
    ],
  };
}

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: 'INVALID_ARGUMENT', severity: 'ERROR' } });

type Filter = Record<string, unknown>;

function matches(node: Record<string, unknown>, filter: Filter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, want]) => {
    if (want === undefined || want === null) return true;
    if (key.endsWith('Within')) {
      const prop = node[key.slice(0, -'Within'.length)];
      return Array.isArray(want) && want.includes(prop);
    }
    return node[key] === want;
  });
}

interface Cursor {
  type: string;
  scope: string;
  sortOrderValue: { lastId: string };
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64');

function decodeCursor(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<Cursor>;
    return typeof c.type === 'string' && typeof c.scope === 'string' && typeof c.sortOrderValue?.lastId === 'string'
      ? (c as Cursor)
      : undefined;
  } catch {
    return undefined;
  }
}

interface RequestState {
  warnings: MetadataErrorJson[];
}

interface PageArgs {
  filter?: Filter;
  first?: number;
  after?: string;
  offset?: number;
}

function page<T extends { id: string; __typename: string }>(all: T[], args: PageArgs, scope: string, type: string, state: RequestState) {
  if (args.after !== undefined && args.after !== null && args.offset !== undefined && args.offset !== null) {
    throw invalid(
      'Can\u2019t use \u201cafter\u201d and \u201coffset\u201d pagination at the same time. Remove one of the arguments from the query.',
    );
  }
  const sorted = all.filter((n) => matches(n as unknown as Record<string, unknown>, args.filter)).sort((a, b) => a.id.localeCompare(b.id));
  let start = 0;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    if (!cursor || cursor.type !== type) throw invalid('The query contains an invalid cursor. Make sure to use cursors of the same type.');
    if (cursor.scope !== scope)
      throw invalid('The query contains an invalid cursor. Make sure to use cursors that belong to the same site.');
    start = sorted.findIndex((n) => n.id.localeCompare(cursor.sortOrderValue.lastId) > 0);
    if (start < 0) start = sorted.length;
  } else if (args.offset) {
    if (args.offset < 0) throw invalid('The offset must not be negative.');
    start = Math.min(args.offset, sorted.length);
  }
  let size = args.first ?? DEFAULT_PAGE_SIZE;
  if (size < 0) throw invalid('The value of \u201cfirst\u201d must not be negative.');
  if (size > MAX_PAGE_SIZE) {
    state.warnings.push(
      metadataError(
        'MAX_PAGE_SIZE_EXCEEDED',
        `The value chosen for \u201cfirst\u201d exceeded the maximum page size, so the query results will be limited to the maximum page size (${MAX_PAGE_SIZE}) instead of the value chosen for \u201cfirst\u201d.`,
      ),
    );
    size = MAX_PAGE_SIZE;
  }
  const nodes = sorted.slice(start, start + size);
  const last = nodes[nodes.length - 1];
  const first = nodes[0];
  return {
    nodes,
    totalCount: sorted.length,
    pageInfo: {
      hasNextPage: start + nodes.length < sorted.length,
      hasPreviousPage: start > 0,
      startCursor: first ? encodeCursor({ type, scope, sortOrderValue: { lastId: first.id } }) : null,
      endCursor: last ? encodeCursor({ type, scope, sortOrderValue: { lastId: last.id } }) : null,
    },
  };
}

function rootValue(graph: MetadataGraph, state: RequestState): Record<string, unknown> {
  const scope = `sites/${graph.site.site.id}`;
  const roots: Array<[string, string, () => Array<{ id: string; __typename: string }>]> = [
    ['publishedDatasources', 'PublishedDatasource', graph.publishedDatasources],
    ['embeddedDatasources', 'EmbeddedDatasource', graph.embeddedDatasources],
    ['workbooks', 'Workbook', graph.workbooks],
    ['sheets', 'Sheet', graph.sheets],
    ['dashboards', 'Dashboard', graph.dashboards],
    ['databaseTables', 'DatabaseTable', graph.databaseTables],
  ];
  const root: Record<string, unknown> = {};
  for (const [name, type, list] of roots) {
    root[name] = (args: PageArgs) => list().filter((n) => matches(n as unknown as Record<string, unknown>, args.filter));
    root[`${name}Connection`] = (args: PageArgs) => page(list(), args, scope, type, state);
  }
  return root;
}

/**
 * Cuts an answer to `limit` objects, depth first (what came first stays), and says whether it cut.
 * Tableau gives "partial results" past its node limit; which nodes it keeps is not documented.
 */
function capNodes(data: unknown, limit: number): boolean {
  let count = 0;
  let cut = false;
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (count >= limit && value[i] && typeof value[i] === 'object') {
          value.length = i;
          cut = true;
          return;
        }
        walk(value[i]);
      }
    } else if (value && typeof value === 'object') {
      count += 1;
      for (const v of Object.values(value)) walk(v);
    }
  };
  // The `data` object itself is the answer's envelope, not a node.
  for (const v of Object.values(data as Record<string, unknown>)) walk(v);
  return cut;
}

interface MetadataRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export function runMetadataQuery(site: SiteContent, request: MetadataRequest, nodeLimit = DEFAULT_NODE_LIMIT): MetadataAnswer {
  let document;
  try {
    document = parse(request.query);
  } catch (e) {
    return { data: null, errors: [toJson(e as GraphQLError)] };
  }
  const problems = validate(schema, document);
  if (problems.length) return { data: null, errors: problems.map(toJson) };
  const state: RequestState = { warnings: [] };
  const result = execute({
    schema,
    document,
    rootValue: rootValue(new MetadataGraph(site), state),
    variableValues: request.variables,
    operationName: request.operationName,
  }) as ExecutionResult;
  const data = result.data ? (JSON.parse(JSON.stringify(result.data)) as Record<string, unknown>) : null;
  const errors = [...(result.errors ?? []).map(toJson), ...state.warnings];
  if (data && capNodes(data, nodeLimit)) {
    errors.push(
      metadataError(
        'NODE_LIMIT_EXCEEDED',
        `Showing partial results. The request exceeded the ${nodeLimit} node limit. Use pagination, additional filtering, or both in the query to adjust results.`,
      ),
    );
  }
  return errors.length ? { data, errors } : { data };
}

function toJson(e: GraphQLError): MetadataErrorJson {
  const ext = e.extensions as { code?: string; severity?: 'ERROR' | 'WARNING' } | undefined;
  return {
    message: e.message,
    ...(e.locations ? { locations: e.locations } : {}),
    path: e.path ?? null,
    extensions: ext?.code ? { code: ext.code, severity: ext.severity ?? 'ERROR' } : null,
  };
}
