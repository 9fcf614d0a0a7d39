/**
 * What to pull. Shared by the pull API, refresh definitions (stored in the workbook) and server
 * schedules, so it must only hold things any colleague's access can resolve: Tableau LUIDs and
 * content URLs of the site, never a companion-server id and never a secret.
 *
 * One schema for every side: the add-in stores and sends what the server accepts. Sources and
 * options are strict objects: a key the contract does not name (a pasted token, a server id, a
 * newer add-in's option) is refused, not silently dropped, because pulling without it would pull
 * something other than what the workbook asked for. A newer add-in that adds a key raises the
 * refresh document's version instead (addin/refresh/definitions/migrate.ts refuses newer versions
 * in plain words). VDS query internals stay loose (common/vds-query.ts).
 */
import { z } from 'zod';

import { type Bounds, UNBOUNDED } from './bounds.js';
import { vdsQuerySchemaWith } from './vds-query.js';

export type { VdsField, VdsQuery } from './vds-query.js';

/** Tableau LUIDs and our connection ids: letters, digits and dashes only (safe in a URL path). */
export const idSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an id (letters, digits, dashes)');

export const INVENTORY_RESOURCES = [
  'workbooks',
  'views',
  'datasources',
  'projects',
  'users',
  'groups',
  'jobs',
  'extractRefreshTasks',
] as const;
export type InventoryResource = (typeof INVENTORY_RESOURCES)[number];

/**
 * Minutes Tableau may serve cached view data (Query View Data's `maxAge`). Tableau takes 1 to 240;
 * 0 means "as fresh as Tableau allows" and is sent as 1, the shortest interval (TSC documents the
 * same reading: https://tableau.github.io/server-client-python/docs/api-ref, CSVRequestOptions/ExcelRequestOptions
 * `maxage`; server/tableau/views.ts).
 */
const MAX_AGE_MINUTES_MAX = 240;
const maxAgeMinutesSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_AGE_MINUTES_MAX, { error: `maxAgeMinutes is at most ${MAX_AGE_MINUTES_MAX} (Tableau caches view data for at most 4 hours).` });

/** The `maxAge` to send Tableau for a source's maxAgeMinutes (0 → 1, see maxAgeMinutesSchema). */
export function tableauMaxAge(minutes: number | undefined): number | undefined {
  return minutes === undefined ? undefined : Math.max(1, minutes);
}

export function pullSourceSchemaWith(b: Bounds) {
  const view = z.strictObject({
    kind: z.literal('view'),
    viewId: idSchema,
    /** "Workbook/sheets/View" style content URL, kept for display and as a fallback identity. */
    contentUrl: b.text('contentUrl').optional(),
    /** Display name, e.g. "Superstore / Overview". */
    name: b.text('name').optional(),
    /** When set, pull this custom view's data instead of the view's. */
    customViewId: idSchema.optional(),
    /** vf_<field>=<value> filters (exact match, as Tableau does). Keys are field names without `vf_`. */
    filters: b.stringMap().optional(),
    /** vf_Parameters.<name>=<value>. Keys are parameter names without the prefix. */
    parameters: b.stringMap().optional(),
    maxAgeMinutes: maxAgeMinutesSchema.optional(),
    /** Locale the view formats numbers in ('en-US', 'de-DE', ...); 'auto' detects. */
    locale: b.text('locale').optional(),
  });
  const datasource = z.strictObject({
    kind: z.literal('datasource'),
    datasourceId: idSchema,
    name: b.text('name').optional(),
    /** Validated in full against Tableau's OpenAPI schema on the server (server/vds). */
    query: vdsQuerySchemaWith(b),
    /** Row limit; sent to Tableau only when it supports it (2026.1+), otherwise applied by us. */
    rowLimit: z.number().int().min(1).optional(),
  });
  const inventory = z.strictObject({
    kind: z.literal('inventory'),
    resource: z.enum(INVENTORY_RESOURCES),
    filter: b.text('inventoryFilter').optional(),
    sort: b.text('inventorySort').optional(),
    fields: b.text('inventoryFields').optional(),
  });
  return z.discriminatedUnion('kind', [view, datasource, inventory], {
    error: 'The source kind must be "view", "datasource" or "inventory".',
  });
}

export const pullSourceSchema = pullSourceSchemaWith(UNBOUNDED);

/** Options of one pull (not part of the source identity). */
export const pullOptionsSchema = z.strictObject({
  /** Refresh the data source's / workbook's extract first, then pull. */
  refreshExtractFirst: z.boolean().optional(),
  /** Stop after this many rows (preview uses 100); `end.truncated` says when it cut. */
  limit: z.number().int().min(1).optional(),
});

export type PullSource = z.infer<typeof pullSourceSchema>;
export type ViewSource = Extract<PullSource, { kind: 'view' }>;
export type DatasourceSource = Extract<PullSource, { kind: 'datasource' }>;
export type InventorySource = Extract<PullSource, { kind: 'inventory' }>;
export type PullOptions = z.infer<typeof pullOptionsSchema>;
