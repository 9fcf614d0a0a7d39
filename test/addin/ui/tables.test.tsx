import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import type { InsertedTable } from '../../../addin/refresh/runner/inserted.js';
import { createRefreshLog } from '../../../addin/refresh/runner/log.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { TablesScreen } from '../../../addin/ui/tables/TablesScreen.js';
import type { PullRequest } from '../../../common/api.js';
import type { StreamMessage } from '../../../common/stream.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith, streamOf } from './harness.js';

const columns = [
  { name: 'Region', type: 'text' as const, format: '@' },
  { name: 'Sales', type: 'decimal' as const, format: '#,##0.00' },
];
const ok = (n: number, truncated = false): StreamMessage[] => [
  { kind: 'meta', columns },
  { kind: 'rows', rows: Array.from({ length: n }, (_, i) => [`R${i}`, i]) },
  { kind: 'end', rowCount: n, truncated },
];

/** A pull that waits until released (or aborted). */
function held() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  async function* run(signal?: AbortSignal): AsyncGenerator<StreamMessage> {
    yield { kind: 'meta', columns };
    await new Promise<void>((resolve, reject) => {
      void gate.then(resolve);
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
    });
    yield* ok(2).slice(1);
  }
  return { run, release: () => release() };
}

async function setup(
  pull: (cid: string, req: PullRequest, opts?: { signal?: AbortSignal }) => AsyncIterable<StreamMessage>,
  tables = ['Sales'],
) {
  const api = fakeApi({ pull });
  const { services, gateway } = memoryServices(api);
  const service = new RefreshService({
    gateway,
    api,
    startup: memoryStartupPort(),
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
    runner: { log: createRefreshLog({ storage: undefined }) },
  });
  let col = 0;
  for (const name of tables) {
    const written = await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: `${'AEI'[col++]}1` }, columns, [['West', 1]], {
      tableName: name,
    });
    const inserted: InsertedTable = {
      tableName: written.name,
      sheet: written.sheet,
      address: written.address,
      rowCount: 1,
      truncated: false,
      columns,
      source: { kind: 'view', viewId: `v-${name}`, name: `Superstore / ${name}` },
      connection,
    };
    await service.onInserted(inserted);
  }
  const view = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service });
  return { api, gateway, service, view };
}

