/**
 * What the workbook stores about each imported table (schema version 2), as zod schemas.
 *
 * A definition names its connection by server URL + site only: never a secret, never a
 * companion-server connection id, so a workbook handed to a colleague refreshes with the
 * colleague's own access (docs/architecture.md#contracts). Objects are
 * strict: an unexpected key (a pasted token, a server id) is an error, not a silent passenger.
 */
import { z } from 'zod';
import type { ColumnType } from '../../../common/stream.js';
import type { PullSource } from '../../../common/source.js';
import { MAX_EVERY_MINUTES } from '../clock/due.js';

export const CURRENT_SCHEMA_VERSION = 2;

const nonEmpty = (what: string) => z.string().trim().min(1, { error: `${what} must not be empty.` });
const isoTime = z.iso.datetime({ offset: true, error: 'Times are ISO 8601 date-times, e.g. 2025-01-10T10:00:00Z.' });
const stringMap = z.record(z.string(), z.string());

// ---- PullSource (common/source.ts) -------------------------------------------------------------

// VDS queries are validated in full against Tableau's OpenAPI schema elsewhere (server/vds);
// here they stay loose so fields this file does not type survive a save.
const vdsField = z.looseObject({
  fieldCaption: nonEmpty('A query field caption'),
  function: z.string().optional(),
  calculation: z.string().optional(),
  fieldAlias: z.string().optional(),
  maxDecimalPlaces: z.number().int().optional(),
  sortDirection: z.enum(['ASC', 'DESC']).optional(),
  sortPriority: z.number().int().optional(),
});

const vdsQuery = z.looseObject({
  fields: z.array(vdsField).min(1, { error: 'A data source query needs at least one field.' }),
  filters: z.array(z.record(z.string(), z.unknown())).optional(),
  parameters: z.array(z.looseObject({ parameterCaption: z.string(), value: z.unknown() })).optional(),
});

const viewSource = z.strictObject({
  kind: z.literal('view'),
  viewId: nonEmpty('The view id'),
  contentUrl: z.string().optional(),
  name: z.string().optional(),
  customViewId: z.string().min(1).optional(),
  filters: stringMap.optional(),
  parameters: stringMap.optional(),
  maxAgeMinutes: z.number().int().min(0).optional(),
  locale: z.string().optional(),
});

const datasourceSource = z.strictObject({
  kind: z.literal('datasource'),
  datasourceId: nonEmpty('The data source id'),
  name: z.string().optional(),
  query: vdsQuery,
  rowLimit: z.number().int().positive().optional(),
});

const inventorySource = z.strictObject({
  kind: z.literal('inventory'),
  resource: z.enum(['workbooks', 'views', 'datasources', 'projects', 'users', 'groups', 'jobs', 'extractRefreshTasks']),
  filter: z.string().optional(),
  sort: z.string().optional(),
  fields: z.string().optional(),
});

export const pullSourceSchema = z.discriminatedUnion('kind', [viewSource, datasourceSource, inventorySource], {
  error: 'The source kind must be "view", "datasource" or "inventory".',
});

// ---- Definition ---------------------------------------------------------------------------------

/** Server URL as a stable identity: lower-case origin plus path, no trailing slash, no credentials. */
export function normalizeServerUrl(input: string): string {
  const url = new URL(input.trim());
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must start with https://');
  if (url.username || url.password) throw new Error('must not contain a user name or password');
  if (url.search || url.hash) throw new Error('must not have a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const serverUrl = z.string().transform((value, ctx) => {
  try {
    return normalizeServerUrl(value);
  } catch (err) {
    const why = err instanceof TypeError ? 'is not a URL' : (err as Error).message;
    ctx.addIssue({ code: 'custom', message: `The Tableau server address "${value}" ${why}.` });
    return z.NEVER;
  }
});

export const connectionIdentitySchema = z.strictObject(
  {
    serverUrl,
    /** '' = the default site (Tableau Server). */
    siteContentUrl: z.string().trim(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'A connection holds only serverUrl and siteContentUrl: never a secret or a server id.' : undefined) },
);

