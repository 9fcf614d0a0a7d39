/**
 * Issue #21, item 1: a table fed by a server schedule says when the schedule runs next and what the
 * latest snapshot holds; before the first run it says there is no snapshot yet (not "Failed") and
 * offers Run now, which runs the schedule on the server and loads its snapshot.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../addin/api/errors.js';
import type { SchedulesClient } from '../../../addin/api/schedules.js';
import { createRefreshLog } from '../../../addin/refresh/runner/log.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import type { ScheduleInfo, ScheduleRunInfo } from '../../../common/schedules.js';
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

const info = (patch: Partial<ScheduleInfo> = {}): ScheduleInfo => ({
  id: 'sch-1',
  connectionId: 'c1',
  definitionId: 'd',
  name: 'Sales',
  source: { kind: 'view', viewId: 'v1' },
  spec: { kind: 'daily', time: '08:00', timeZone: 'Europe/Berlin' },
  description: 'Every day at 08:00 (Europe/Berlin)',
  webhook: null,
  historyLimit: 10,
  createdAt: '2026-12-07T06:00:00.000Z',
  updatedAt: '2026-12-07T06:00:00.000Z',
  nextRunAt: '2026-12-08T07:00:00.000Z',
  status: 'never-run',
  lastRun: null,
  dataAsOf: null,
  ...patch,
});

const run = (patch: Partial<ScheduleRunInfo>): ScheduleRunInfo => ({
  id: 'run-1',
  scheduleId: 'sch-1',
  trigger: 'manual',
  status: 'running',
  startedAt: '2026-12-07T06:28:00.000Z',
  ...patch,
});

async function setup(schedules: Partial<SchedulesClient>) {
  const api = fakeApi();
  const { services, gateway } = memoryServices(api);
  const latestSnapshot = vi.fn(async () => ({ dataAsOf: '2026-12-07T06:28:02.000Z', messages: streamOf(ok(4)) }));
  const service = new RefreshService({
    gateway,
    api,
    snapshots: { latestSnapshot },
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
    source: { kind: 'view', viewId: 'v1', name: 'Superstore / Sales' },
    connection,
  });
  await service.update(service.definitions().definitions[0].id, { options: { serverScheduleId: 'sch-1' } });
  const client = schedules as SchedulesClient;
  const view = renderWith(<TablesScreen timeZone="Europe/Berlin" />, { ...services, refresh: service, schedules: client });
  const card = await screen.findByRole('region', { name: 'Sales' });
  return { gateway, service, latestSnapshot, card, view };
}

describe('Tables tab: server schedules', () => {
  it('before the first run: says no snapshot exists yet, shows the next run in the pane zone, offers Run now, not a failure', async () => {
    const s = await setup({ list: vi.fn(async () => [info()]) });
    await within(s.card).findByText('No snapshot yet: the server has not run this schedule.');
    expect(within(s.card).getByText('Server schedule: Every day at 08:00 (Europe/Berlin)')).toBeInTheDocument();
    // 07:00 UTC is 08:00 in Berlin: times are shown in the pane's zone, as the other times on the card.
    expect(within(s.card).getByText('Next server run 8 Dec 2026, 08:00')).toBeInTheDocument();
    expect(
      within(s.card).getByRole('button', { name: 'Run now — run the server schedule of Sales now and load its snapshot' }),
    ).toBeEnabled();
    // No snapshot to load, so none is offered; nothing on the card is red.
    expect(within(s.card).queryByRole('button', { name: 'More ways to refresh Sales' })).not.toBeInTheDocument();
    expect(within(s.card).queryByText(/Load latest snapshot/)).not.toBeInTheDocument();
    expect(within(s.card).queryByText('Failed')).not.toBeInTheDocument();
    expect(within(s.card).getByText('Inserted')).toBeInTheDocument();
    expect(await axeViolations(s.view.container)).toEqual([]);
  });

  it('Run now runs the schedule on the server, waits for it, loads its snapshot and says so', async () => {
    const list = vi.fn(async () => [info()]);
    const runNow = vi.fn(async () => run({}));
    const runs = vi.fn(async () => [run({ status: 'succeeded', finishedAt: '2026-12-07T06:28:02.000Z', durationMs: 2100, rowCount: 4 })]);
    const s = await setup({ list, runNow, runs });
    await userEvent.click(await within(s.card).findByRole('button', { name: /^Run now — run the server schedule of Sales now/ }));
    expect(within(s.card).getByRole('button', { name: 'Running on the server… (Sales)' })).toBeDisabled();
    expect(within(s.card).getByText('The server is pulling the data; the snapshot loads when it is done.')).toBeInTheDocument();
    await waitFor(() => expect(s.gateway.workbook.findTable('Sales')!.rows).toBe(4), { timeout: 8000 });
    expect(runNow).toHaveBeenCalledWith('sch-1', expect.anything());
    expect(s.latestSnapshot).toHaveBeenCalledWith('sch-1', expect.anything());
    await within(s.card).findByText('The server ran the schedule and Sales now holds its snapshot (4 rows).');
    expect(within(s.card).getByText('Snapshot')).toBeInTheDocument();
    expect(within(s.card).getByText('Data as of 7 Dec 2026, 07:28')).toBeInTheDocument();
    // The schedules are read again, so the card shows the new snapshot time from the server.
    expect(list.mock.calls.length).toBeGreaterThanOrEqual(2);
  }, 20_000);

  it('a failed server run is said in plain words and leaves the table as it was (not marked failed)', async () => {
    const runNow = vi.fn(async () =>
      run({
        status: 'failed',
        finishedAt: '2026-12-07T06:28:01.000Z',
        error: { code: 'server-error', message: 'Tableau could not export the view', hint: 'Try again later.' },
      }),
    );
    const s = await setup({ list: vi.fn(async () => [info()]), runNow, runs: vi.fn(async () => []) });
    await userEvent.click(await within(s.card).findByRole('button', { name: /^Run now — run the server schedule of Sales now/ }));
    const alert = await within(s.card).findByRole('alert');
    expect(alert).toHaveTextContent('Tableau could not export the view');
    expect(s.latestSnapshot).not.toHaveBeenCalled();
    expect(within(s.card).getByText('Inserted')).toBeInTheDocument();
    expect(s.gateway.workbook.findTable('Sales')!.rows).toBe(1);
  });

  it('when a run is already going (409 schedule-busy), Run now waits for that one', async () => {
    const runNow = vi.fn(async () => {
      throw new ApiError({ code: 'schedule-busy', message: 'This schedule is running now.' }, 409);
    });
    const runs = vi.fn(async () => [run({ id: 'run-0', status: 'succeeded', durationMs: 900, rowCount: 4 })]);
    const s = await setup({ list: vi.fn(async () => [info()]), runNow, runs });
    await userEvent.click(await within(s.card).findByRole('button', { name: /^Run now — run the server schedule of Sales now/ }));
    await waitFor(() => expect(s.gateway.workbook.findTable('Sales')!.rows).toBe(4));
  });

  it('after a run: the latest snapshot time, a failed last run as a warning, and the snapshot offered in the menu', async () => {
    const s = await setup({
      list: vi.fn(async () => [
        info({
          status: 'failed',
          dataAsOf: '2026-12-06T07:00:05.000Z',
          lastRun: run({ status: 'failed', finishedAt: '2026-12-07T07:00:03.000Z', error: { code: 'server-error', message: 'Timed out' } }),
        }),
      ]),
    });
    await within(s.card).findByText('Latest snapshot: data as of 6 Dec 2026, 08:00');
    expect(within(s.card).getByText('The last server run (7 Dec 2026, 08:00) failed: Timed out')).toBeInTheDocument();
    await userEvent.click(within(s.card).getByRole('button', { name: 'More ways to refresh Sales' }));
    expect(await screen.findByRole('menuitem', { name: 'Load latest snapshot (data as of 6 Dec 2026, 08:00)' })).toBeInTheDocument();
  });

  it('an on-refresh schedule whose Tableau webhook could not be re-created says so as a warning', async () => {
    const message = 'Tableau webhook missing — could not re-create: Tableau Server is not available right now.';
    const s = await setup({
      list: vi.fn(async () => [
        info({
          spec: { kind: 'on-tableau-refresh' },
          description: 'When Tableau refreshes the data',
          nextRunAt: null,
          tableauWebhook: { state: 'failed', at: '2026-12-07T07:00:00.000Z', message },
        }),
      ]),
    });
    await within(s.card).findByText(message);
    expect(within(s.card).getByText('The server runs it each time Tableau refreshes the data')).toBeInTheDocument();
  });

  it('a run started elsewhere shows as running and the card looks again until it ends', async () => {
    const list = vi
      .fn()
      .mockResolvedValueOnce([info({ status: 'running', lastRun: run({ trigger: 'schedule' }) })])
      .mockResolvedValue([info({ status: 'succeeded', dataAsOf: '2026-12-07T06:29:00.000Z' })]);
    const s = await setup({ list });
    expect(await within(s.card).findByRole('button', { name: 'Running on the server… (Sales)' })).toBeDisabled();
    await within(s.card).findByText('Latest snapshot: data as of 7 Dec 2026, 07:29', {}, { timeout: 8000 });
    expect(within(s.card).getByRole('button', { name: /^Run now — run the server schedule of Sales now/ })).toBeEnabled();
  }, 20_000);
});
