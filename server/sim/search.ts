import { errors } from './errors.js';
import type { FieldTable } from './filter.js';
import { applyFilter, applySort } from './filter.js';
import type { SiteContent } from './state/site.js';

/**
 * Content exploration search, `GET /api/-/search` (docs/tableau-rest.md#endpoints-we-browse): `terms`, `page` (0-based), `limit`,
 * `order_by=hitsTotal:desc,...`, `filter=type:in:[workbook,view],...`. Answers
 * `{hits:{total, limit, pageIndex, startIndex, items:[{uri, content:{...}}], next?, prev?}}` with real
 * numbers (not strings) in content, as tableau-mcp's mockSearchContentItems.ts shows.
 */
interface SearchContent {
  type: 'workbook' | 'view' | 'datasource' | 'project';
  luid: string;
  title: string;
  ownerName: string;
  ownerId: number;
  ownerEmail: string;
  projectName: string;
  containerName: string;
  hitsTotal: number;
  hitsSmallSpanTotal: number;
  hitsMediumSpanTotal: number;
  hitsLargeSpanTotal: number;
  favoritesTotal: number;
  downstreamWorkbookCount?: number;
  modifiedTime: string;
  createdTime: string;
  tags: string[];
  description?: string;
  sheetType?: string;
}

const SEARCH_MAX_LIMIT = 2000;
const DEFAULT_LIMIT = 10;

function spans(hitsTotal: number) {
  return {
    hitsTotal,
    hitsSmallSpanTotal: Math.floor(hitsTotal * 0.1),
    hitsMediumSpanTotal: Math.floor(hitsTotal * 0.25),
    hitsLargeSpanTotal: Math.floor(hitsTotal * 0.5),
  };
}

function searchableContent(site: SiteContent): SearchContent[] {
  const owner = (id: string) => site.users.get(id);
  const project = (id: string) => site.projects.get(id)?.name ?? '';
  const base = (ownerId: string, projectId: string) => {
    const o = owner(ownerId);
    const p = project(projectId);
    return { ownerName: o?.fullName ?? '', ownerId: o?.legacyId ?? 0, ownerEmail: o?.email ?? '', projectName: p, containerName: p };
  };
  /** The fields every kind of content has, in the order Tableau sends them; `extra` adds the kind's own. */
  const entry = (
    type: SearchContent['type'],
    item: { id: string; name: string; ownerId: string; updatedAt: string; createdAt: string },
    projectId: string,
    hits: number,
    favoritesTotal: number,
    tags: string[],
    extra: Pick<SearchContent, 'description' | 'sheetType' | 'downstreamWorkbookCount'>,
  ): SearchContent => ({
    type,
    luid: item.id,
    title: item.name,
    ...base(item.ownerId, projectId),
    ...spans(hits),
    favoritesTotal,
    modifiedTime: item.updatedAt,
    createdTime: item.createdAt,
    tags,
    ...extra,
  });
  const out: SearchContent[] = [];
  for (const p of site.projects.values()) {
    out.push(entry('project', p, p.parentProjectId ?? '', 0, 0, [], { description: p.description }));
  }
  for (const wb of site.workbooks.values()) {
    let hits = 0;
    for (const id of wb.viewIds) hits += site.views.get(id)?.totalViewCount ?? 0;
    out.push(entry('workbook', wb, wb.projectId, hits, 0, wb.tags, { description: wb.description }));
    for (const id of wb.viewIds) {
      const v = site.views.get(id);
      if (!v) continue;
      out.push(entry('view', v, wb.projectId, v.totalViewCount, v.favoritesTotal, v.tags, { sheetType: v.sheetType }));
    }
  }
  const downstream = new Map<string, number>();
  for (const wb of site.workbooks.values()) {
    for (const c of wb.connections) if (c.datasourceId) downstream.set(c.datasourceId, (downstream.get(c.datasourceId) ?? 0) + 1);
  }
  for (const d of site.datasources.values()) {
    out.push(
      entry('datasource', d, d.projectId, d.hitsTotal, d.favoritesTotal, d.tags, {
        downstreamWorkbookCount: downstream.get(d.id) ?? 0,
        description: d.description,
      }),
    );
  }
  return out;
}

