/**
 * Which schedules a Tableau webhook event concerns (server/schedule/on-tableau-event.ts), with the
 * payload read through the shared schema (common/tableau-webhook.ts) as the simulator sends it.
 */
import { describe, expect, it } from 'vitest';

import type { PullSource } from '../../../common/source.js';
import { contentEventOf, tableauWebhookPayloadSchema } from '../../../common/tableau-webhook.js';
import { schedulesAffectedBy, type ScheduleSourceRef, type SiteContentIndex } from '../../../server/schedule/on-tableau-event.js';

const SITE = '8b2a95d8-52b9-40a4-8712-cd6da771bd1b';
const OTHER_SITE = '11111111-2222-4333-8444-555555555555';
const DS = 'ds-orders';
const DS_OTHER = 'ds-returns';
const WB = 'wb-sales';
const WB_OTHER = 'wb-finance';

const payload = (event_type: string, resource_luid: string, site_luid = SITE) =>
  tableauWebhookPayloadSchema.parse({
    resource: 'EXTRACTS',
    event_type,
    resource_name: 'Orders',
    site_luid,
    resource_luid,
    created_at: '2026-02-02T09:00:05Z',
  });

const query = (datasourceId: string): PullSource => ({
  kind: 'datasource',
  datasourceId,
  query: { fields: [{ fieldCaption: 'Region' }] },
});
const view = (viewId: string, customViewId?: string): PullSource => ({ kind: 'view', viewId, ...(customViewId ? { customViewId } : {}) });

const schedules: ScheduleSourceRef[] = [
  { scheduleId: 's-query', siteLuid: SITE, source: query(DS) },
  { scheduleId: 's-query-other', siteLuid: SITE, source: query(DS_OTHER) },
  { scheduleId: 's-view', siteLuid: SITE, source: view('v-overview') },
  { scheduleId: 's-custom-view', siteLuid: SITE, source: view('v-detail', 'cv-mine') },
  { scheduleId: 's-view-other-wb', siteLuid: SITE, source: view('v-pnl') },
  { scheduleId: 's-unknown-view', siteLuid: SITE, source: view('v-new') },
  { scheduleId: 's-inventory', siteLuid: SITE, source: { kind: 'inventory', resource: 'jobs' } },
  { scheduleId: 's-other-site', siteLuid: OTHER_SITE, source: query(DS) },
];

const index: SiteContentIndex = {
  viewWorkbooks: new Map([
    ['v-overview', WB],
    ['v-detail', WB],
    ['v-pnl', WB_OTHER],
  ]),
  workbookDatasources: new Map([
    [WB, [DS]],
    [WB_OTHER, [DS_OTHER]],
  ]),
};

describe('tableauWebhookPayloadSchema', () => {
  it('reads the documented payload and keeps fields Tableau may add', () => {
    const p = tableauWebhookPayloadSchema.parse({
      resource: 'DATASOURCE',
      event_type: 'DatasourceCreated',
      resource_name: 'My Datasource',
      site_luid: SITE,
      resource_luid: '99',
      created_at: '2018-11-15T17:14:45Z',
      newer_field: 'x',
    });
    expect(p).toMatchObject({ resource_luid: '99', newer_field: 'x' });
  });

  it.each([
    ['the empty body of Test a Webhook', ''],
    ['no event type', { resource: 'EXTRACTS', resource_name: 'x', site_luid: SITE, resource_luid: DS, created_at: '' }],
    [
      'a LUID that is not an id',
      {
        resource: 'EXTRACTS',
        event_type: 'DatasourceRefreshSucceeded',
        resource_name: 'x',
        site_luid: '../x',
        resource_luid: DS,
        created_at: '',
      },
    ],
  ])('refuses %s', (_label, body) => {
    expect(tableauWebhookPayloadSchema.safeParse(body).success).toBe(false);
  });

  it('names what an event says about content', () => {
    expect(contentEventOf('DatasourceRefreshSucceeded')).toEqual({ kind: 'datasource', change: 'refreshed' });
    expect(contentEventOf('WorkbookRefreshFailed')).toEqual({ kind: 'workbook', change: 'refresh-failed' });
    expect(contentEventOf('WorkbookRefreshStarted')).toEqual({ kind: 'workbook', change: 'refresh-started' });
    expect(contentEventOf('DatasourceUpdated')).toEqual({ kind: 'datasource', change: 'updated' });
    expect(contentEventOf('WorkbookDeleted')).toEqual({ kind: 'workbook', change: 'deleted' });
    expect(contentEventOf('ViewDeleted')).toBeUndefined();
    expect(contentEventOf('AdminPromoted')).toBeUndefined();
  });
});

