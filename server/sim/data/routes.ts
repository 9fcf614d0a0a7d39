/**
 * The simulator's data routes: view/custom-view CSV export, VizQL Data Service, and test controls
 * under /_sim/data (data versions, mutations, VDS limits).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

import { type Clock, systemClock } from '../clock.js';
import { API_VERSION_PATTERN, compareApiVersions } from '../versions.js';
import {
  bumpDataVersion,
  datasetKeys,
  editDatasetRows,
  getDataset,
  getViewSpec,
  mutateDataset,
  resetDataset,
  viewKeys,
} from './catalog.js';
import type { ExportRequest } from './csv-export.js';
import { RowEditError } from './datasets/row-edits.js';
import { ExportCache, type ImageOptions } from './export-cache.js';
import type { SimDataHost } from './host.js';
import { VdsError } from './vds/errors.js';
import { limitsSchema, resetLimits, setLimits } from './vds/limits.js';
import { registerVdsRoutes } from './vds/routes.js';
import { renderViewImage } from './view-image.js';

/** REST error shape of the core ({error:{code,summary,detail}}). */
function restError(reply: FastifyReply, status: number, code: string, summary: string, detail: string): FastifyReply {
  return reply.code(status).send({ error: { code, summary, detail } });
}

/** vf_<field>=<value> and vf_Parameters.<name>=<value>; the prefix is case-sensitive (TSC test_request_option.py). */
function exportRequestFromQuery(query: Record<string, unknown>, saved: Record<string, string> = {}): ExportRequest {
  const filters: Array<[string, string]> = Object.entries(saved);
  const parameters: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query)) {
    const value = Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
    if (key.startsWith('vf_Parameters.')) parameters[key.slice('vf_Parameters.'.length)] = value;
    else if (key.startsWith('vf_')) filters.push([key.slice(3), value]);
  }
  return { filters, parameters };
}

const maxAgeSchema = z.coerce.number().int().min(-1).max(240).optional();

function sendCsv(
  reply: FastifyReply,
  exports: { cache: ExportCache; siteId: string },
  dataKey: string | undefined,
  query: Record<string, unknown>,
  saved?: Record<string, string>,
): FastifyReply {
  const maxAge = maxAgeSchema.safeParse(query.maxAge);
  if (!maxAge.success) return restError(reply, 400, '400000', 'Bad Request', 'maxAge must be a whole number of minutes between 1 and 240.');
  const spec = dataKey ? getViewSpec(dataKey) : undefined;
  if (!spec) return restError(reply, 404, '404011', 'Resource Not Found', 'The view has no data to export.');
  try {
    const stream = exports.cache.stream(exports.siteId, spec, exportRequestFromQuery(query, saved), maxAge.data);
    return reply.header('content-type', 'text/csv; charset=utf-8').send(stream);
  } catch (e) {
    const detail = e instanceof VdsError ? e.message : 'The view data could not be computed.';
    return restError(reply, 400, '400000', 'Bad Request', detail);
  }
}

/**
 * Query View Image's own parameters: `resolution=high` for maximum pixel density (anything else is the
 * standard size) and, from REST 3.29 (Tableau 2026.2, docs/tableau-rest.md#view-images), `format=PNG|SVG`.
 * An older server does not know `format` and ignores it like any unknown query parameter, so the
 * client gets a PNG and must look at the content type.
 */
const SVG_SINCE_API = '3.29';

function imageOptions(version: string, query: Record<string, unknown>): ImageOptions | string {
  const resolution = String(query.resolution ?? '').toLowerCase() === 'high' ? 'high' : 'standard';
  const svgKnown = API_VERSION_PATTERN.test(version) && compareApiVersions(version, SVG_SINCE_API) >= 0;
  if (!svgKnown || query.format === undefined) return { format: 'PNG', resolution };
  const format = String(query.format).toUpperCase();
  if (format !== 'PNG' && format !== 'SVG') return `format must be PNG or SVG, got '${String(query.format)}'.`;
  return { format, resolution };
}

function sendImage(
  reply: FastifyReply,
  exports: { cache: ExportCache; siteId: string; version: string },
  dataKey: string | undefined,
  query: Record<string, unknown>,
  saved?: Record<string, string>,
): FastifyReply {
  const maxAge = maxAgeSchema.safeParse(query.maxAge);
  if (!maxAge.success) return restError(reply, 400, '400000', 'Bad Request', 'maxAge must be a whole number of minutes between 1 and 240.');
  const options = imageOptions(exports.version, query);
  if (typeof options === 'string') return restError(reply, 400, '400000', 'Bad Request', options);
  const spec = dataKey ? getViewSpec(dataKey) : undefined;
  try {
    const bytes = spec
      ? exports.cache.image(exports.siteId, spec, exportRequestFromQuery(query, saved), options, maxAge.data)
      : renderViewImage(undefined, exportRequestFromQuery(query, saved), options.format, options.resolution);
    return reply.header('content-type', options.format === 'SVG' ? 'image/svg+xml' : 'image/png').send(bytes);
  } catch (e) {
    const detail = e instanceof VdsError ? e.message : 'The view image could not be rendered.';
    return restError(reply, 400, '400000', 'Bad Request', detail);
  }
}

const keyParams = z.object({ key: z.string() });

const editValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const rowMatch = z.record(z.string(), editValue);
/** POST /_sim/data/:key/rows (datasets/row-edits.ts): at least one edit, so an empty body is a mistake, not a new version. */
const rowEditsSchema = z
  .strictObject({
    update: z.array(z.strictObject({ where: rowMatch, set: rowMatch })).optional(),
    add: z.array(rowMatch).optional(),
    remove: z.array(z.strictObject({ where: rowMatch })).optional(),
  })
  .refine((e) => (e.update?.length ?? 0) + (e.add?.length ?? 0) + (e.remove?.length ?? 0) > 0, 'Give at least one update, add or remove.');

