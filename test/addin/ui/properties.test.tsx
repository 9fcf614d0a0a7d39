/**
 * Issue #21, item 9: a table's refresh options in one Properties view, in the words of Excel's own
 * connection properties; keyboard and screen-reader friendly (groups, labels, focus on open/close).
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
import type { ScheduleInfo } from '../../../common/schedules.js';
import type { PullSource } from '../../../common/source.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith } from './harness.js';

const columns = [
  { name: 'Region', type: 'text' as const, format: '@' },
  { name: 'Sales', type: 'decimal' as const, format: '#,##0.00' },
];

async function setup(schedules?: Partial<SchedulesClient>, source: PullSource = { kind: 'view', viewId: 'v1' }) {
  const api = fakeApi();
  const { services, gateway } = memoryServices(api);
  const startup = memoryStartupPort();
  const service = new RefreshService({
    gateway,
    api,
    startup,
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
    source,
    connection,
  });
  const view = renderWith(<TablesScreen timeZone="UTC" />, {
    ...services,
    refresh: service,
    ...(schedules ? { schedules: schedules as SchedulesClient } : {}),
  });
  const user = userEvent.setup();
  return { api, service, startup, view, user };
}

describe('Tables tab: Properties', () => {
  it('chooses the key columns a refresh matches rows by (none ticked: guessed, and says so)', async () => {
    const s = await setup();
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const keys = within(screen.getByRole('region', { name: 'Properties of Sales' })).getByRole('group', { name: /^Key columns/ });
    expect(within(keys).getByText(/None chosen: the key is guessed/)).toBeInTheDocument();
    await s.user.click(within(keys).getByRole('checkbox', { name: 'Region' }));
    expect(within(keys).getByText('Rows are matched by Region.')).toBeInTheDocument();
    await s.user.click(within(keys).getByRole('checkbox', { name: /^Highlight added rows and changed cells/ }));
    await s.user.click(screen.getByRole('button', { name: 'Save properties' }));
    const id = (await s.service.store.list())[0].id;
    await waitFor(async () =>
      expect((await s.service.store.get(id))?.options).toMatchObject({ keyColumns: ['Region'], highlightChanges: true }),
    );
  }, 60_000);

  it('gathers every refresh option in Excel’s words, in labelled groups, with focus on open', async () => {
    const s = await setup({ list: vi.fn(async () => []) });
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const view = screen.getByRole('region', { name: 'Properties of Sales' });
    expect(screen.getByRole('heading', { name: 'Properties of Sales' })).toHaveFocus();
    const control = within(view).getByRole('group', { name: 'Refresh control' });
    expect(within(control).getByRole('checkbox', { name: 'Refresh data when opening the file' })).not.toBeChecked();
    expect(within(control).getByRole('checkbox', { name: 'Refresh every N minutes' })).not.toBeChecked();
    expect(within(control).getByRole('checkbox', { name: 'Refresh the extract in Tableau first' })).toBeInTheDocument();
    expect(within(control).getByText(/Background refresh: always on/)).toBeInTheDocument();
    const layout = within(view).getByRole('group', { name: 'Data layout' });
    expect(within(layout).getByRole('radio', { name: 'Replace the rows with the new data' })).toBeChecked();
    const kept = within(layout).getByRole('list', { name: 'Always kept through a refresh' });
    expect(within(kept).getByText(/Preserve column sort\/filter\/layout: always on/)).toBeInTheDocument();
    expect(within(kept).getByText(/Fill formulas in adjacent columns: always on/)).toBeInTheDocument();
    // The server schedule is part of the same view.
    const server = within(view).getByRole('group', { name: 'Server schedule' });
    expect(within(server).getByRole('button', { name: 'Create server schedule' })).toBeInTheDocument();
    // The old scattered Options button is gone.
    expect(screen.queryByRole('button', { name: /^Options of/ })).not.toBeInTheDocument();
    expect(await axeViolations(s.view.container)).toEqual([]);
    // axe walks every time-zone option (~400): slow in jsdom on a busy machine.
  }, 60_000);

  it('saves, says so, and gives focus back to the Properties button; Escape closes without saving', async () => {
    const s = await setup();
    const button = screen.getByRole('button', { name: 'Properties of Sales' });
    await s.user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await s.user.click(screen.getByRole('checkbox', { name: 'Refresh every N minutes' }));
    await s.user.clear(screen.getByLabelText('Minutes between refreshes'));
    await s.user.type(screen.getByLabelText('Minutes between refreshes'), '0');
    await s.user.click(screen.getByRole('button', { name: 'Save properties' }));
    expect(screen.getByText(/Refresh every: a whole number of minutes from 1/)).toBeInTheDocument();
    await s.user.clear(screen.getByLabelText('Minutes between refreshes'));
    await s.user.type(screen.getByLabelText('Minutes between refreshes'), '30');
    await s.user.click(screen.getByRole('button', { name: 'Save properties' }));
    await screen.findByText('Properties of Sales saved.');
    expect(screen.queryByRole('region', { name: 'Properties of Sales' })).not.toBeInTheDocument();
    await waitFor(() => expect(button).toHaveFocus());
    expect(s.service.definitions().definitions[0].options.everyMinutes).toBe(30);

    await s.user.click(button);
    await s.user.click(screen.getByRole('checkbox', { name: 'Refresh data when opening the file' }));
    await s.user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Properties of Sales' })).not.toBeInTheDocument();
    await waitFor(() => expect(button).toHaveFocus());
    expect(s.service.definitions().definitions[0].options.refreshOnOpen).toBe(false);
    expect(s.startup.behavior).not.toBe('load');
  });

  it('creates a server schedule from pickers (24-hour time, time zone), nothing typed', async () => {
    const created: ScheduleInfo = {
      id: 'sch-9',
      spec: { kind: 'daily', time: '06:30', timeZone: 'Europe/Berlin' },
      description: 'Every day at 06:30 (Europe/Berlin)',
      status: 'never-run',
      nextRunAt: '2026-12-08T05:30:00.000Z',
      lastRun: null,
      dataAsOf: null,
    } as ScheduleInfo;
    const create = vi.fn(async () => created);
    const list = vi.fn(async () => [created]);
    const s = await setup({ list, create });
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const server = screen.getByRole('group', { name: 'Server schedule' });
    const time = within(server).getByRole('group', { name: 'Time (24-hour)' });
    await s.user.selectOptions(within(time).getByLabelText('Hour'), '06');
    await s.user.selectOptions(within(time).getByLabelText('Minute'), '30');
    expect(within(time).getByRole('option', { name: '18' })).toBeInTheDocument();
    await s.user.selectOptions(within(server).getByLabelText('Time zone'), 'Europe/Berlin');
    await s.user.click(within(server).getByRole('button', { name: 'Create server schedule' }));
    await within(server).findByText(/Server schedule created: Every day at 06:30 \(Europe\/Berlin\)/);
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ connectionId: 'c1', spec: { kind: 'daily', time: '06:30', timeZone: 'Europe/Berlin' } }),
    );
    expect(s.service.definitions().definitions[0].options.serverScheduleId).toBe('sch-9');
    // The card now shows the new schedule with Run now (its first snapshot does not exist yet).
    const card = screen.getByRole('region', { name: 'Sales' });
    await within(card).findByText('No snapshot yet: the server has not run this schedule.');
    expect(within(card).getByText('Next server run 8 Dec 2026, 05:30')).toBeInTheDocument();
  });

  it('offers "When Tableau refreshes the data": no time or zone to pick, and the card says it waits for Tableau', async () => {
    const created = {
      id: 'sch-7',
      spec: { kind: 'on-tableau-refresh' },
      description: 'When Tableau refreshes the data',
      status: 'never-run',
      nextRunAt: null,
      lastRun: null,
      dataAsOf: null,
    } as unknown as ScheduleInfo;
    const create = vi.fn(async () => created);
    const s = await setup({ list: vi.fn(async () => [created]), create });
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const server = screen.getByRole('group', { name: 'Server schedule' });
    await s.user.selectOptions(within(server).getByLabelText('Repeat'), 'When Tableau refreshes the data');
    expect(within(server).queryByLabelText('Time zone')).not.toBeInTheDocument();
    expect(within(server).queryByRole('group', { name: 'Time (24-hour)' })).not.toBeInTheDocument();
    expect(within(server).getByText(/only a Tableau site administrator can set up/)).toBeInTheDocument();
    await s.user.click(within(server).getByRole('button', { name: 'Create server schedule' }));
    await within(server).findByText(/Server schedule created: When Tableau refreshes the data\./);
    expect(create).toHaveBeenCalledWith(expect.objectContaining({ connectionId: 'c1', spec: { kind: 'on-tableau-refresh' } }));
    const card = screen.getByRole('region', { name: 'Sales' });
    await within(card).findByText('Server schedule: When Tableau refreshes the data');
    expect(within(card).getByText('The server runs it each time Tableau refreshes the data')).toBeInTheDocument();
    expect(within(card).queryByText('No further server runs are scheduled')).not.toBeInTheDocument();
  });

  it("says the server's refusal in its words (not a site administrator) and keeps no schedule", async () => {
    const create = vi.fn(async () => {
      throw new ApiError(
        {
          code: 'forbidden',
          message: 'Only a Tableau site administrator can let Tableau tell the companion server when data is refreshed (Tableau webhooks).',
        },
        403,
      );
    });
    const s = await setup({ list: vi.fn(async () => []), create });
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const server = screen.getByRole('group', { name: 'Server schedule' });
    await s.user.selectOptions(within(server).getByLabelText('Repeat'), 'on-tableau-refresh');
    await s.user.click(within(server).getByRole('button', { name: 'Create server schedule' }));
    expect(await within(server).findByRole('alert')).toHaveTextContent(/Only a Tableau site administrator can/);
    expect(s.service.definitions().definitions[0].options.serverScheduleId).toBeUndefined();
  });

  it('does not offer it for an inventory list, which depends on no one refresh', async () => {
    const s = await setup({ list: vi.fn(async () => []) }, { kind: 'inventory', resource: 'workbooks' });
    await s.user.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    const server = screen.getByRole('group', { name: 'Server schedule' });
    expect(within(server).getByRole('option', { name: 'Every day' })).toBeInTheDocument();
    expect(within(server).queryByRole('option', { name: 'When Tableau refreshes the data' })).not.toBeInTheDocument();
  });
});
