/**
 * What the workbook stores about each imported table or picture (schema version 5), as zod schemas.
 *
 * A definition names its connection by server URL + site only: never a secret, never a
 * companion-server connection id, so a workbook handed to a colleague refreshes with the
 * colleague's own access (docs/architecture.md#contracts). Objects are
 * strict: an unexpected key (a pasted token, a server id) is an error, not a silent passenger; a
 * newer add-in that needs a new key raises CURRENT_SCHEMA_VERSION, and this version then says in
 * plain words that the settings are newer (migrate.ts) instead of dropping what it cannot read.
 */
import { z } from 'zod';

import { serverUrlSchema, siteContentUrlSchema } from '../../../common/site.js';
import { type PullSource, pullSourceSchema } from '../../../common/source.js';
import type { ColumnType } from '../../../common/stream.js';
import { MAX_EVERY_MINUTES } from '../clock/due.js';

export const CURRENT_SCHEMA_VERSION = 5;

const isoTime = z.iso.datetime({ offset: true, error: 'Times are ISO 8601 date-times, e.g. 2025-01-10T10:00:00Z.' });

// ---- Definition ---------------------------------------------------------------------------------
// The source, the server URL and the site follow the contracts the server checks too
// (common/source.ts, common/site.ts), so what is stored here is what a pull accepts.

const connectionIdentitySchema = z.strictObject(
  {
    serverUrl: serverUrlSchema,
    /** '' = the default site (Tableau Server). */
    siteContentUrl: siteContentUrlSchema,
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? 'A connection holds only serverUrl and siteContentUrl: never a secret or a server id.'
        : undefined,
  },
);

// Excel: sheet names ≤ 31 characters without : \ / ? * [ ]; table names start with a letter,
// underscore or backslash and hold letters, digits, underscores and periods (no spaces).
export const targetSchema = z.strictObject({
  sheet: z
    .string()
    .min(1, { error: 'The sheet name must not be empty.' })
    .max(31, { error: 'Excel sheet names have at most 31 characters.' })
    .refine((s) => !/[:\\/?*[\]]/.test(s), { error: 'Excel sheet names cannot contain : \\ / ? * [ or ].' }),
  /** Absent only for a picture-only definition (`kind: 'picture'`), which has no table. */
  tableName: z
    .string()
    .max(255, { error: 'Excel table names have at most 255 characters.' })
    .regex(/^[\p{L}_\\][\p{L}\p{N}_.\\]*$/u, {
      error: (issue) =>
        `"${String(issue.input)}" is not an Excel table name: start with a letter or _, then use letters, digits, _ or . (no spaces).`,
    })
    .optional(),
});

const refreshOptionsSchema = z
  .strictObject({
    mode: z.enum(['replace', 'append']),
    /** Append mode: a date-time column stamped with the refresh time on every appended row. */
    timestampColumn: z.string().trim().min(1).optional(),
    refreshExtractFirst: z.boolean(),
    refreshOnOpen: z.boolean(),
    /** Refresh every N minutes while the workbook is open; null/absent = never. */
    everyMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_EVERY_MINUTES, { error: `The refresh interval is at most ${MAX_EVERY_MINUTES} minutes (a week).` })
      .nullable()
      .optional(),
    /** The companion server's schedule whose snapshots feed this table (it is a schedule, not a connection). */
    serverScheduleId: z.string().min(1).optional(),
    /**
     * The columns that identify a row, to say what changed since the last refresh (common/diff);
     * absent or empty = guessed from the columns whose values are unique.
     */
    keyColumns: z
      .array(z.string().trim().min(1, { error: 'A key column needs a name.' }))
      .max(16, { error: 'At most 16 key columns.' })
      .refine((keys) => new Set(keys).size === keys.length, { error: 'A key column is listed twice.' })
      .optional(),
    /** Fill the rows added and the cells changed by a refresh until the next one. */
    highlightChanges: z.boolean().optional(),
  })
  .refine((o) => o.timestampColumn === undefined || o.mode === 'append', {
    error: 'A timestamp column only applies to append mode.',
    path: ['timestampColumn'],
  });

const count = z.number().int().min(0);

/** What changed since the refresh before (common/diff/compare.ts DiffSummary). */
const changesSchema = z.discriminatedUnion('compared', [
  z.strictObject({
    compared: z.literal(true),
    keys: z.array(z.string()),
    keyGuessed: z.boolean(),
    added: count,
    removed: count,
    changed: count,
    unchanged: count,
    notes: z.array(z.string()),
  }),
  z.strictObject({
    compared: z.literal(false),
    reason: z.enum(['no-key', 'key-missing', 'key-type-changed', 'key-not-unique', 'unreadable']),
    keys: z.array(z.string()),
    keyGuessed: z.boolean(),
    notes: z.array(z.string()),
  }),
]);

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
    /** What changed since the refresh before (absent: not compared, e.g. the first refresh or append mode). */
    changes: changesSchema.optional(),
    /** The table holds this refresh's highlight of what changed (the next refresh removes it). */
    highlighted: z.boolean().optional(),
  })
  .refine((r) => r.status !== 'error' || r.error !== undefined, { error: 'A failed refresh must say what went wrong.', path: ['error'] });

