import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import { axeViolations, fakeApi, memoryServices, renderWith, streamOf } from './harness.js';

describe('Inventory, Tables and keyboard navigation', { timeout: 90_000 }, () => {
  it('opens sections and submits forms from the keyboard', async () => {
    // Arrow keys and Tab order between tabs are Tabster's job and need a real browser (jsdom
    // lands on Tabster's dummy elements); here: Enter/Space activate a tab, Enter submits.
    renderWith(<App />, memoryServices(fakeApi()).services);
    const user = userEvent.setup();
    await screen.findByRole('tab', { name: 'Browse', selected: true });
    screen.getByRole('tab', { name: 'Inventory' }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('tab', { name: 'Inventory', selected: true })).toBeInTheDocument();
    // Enter in a field submits the form: no mouse needed to preview.
    await user.type(screen.getByLabelText('Filter'), 'name:eq:Sales{Enter}');
    expect(await screen.findByRole('heading', { name: /Workbooks/ })).toBeInTheDocument();
    screen.getByRole('tab', { name: 'Tables' }).focus();
    await user.keyboard(' ');
    expect(await screen.findByText(/Tables you insert from Tableau will be listed here/)).toBeVisible();
  });

  it('previews a site list with Tableau filter and sort, and explains bad syntax', async () => {
    const pull = (_cid: string, req: { source: { resource?: string } }) =>
      streamOf([
        { kind: 'meta', columns: [{ name: 'Name', type: 'text', format: '@' }] },
        { kind: 'rows', rows: [[String(req.source.resource)]] },
        { kind: 'end', rowCount: 1, truncated: false },
      ]);
    const api = fakeApi({ pull });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'List' }), 'users');
    await user.type(screen.getByLabelText('Filter'), 'siteRole=Creator');
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText('"siteRole=Creator" is not field:operator:value.')).toBeInTheDocument();
    await user.clear(screen.getByLabelText('Filter'));
    await user.type(screen.getByLabelText('Filter'), 'siteRole:eq:Creator');
    await user.type(screen.getByLabelText('Sort'), 'lastLogin:desc');
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText(/All 1 rows/)).toBeInTheDocument();
    expect(api.pull).toHaveBeenCalledWith(
      'c1',
      { source: { kind: 'inventory', resource: 'users', filter: 'siteRole:eq:Creator', sort: 'lastLogin:desc' }, options: { limit: 100 } },
      expect.anything(),
    );
    // Switching tabs keeps the preview where it was.
    await user.click(screen.getByRole('tab', { name: 'Tables' }));
    await user.click(screen.getByRole('tab', { name: 'Inventory' }));
    expect(screen.getByText(/All 1 rows/)).toBeVisible();
  });

  it('has no axe violations on Inventory and Tables', async () => {
    const { container } = renderWith(<App />, memoryServices(fakeApi()).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'List' })).toBeVisible());
    expect(await axeViolations(container)).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Tables' }));
    expect(await axeViolations(container)).toEqual([]);
  });
});
