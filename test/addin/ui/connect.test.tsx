import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../addin/api/errors.js';
import { App } from '../../../addin/ui/App.js';
import { axeViolations, connection, fakeApi, memoryServices, renderWith } from './harness.js';

const demo = { serverUrl: 'https://127.0.0.1:3000/tableau', siteContentUrl: 'demo', patName: 'demo-pat', patSecret: 's3cret' };

describe('Connect screen', { timeout: 90_000 }, () => {
  it('shows what is missing instead of sending an empty form', async () => {
    const api = fakeApi({ listConnections: async () => [] });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Connect' }));
    expect(await screen.findByText(/Type the address of your Tableau Cloud or Server/)).toBeInTheDocument();
    expect(screen.getByText('Type the name of your personal access token.')).toBeInTheDocument();
    expect(screen.getByText('Paste the token secret.')).toBeInTheDocument();
    expect(api.connect).not.toHaveBeenCalled();

    await user.click(screen.getByRole('radio', { name: /User name and password/ }));
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Type your Tableau user name.')).toBeInTheDocument();
  });

  it('prefills the demo site from /health and connects with it, then opens Browse', async () => {
    const api = fakeApi({
      listConnections: async () => [],
      health: async () => ({ ok: true, version: '1', demo }),
      connect: async () => ({ sessionToken: 't', connection }),
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    expect(await screen.findByDisplayValue(demo.serverUrl)).toBeInTheDocument();
    // Typing over it, then "Use demo site" (offered once the form differs) restores the demo values.
    const url = screen.getByLabelText(/Server URL/);
    await user.clear(url);
    await user.type(url, 'elsewhere.example.com');
    await user.click(await screen.findByRole('button', { name: 'Use demo site' }));
    expect(url).toHaveValue(demo.serverUrl);
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await waitFor(() =>
      expect(api.connect).toHaveBeenCalledWith({
        serverUrl: 'https://127.0.0.1:3000/tableau',
        siteContentUrl: 'demo',
        auth: { kind: 'pat', patName: 'demo-pat', patSecret: 's3cret' },
      }),
    );
    expect(await screen.findByRole('tab', { name: 'Browse', selected: true })).toBeInTheDocument();
  });

  it('shows the server message and hint in a MessageBar when sign-in fails', async () => {
    const api = fakeApi({
      listConnections: async () => [],
      connect: async () => {
        throw new ApiError({
          code: 'bad-credentials',
          message: 'Tableau did not accept this token',
          hint: 'Tokens expire after 15 days unused.',
        });
      },
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Server URL/), 'https://tableau.example.com');
    await user.type(screen.getByLabelText(/Token name/), 'me');
    await user.type(screen.getByLabelText(/Token secret/), 'x');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByText('Tableau did not accept this token');
    expect(alert.closest('[role="alert"]')).toHaveTextContent('Tokens expire after 15 days unused.');
  });

  it('lists saved connections and forgets one', async () => {
    const api = fakeApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    await user.click(await screen.findByRole('button', { name: `Forget ${connection.label}` }));
    await user.click(await screen.findByRole('button', { name: 'Forget' }));
    await waitFor(() => expect(api.forgetConnection).toHaveBeenCalledWith('c1'));
    expect(screen.queryByText('Saved connections')).not.toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Browse' })).toBeDisabled();
  });

  it('an ended companion session on start-up shows the Connect form, not an error', async () => {
    const api = fakeApi({
      listConnections: async () => {
        throw new ApiError({ code: 'unauthorized', message: 'Your companion session has ended.' }, 401);
      },
    });
    renderWith(<App />, memoryServices(api).services);
    expect(await screen.findByRole('button', { name: 'Connect' })).toBeInTheDocument();
    await waitFor(() => expect(api.listConnections).toHaveBeenCalled());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows where Tableau really answered when a redirect led elsewhere (a Cloud pod)', async () => {
    const pod = 'https://10ay.online.tableau.com';
    const api = fakeApi({ listConnections: async () => [{ ...connection, resolvedServerUrl: pod }] });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Connection' }));
    expect(await screen.findByText(`Tableau answers at ${pod}`)).toBeInTheDocument();
  });

  it('has no axe violations', async () => {
    const api = fakeApi({ listConnections: async () => [], health: async () => ({ ok: true, version: '1', demo }) });
    const { container } = renderWith(<App />, memoryServices(api).services);
    await screen.findByText(/The form is filled in for the demo Tableau site/);
    expect(await axeViolations(container)).toEqual([]);
    vi.restoreAllMocks();
  });
});
