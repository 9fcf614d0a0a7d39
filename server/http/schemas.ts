/**
 * zod schemas for every input the API accepts (bodies, params, queries): the shared contracts of
 * common/ (api.ts, source.ts, site.ts) within the server's bounds (bounds.ts), plus the params and
 * queries only the server reads. Every string and array is bounded (numbers in limits.ts), and the parts
 * passed on without a known shape are bounded JSON (bounded-json.ts), so nothing unbounded reaches
 * the service layer.
 */
import { z } from 'zod';

import { connectRequestSchemaWith } from '../../common/api.js';
import { serverUrlSchema } from '../../common/site.js';
import { idSchema, pullOptionsSchema, pullSourceSchemaWith } from '../../common/source.js';
import { SERVER_BOUNDS } from './bounds.js';

export { idSchema, serverUrlSchema };

const text = (max: number) => z.string().trim().min(1).max(max);

/** True for an http(s) URL without user:password (credentials never travel inside a URL we store). */
export function isPlainHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** POST /api/connections: the contract (common/api.ts) within the server's bounds. */
export const connectRequestSchema = connectRequestSchemaWith(SERVER_BOUNDS);

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

/** The contract's pull source (common/source.ts) within the server's bounds (bounds.ts). */
export const pullSourceSchema = pullSourceSchemaWith(SERVER_BOUNDS);

/** POST /api/connections/:cid/view-image (common/view-image.ts): a picture is made of a view source only. */
export const viewImageRequestSchema = z.object({
  source: pullSourceSchema.refine((s) => s.kind === 'view', 'A picture can only be made of a view: the source kind must be "view".'),
});

export const pullRequestSchema = z.object({
  source: pullSourceSchema,
  options: pullOptionsSchema.optional(),
});
