/**
 * The JSON body Tableau POSTs to a webhook destination when a subscribed event happens
 * (https://help.tableau.com/current/developer/webhooks/en-us/docs/webhooks-events-payload.html;
 * tableau/webhooks-docs README.md "Payloads"; docs/tableau-rest.md#webhooks):
 *
 *   {"resource":"EXTRACTS","event_type":"DatasourceRefreshSucceeded","resource_name":"My Datasource",
 *    "site_luid":"8b2a95d8-…","resource_luid":"…","created_at":"2018-11-15T17:14:45Z"}
 *
 * One schema for the companion server (which receives it) and the tests (the simulator sends it).
 * Unknown keys are kept, not refused: Tableau may add fields, and a receiver that refuses a newer
 * payload would miss the event. `resource` is not relied on: the current events table calls the
 * refresh events' resource EXTRACTS where the 2020 documentation said DATASOURCE / WORKBOOK, so the
 * event type alone says what was refreshed.
 */
import { z } from 'zod';

import { idSchema } from './source.js';

export const tableauWebhookPayloadSchema = z.looseObject({
  resource: z.string().min(1).max(64),
  /** The `event` name: DatasourceRefreshSucceeded, WorkbookRefreshFailed, ... */
  event_type: z.string().regex(/^[A-Za-z]{1,64}$/, 'must be a Tableau event name'),
  resource_name: z.string().max(1024),
  site_luid: idSchema,
  resource_luid: idSchema,
  /** ISO-8601 UTC, e.g. 2018-11-15T17:14:45Z. */
  created_at: z.string().max(64),
});

export type TableauWebhookPayload = z.infer<typeof tableauWebhookPayloadSchema>;

/** What an event says about a published data source or workbook, or undefined for other events. */
export interface ContentEvent {
  kind: 'datasource' | 'workbook';
  /** `refreshed`: an extract refresh succeeded; `updated`: the content was republished or edited. */
  change: 'refreshed' | 'refresh-failed' | 'refresh-started' | 'updated' | 'deleted';
}

const CHANGES: Record<string, ContentEvent['change']> = {
  RefreshSucceeded: 'refreshed',
  RefreshFailed: 'refresh-failed',
  RefreshStarted: 'refresh-started',
  Updated: 'updated',
  Deleted: 'deleted',
};

/** `DatasourceRefreshSucceeded` → {kind: 'datasource', change: 'refreshed'}; events of other resources → undefined. */
export function contentEventOf(eventType: string): ContentEvent | undefined {
  const m = /^(Datasource|Workbook)(RefreshSucceeded|RefreshFailed|RefreshStarted|Updated|Deleted)$/.exec(eventType);
  if (!m) return undefined;
  return { kind: m[1] === 'Datasource' ? 'datasource' : 'workbook', change: CHANGES[m[2]] };
}