describe('Tables tab', () => {
  it('lists refreshable tables with their status, refreshes one and shows the new status', async () => {
    const s = await setup((_c, _r, opts) => streamOf(ok(25), opts?.signal));
    const card = screen.getByRole('region', { name: 'Sales' });
    // An insert is not a refresh (issue #21, item 2): no "Refreshed · 0 ms".
    expect(within(card).getByText('Inserted')).toBeInTheDocument();
    expect(within(card).getByText(/^Inserted .* · 1 row · not refreshed since$/)).toBeInTheDocument();
    expect(within(card).queryByText(/0 ms/)).not.toBeInTheDocument();
    expect(within(card).queryByText('Refreshed')).not.toBeInTheDocument();
    expect(within(card).getByText(/Superstore \/ Sales · sheet Sheet1/)).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText(/· 25 rows ·/)).toBeInTheDocument());
    expect(within(card).getByText('Refreshed')).toBeInTheDocument();
    expect(s.gateway.workbook.findTable('Sales')!.rows).toBe(25);
    await userEvent.click(screen.getByRole('button', { name: /Refresh log \(1\)/ }));
    expect(screen.getByText('Refreshed: Sales')).toBeInTheDocument();
  });

  it('says a truncated result is incomplete and shows a failure in plain words', async () => {
    let n = 0;
    await setup((_c, _r, opts) =>
      streamOf(
        n++ === 0
          ? ok(5, true)
          : [{ kind: 'error', error: { code: 'server-error', message: 'Tableau could not export the view', hint: 'Try again later.' } }],
        opts?.signal,
      ),
    );
    const card = screen.getByRole('region', { name: 'Sales' });
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText('Incomplete')).toBeInTheDocument());
    expect(within(card).getByText(/only the first 5 rows arrived/)).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText('Failed')).toBeInTheDocument());
    expect(within(card).getByText('Tableau could not export the view. Try again later.')).toBeInTheDocument();
  });

  it('Cancel stops a running refresh and leaves the table as it was', async () => {
    const h = held();
    const s = await setup((_c, _r, opts) => h.run(opts?.signal));
    const before = JSON.stringify(s.gateway.workbook.snapshot().sheets);
    const card = screen.getByRole('region', { name: 'Sales' });
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() => expect(within(card).getByText('Refreshing')).toBeInTheDocument());
    expect(within(card).getByText(/Getting data/)).toBeInTheDocument();
    await userEvent.click(within(card).getByRole('button', { name: 'Cancel the refresh of Sales' }));
    await waitFor(() => expect(within(card).getByRole('button', { name: 'Refresh Sales' })).toBeInTheDocument());
    expect(JSON.stringify(s.gateway.workbook.snapshot().sheets)).toBe(before);
    expect(s.service.runner.log.entries()[0].outcome).toBe('cancelled');
  });

  it('Refresh all refreshes every table; the top Cancel cancels them all', async () => {
    const h = held();
    const s = await setup(
      (_c, req, opts) =>
        req.source.kind === 'view' && req.source.viewId === 'v-North' ? streamOf(ok(3), opts?.signal) : h.run(opts?.signal),
      ['North', 'South'],
    );
    await userEvent.click(screen.getByRole('button', { name: 'Refresh all' }));
    await waitFor(() => expect(screen.getByText('1 of 2 refreshing')).toBeInTheDocument());
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByText('2 tables')).toBeInTheDocument());
    expect(
      s.service.runner.log
        .entries()
        .map((e) => `${e.table}:${e.outcome}`)
        .sort(),
    ).toEqual(['North:ok', 'South:cancelled']);
  });

  it('asks once to sign in again for all tables of the site, and goes on after signing in', async () => {
    const expired: StreamMessage[] = [{ kind: 'error', error: { code: 'session-expired', message: 'Tableau signed you out' } }];
    const s = await setup((cid, _r, opts) => streamOf(cid === 'c1' ? expired : ok(2), opts?.signal), ['North', 'South']);
    vi.mocked(s.api.connect).mockResolvedValue({ sessionToken: 't', connection: { ...connection, id: 'c2' } });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh all' }));
    await waitFor(() => expect(screen.getByText('Sign in again to superstore on https://tableau.example.com')).toBeInTheDocument());
    expect(screen.getAllByText(/Sign in again to/)).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await userEvent.type(screen.getByLabelText('Token name'), 'analyst-pat');
    await userEvent.type(screen.getByLabelText('Token secret'), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() => expect(screen.queryByText(/Sign in again to/)).not.toBeInTheDocument());
    await waitFor(() => expect(s.service.runner.log.entries()).toHaveLength(2));
    expect(s.service.runner.log.entries().every((e) => e.outcome === 'ok')).toBe(true);
    expect(s.api.connect).toHaveBeenCalledWith(
      expect.objectContaining({
        serverUrl: 'https://tableau.example.com',
        siteContentUrl: 'superstore',
        auth: { kind: 'pat', patName: 'analyst-pat', patSecret: 's3cret' },
      }),
    );
  });

  it('properties: refresh on open turns the startup behaviour on; append needs a timestamp column', async () => {
    const startup = memoryStartupPort();
    const api = fakeApi();
    const { services, gateway } = memoryServices(api);
    const service = new RefreshService({
      gateway,
      api,
      startup,
      timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
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
    renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service });
    await userEvent.click(screen.getByRole('button', { name: 'Properties of Sales' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Refresh data when opening the file' }));
    await userEvent.click(screen.getByRole('radio', { name: /Add the new rows below/ }));
    await userEvent.clear(screen.getByLabelText(/Timestamp column/));
    await userEvent.click(screen.getByRole('button', { name: 'Save properties' }));
    expect(screen.getByText('Append mode needs a name for the timestamp column.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Timestamp column/), 'Pulled at');
    await userEvent.click(screen.getByRole('checkbox', { name: /Refresh every/ }));
    await userEvent.clear(screen.getByLabelText('Minutes between refreshes'));
    await userEvent.type(screen.getByLabelText('Minutes between refreshes'), '15');
    await userEvent.click(screen.getByRole('button', { name: 'Save properties' }));
    await waitFor(() => expect(startup.behavior).toBe('load'));
    expect(service.definitions().definitions[0].options).toMatchObject({
      mode: 'append',
      timestampColumn: 'Pulled at',
      refreshOnOpen: true,
      everyMinutes: 15,
    });
  });

  it('shows provenance lines and writes the provenance sheet', async () => {
    const s = await setup((_c, _r, opts) => streamOf(ok(1), opts?.signal));
    await userEvent.click(screen.getByRole('button', { name: 'Provenance of Sales' }));
    const list = screen.getByRole('list', { name: 'Provenance of Sales' });
    expect(within(list).getByText('Tableau site: superstore on https://tableau.example.com')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Provenance sheet' }));
    await userEvent.click(screen.getByRole('button', { name: 'Write provenance sheet' }));
    // Issue #21 item 5: the hidden sheet is not a secret — the notice says where it went and how to see it.
    await waitFor(() => expect(screen.getByText(/the table Tableau_sources on the sheet "Tableau sources"/)).toBeInTheDocument());
    expect(screen.getByText(/The sheet is hidden/)).toBeInTheDocument();
    expect(screen.getByText(/^Written at \d\d:\d\d:\d\d\.$/)).toBeInTheDocument();
    const t = s.gateway.workbook.findTable('Tableau_sources')!;
    expect(s.gateway.workbook.tableHeaders(t)).toEqual(['Table', 'Item', 'Value']);
    // Writing again replaces it in place.
    await userEvent.click(screen.getByRole('button', { name: 'Write provenance sheet' }));
    await waitFor(() => expect(s.gateway.workbook.sheets.map((x) => x.name)).toEqual(['Sheet1', 'Tableau sources']));
  });

  it('offers the server snapshot with its date when the table has a server schedule', async () => {
    const api = fakeApi();
    const { services, gateway } = memoryServices(api);
    const snapshots = { latestSnapshot: vi.fn(async () => ({ dataAsOf: '2026-03-01T07:30:00.000Z', messages: streamOf(ok(4)) })) };
    const service = new RefreshService({
      gateway,
      api,
      snapshots,
      startup: memoryStartupPort(),
      timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
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
    const schedules = {
      list: vi.fn(async () => [
        {
          id: 'sch-1',
          description: 'Every day at 07:30 (UTC)',
          spec: { kind: 'daily', time: '07:30', timeZone: 'UTC' },
          status: 'succeeded',
          nextRunAt: '2026-03-02T07:30:00.000Z',
          lastRun: null,
          dataAsOf: '2026-03-01T07:30:00.000Z',
        },
      ]),
    } as never;
    const { container } = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service, schedules });
    expect(await axeViolations(container)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'More ways to refresh Sales' }));
    expect(screen.getByText('Latest snapshot: data as of 1 Mar 2026, 07:30')).toBeInTheDocument();
    expect(screen.getByText('Next server run 2 Mar 2026, 07:30')).toBeInTheDocument();
    const item = await screen.findByRole('menuitem', { name: 'Load latest snapshot (data as of 1 Mar 2026, 07:30)' });
    await userEvent.click(item);
    await waitFor(() => expect(screen.getByText('Data as of 1 Mar 2026, 07:30')).toBeInTheDocument());
    expect(screen.getByText('Snapshot')).toBeInTheDocument();
    expect(gateway.workbook.findTable('Sales')!.rows).toBe(4);
  });

  it('has no axe violations (with properties, history and provenance open)', async () => {
    await setup((_c, _r, opts) => streamOf(ok(1), opts?.signal), ['North', 'South']);
    await userEvent.click(screen.getByRole('button', { name: 'Properties of North' }));
    await userEvent.click(screen.getByRole('button', { name: 'Refresh history of North' }));
    await userEvent.click(screen.getByRole('button', { name: 'Provenance of South' }));
    await act(async () => undefined);
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('focus is never dropped: back from Edit lands on that Edit button; Clear the log lands on what replaced it', async () => {
    await setup((_c, _r, opts) => streamOf(ok(2), opts?.signal), ['North', 'South']);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Edit the source of South' }));
    await user.click(await screen.findByRole('button', { name: /Back to tables/ }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Edit the source of South' })).toHaveFocus());

    await user.click(screen.getByRole('button', { name: 'Refresh North' }));
    await waitFor(() => expect(screen.getByRole('button', { name: /Refresh log \(1\)/ })).toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: /Refresh log \(1\)/ }));
    await user.click(screen.getByRole('button', { name: 'Clear the log' }));
    await waitFor(() => expect(screen.getByText('The log was cleared. No refreshes yet.')).toHaveFocus());
  });

  it('a refresh that ends is announced on its card', async () => {
    await setup((_c, _r, opts) => streamOf(ok(3), opts?.signal));
    const card = screen.getByRole('region', { name: 'Sales' });
    await userEvent.click(within(card).getByRole('button', { name: 'Refresh Sales' }));
    await waitFor(() =>
      expect(
        within(card)
          .getAllByRole('status')
          .some((r) => r.textContent === 'Sales: Refreshed, 3 rows.'),
      ).toBe(true),
    );
  });

  it('says when the server schedule a table names is not on the server, and offers no snapshot', async () => {
    const api = fakeApi();
    const { services, gateway } = memoryServices(api);
    const service = new RefreshService({
      gateway,
      api,
      snapshots: { latestSnapshot: vi.fn() },
      startup: memoryStartupPort(),
      timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
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
    await service.update(service.definitions().definitions[0].id, { options: { serverScheduleId: 'gone' } });
    const schedules = { list: vi.fn(async () => []) } as never;
    const { container } = renderWith(<TablesScreen timeZone="UTC" />, { ...services, refresh: service, schedules });
    expect(await screen.findByText(/Its server schedule is not on this companion server/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'More ways to refresh Sales' })).not.toBeInTheDocument();
    expect(await axeViolations(container)).toEqual([]);
  });
});
