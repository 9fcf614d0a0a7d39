/**
 * Test harness for the pane: jsdom polyfills (tests only), a scriptable fake ApiClient, the real
 * memoryGateway, and axe-core with the jsdom-unreliable color-contrast rule off.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { configure, render } from '@testing-library/react';
import axe from 'axe-core';
import type { ReactElement } from 'react';
import { vi } from 'vitest';

import type { ApiClient } from '../../../addin/api/client.js';
import { ApiError } from '../../../addin/api/errors.js';
import { type Services, ServicesProvider } from '../../../addin/app/services.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { ConnectionInfo, DatasourceMetadata, HealthResponse, Page } from '../../../common/api.js';
import type { StreamMessage } from '../../../common/stream.js';

// Fluent in jsdom renders slowly on a cold start, and a loaded 2-core machine can take several
// seconds for one render (a run next to other jobs failed at 5 s): give async queries room. A
// query for something that never appears still fails, within the 30 s test timeout.
configure({ asyncUtilTimeout: 10_000 });

// ── jsdom gaps (polyfilled here only) ───────────────────────────────────────
if (!window.matchMedia) {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
}
if (!('ResizeObserver' in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => undefined;

export const connection: ConnectionInfo = {
  id: 'c1',
  label: 'demo / superstore',
  serverUrl: 'https://tableau.example.com',
  siteContentUrl: 'superstore',
  authKind: 'pat',
  principal: 'analyst-pat',
  createdAt: '2026-01-01T00:00:00Z',
};

export function page<T>(items: T[], pageNo: number, total: number, pageSize = items.length): Page<T> {
  return { items, page: pageNo, pageSize, total, nextPage: pageNo * pageSize < total ? pageNo + 1 : null };
}

export async function* streamOf(messages: StreamMessage[], signal?: AbortSignal): AsyncGenerator<StreamMessage> {
  for (const m of messages) {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    yield m;
  }
}

const notStubbed = (name: string) => () => Promise.reject(new Error(`fake api: ${name} not stubbed`));
/** What the pane hears when Tableau's Metadata API is turned off (server/tableau/metadata.ts). */
export const metadataOff = () =>
  Promise.reject(
    new ApiError(
      { code: 'metadata-disabled', message: "Tableau's Metadata API is turned off on this server.", tableauCode: 'FEATURE_DISABLED' },
      422,
    ),
  );

/** Every method a vi.fn; override what a test needs. */
export function fakeApi(overrides: Partial<Record<keyof ApiClient, unknown>> = {}): ApiClient & Record<string, ReturnType<typeof vi.fn>> {
  const health: HealthResponse = { ok: true, version: 'test' };
  const base: Record<string, unknown> = {
    health: vi.fn(async () => health),
    hasSession: vi.fn(() => true),
    connect: vi.fn(notStubbed('connect')),
    listConnections: vi.fn(async () => [connection]),
    forgetConnection: vi.fn(async () => undefined),
    signOut: vi.fn(async () => undefined),
    projects: vi.fn(async () => []),
    workbooks: vi.fn(async () => page([], 1, 0)),
    views: vi.fn(async () => []),
    datasources: vi.fn(async () => page([], 1, 0)),
    search: vi.fn(async () => page([], 1, 0)),
    metadata: vi.fn(notStubbed('metadata')),
    fieldValues: vi.fn(notStubbed('fieldValues')),
    dashboardSheets: vi.fn(notStubbed('dashboardSheets')),
    rowsBehind: vi.fn(notStubbed('rowsBehind')),
    // Screens ask for meanings and lineage on the side; unstubbed, Tableau "has it turned off".
    metadataFields: vi.fn(metadataOff),
    viewLineage: vi.fn(metadataOff),
    sheetDatasources: vi.fn(metadataOff),
    workbookDashboards: vi.fn(metadataOff),
    pull: vi.fn(() => streamOf([{ kind: 'error', error: { code: 'unexpected', message: 'pull not stubbed' } }])),
    publishDryRun: vi.fn(notStubbed('publishDryRun')),
    publishApply: vi.fn(notStubbed('publishApply')),
    viewImage: vi.fn(notStubbed('viewImage')),
    listSchedules: vi.fn(notStubbed('listSchedules')),
    createSchedule: vi.fn(notStubbed('createSchedule')),
    updateSchedule: vi.fn(notStubbed('updateSchedule')),
    deleteSchedule: vi.fn(notStubbed('deleteSchedule')),
    scheduleRuns: vi.fn(notStubbed('scheduleRuns')),
    latestSnapshot: vi.fn(notStubbed('latestSnapshot')),
  };
  for (const [k, v] of Object.entries(overrides)) base[k] = typeof v === 'function' && !vi.isMockFunction(v) ? vi.fn(v as never) : v;
  return base as ApiClient & Record<string, ReturnType<typeof vi.fn>>;
}

export function memoryServices(api: ApiClient, extra: Partial<Services> = {}) {
  const workbook = new MemoryWorkbook();
  const gateway = memoryGateway(workbook);
  const services: Services = { api, workbook: gateway, ...extra };
  return { services, workbook, gateway };
}

export function renderWith(ui: ReactElement, services: Services) {
  return render(
    <FluentProvider theme={webLightTheme}>
      <ServicesProvider services={services}>{ui}</ServicesProvider>
    </FluentProvider>,
  );
}

/** axe-core violations (color-contrast off: jsdom has no layout or computed colours). */
export async function axeViolations(container: Element): Promise<string[]> {
  const result = await axe.run(container, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export const metadata: DatasourceMetadata = {
  fields: [
    { fieldName: 'Region', fieldCaption: 'Region', dataType: 'STRING', role: 'DIMENSION' },
    { fieldName: 'Category', fieldCaption: 'Category', dataType: 'STRING', role: 'DIMENSION' },
    { fieldName: 'Order Date', fieldCaption: 'Order Date', dataType: 'DATE', role: 'DIMENSION' },
    { fieldName: 'Sales', fieldCaption: 'Sales', dataType: 'REAL', role: 'MEASURE', defaultAggregation: 'SUM' },
    { fieldName: 'Discount', fieldCaption: 'Discount', dataType: 'REAL', role: 'MEASURE', defaultAggregation: 'AVG' },
  ],
  parameters: [{ parameterCaption: 'Top N', parameterType: 'QUANTITATIVE_RANGE', dataType: 'INTEGER', value: 10 }],
  capabilities: { rowLimit: false, conditionFilter: false, datasourceModel: true },
};
