import type { FastifyReply, FastifyRequest } from 'fastify';

import type { Session } from '../auth.js';
import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import { project, resolveFields, type Selection } from '../fields.js';
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
type SiteParams = { version: string; siteId: string };

/** X-Tableau-Auth → live session; 401000 without a token, 401002 for unknown/expired ones (docs/tableau-rest.md#sessions). */
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
  const { list, sel } = selectList(def, site, query, items);
  const { page, pagination } = takePage(list, pageReq);
  const ctx = serializeCtx(site, request, query.includeUsageStatistics === 'true');
  const body = {
    pagination,
    [def.plural]: listJson(
      def.singular,
      page.map((i) => project(def.full(i, ctx), sel)),
    ),
  };
  afterPage(def, site, request);
  return body;
}

function selectionOf<T>(def: ResourceDef<T>, query: Query): Selection | null {
  if (!query.fields || query.fields === '_default_') return defaultFields(def, query);
  return resolveFields(query.fields, def.select);
}

function selectList<T>(def: ResourceDef<T>, site: SiteContent, query: Query, items?: Iterable<T>): { list: T[]; sel: Selection | null } {
  const table = def.fields(site);
  const sel = selectionOf(def, query);
  return { list: applySort(applyFilter(items ?? def.items(site), query.filter, table), query.sort, table), sel };
}

/** "Items added or removed between pages": the change lands after this page was cut. */
function afterPage<T>(def: ResourceDef<T>, site: SiteContent, request: FastifyRequest): void {
  if (request.simFaults?.mutation) applyMutation(site, def.plural, request.simFaults.mutation);
}

/**
 * A list as it stood at one site revision: the filtered, sorted items and each item's JSON, made
 * when a page first needs it. Paging 10,000 workbooks asks for the same list eleven times; without
 * this the simulator re-sorted, re-projected and re-stringified it every time (~24 ms of CPU per
 * 1,000-item page in bench list_10k), time a real Tableau spends on its own hardware, not on the
 * client's machine. The answer is byte-for-byte what listResponse sends.
 */
interface SerializedList {
  revision: number;
  items: unknown[];
  json: Array<string | undefined>;
  /** Whole answers by `pageNumber:pageSize`, as bytes: a cached string would be UTF-8 encoded again on every send. */
  pages: Map<string, Buffer>;
}
const serializedLists = new WeakMap<SiteContent, Map<string, SerializedList>>();
const LISTS_PER_SITE = 16;

function serializedList<T>(
  def: ResourceDef<T>,
  site: SiteContent,
  baseUrl: string,
  query: Query,
): { entry: SerializedList; sel: Selection | null } {
  const key = JSON.stringify([
    def.plural,
    baseUrl,
    query.filter,
    query.sort,
    query.fields,
    query.includeUsageStatistics,
    query.includeUserCount,
  ]);
  let lists = serializedLists.get(site);
  if (!lists) serializedLists.set(site, (lists = new Map()));
  const hit = lists.get(key);
  if (hit && hit.revision === site.revision) return { entry: hit, sel: selectionOf(def, query) };
  const { list, sel } = selectList(def, site, query);
  const entry: SerializedList = {
    revision: site.revision,
    items: list,
    json: new Array<string | undefined>(list.length),
    pages: new Map(),
  };
  lists.delete(key);
  if (lists.size >= LISTS_PER_SITE) lists.delete(lists.keys().next().value!);
  lists.set(key, entry);
  return { entry, sel };
}

/** listResponse for the browse endpoints, answered from the site's serialized lists. */
export function sendList<T>(def: ResourceDef<T>, site: SiteContent, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const query = queryOf(request);
  const pageReq = parsePageRequest(query);
  const ctx = serializeCtx(site, request, query.includeUsageStatistics === 'true');
  const { entry, sel } = serializedList(def, site, ctx.baseUrl, query);
  const pageKey = `${pageReq.pageNumber}:${pageReq.pageSize}`;
  let body = entry.pages.get(pageKey);
  if (body === undefined) {
    const { page, pagination } = takePage(entry.items, pageReq);
    const start = (pageReq.pageNumber - 1) * pageReq.pageSize;
    const parts = new Array<string>(page.length);
    for (let i = 0; i < page.length; i++) {
      parts[i] = entry.json[start + i] ??= JSON.stringify(project(def.full(page[i] as T, ctx), sel));
    }
    const list = parts.length === 0 ? '{}' : `{${JSON.stringify(def.singular)}:[${parts.join(',')}]}`;
    body = Buffer.from(`{"pagination":${JSON.stringify(pagination)},${JSON.stringify(def.plural)}:${list}}`);
    entry.pages.set(pageKey, body);
  }
  afterPage(def, site, request);
  return reply.type('application/json; charset=utf-8').send(body);
}
