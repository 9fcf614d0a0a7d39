/**
 * zod schemas for every input the API accepts (bodies, params, queries), mirroring common/api.ts
 * and common/source.ts. Every string and array is bounded (numbers in limits.ts), and the parts
 * passed on without a known shape are bounded JSON (bounded-json.ts), so nothing unbounded reaches
 * the service layer.
 */
import { z } from 'zod';
import { formatCount, LIMITS } from './limits.js';
import { vdsQuerySchema } from './vds-schemas.js';

export { vdsQuerySchema };

const text = (max: number) => z.string().trim().min(1).max(max);

/** Tableau LUIDs and our connection ids: letters, digits and dashes only (safe in a URL path). */
export const idSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an id (letters, digits, dashes)');

/** True for an http(s) URL without user:password (credentials never travel inside a URL we store). */
export function isPlainHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/**
 * A server address as people type it: `tableau.example.com` or `tableau.example.com:8443/prefix`
 * means https (Tableau Cloud and a default Tableau Server install speak https; the add-in's connect
 * form does the same). `http://` stays allowed but only when written out.
 */
export function withDefaultScheme(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value.replace(/^\/+/, '')}`;
}

export const serverUrlSchema = z
  .string()
  .trim()
  .max(2000, { abort: true })
  .transform(withDefaultScheme)
  .refine(isPlainHttpUrl, 'must be an http(s) URL such as https://tableau.example.com')
  .transform((v) => {
    const u = new URL(v);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  });

export const connectAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pat'), patName: text(256), patSecret: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('password'), username: text(256), password: z.string().min(1).max(1024) }),
  z.object({ kind: z.literal('jwt'), jwt: z.string().min(1).max(16_384) }),
]);

export const connectRequestSchema = z.object({
  serverUrl: serverUrlSchema,
  siteContentUrl: z.string().trim().max(255, { abort: true }).regex(/^[A-Za-z0-9_-]*$/, 'must be a site content URL (as in /site/<name>/)'),
  auth: connectAuthSchema,
  label: text(200).optional(),
});

export const connectionParams = z.object({ cid: idSchema });
export const workbookParams = connectionParams.extend({ wid: idSchema });
export const datasourceParams = connectionParams.extend({ dsid: idSchema });

const pageNumber = z.coerce.number().int().min(1).max(1_000_000).default(1);

export const pagedQuery = z.object({
  projectId: idSchema.optional(),
  page: pageNumber,
  /** Tableau's own maximum page size is 1000 (docs/tableau-rest.md#paging). */
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
});

export const searchQuery = z.object({ q: text(200), page: pageNumber });

/** View filters and parameters: field name → value (a comma-separated list for several values). */
const stringMap = z
  .record(z.string().min(1).max(1000), z.string().max(LIMITS.valueChars))
  .refine((map) => Object.keys(map).length <= LIMITS.viewFilters, {
    error: (issue) =>
      `A view pull may set at most ${formatCount(LIMITS.viewFilters)} filters or parameters; this one sets ${formatCount(Object.keys(issue.input as object).length)}.`,
  });

export const pullSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('view'),
    viewId: idSchema,
    contentUrl: z.string().max(2000).optional(),
    name: z.string().max(1000).optional(),
    customViewId: idSchema.optional(),
    filters: stringMap.optional(),
    parameters: stringMap.optional(),
    maxAgeMinutes: z.number().int().min(1).max(1_000_000).optional(),
    locale: z.string().max(35).optional(),
  }),
  z.object({
    kind: z.literal('datasource'),
    datasourceId: idSchema,
    name: z.string().max(1000).optional(),
    query: vdsQuerySchema,
    rowLimit: z.number().int().min(1).optional(),
  }),
  z.object({
    kind: z.literal('inventory'),
    resource: z.enum(['workbooks', 'views', 'datasources', 'projects', 'users', 'groups', 'jobs', 'extractRefreshTasks']),
    filter: z.string().max(4000).optional(),
    sort: z.string().max(1000).optional(),
    fields: z.string().max(4000).optional(),
  }),
]);

export const pullRequestSchema = z.object({
  source: pullSourceSchema,
  options: z
    .object({
      refreshExtractFirst: z.boolean().optional(),
      limit: z.number().int().min(1).optional(),
    })
    .optional(),
});
