/**
 * Issue #21, items 6–8 on the Connect screen and the app shell: no red before anything is typed,
 * Sign out / Forget stop that connection's refreshes, Forget asks first, focus after Connect,
 * no "Use demo site" while the form holds it, one name for the first tab, toasts in the column.
 */
import { Toast, ToastTitle, useToastController } from '@fluentui/react-components';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { DefinitionStore } from '../../../addin/refresh/definitions/store.js';
import { RefreshService } from '../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../addin/refresh/runner/startup.js';
import { App } from '../../../addin/ui/App.js';
import { TOASTER_ID } from '../../../addin/ui/shared/toaster.js';
import type { WorkbookGateway } from '../../../addin/workbook/gateway.js';
import type { ConnectionInfo } from '../../../common/api.js';
import { columns, connectionInfo, fakeApi as refreshApi, gated, ok, rows, viewDefinition } from '../refresh/runner/fixtures.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith } from './harness.js';

const demo = { serverUrl: 'https://127.0.0.1:3000/tableau', siteContentUrl: 'demo', patName: 'demo-pat', patSecret: 's3cret' };

/** A refresh service over the memory workbook with one table of `connection`'s site refreshing every 5 minutes. */
async function serviceWithTimedTable(gateway: WorkbookGateway, site: ConnectionInfo) {
  const api = refreshApi([site]);
  await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: 'A1' }, columns, rows(2), { tableName: 'Sales' });
  const { id } = await new DefinitionStore(gateway).upsert(
    viewDefinition('Sales', 'v1', {
      connection: { serverUrl: site.serverUrl, siteContentUrl: site.siteContentUrl },
      options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: 5 },
    }),
  );
  const service = new RefreshService({
    gateway,
    api,
    startup: memoryStartupPort(),
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
    lease: { settleMs: 0 },
  });
  await service.start();
  return { service, api, id };
}

describe('RefreshService.pauseConnection / resumeConnection', () => {
  it('cancels the running refreshes of that site and pauses its timers until a new sign-in', async () => {
    const { gateway } = memoryServices(fakeApi());
    const site = connectionInfo('c9');
    const { service, api, id } = await serviceWithTimedTable(gateway, site);
    expect(service.timed.nextDue().get(id)).toEqual(expect.any(Number));

    const slow = gated([], ok(columns, rows(3)));
    api.script('v1', (_req, _cid, signal) => slow.run(signal));
    const running = service.runner.refresh(id);
    await slow.started;
    service.pauseConnection(site);
    expect(await running).toMatchObject({ status: 'cancelled' });
    expect(service.isPaused({ connection: { serverUrl: site.serverUrl, siteContentUrl: site.siteContentUrl } })).toBe(true);
    expect(service.timed.nextDue().has(id)).toBe(false);
    // A reload (any finished refresh, an edit) keeps it paused.
    await service.reload();
    expect(service.timed.nextDue().has(id)).toBe(false);

    service.resumeConnection({ ...site, id: 'c10' }); // a new sign-in to the same site
    expect(service.timed.nextDue().get(id)).toEqual(expect.any(Number));
    service.stop();
  });

  it('leaves the tables of other sites alone', async () => {
    const { gateway } = memoryServices(fakeApi());
    const { service, id } = await serviceWithTimedTable(gateway, connectionInfo('c9'));
    service.pauseConnection(connectionInfo('other', { siteContentUrl: 'marketing' }));
    expect(service.timed.nextDue().get(id)).toEqual(expect.any(Number));
    service.stop();
  });
});

