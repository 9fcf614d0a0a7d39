/**
 * Issue #21: a table's refresh history (this pane's refresh log and its server schedule's runs) as
 * a small accessible chart: role="img" with a one-sentence summary, and a table alternative.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { SchedulesClient } from '../../../addin/api/schedules.js';
import { createRefreshLog } from '../../../addin/refresh/runner/log.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { HistoryChart } from '../../../addin/ui/tables/chart/HistoryChart.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import type { ScheduleRunInfo } from '../../../common/schedules.js';
import type { StreamMessage } from '../../../common/stream.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith, streamOf } from './harness.js';

const columns = [
  { name: 'Region', type: 'text' as const, format: '@' },
  { name: 'Sales', type: 'decimal' as const, format: '#,##0.00' },
];
const ok = (n: number): StreamMessage[] => [
  { kind: 'meta', columns },
  { kind: 'rows', rows: Array.from({ length: n }, (_, i) => [`R${i}`, i]) },
  { kind: 'end', rowCount: n, truncated: false },
];

describe('refresh history chart', () => {
  it('draws rows and duration per run with a summary a screen reader hears and a table alternative', async () => {
    const at = (d: number) => new Date(Date.UTC(2026, 11, d, 6, 28)).toISOString();
    const runs = [
      { at: at(4), rows: 4388, durationMs: 1000, outcome: 'ok' as const, origin: 'server' as const },
      { at: at(5), rows: 4300, durationMs: 1100, outcome: 'ok' as const, origin: 'server' as const },
      { at: at(6), rows: 1020, durationMs: 2100, outcome: 'ok' as const, origin: 'pane' as const },
      { at: at(7), rows: null, durationMs: 300, outcome: 'failed' as const, origin: 'server' as const },
    ];
    const { container } = renderWith(<HistoryChart runs={runs} table="Sales" timeZone="UTC" />, { api: fakeApi(), workbook: {} as never });
    const img = screen.getByRole('img');
    expect(img).toHaveAccessibleName(
      'Refresh history of Sales: 4 runs; rows 1,020 to 4,388; slowest 2.1 s on 6 Dec, 06:28; rows fell from 4,300 to 1,020 on 6 Dec, 06:28; 1 failed',
    );
    // One group of bars per run; the drop and the failure are drawn apart from the rest.
    expect(img.querySelectorAll('g')).toHaveLength(4);
    const table = screen.getByRole('table', { name: 'Runs of Sales, oldest first' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(5);
    expect(rows[3]).toHaveTextContent(/6 Dec 2026, 06:28This paneDone, rows dropped1,0202\.1 s/);
    expect(rows[4]).toHaveTextContent(/Failed—300 ms/);
    expect(await axeViolations(container)).toEqual([]);
  });

  it('says plainly when there is no history yet', () => {
    renderWith(<HistoryChart runs={[]} table="Sales" />, { api: fakeApi(), workbook: {} as never });
    expect(screen.getByText('No refreshes or server runs of this table yet.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('on a card: History shows this pane’s refreshes and the server schedule’s runs together', async () => {
    let n = 0;
    const api = fakeApi({ pull: (_c: string, _r: unknown, o?: { signal?: AbortSignal }) => streamOf(ok(n++ === 0 ? 25 : 10), o?.signal) });
    const { services, gateway } = memoryServices(api);
    const service = new RefreshService({
      gateway,
      api,
      startup: memoryStartupPort(),
      timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
      runner: { log: createRefreshLog({ storage: undefined }) },
    });
    const written = await gateway.writeTable({ kind: 'newSheet', sheetName: 'Sales' }, columns, [['West', 1]], { tableName: 'Sales' });
    await service.onInserted({
      tableName: written.name,
      sheet: written.sheet,
      address: written.address,
      rowCount: 1,
      truncated: false,
      columns,
      source: { kind: 'view', viewId: 'v1' },
      connection,
    });
    await service.update(service.definitions().definitions[0].id, { options: { serverScheduleId: 'sch-1' } });
    const serverRuns: ScheduleRunInfo[] = [
      {
        id: 'r1',
        scheduleId: 'sch-1',
        trigger: 'schedule',
        status: 'succeeded',
        startedAt: '2026-01-01T07:00:00.000Z',
        finishedAt: '2026-01-01T07:00:02.000Z',
        durationMs: 2000,
        rowCount: 30,
      },
    ];
    const schedules = { list: vi.fn(async () => []), runs: vi.fn(async () => serverRuns) } as Partial<SchedulesClient> as SchedulesClient;
    const { container } = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service, schedules });
    const card = screen.getByRole('region', { name: 'Sales' });
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText(/· 25 rows ·/)).toBeInTheDocument());
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText(/· 10 rows ·/)).toBeInTheDocument());
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh history of Sales' }));
    const img = await within(card).findByRole('img', { name: /^Refresh history of Sales: 3 runs; rows 10 to 30;/ });
    // 25 → 10 is a sudden drop: it is named in the summary.
    expect(img.getAttribute('aria-label')).toMatch(/rows fell from 25 to 10 on/);
    expect(schedules.runs).toHaveBeenCalledWith('sch-1', 30, expect.anything());
    expect(await axeViolations(container)).toEqual([]);
  });
});
