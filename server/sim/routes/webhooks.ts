/**
 * Webhooks REST methods of a site: Create a Webhook, List Webhooks, Get a Webhook, Test a Webhook,
 * Delete a Webhook (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_notifications.htm;
 * request and answer shapes from tableau/webhooks-docs README.md "Tableau Server REST API Endpoints for
 * Webhooks" and its Postman collection, TSC https://github.com/tableau/server-client-python/blob/development/test/assets/webhook_get.xml and webhook_create.xml).
 *
 * - Available from REST API 3.6 (TSC webhooks_endpoint.py `@api(version="3.6")`); an older version in
 *   the URL answers 404003 "Unknown resource", the answer of a method a version does not know
 *   (tableau/webhooks-docs#7, server_info_404.xml).
 * - The `event` attribute (`DatasourceRefreshSucceeded`) from REST 3.9 / Tableau 2020.3; before that
 *   only `webhook-source` with a `webhook-source-event-…` element. Both given must name the same event.
 *   `isEnabled` / `statusChangeReason` from 3.8 (Update a Webhook, 2020.2).
 * - Site administrators only (webhooks-get-started.html "Prerequisites").
 * - Destination: method POST, an https URL (routes accept http only to loopback in the simulator's
 *   test mode, webhooks.ts `allowHttpLoopbackForTests`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { Session } from '../auth.js';
import type { SimContext } from '../context.js';
import { errors } from '../errors.js';
import type { Json } from '../resources/common.js';
import { listJson } from '../resources/common.js';
import type { SiteContent } from '../state/site.js';
import { compareApiVersions } from '../versions.js';
import { destinationProblem, eventByName, eventBySource, looksLikeSourceEvent, type SimWebhook } from '../webhooks.js';
import { requireSite } from './common.js';

const S = '/api/:version/sites/:siteId';
/** REST versions: the methods (3.6), isEnabled / statusChangeReason (3.8), the `event` attribute (3.9). */
const SINCE = { webhooks: '3.6', enabledFlag: '3.8', eventAttribute: '3.9' } as const;

const versionOf = (request: FastifyRequest) => (request.params as { version: string }).version;
const atLeast = (request: FastifyRequest, v: string) => compareApiVersions(versionOf(request), v) >= 0;

/** The webhook's JSON as Tableau converts its XML (attributes first, then elements). */
function webhookJson(w: SimWebhook, request: FastifyRequest): Json {
  const source = eventByName(w.event)!.source;
  return {
    id: w.id,
    name: w.name,
    ...(atLeast(request, SINCE.enabledFlag) ? { isEnabled: String(w.isEnabled), statusChangeReason: w.statusChangeReason } : {}),
    ...(atLeast(request, SINCE.eventAttribute) ? { event: w.event } : {}),
    'webhook-source': { [source]: {} },
    'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: w.url } },
    owner: { id: w.ownerId, name: w.ownerName },
  };
}

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Tableau's generic answer to a body it cannot use (rest_api_concepts_errors.htm: 400 "cannot parse or interpret"). */
const malformed = (detail: string) => errors.badRequest(`Payload is either malformed or incomplete. ${detail}`);

interface NewWebhook {
  name: string;
  event: string;
  url: string;
  isEnabled: boolean;
}

function parseBool(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw malformed(`isEnabled must be true or false, not '${String(v)}'.`);
}