const SEARCH_FIELDS: FieldTable<SearchContent> = {
  type: { type: 'string', get: (c) => c.type, ops: ['eq', 'in'] },
  title: { type: 'string', get: (c) => c.title },
  ownerId: { type: 'number', get: (c) => c.ownerId, ops: ['eq', 'in'] },
  ownerName: { type: 'string', get: (c) => c.ownerName },
  projectName: { type: 'string', get: (c) => c.projectName },
  tags: { type: 'list', get: (c) => c.tags },
  modifiedTime: { type: 'date', get: (c) => c.modifiedTime },
  createdTime: { type: 'date', get: (c) => c.createdTime },
  hitsTotal: { type: 'number', get: (c) => c.hitsTotal },
  hitsSmallSpanTotal: { type: 'number', get: (c) => c.hitsSmallSpanTotal },
  hitsMediumSpanTotal: { type: 'number', get: (c) => c.hitsMediumSpanTotal },
  hitsLargeSpanTotal: { type: 'number', get: (c) => c.hitsLargeSpanTotal },
  downstreamWorkbookCount: { type: 'number', get: (c) => c.downstreamWorkbookCount },
  favoritesTotal: { type: 'number', get: (c) => c.favoritesTotal },
};

export interface SearchQuery {
  terms?: string;
  page?: string;
  limit?: string;
  order_by?: string;
  filter?: string;
}

function nonNegativeInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw errors.badRequest(`The search parameter '${name}' must be a non-negative integer.`);
  return Number(raw);
}

/** Relevance without order_by: exact title, then title prefix, then other matches; popular first. */
function relevance(c: SearchContent, terms: string[]): number {
  const t = c.title.toLowerCase();
  const joined = terms.join(' ');
  return t === joined ? 0 : t.startsWith(joined) ? 1 : 2;
}

/**
 * `order_by` sort methods take an optional direction, ascending when none is given: the Content
 * Exploration reference's own example is `order_by=hitsTotal`
 * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_content_exploration.htm) and
 * tableau-mcp's search tool documents "asc … or desc … (default: asc)"
 * (https://tableau.github.io/tableau-mcp/docs/tools/content-exploration/search-content).
 */
function withDirections(orderBy: string): string {
  return orderBy
    .split(',')
    .map((part) => (part.includes(':') ? part : `${part}:asc`))
    .join(',');
}

export function search(site: SiteContent, q: SearchQuery): Record<string, unknown> {
  const pageIndex = nonNegativeInt(q.page, 0, 'page');
  const limit = nonNegativeInt(q.limit, DEFAULT_LIMIT, 'limit');
  if (limit < 1 || limit > SEARCH_MAX_LIMIT) throw errors.badRequest(`The search limit must be between 1 and ${SEARCH_MAX_LIMIT}.`);
  const terms = (q.terms ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  let items = applyFilter(searchableContent(site), q.filter, SEARCH_FIELDS).filter((c) => {
    if (terms.length === 0) return true;
    const hay = [c.title, c.ownerName, c.projectName, c.description ?? '', ...c.tags].join('\n').toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
  if (q.order_by) items = applySort(items, withDirections(q.order_by), SEARCH_FIELDS);
  else
    items = items
      .map((c, i) => ({ c, i, r: relevance(c, terms) }))
      .sort((a, b) => a.r - b.r || b.c.hitsTotal - a.c.hitsTotal || a.i - b.i)
      .map((e) => e.c);
  const startIndex = pageIndex * limit;
  const page = items.slice(startIndex, startIndex + limit);
  const link = (p: number) => {
    const params = new URLSearchParams({ ...(q.terms ? { terms: q.terms } : {}), page: String(p), limit: String(limit) });
    if (q.order_by) params.set('order_by', q.order_by);
    if (q.filter) params.set('filter', q.filter);
    return `/api/-/search?${params.toString()}`;
  };
  const hits: Record<string, unknown> = {
    total: items.length,
    limit,
    pageIndex,
    startIndex,
    items: page.map((content) => ({ uri: `/${content.type}s/${content.luid}`, content })),
  };
  if (startIndex + limit < items.length) hits.next = link(pageIndex + 1);
  if (pageIndex > 0) hits.prev = link(pageIndex - 1);
  return { hits };
}
