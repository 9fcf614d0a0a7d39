/**
 * Where Tableau POSTs a refresh event for an on-tableau-refresh schedule (docs/tableau-events.md):
 *
 *   POST /hooks/tableau/:token   body: Tableau's webhook payload (common/tableau-webhook.ts) -> 204
 *
 * Outside /api: Tableau's POST is server-to-server, with no session, no Origin and no way to add a
 * header (a webhook is only a URL: tableau/webhooks-docs README.md "Create a Webhook"). Tableau
 * does not sign its payloads either (https://help.tableau.com/current/developer/webhooks/en-us/docs/webhooks-get-started.html;
 * docs/tableau-rest.md#webhooks), so the one proof is the unguessable token in the path, made when
 * the webhook was registered and checked in constant time (store/tableau-webhooks.ts). Unknown
 * token: 404. A body that is not Tableau's payload: 400. Otherwise 204 at once; the runs start
 * after the answer (Tableau retries a delivery that gets no 2xx, tableau/webhooks-docs README.md
 * "Tableau Webhooks Behavior"; a second delivery of one event runs nothing).
 */
import type { FastifyInstance } from 'fastify';

import { tableauWebhookPayloadSchema } from '../../../common/tableau-webhook.js';
import { notFound } from '../../errors.js';
import { TABLEAU_HOOK_PATH } from '../../services/tableau-events.js';
import type { RouteContext } from '../context.js';
import { parseInput } from '../errors.js';

/** Tableau's payload is six short fields (~300 bytes); anything near this is not one. */
const HOOK_BODY_BYTES = 16 * 1024;

export function tableauHookRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post(`${TABLEAU_HOOK_PATH}/:token`, { bodyLimit: HOOK_BODY_BYTES }, async (request, reply) => {
    const { token } = request.params as { token: string };
    const receiver = ctx.callbacks.tableauEvents;
    const registration = receiver && (await receiver.tableauHook(token));
    if (!receiver || !registration) throw notFound('No such Tableau webhook on this server.');
    const payload = parseInput(tableauWebhookPayloadSchema, request.body, 'Tableau webhook event');
    await receiver.acceptTableauEvent(registration, payload);
    return reply.status(204).send();
  });
}
