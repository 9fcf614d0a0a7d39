import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import { axeViolations, fakeApi, memoryServices, renderWith, streamOf } from './harness.js';

const echoPull = (_cid: string, req: { source: { resource?: string } }) =>
  streamOf([
    { kind: 'meta', columns: [{ name: 'Name', type: 'text', format: '@' }] },
    { kind: 'rows', rows: [[String(req.source.resource)]] },
    { kind: 'end', rowCount: 1, truncated: false },
  ]);

describe('Inventory, Tables and keyboard navigation', { timeout: 90_000 }, () => {
  it('opens sections, builds a filter and submits forms from the keyboard', async () => {
    // Arrow keys and Tab order between tabs are Tabster's job and need a real browser (jsdom
    // lands on Tabster's dummy elements); here: Enter/Space activate a tab or button, Enter submits.
    const api = fakeApi({ pull: echoPull });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await screen.findByRole('tab', { name: 'Browse', selected: true });
    screen.getByRole('tab', { name: 'Inventory' }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('tab', { name: 'Inventory', selected: true })).toBeInTheDocument();
    screen.getByRole('button', { name: 'Add filter' }).focus();
    await user.keyboard('{Enter}');
    // The new filter's field picker takes focus; the picked field decides operators and value.
    const field = screen.getByRole('combobox', { name: 'Field of filter 1' });
    await waitFor(() => expect(field).toHaveFocus());
    await user.selectOptions(field, 'projectName');
    expect(
      within(screen.getByRole('combobox', { name: 'Condition of filter 1' }))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['is', 'is one of']);
    await user.type(screen.getByRole('textbox', { name: 'Value of filter 1' }), 'Finance{Enter}');
    expect(await screen.findByRole('heading', { name: /Workbooks/ })).toBeInTheDocument();
    await screen.findByText(/All 1 rows/);
    expect(api.pull).toHaveBeenCalledWith(
      'c1',
      {
        source: { kind: 'inventory', resource: 'workbooks', filter: 'projectName:eq:Finance', fields: '_default_,owner.name' },
        options: { limit: 100 },
      },
      expect.anything(),
    );
    screen.getByRole('tab', { name: 'Tables' }).focus();
    await user.keyboard(' ');
    expect(await screen.findByText(/Tables you insert from Tableau will be listed here/)).toBeVisible();
  });

  it('previews a site list with controls for filter and sort, and keeps them on Back', async () => {
    const api = fakeApi({ pull: echoPull });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'List' }), 'users');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Field of filter 1' }), 'siteRole');
    // Site roles are Tableau's fixed values: picked, not typed.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Value of filter 1' }), 'Creator');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Field of filter 2' }), 'lastLogin');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Condition of filter 2' }), 'gte');
    // Dates come from a date picker.
    const day = screen.getByLabelText('Value of filter 2');
    expect(day).toHaveAttribute('type', 'date');
    await user.type(day, '2026-01-01');
    expect(screen.getByRole('combobox', { name: 'Direction' })).toBeDisabled();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'lastLogin');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Direction' }), 'desc');
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText(/All 1 rows/)).toBeInTheDocument();
    expect(api.pull).toHaveBeenCalledWith(
      'c1',
      {
        source: {
          kind: 'inventory',
          resource: 'users',
          filter: 'siteRole:eq:Creator,lastLogin:gte:2026-01-01T00:00:00Z',
          sort: 'lastLogin:desc',
        },
        options: { limit: 100 },
      },
      expect.anything(),
    );
    // Switching tabs keeps the preview where it was.
    await user.click(screen.getByRole('tab', { name: 'Tables' }));
    await user.click(screen.getByRole('tab', { name: 'Inventory' }));
    expect(screen.getByText(/All 1 rows/)).toBeVisible();
    // Back returns to the same list, filters and sort.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('combobox', { name: 'List' })).toHaveValue('users');
    expect(screen.getByRole('combobox', { name: 'Value of filter 1' })).toHaveValue('Creator');
    expect(screen.getByLabelText('Value of filter 2')).toHaveValue('2026-01-01');
    expect(screen.getByRole('combobox', { name: 'Sort by' })).toHaveValue('lastLogin');
    expect(screen.getByRole('combobox', { name: 'Direction' })).toHaveValue('desc');
  });

  it('explains what to fix, and takes raw Tableau syntax behind Advanced', async () => {
    const api = fakeApi({ pull: echoPull });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText('Name: give a value.')).toBeInTheDocument();
    expect(api.pull).not.toHaveBeenCalled();
    screen.getByRole('button', { name: 'Remove filter 1 on Name' }).focus();
    await user.keyboard('{Enter}');
    // The row goes away with the pressed button: focus lands on "Add filter", not on the page.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Add filter' })).toHaveFocus());

    await user.click(screen.getByText('Advanced: Tableau filter and sort expressions'));
    await user.type(screen.getByRole('textbox', { name: 'Filter expression' }), 'siteRole=Creator');
    expect(screen.getByRole('note')).toHaveTextContent(/replace the filter and sort choices/);
    expect(screen.getByRole('button', { name: 'Add filter' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText('"siteRole=Creator" is not field:operator:value.')).toBeInTheDocument();
    await user.clear(screen.getByRole('textbox', { name: 'Filter expression' }));
    await user.type(screen.getByRole('textbox', { name: 'Filter expression' }), 'name:in:[[a,b]'); // [[ types one [
    await user.type(screen.getByRole('textbox', { name: 'Sort expression' }), 'name:desc');
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    expect(await screen.findByText(/All 1 rows/)).toBeInTheDocument();
    expect(vi.mocked(api.pull).mock.calls[0][1].source).toEqual({
      kind: 'inventory',
      resource: 'workbooks',
      filter: 'name:in:[a,b]',
      sort: 'name:desc',
      fields: '_default_,owner.name',
    });
  });

  it('ticks fixed values for "is one of"', async () => {
    const api = fakeApi({ pull: echoPull });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'List' }), 'jobs');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Condition of filter 1' }), 'in');
    const values = screen.getByRole('group', { name: 'Value of filter 1' });
    await user.click(within(values).getByRole('checkbox', { name: 'Failed' }));
    await user.click(within(values).getByRole('checkbox', { name: 'Cancelled' }));
    await user.click(screen.getByRole('button', { name: 'Preview list' }));
    await screen.findByText(/All 1 rows/);
    expect(vi.mocked(api.pull).mock.calls[0][1].source).toEqual({
      kind: 'inventory',
      resource: 'jobs',
      filter: 'status:in:[Failed,Cancelled]',
    });
  });

  it('says when a list cannot be filtered', async () => {
    renderWith(<App />, memoryServices(fakeApi()).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'List' }), 'extractRefreshTasks');
    expect(screen.getByText(/cannot be filtered or sorted/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add filter' })).not.toBeInTheDocument();
  });

  it('has no axe violations on Inventory (with a filter) and Tables', async () => {
    const { container } = renderWith(<App />, memoryServices(fakeApi()).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Inventory' }));
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'List' })).toBeVisible());
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Field of filter 1' }), 'updatedAt');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Sort by' }), 'name');
    expect(await axeViolations(container)).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Tables' }));
    expect(await axeViolations(container)).toEqual([]);
  });
});