/** The Create a Webhook body → a webhook, or Tableau's 400. */
function parseCreate(body: unknown, request: FastifyRequest, ctx: SimContext): NewWebhook {
  const w = asObject(asObject(body)?.webhook);
  if (!w) throw malformed("The request body has no 'webhook' element.");
  const name = typeof w.name === 'string' ? w.name.trim() : '';
  if (!name) throw malformed("The webhook needs a 'name'.");

  // `event` is an attribute only from 3.9; an older URL version does not read it.
  const byAttr = atLeast(request, SINCE.eventAttribute) && typeof w.event === 'string' && w.event !== '' ? w.event : undefined;
  const sourceKeys = Object.keys(asObject(w['webhook-source']) ?? {});
  if (sourceKeys.length > 1) throw malformed('The webhook-source element names more than one event.');
  const bySource = sourceKeys[0];
  if (!byAttr && !bySource) throw malformed("The webhook needs an event: the 'event' attribute or a 'webhook-source' element.");
  const fromAttr = byAttr === undefined ? undefined : eventByName(byAttr);
  if (byAttr !== undefined && !fromAttr) throw malformed(`'${byAttr}' is not a webhook event.`);
  const fromSource = bySource === undefined ? undefined : eventBySource(bySource);
  if (bySource !== undefined && !fromSource) {
    throw malformed(`'${bySource}' is not a webhook event${looksLikeSourceEvent(bySource) ? '' : ' source'}.`);
  }
  if (fromAttr && fromSource && fromAttr !== fromSource) {
    throw malformed(`The event '${byAttr}' and the webhook-source '${bySource}' name different events.`);
  }
  const event = (fromAttr ?? fromSource)!.event;

  const http = asObject(asObject(w['webhook-destination'])?.['webhook-destination-http']);
  if (!http) throw malformed("The webhook needs a 'webhook-destination' with 'webhook-destination-http'.");
  if (http.method !== 'POST') throw malformed(`The webhook destination method must be POST, not '${String(http.method ?? '')}'.`);
  const url = typeof http.url === 'string' ? http.url.trim() : '';
  const problem = destinationProblem(url, ctx.webhooks.settings);
  if (problem) throw malformed(problem);
  const isEnabled = atLeast(request, SINCE.enabledFlag) ? (parseBool(w.isEnabled) ?? true) : true;
  return { name, event, url, isEnabled };
}

/** Session + site + site-administrator role, after the version gate. */
function requireAdmin(ctx: SimContext, request: FastifyRequest): { session: Session; site: SiteContent } {
  if (!atLeast(request, SINCE.webhooks)) {
    throw errors.unknownResource(request.url.split('?')[0].replace(/^\/api(?=\/)/, ''));
  }
  const found = requireSite(ctx, request);
  const role = found.site.users.get(found.session.userId)?.siteRole ?? '';
  if (!role.startsWith('SiteAdministrator')) throw errors.webhooksForbidden();
  return found;
}

export function webhookRoutes(app: FastifyInstance, ctx: SimContext): void {
  const find = (request: FastifyRequest) => {
    const { site } = requireAdmin(ctx, request);
    const id = (request.params as { id: string }).id;
    const hook = ctx.webhooks.webhooks.get(id);
    if (!hook || hook.siteId !== site.site.id) throw errors.webhookNotFound(id);
    return hook;
  };

  app.post(`${S}/webhooks`, async (request, reply) => {
    const { session, site } = requireAdmin(ctx, request);
    const parsed = parseCreate(request.body, request, ctx);
    const owner = site.users.get(session.userId)!;
    const hook = ctx.webhooks.add({
      ...parsed,
      siteId: site.site.id,
      statusChangeReason: '',
      ownerId: owner.id,
      ownerName: owner.name,
    });
    // 201 and Location (tableau/webhooks-docs README.md "Create a Webhook").
    reply.header('Location', `/api/${versionOf(request)}/sites/${site.site.id}/webhooks/${hook.id}`);
    return reply.code(201).send({ webhook: webhookJson(hook, request) });
  });

  // Not paged: TSC builds its pagination from the single list (PaginationItem.from_single_page_list).
  app.get(`${S}/webhooks`, async (request) => {
    const { site } = requireAdmin(ctx, request);
    return {
      webhooks: listJson(
        'webhook',
        ctx.webhooks.ofSite(site.site.id).map((w) => webhookJson(w, request)),
      ),
    };
  });

  app.get(`${S}/webhooks/:id`, async (request) => ({ webhook: webhookJson(find(request), request) }));

  // Test a Webhook: Tableau POSTs an empty payload and answers the destination's status and body.
  app.get(`${S}/webhooks/:id/test`, async (request) => {
    const hook = find(request);
    const result = await ctx.webhooks.test(hook);
    return { webhookTestResult: { id: hook.id, status: String(result.status), body: result.body } };
  });

  app.delete(`${S}/webhooks/:id`, async (request, reply) => {
    const hook = find(request);
    ctx.webhooks.webhooks.delete(hook.id);
    return reply.code(204).send();
  });
}
