/**
 * The on-tableau-refresh trigger (docs/tableau-events.md), the pure part: which Tableau webhook
 * events a schedule's source needs, and how one event is told apart from another delivery of it.
 */
import type { PullSource } from '../../common/source.js';
import type { TableauWebhookPayload } from '../../common/tableau-webhook.js';
import type { RefreshEvent } from '../store/tableau-webhooks.js';

/**
 * The refresh events a source depends on (on-tableau-event.ts explains the dependencies):
 * - a VDS query: its published data source's extract refresh;
 * - a view: its workbook's extract refresh, and the refresh of a published data source the
 *   workbook connects to (the view shows that extract);
 * - an inventory list: none — it depends on no one data source or workbook (undefined).
 */
export function refreshEventsFor(source: PullSource): RefreshEvent[] | undefined {
  switch (source.kind) {
    case 'datasource':
      return ['DatasourceRefreshSucceeded'];
    case 'view':
      return ['WorkbookRefreshSucceeded', 'DatasourceRefreshSucceeded'];
    default:
      return undefined;
  }
}

/**
 * What makes one event: the site, the event, the resource and Tableau's `created_at` (seconds).
 * Tableau's retries of a delivery repeat the same payload (tableau/webhooks-docs README.md "Tableau
 * Webhooks Behavior"), so they have the same key; a later refresh of the same resource has a later
 * `created_at`, so a new one.
 */
export function eventKeyOf(payload: TableauWebhookPayload): string {
  return [payload.site_luid, payload.event_type, payload.resource_luid, payload.created_at].join('|');
}
