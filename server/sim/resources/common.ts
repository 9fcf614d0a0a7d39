import type { FieldsConfig } from '../fields.js';
import { parseSelection } from '../fields.js';
import type { FieldTable } from '../filter.js';
import type { SimUser } from '../state/model.js';
import type { SiteContent } from '../state/site.js';

export type Json = Record<string, unknown>;

/** Per-request context of serializers. Caches are filled lazily, once per request. */
export interface SerializeCtx {
  site: SiteContent;
  /** `http://127.0.0.1:<port>` as the client addressed us; used for webpageUrl. */
  baseUrl: string;
  includeUsage: boolean;
  cache: Map<string, unknown>;
}

/** A list endpoint: its JSON keys, items, filter/sort fields and serializer. */
export interface ResourceDef<T> {
  plural: string;
  singular: string;
  items(site: SiteContent): Iterable<T>;
  /** Filter/sort fields; built per request because getters look up owners and projects. */
  fields(site: SiteContent): FieldTable<T>;
  /** The `fields=_all_` form of one item. */
  full(item: T, ctx: SerializeCtx): Json;
  select: FieldsConfig;
  /** Query parameters that add to the default field set (includeUsageStatistics → usage). */
  extraDefaults?: (query: Record<string, string | undefined>) => string[];
}

export function fieldsConfig(defaults: string, all: string): FieldsConfig {
  return { defaults: parseSelection(defaults), known: new Set(all.split(',').map((s) => s.split('.')[0])) };
}

/** Tableau JSON sends booleans as strings ("showTabs": "true"; docs/tableau-rest.md#json-shapes). */
export const str = (v: boolean | number): string => String(v);

/** Empty tags are `{}` (tableau-mcp PR #80 real output), otherwise `{tag:[{label}]}`. */
export function tagsJson(tags: readonly string[]): Json {
  return tags.length === 0 ? {} : { tag: tags.map((label) => ({ label })) };
}

/** `{}` for an empty list, as real servers send (`"workbooks":{}`, tableau-mcp jobsApi.test.ts). */
export function listJson(singular: string, items: readonly unknown[]): Json {
  return items.length === 0 ? {} : { [singular]: items };
}

export function ownerFull(user: SimUser | undefined, id: string): Json {
  if (!user) return { id };
  return withoutUndefined({
    email: user.email,
    fullName: user.fullName,
    id: user.id,
    lastLogin: user.lastLogin,
    name: user.name,
    siteRole: user.siteRole,
  });
}

/** Copies instead of `delete`: deleting keys turns objects into slow dictionaries for JSON.stringify. */
export function withoutUndefined(o: Json): Json {
  const out: Json = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

/** Owner attributes filterable on most resources (ownerName, ownerEmail, ownerDomain). */
export function ownerFields<T extends { ownerId: string }>(site: SiteContent): FieldTable<T> {
  return {
    ownerName: { type: 'string', get: (i) => site.users.get(i.ownerId)?.name },
    ownerEmail: { type: 'string', get: (i) => site.users.get(i.ownerId)?.email },
    ownerDomain: { type: 'string', get: () => 'local' },
  };
}

export function cached<V>(ctx: SerializeCtx, key: string, make: () => V): V {
  if (!ctx.cache.has(key)) ctx.cache.set(key, make());
  return ctx.cache.get(key) as V;
}