const columnTypes = [
  'integer',
  'decimal',
  'currency',
  'percentage',
  'date',
  'datetime',
  'boolean',
  'text',
] as const satisfies readonly ColumnType[];

export const columnSnapshotSchema = z.strictObject({ name: z.string(), type: z.enum(columnTypes) });

export const refreshDefinitionSchema = z
  .strictObject({
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
    /**
     * The view's picture beside the table (version 4): the image shape's name on the target sheet, by
     * which a refresh finds it and replaces it in place (addin/workbook/excel/pictures.ts).
     */
    picture: z.strictObject({ name: z.string().min(1).max(255) }).optional(),
    /**
     * Version 5: 'picture' = a "Picture only" insert: no table, just the view's picture (named by
     * `picture.name` on `target.sheet`), refreshed in place. Absent = a table (versions 2–4).
     */
    kind: z.literal('picture').optional(),
  })
  .superRefine((def, ctx) => {
    if (def.kind === 'picture') {
      if (def.target.tableName !== undefined)
        ctx.addIssue({ code: 'custom', message: 'A picture-only definition has no table.', path: ['target', 'tableName'] });
      if (!def.picture) ctx.addIssue({ code: 'custom', message: 'A picture-only definition names its picture.', path: ['picture'] });
      if (def.source.kind !== 'view') ctx.addIssue({ code: 'custom', message: 'Only a view has a picture.', path: ['source', 'kind'] });
    } else if (def.target.tableName === undefined) {
      ctx.addIssue({ code: 'custom', message: 'A table definition names its table.', path: ['target', 'tableName'] });
    }
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
      if (ids.has(def.id))
        ctx.addIssue({ code: 'custom', message: `Two definitions share the id ${def.id}.`, path: ['definitions', i, 'id'] });
      ids.add(def.id);
      // Excel table names are unique workbook-wide, case-insensitively; a picture is unique per sheet.
      const key = identityKey(def);
      if (tables.has(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `${def.kind === 'picture' ? '' : 'Table '}${displayName(def)} has two refresh definitions.`,
          path: ['definitions', i, 'target', 'tableName'],
        });
      }
      tables.set(key, i);
    });
  });

/** What the list, the log and messages call a definition: its table, or "Picture <name>". */
export function displayName(def: Pick<RefreshDefinition, 'target' | 'picture' | 'kind'>): string {
  if (def.target.tableName !== undefined) return def.target.tableName;
  // Our pictures are named Picture_<table> (picture-placement.ts pictureNameFor): "Picture Overview", not "Picture Picture_Overview".
  const name = (def.picture?.name ?? '').replace(/^Picture_/, '');
  return `Picture ${name}`.trim();
}

/** The definition's table; throws for a picture-only definition (callers check `kind` first). */
export function tableNameOf(def: Pick<RefreshDefinition, 'target' | 'kind'>): string {
  if (def.target.tableName === undefined) throw new Error('A picture-only definition has no table.');
  return def.target.tableName;
}

/** Two definitions clash when they name the same table (workbook-wide) or the same picture on one sheet. */
export function identityKey(def: Pick<RefreshDefinition, 'target' | 'picture' | 'kind'>): string {
  return def.target.tableName !== undefined
    ? `table:${def.target.tableName.toLowerCase()}`
    : `picture:${def.target.sheet.toLowerCase()}:${def.picture?.name.toLowerCase() ?? ''}`;
}

export type RefreshDefinition = z.infer<typeof refreshDefinitionSchema>;
export type RefreshDocument = z.infer<typeof refreshDocumentSchema>;
export type ConnectionIdentity = z.infer<typeof connectionIdentitySchema>;
export type RefreshOptions = z.infer<typeof refreshOptionsSchema>;
export type LastResult = z.infer<typeof lastResultSchema>;
export type ColumnSnapshot = z.infer<typeof columnSnapshotSchema>;

// The stored source must stay usable as a PullSource for the pull API (compile-time check).
const _storedSourceIsPullSource = (source: RefreshDefinition['source']): PullSource => source;

/** zod issues as one plain sentence per problem, prefixed with where it is when that helps. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    return `${where}${issue.message}`;
  });
}
