/**
 * Event-driven refresh (#17), the pure part: given a webhook payload Tableau POSTed (an extract
 * refresh of a published data source or workbook finished, or the content was republished or
 * deleted; common/tableau-webhook.ts) and the sources of the schedules, which schedules depend on
 * that content. Nothing here runs a schedule, reads a store or calls Tableau: the caller hands in
 * what it knows about the site (a view's workbook, a workbook's published data sources) and decides
 * what to do with the answer (run the refreshed ones now, mark the others stale, ...).
 *
 * Dependencies (common/source.ts):
 * - a VDS query source (`kind: 'datasource'`) depends on its published data source;
 * - a view source (`kind: 'view'`, also with a custom view) depends on the view's workbook, and —
 *   when the caller knows the workbook's connections — on the published data sources the workbook
 *   connects to: a workbook on a published data source shows that data source's refreshed extract
 *   (Tableau's workbooks connect to published data sources by `datasource.id`, Query Workbook
 *   Connections, https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm);
 * - an inventory list (`kind: 'inventory'`) depends on no one data source or workbook.
 * Only schedules of the event's site count: LUIDs are per site, and a server can send events of
 * several sites to one destination (`site_luid`, docs/tableau-rest.md#webhooks).
 */
import type { PullSource } from '../../common/source.js';
import { type ContentEvent, contentEventOf, type TableauWebhookPayload } from '../../common/tableau-webhook.js';

export interface ScheduleSourceRef {
  scheduleId: string;
  /** LUID of the Tableau site the schedule's connection signs in to (the sign-in answer's site.id). */
  siteLuid: string;
  source: PullSource;
}

/** What the caller knows about the event's site. */
export interface SiteContentIndex {
  /** View LUID → its workbook's LUID (Query View / Query Views for Site: `workbook.id`). */
  viewWorkbooks: ReadonlyMap<string, string>;
  /**
   * Workbook LUID → LUIDs of the published data sources it connects to (Query Workbook Connections:
   * `connection.datasource.id`). Without it a data source event reaches only VDS query schedules.
   */
  workbookDatasources?: ReadonlyMap<string, readonly string[]>;
}

interface AffectedSchedule {
  scheduleId: string;
  /** `datasource`: a query of the data source; `workbook`: a view of the workbook; `workbook-connection`: a view whose workbook uses the data source. */
  via: 'datasource' | 'workbook' | 'workbook-connection';
}

export interface TableauEventImpact {
  /** The event as content news (kind + change), or undefined for events of other resources. */
  event: ContentEvent | undefined;
  /** The dependent schedules of the event's site, each once, in the order given. */
  affected: AffectedSchedule[];
  /** View schedules of the site whose view is not in `viewWorkbooks`: unknown, look the view up and ask again. */
  unresolved: string[];
}

/** Which schedules depend on the data source or workbook a Tableau webhook event is about. */
export function schedulesAffectedBy(
  payload: TableauWebhookPayload,
  schedules: readonly ScheduleSourceRef[],
  index: SiteContentIndex,
): TableauEventImpact {
  const event = contentEventOf(payload.event_type);
  const affected: AffectedSchedule[] = [];
  const unresolved: string[] = [];
  if (!event) return { event, affected, unresolved };
  const target = payload.resource_luid;
  const seen = new Set<string>();
  const add = (scheduleId: string, via: AffectedSchedule['via']) => {
    if (seen.has(scheduleId)) return;
    seen.add(scheduleId);
    affected.push({ scheduleId, via });
  };

  for (const s of schedules) {
    if (s.siteLuid !== payload.site_luid) continue;
    const source = s.source;
    if (source.kind === 'datasource') {
      if (event.kind === 'datasource' && source.datasourceId === target) add(s.scheduleId, 'datasource');
      continue;
    }
    if (source.kind !== 'view') continue;
    // A data source event reaches views only through workbook connections the caller knows.
    if (event.kind === 'datasource' && !index.workbookDatasources) continue;
    const workbookId = index.viewWorkbooks.get(source.viewId);
    if (workbookId === undefined) {
      if (!seen.has(s.scheduleId) && !unresolved.includes(s.scheduleId)) unresolved.push(s.scheduleId);
      continue;
    }
    if (event.kind === 'workbook') {
      if (workbookId === target) add(s.scheduleId, 'workbook');
    } else if (index.workbookDatasources?.get(workbookId)?.includes(target)) {
      add(s.scheduleId, 'workbook-connection');
    }
  }
  return { event, affected, unresolved: unresolved.filter((id) => !seen.has(id)) };
}