describe('Connect screen (issue #21)', { timeout: 90_000 }, () => {
  it('shows no error before anything is typed: tabbing through the empty form stays quiet', async () => {
    renderWith(<App />, memoryServices(fakeApi({ listConnections: async () => [] })).services);
    const user = userEvent.setup();
    const url = await screen.findByLabelText(/Server URL/);
    url.focus();
    for (let i = 0; i < 6; i++) await user.tab();
    expect(screen.queryByText(/Type the address/)).not.toBeInTheDocument();
    expect(screen.queryByText(/Paste the token secret/)).not.toBeInTheDocument();
    expect(document.querySelector('[aria-invalid="true"]')).toBeNull();
  });

  it('checks a field when the analyst leaves it after typing, and clears the message on the next keystroke', async () => {
    renderWith(<App />, memoryServices(fakeApi({ listConnections: async () => [] })).services);
    const user = userEvent.setup();
    const url = await screen.findByLabelText(/Server URL/);
    await user.type(url, 'x');
    await user.clear(url);
    await user.tab();
    expect(await screen.findByText(/Type the address of your Tableau Cloud or Server/)).toBeInTheDocument();
    // Only the field left: the token fields, never typed in, say nothing yet.
    expect(screen.queryByText('Paste the token secret.')).not.toBeInTheDocument();
    await user.type(url, 'tableau.example.com');
    expect(screen.queryByText(/Type the address/)).not.toBeInTheDocument();
  });

  it('hides "Use demo site" while the form holds the demo site, and offers it once the form differs', async () => {
    const api = fakeApi({ listConnections: async () => [], health: async () => ({ ok: true, version: '1', demo }) });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    expect(await screen.findByDisplayValue(demo.serverUrl)).toBeInTheDocument();
    expect(screen.getByText(/The form is filled in for the demo Tableau site/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Use demo site' })).not.toBeInTheDocument();
    await user.type(screen.getByLabelText(/Site ID/), 'x');
    await user.click(await screen.findByRole('button', { name: 'Use demo site' }));
    expect(screen.getByLabelText(/Site ID/)).toHaveValue('demo');
    expect(screen.queryByRole('button', { name: 'Use demo site' })).not.toBeInTheDocument();
  });

  it('names the first tab "Connection" before and after connecting', async () => {
    const api = fakeApi({
      listConnections: async () => [],
      health: async () => ({ ok: true, version: '1', demo }),
      connect: async () => ({ sessionToken: 't', connection }),
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    expect(await screen.findByRole('tab', { name: 'Connection', selected: true })).toBeInTheDocument();
    await screen.findByDisplayValue(demo.serverUrl);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByRole('tab', { name: 'Browse', selected: true })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Connection' })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Connect' })).not.toBeInTheDocument();
  });

  it('moves focus to the Browse heading after Connect (not <body>)', async () => {
    const api = fakeApi({
      listConnections: async () => [],
      health: async () => ({ ok: true, version: '1', demo }),
      connect: async () => ({ sessionToken: 't', connection }),
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await screen.findByDisplayValue(demo.serverUrl);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const heading = await screen.findByRole('heading', { name: `Browse ${connection.label}` });
    await waitFor(() => expect(heading).toHaveFocus());
  });

  it('Sign out and Forget stop that connection’s refreshes; Use resumes them', async () => {
    const api = fakeApi();
    const { services, gateway } = memoryServices(api);
    const { service } = await serviceWithTimedTable(gateway, connection);
    const pause = vi.spyOn(service, 'pauseConnection');
    const resume = vi.spyOn(service, 'resumeConnection');
    renderWith(<App />, { ...services, refresh: service });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    await user.click(await screen.findByRole('button', { name: `Sign out of ${connection.label}` }));
    await waitFor(() => expect(api.signOut).toHaveBeenCalledWith('c1'));
    expect(pause).toHaveBeenCalledWith(connection);
    expect(service.isPaused({ connection })).toBe(true);

    await user.click(await screen.findByRole('button', { name: `Use ${connection.label}` }));
    expect(resume).toHaveBeenCalledWith(connection);
    expect(service.isPaused({ connection })).toBe(false);

    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    await user.click(await screen.findByRole('button', { name: `Forget ${connection.label}` }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(api.forgetConnection).toHaveBeenCalledWith('c1'));
    expect(pause).toHaveBeenCalledTimes(2);
    service.stop();
  });

  it('shows toasts inside the pane column (in the Notifications landmark, in the flow), not over the page', async () => {
    function Notify() {
      const { dispatchToast } = useToastController(TOASTER_ID);
      return (
        <button
          type="button"
          onClick={() =>
            dispatchToast(
              <Toast>
                <ToastTitle>Hello</ToastTitle>
              </Toast>,
            )
          }
        >
          notify
        </button>
      );
    }
    renderWith(
      <>
        <App />
        <Notify />
      </>,
      memoryServices(fakeApi({ listConnections: async () => [] })).services,
    );
    await act(async () => screen.getByRole('button', { name: 'notify' }).click());
    const toast = await screen.findByText('Hello');
    const landmark = screen.getByRole('complementary', { name: 'Notifications' });
    expect(landmark.contains(toast)).toBe(true);
    // Inline in the pane's DOM (no portal at <body>) and after the tabs, before the screens.
    const header = document.querySelector('header')!;
    expect(header.compareDocumentPosition(landmark) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('the Forget dialog mounts inside <main> and has no axe violations', async () => {
    const { container } = renderWith(<App />, memoryServices(fakeApi()).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    await user.click(await screen.findByRole('button', { name: `Forget ${connection.label}` }));
    const dialog = await screen.findByRole('alertdialog');
    // Portals (dialogs, menus) mount inside <main>, so they sit in a landmark (axe 'region').
    expect(container.querySelector('main')!.contains(dialog)).toBe(true);
    expect(await axeViolations(container)).toEqual([]);
    expect(await axeViolations(dialog)).toEqual([]);
  });
});
