import type { FastifyRequest } from 'fastify';
import type { Session } from '../auth.js';
import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { project, resolveFields } from '../fields.js';
import { applyFilter, applySort } from '../filter.js';
import { applyMutation } from '../mutate.js';
import { parsePageRequest, takePage } from '../paging.js';
import type { Json, ResourceDef, SerializeCtx } from '../resources/common.js';
import { listJson } from '../resources/common.js';
import type { SiteContent } from '../state/site.js';

export type Query = Record<string, string | undefined>;

/** Query string with one value per name: a repeated parameter (`?filter=a&filter=b`) keeps the last. */
export function queryOf(request: FastifyRequest): Query {
  const out: Query = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}
export type SiteParams = { version: string; siteId: string };

/** X-Tableau-Auth → live session; 401000 without a token, 401002 for unknown/expired ones (notes §1.6). */
export function requireSession(ctx: SimContext, request: FastifyRequest): Session {
  const raw = request.headers['x-tableau-auth'];
  const token = Array.isArray(raw) ? raw[0] : raw;
  if (!token) throw errors.noCredentials();
  const session = ctx.sessions.use(token);
  if (!session) throw errors.invalidCredentials();
  return session;
}

/** Session + the site named in the URL, which must be the session's site. */
export function requireSite(ctx: SimContext, request: FastifyRequest): { session: Session; site: SiteContent } {
  const session = requireSession(ctx, request);
  const { siteId } = request.params as SiteParams;
  const site = ctx.state.site(siteId);
  if (!site) throw errors.notFound('site', siteId);
  // A token only opens the site it was issued for; Tableau answers 401 for other sites (Salesforce KB 001498381).
  if (site.site.id !== session.siteId) throw errors.invalidCredentials();
  return { session, site };
}

export function serializeCtx(site: SiteContent, request: FastifyRequest, includeUsage = false): SerializeCtx {
  return { site, baseUrl: `${request.protocol}://${request.host}`, includeUsage, cache: new Map() };
}

/** The default field set (plus query-driven extras such as usage) of `def`. */
export function defaultFields<T>(def: ResourceDef<T>, query: Query) {
  const sel = resolveFields(undefined, def.select);
  const extra = def.extraDefaults?.(query) ?? [];
  if (!sel || extra.length === 0) return sel;
  const copy = new Map(sel);
  for (const k of extra) copy.set(k, true);
  return copy;
}

/**
 * A paged, filtered, sorted list as Tableau answers it:
 * `{pagination:{...strings}, <plural>:{<singular>:[...]}}` or `<plural>:{}` when empty.
 */
export function listResponse<T>(def: ResourceDef<T>, site: SiteContent, request: FastifyRequest, items?: Iterable<T>): Json {
  const query = queryOf(request);
  const pageReq = parsePageRequest(query);
  const table = def.fields(site);
  let sel = resolveFields(query.fields, def.select);
  if (!query.fields || query.fields === '_default_') sel = defaultFields(def, query);
  const filtered = applySort(applyFilter(items ?? def.items(site), query.filter, table), query.sort, table);
  const { page, pagination } = takePage(filtered, pageReq);
  const ctx = serializeCtx(site, request, query.includeUsageStatistics === 'true');
  const body = { pagination, [def.plural]: listJson(def.singular, page.map((i) => project(def.full(i, ctx), sel))) };
  // "Items added or removed between pages": the change lands after this page was cut.
  if (request.simFaults?.mutation) applyMutation(site, def.plural, request.simFaults.mutation);
  return body;
}