describe('schedulesAffectedBy', () => {
  it('a data source refresh: its VDS queries, then views whose workbook connects to it', () => {
    const r = schedulesAffectedBy(payload('DatasourceRefreshSucceeded', DS), schedules, index);
    expect(r.event).toEqual({ kind: 'datasource', change: 'refreshed' });
    expect(r.affected).toEqual([
      { scheduleId: 's-query', via: 'datasource' },
      { scheduleId: 's-view', via: 'workbook-connection' },
      { scheduleId: 's-custom-view', via: 'workbook-connection' },
    ]);
    expect(r.unresolved).toEqual(['s-unknown-view']);
  });

  it('without workbook connections, a data source event reaches only its queries (views are not guessed)', () => {
    const r = schedulesAffectedBy(payload('DatasourceRefreshSucceeded', DS), schedules, { viewWorkbooks: index.viewWorkbooks });
    expect(r.affected).toEqual([{ scheduleId: 's-query', via: 'datasource' }]);
    expect(r.unresolved).toEqual([]);
  });

  it('a workbook refresh: the views of that workbook (custom views included), not queries of its data sources', () => {
    const r = schedulesAffectedBy(payload('WorkbookRefreshSucceeded', WB), schedules, index);
    expect(r.affected).toEqual([
      { scheduleId: 's-view', via: 'workbook' },
      { scheduleId: 's-custom-view', via: 'workbook' },
    ]);
    expect(r.unresolved).toEqual(['s-unknown-view']);
  });

  it('a failed refresh names the same dependents, with the change saying it failed', () => {
    const r = schedulesAffectedBy(payload('WorkbookRefreshFailed', WB_OTHER), schedules, index);
    expect(r.event).toEqual({ kind: 'workbook', change: 'refresh-failed' });
    expect(r.affected).toEqual([{ scheduleId: 's-view-other-wb', via: 'workbook' }]);
  });

  it('only schedules of the event site count', () => {
    const r = schedulesAffectedBy(payload('DatasourceRefreshSucceeded', DS, OTHER_SITE), schedules, index);
    expect(r.affected).toEqual([{ scheduleId: 's-other-site', via: 'datasource' }]);
    expect(r.unresolved).toEqual([]);
  });

  it('content nobody depends on, and events about other resources, concern no schedule', () => {
    expect(schedulesAffectedBy(payload('DatasourceRefreshSucceeded', 'ds-unused'), schedules, index).affected).toEqual([]);
    const r = schedulesAffectedBy(payload('ViewDeleted', 'v-overview'), schedules, index);
    expect(r).toEqual({ event: undefined, affected: [], unresolved: [] });
  });

  it('lists a schedule once even when several sources lead to it', () => {
    const twice: ScheduleSourceRef[] = [
      { scheduleId: 'dup', siteLuid: SITE, source: query(DS) },
      { scheduleId: 'dup', siteLuid: SITE, source: view('v-overview') },
    ];
    expect(schedulesAffectedBy(payload('DatasourceRefreshSucceeded', DS), twice, index).affected).toEqual([
      { scheduleId: 'dup', via: 'datasource' },
    ]);
  });
});
