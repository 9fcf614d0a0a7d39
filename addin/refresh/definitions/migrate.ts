/**
 * Older refresh documents → the current schema. A document is migrated in memory when read and
 * stored in the current version on the next save; the original is never rewritten on read.
 *
 * Version 1 (the add-in's first release) differed from version 2 in two places:
 *  - `connection` was one string, "<serverUrl>|<siteContentUrl>" (the site may be empty:
 *    "https://tableau.example.com|"), which had to be split by every reader and had no room for
 *    more identity fields;
 *  - `everyMinutes` sat at the definition's top level instead of inside `options` with the other
 *    refresh settings (and 0 meant "never").
 * Version 3 only added optional keys (options.keyColumns, options.highlightChanges,
 * lastResult.changes, lastResult.highlighted): a version 2 document is a valid version 3 one. The number still went up
 * because definitions are strict: an add-in that reads version 2 would call the new keys corrupt,
 * and this way it says the settings are newer instead.
 * Version 4 only added the optional `picture` (the view's picture beside the table), for the same reason.
 * Version 5 added picture-only definitions (`kind: 'picture'`, no `target.tableName`); every
 * version 2–4 definition is a valid version 5 table definition.
 */
import { z } from 'zod';

import { pullSourceSchema } from '../../../common/source.js';
import {
  columnSnapshotSchema,
  CURRENT_SCHEMA_VERSION,
  describeIssues,
  lastResultSchema,
  type RefreshDocument,
  refreshDocumentSchema,
  targetSchema,
} from './schema.js';

const v1Definition = z.object({
  id: z.string(),
  source: pullSourceSchema,
  connection: z.string().regex(/\|/, { error: 'A version 1 connection is "<server URL>|<site>".' }),
  target: targetSchema,
  options: z.object({
    mode: z.enum(['replace', 'append']),
    timestampColumn: z.string().optional(),
    refreshExtractFirst: z.boolean(),
    refreshOnOpen: z.boolean(),
  }),
  everyMinutes: z.number().int().min(0).nullable().optional(),
  lastResult: lastResultSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  columns: z.array(columnSnapshotSchema),
});

const v1Document = z.object({ schemaVersion: z.literal(1), definitions: z.array(v1Definition) });

type V1Definition = z.infer<typeof v1Definition>;

/** "https://server|site" → identity. Splits at the first "|": URLs escape it, site content URLs never hold one. */
export function splitV1Connection(connection: string): { serverUrl: string; siteContentUrl: string } {
  const bar = connection.indexOf('|');
  return { serverUrl: connection.slice(0, bar), siteContentUrl: connection.slice(bar + 1) };
}

function definitionV1toV2(def: V1Definition): unknown {
  const { connection, everyMinutes, ...rest } = def;
  return {
    ...rest,
    connection: splitV1Connection(connection),
    options: { ...def.options, everyMinutes: everyMinutes ? everyMinutes : null },
  };
}

type MigrationResult =
  | { ok: true; doc: RefreshDocument; migratedFrom?: number }
  | { ok: false; reason: 'corrupted' | 'newer-version'; message: string; version?: number };

/** Validates any stored document (parsed JSON) and brings it to the current version. */
export function migrate(raw: unknown): MigrationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'corrupted', message: 'it is not a settings document (expected a JSON object).' };
  }
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: 'corrupted', message: 'it has no valid format version.' };
  }
  if (version > CURRENT_SCHEMA_VERSION) {
    return {
      ok: false,
      reason: 'newer-version',
      version,
      message: `they were saved by a newer version of the add-in (format ${version}; this version reads formats up to ${CURRENT_SCHEMA_VERSION}).`,
    };
  }
  let candidate: unknown = raw;
  if (version === 1) {
    const v1 = v1Document.safeParse(raw);
    if (!v1.success) return { ok: false, reason: 'corrupted', message: describeIssues(v1.error).join(' ') };
    candidate = { schemaVersion: CURRENT_SCHEMA_VERSION, definitions: v1.data.definitions.map(definitionV1toV2) };
  } else if (version < CURRENT_SCHEMA_VERSION) {
    // Picture-only definitions are new in 5: an older document holding one was not written by an add-in.
    if (version < 5 && hasKind(raw))
      return { ok: false, reason: 'corrupted', message: `format ${version} has no picture-only definitions ("kind").` };
    candidate = { ...raw, schemaVersion: CURRENT_SCHEMA_VERSION };
  }
  const current = refreshDocumentSchema.safeParse(candidate);
  if (!current.success) return { ok: false, reason: 'corrupted', message: describeIssues(current.error).join(' ') };
  return version === CURRENT_SCHEMA_VERSION ? { ok: true, doc: current.data } : { ok: true, doc: current.data, migratedFrom: version };
}

function hasKind(raw: object): boolean {
  const definitions = (raw as { definitions?: unknown }).definitions;
  return Array.isArray(definitions) && definitions.some((d) => typeof d === 'object' && d !== null && 'kind' in d);
}
