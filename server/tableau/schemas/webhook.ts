/**
 * Webhooks of a site (Create / List / Get / Test a Webhook,
 * https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_notifications.htm). Shapes from
 * tableau/webhooks-docs README.md ("Tableau Server REST API Endpoints for Webhooks") and TSC
 * https://github.com/tableau/server-client-python/blob/development/test/assets/webhook_get.xml (and webhook_create.xml); JSON as Tableau converts its XML
 * (docs/tableau-rest.md#json-shapes), so `isEnabled` may come as "true".
 */
import { z } from 'zod';

import { bool, ref, str } from './coerce.js';

/**
 * The trigger events: the `event` name (REST 3.9+) and the older `webhook-source` element name
 * (https://help.tableau.com/current/developer/webhooks/en-us/docs/webhooks-events-payload.html).
 */
export const WEBHOOK_EVENTS = {
  AdminPromoted: 'webhook-event-user-promoted-admin',
  AdminDemoted: 'webhook-event-user-demoted-admin',
  DatasourceUpdated: 'webhook-source-event-datasource-updated',
  DatasourceCreated: 'webhook-source-event-datasource-created',
  DatasourceDeleted: 'webhook-source-event-datasource-deleted',
  DatasourceRefreshStarted: 'webhook-source-event-datasource-refresh-started',
  DatasourceRefreshSucceeded: 'webhook-source-event-datasource-refresh-succeeded',
  DatasourceRefreshFailed: 'webhook-source-event-datasource-refresh-failed',
  LabelCreated: 'webhook-source-event-label-created',
  LabelUpdated: 'webhook-source-event-label-updated',
  LabelDeleted: 'webhook-source-event-label-LabelDeleted',
  SiteCreated: 'webhook-source-event-site-created',
  SiteUpdated: 'webhook-source-event-site-updated',
  SiteDeleted: 'webhook-source-event-site-deleted',
  UserDeleted: 'webhook-source-event-user-deleted',
  ViewDeleted: 'webhook-source-event-view-deleted',
  WorkbookUpdated: 'webhook-source-event-workbook-updated',
  WorkbookCreated: 'webhook-source-event-workbook-created',
  WorkbookDeleted: 'webhook-source-event-workbook-deleted',
  WorkbookRefreshStarted: 'webhook-source-event-workbook-refresh-started',
  WorkbookRefreshSucceeded: 'webhook-source-event-workbook-refresh-succeeded',
  WorkbookRefreshFailed: 'webhook-source-event-workbook-refresh-failed',
} as const;

export type WebhookEvent = keyof typeof WEBHOOK_EVENTS;

const EVENT_BY_SOURCE = new Map(Object.entries(WEBHOOK_EVENTS).map(([event, source]) => [source as string, event as WebhookEvent]));

export const isWebhookEvent = (v: string): v is WebhookEvent => Object.hasOwn(WEBHOOK_EVENTS, v);

/** One webhook as Tableau answers it (`webhook` of Create / Get, an item of List). */
const rawWebhookSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  /** REST 3.9+. */
  event: str,
  /** REST 3.8+. */
  isEnabled: bool,
  statusChangeReason: str,
  /** `{"webhook-source-event-…": {}}`: its one key names the event. */
  'webhook-source': z.record(z.string(), z.unknown()).optional().catch(undefined),
  'webhook-destination': z
    .looseObject({ 'webhook-destination-http': z.looseObject({ method: str, url: str }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  owner: ref,
});

/** A webhook, read the same way whatever the server's version. */
export interface Webhook {
  id: string;
  name: string;
  /** The `event` name; from the `webhook-source` element on servers before 3.9. Undefined if neither is known. */
  event: string | undefined;
  url: string | undefined;
  /** Servers before 3.8 have no flag: every webhook is enabled. */
  enabled: boolean;
  statusChangeReason: string | undefined;
  ownerId: string | undefined;
}

export const webhookSchema = rawWebhookSchema.transform((w): Webhook => {
  const source = Object.keys(w['webhook-source'] ?? {})[0];
  return {
    id: w.id,
    name: w.name,
    event: w.event || (source ? (EVENT_BY_SOURCE.get(source) ?? source) : undefined),
    url: w['webhook-destination']?.['webhook-destination-http']?.url,
    enabled: w.isEnabled ?? true,
    statusChangeReason: w.statusChangeReason || undefined,
    ownerId: w.owner?.id,
  };
});

export const webhookResponseSchema = z.object({ webhook: webhookSchema });

/** Test a Webhook: the destination's HTTP status and body (`<webhookTestResult id status><body/>`). */
export const webhookTestResultSchema = z.object({
  webhookTestResult: z.looseObject({
    id: str,
    status: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().int()),
    body: z.preprocess((v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v)), z.string()),
  }),
});