export function registerSimDataRoutes(app: FastifyInstance, host: SimDataHost, clock: Clock = systemClock): void {
  const cache = new ExportCache(clock);
  app.get('/api/:v/sites/:siteId/views/:viewId/data', async (request, reply) => {
    const principal = host.authenticate(request, reply);
    if (!principal) return reply;
    const { siteId, viewId } = request.params as { siteId: string; viewId: string };
    const view = siteId === principal.siteId ? host.findView(siteId, viewId) : undefined;
    // Query View Data documents 400080 (a 400, not a 404) for "The view ID in the URI doesn't correspond to a view
    // available on the specified site" (help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm).
    if (!view)
      return restError(
        reply,
        400,
        '400080',
        'Bad Request',
        `The view ID '${viewId}' doesn't correspond to a view available on the specified site.`,
      );
    // A dashboard exports its first sheet's data; the core gives dashboards that sheet's key.
    return sendCsv(reply, { cache, siteId }, view.dataKey, request.query as Record<string, unknown>);
  });

  app.get('/api/:v/sites/:siteId/customviews/:cvId/data', async (request, reply) => {
    const principal = host.authenticate(request, reply);
    if (!principal) return reply;
    const { siteId, cvId } = request.params as { siteId: string; cvId: string };
    const custom = siteId === principal.siteId ? host.findCustomView(siteId, cvId) : undefined;
    // 404048 "Custom view not found" (help.tableau.com/current/api/migration_sdk/en-us/docs/ref_download_custom_view.html).
    if (!custom)
      return restError(
        reply,
        404,
        '404048',
        'Custom view not found',
        `The custom view ID '${cvId}' doesn't correspond to an existing custom view.`,
      );
    const view = host.findView(siteId, custom.viewId);
    return sendCsv(reply, { cache, siteId }, view?.dataKey, request.query as Record<string, unknown>, custom.filters);
  });

  // Query View Image: 404011 when the view is not on the site (rest_api_ref_workbooks_and_views.htm#query_view_image).
  app.get('/api/:v/sites/:siteId/views/:viewId/image', async (request, reply) => {
    const principal = host.authenticate(request, reply);
    if (!principal) return reply;
    const { v, siteId, viewId } = request.params as { v: string; siteId: string; viewId: string };
    const view = siteId === principal.siteId ? host.findView(siteId, viewId) : undefined;
    if (!view)
      return restError(reply, 404, '404011', 'Resource Not Found', `The view ID '${viewId}' doesn't correspond to an existing view.`);
    return sendImage(reply, { cache, siteId, version: v }, view.dataKey, request.query as Record<string, unknown>);
  });

  // Query Custom View Image: the custom view's saved filters first, then vf_ (rest_api_ref_workbooks_and_views.htm#get_custom_view_image).
  app.get('/api/:v/sites/:siteId/customviews/:cvId/image', async (request, reply) => {
    const principal = host.authenticate(request, reply);
    if (!principal) return reply;
    const { v, siteId, cvId } = request.params as { v: string; siteId: string; cvId: string };
    const custom = siteId === principal.siteId ? host.findCustomView(siteId, cvId) : undefined;
    if (!custom)
      return restError(
        reply,
        404,
        '404048',
        'Custom view not found',
        `The custom view ID '${cvId}' doesn't correspond to an existing custom view.`,
      );
    const view = host.findView(siteId, custom.viewId);
    return sendImage(reply, { cache, siteId, version: v }, view?.dataKey, request.query as Record<string, unknown>, custom.filters);
  });

  registerVdsRoutes(app, host);

  app.get('/_sim/data', async () => ({ datasets: datasetKeys(), views: viewKeys() }));
  app.post('/_sim/data/:key/bump', async (request, reply) => {
    const { key } = keyParams.parse(request.params);
    if (!datasetKeys().includes(key)) return reply.code(404).send({ error: `Unknown dataset "${key}"` });
    return { key, version: bumpDataVersion(key) };
  });
  app.post('/_sim/data/:key/mutate', async (request, reply) => {
    const { key } = keyParams.parse(request.params);
    const body = z.strictObject({ salesFactor: z.number().positive().optional() }).safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: body.error.issues.map((i) => i.message).join('; ') });
    if (!datasetKeys().includes(key)) return reply.code(404).send({ error: `Unknown dataset "${key}"` });
    try {
      return { key, version: mutateDataset(key, body.data).version };
    } catch (e) {
      return reply.code(400).send({ error: (e as Error).message });
    }
  });
  // Rows changed at the source (cells by a match, rows added, rows removed): both VDS and the views' CSV see them.
  app.post('/_sim/data/:key/rows', async (request, reply) => {
    const { key } = keyParams.parse(request.params);
    const body = rowEditsSchema.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    if (!datasetKeys().includes(key)) return reply.code(404).send({ error: `Unknown dataset "${key}"` });
    try {
      return { key, ...editDatasetRows(key, body.data) };
    } catch (e) {
      if (e instanceof RowEditError) return reply.code(400).send({ error: e.message });
      throw e;
    }
  });
  app.post('/_sim/data/:key/reset', async (request, reply) => {
    const { key } = keyParams.parse(request.params);
    if (!datasetKeys().includes(key)) return reply.code(404).send({ error: `Unknown dataset "${key}"` });
    resetDataset(key);
    return { key, version: getDataset(key)!.version };
  });
  app.post('/_sim/data/vds/limits', async (request, reply) => {
    const body = limitsSchema.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return setLimits(body.data);
  });
  app.post('/_sim/data/vds/limits/reset', async () => resetLimits());
}