// Excel: sheet names ≤ 31 characters without : \ / ? * [ ]; table names start with a letter,
// underscore or backslash and hold letters, digits, underscores and periods (no spaces).
export const targetSchema = z.strictObject({
  sheet: z
    .string()
    .min(1, { error: 'The sheet name must not be empty.' })
    .max(31, { error: 'Excel sheet names have at most 31 characters.' })
    .refine((s) => !/[:\\/?*[\]]/.test(s), { error: 'Excel sheet names cannot contain : \\ / ? * [ or ].' }),
  tableName: z
    .string()
    .max(255, { error: 'Excel table names have at most 255 characters.' })
    .regex(/^[\p{L}_\\][\p{L}\p{N}_.\\]*$/u, {
      error: (issue) => `"${String(issue.input)}" is not an Excel table name: start with a letter or _, then use letters, digits, _ or . (no spaces).`,
    }),
});

export const refreshOptionsSchema = z
  .strictObject({
    mode: z.enum(['replace', 'append']),
    /** Append mode: a date-time column stamped with the refresh time on every appended row. */
    timestampColumn: z.string().trim().min(1).optional(),
    refreshExtractFirst: z.boolean(),
    refreshOnOpen: z.boolean(),
    /** Refresh every N minutes while the workbook is open; null/absent = never. */
    everyMinutes: z.number().int().min(1).max(MAX_EVERY_MINUTES, { error: `The refresh interval is at most ${MAX_EVERY_MINUTES} minutes (a week).` }).nullable().optional(),
    /** The companion server's schedule whose snapshots feed this table (it is a schedule, not a connection). */
    serverScheduleId: z.string().min(1).optional(),
  })
  .refine((o) => o.timestampColumn === undefined || o.mode === 'append', {
    error: 'A timestamp column only applies to append mode.',
    path: ['timestampColumn'],
  });

export const lastResultSchema = z
  .strictObject({
    at: isoTime,
    rows: z.number().int().min(0),
    durationMs: z.number().int().min(0),
    /** snapshot: the data came from a server schedule's stored result, not a live pull. */
    status: z.enum(['ok', 'error', 'truncated', 'snapshot']),
    error: z.string().min(1).optional(),
    truncated: z.boolean().optional(),
    /** When the data was pulled from Tableau (differs from `at` for snapshots). */
    dataAsOf: isoTime.optional(),
  })
  .refine((r) => r.status !== 'error' || r.error !== undefined, { error: 'A failed refresh must say what went wrong.', path: ['error'] });

const columnTypes = ['integer', 'decimal', 'currency', 'percentage', 'date', 'datetime', 'boolean', 'text'] as const satisfies readonly ColumnType[];

export const columnSnapshotSchema = z.strictObject({ name: z.string(), type: z.enum(columnTypes) });

export const refreshDefinitionSchema = z.strictObject({
  id: z.uuid({ error: 'A definition id must be a UUID.' }),
  source: pullSourceSchema,
  connection: connectionIdentitySchema,
  target: targetSchema,
  options: refreshOptionsSchema,
  /** null until the first refresh has finished. */
  lastResult: lastResultSchema.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** Columns the last refresh wrote, to report columns the source added or dropped. */
  columns: z.array(columnSnapshotSchema),
});

export const refreshDocumentSchema = z
  .strictObject({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    definitions: z.array(refreshDefinitionSchema),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    const tables = new Map<string, number>();
    doc.definitions.forEach((def, i) => {
      if (ids.has(def.id)) ctx.addIssue({ code: 'custom', message: `Two definitions share the id ${def.id}.`, path: ['definitions', i, 'id'] });
      ids.add(def.id);
      // Excel table names are unique workbook-wide, case-insensitively.
      const key = def.target.tableName.toLowerCase();
      if (tables.has(key)) {
        ctx.addIssue({ code: 'custom', message: `Table ${def.target.tableName} has two refresh definitions.`, path: ['definitions', i, 'target', 'tableName'] });
      }
      tables.set(key, i);
    });
  });

export type RefreshDefinition = z.infer<typeof refreshDefinitionSchema>;
export type RefreshDocument = z.infer<typeof refreshDocumentSchema>;
export type ConnectionIdentity = z.infer<typeof connectionIdentitySchema>;
export type RefreshTarget = z.infer<typeof targetSchema>;
export type RefreshOptions = z.infer<typeof refreshOptionsSchema>;
export type LastResult = z.infer<typeof lastResultSchema>;
export type ColumnSnapshot = z.infer<typeof columnSnapshotSchema>;

// The stored source must stay usable as a PullSource for the pull API (compile-time check).
export const asPullSource = (source: RefreshDefinition['source']): PullSource => source;

/** zod issues as one plain sentence per problem, prefixed with where it is when that helps. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
}
