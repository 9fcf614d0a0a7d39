import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../../addin/api/errors.js';
import { App } from '../../../addin/ui/App.js';
import { sortTable } from '../../../addin/workbook/memory/table-view.js';
import type { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { PlanAction, PlannedRow, PublishPlan, PublishResult, RowOutcome } from '../../../common/publish.js';
import { axeViolations, fakeApi, memoryServices, renderWith } from './harness.js';

/** The analyst's own list, typed on Sheet1 and made a table (not one the add-in inserted). */
function typeUsersTable(wb: MemoryWorkbook) {
  const grid = [
    ['Login', 'Name', 'License', 'Sign-in'],
    ['ana@example.com', 'Ana', 'Viewer', 'ServerDefault'],
    ['bo@example.com', 'Bo', 'Creator', 'SAML'],
    ['cy@example.com', 'Cy', 'Admin', 'ServerDefault'],
  ];
  wb.writeCells('Sheet1', { row: 0, col: 0, rows: 4, cols: 4 }, grid, 'values');
  wb.addTable('Sheet1', { row: 0, col: 0, rows: 4, cols: 4 }, 'Staff');
}

const counts = (rows: PlannedRow[]) =>
  Object.fromEntries(
    (['create', 'update', 'unchanged', 'remove', 'error'] as PlanAction[]).map((a) => [a, rows.filter((r) => r.action === a).length]),
  ) as Record<PlanAction, number>;

function planOf(rows: PlannedRow[], extra: Partial<PublishPlan> = {}): PublishPlan {
  return {
    planId: 'plan-1',
    kind: 'users',
    rows,
    counts: counts(rows),
    callCount: rows.reduce((n, r) => n + r.calls.length, 0),
    needsRemovalConfirmation: rows.some((r) => r.action === 'remove'),
    plannedAt: '2026-12-07T12:00:00Z',
    ...extra,
  };
}

const call = (description: string) => ({ method: 'POST' as const, endpoint: 'users', description });

const usersPlan = planOf([
  { index: 0, action: 'create', message: 'Add ana@example.com to the site as Viewer', calls: [call('Add ana')] },
  { index: 1, action: 'update', message: 'Change bo@example.com from Explorer to Creator', calls: [call('Update bo')] },
  {
    index: 2,
    action: 'error',
    message: "Site role 'Admin' is not one of Creator, Explorer, …",
    calls: [],
    problem: { code: 'invalid-role', message: "Site role 'Admin' is not one of Creator, Explorer, …", field: 'siteRole' },
  },
]);

function resultOf(outcomes: [RowOutcome, string][]): PublishResult {
  const rows = outcomes.map(([outcome, message], index) => ({
    index,
    outcome,
    message,
    action: usersPlan.rows[index].action,
    callsDone: outcome === 'done' ? 1 : 0,
    ...(outcome === 'failed' ? { error: { code: 'conflict' as const, message } } : {}),
  }));
  const summary = { done: 0, failed: 0, skipped: 0, unchanged: 0 };
  for (const r of rows) summary[r.outcome]++;
  return { planId: 'plan-1', kind: 'users', rows, summary, callsMade: 2, finishedAt: '2026-12-07T12:01:00Z' };
}

async function openPublish(api: ReturnType<typeof fakeApi>) {
  const { services, workbook } = memoryServices(api);
  typeUsersTable(workbook);
  renderWith(<App />, services);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('tab', { name: 'Tables' }));
  await user.click(screen.getByRole('button', { name: 'Publish a table to Tableau' }));
  await screen.findByRole('heading', { name: 'Publish to Tableau' });
  await screen.findByRole('option', { name: 'Staff (Sheet1, 3 rows)' });
  return { user, workbook };
}

const select = (name: string) => screen.getByRole('combobox', { name });

describe('Publish to Tableau', { timeout: 120_000 }, () => {
  it('guesses the columns, dry-runs the mapped values, applies only on confirmation and writes each row’s result next to the table', async () => {
    const api = fakeApi({
      publishDryRun: async () => usersPlan,
      publishApply: async () =>
        resultOf([
          ['done', 'Added as Viewer'],
          ['failed', 'Tableau refused: the user is locked (409017)'],
          ['skipped', 'Skipped: invalid site role'],
        ]),
    });
    const { user, workbook } = await openPublish(api);

    // Guessed from the headers: Login → user name, License → site role, Sign-in → authentication, Name → display name.
    expect(select('User name')).toHaveValue('Login');
    expect(select('Site role')).toHaveValue('License');
    expect(select('Authentication (optional)')).toHaveValue('Sign-in');
    expect(select('Display name (optional)')).toHaveValue('Name');
    // The user corrects one: no display name.
    await user.selectOptions(select('Display name (optional)'), '(none)');

    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await screen.findByText('Staff: 1 to create, 1 to update, 1 with an error. Nothing has been sent to Tableau.');
    expect(api.publishDryRun).toHaveBeenCalledWith('c1', {
      kind: 'users',
      headers: ['Login', 'License', 'Sign-in'],
      columns: { userName: 'Login', siteRole: 'License', authSetting: 'Sign-in' },
      rows: [
        { index: 0, cells: ['ana@example.com', 'Viewer', 'ServerDefault'] },
        { index: 1, cells: ['bo@example.com', 'Creator', 'SAML'] },
        { index: 2, cells: ['cy@example.com', 'Admin', 'ServerDefault'] },
      ],
    });
    const planned = within(screen.getByRole('list', { name: 'Planned changes by row' }));
    expect(planned.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Row 2createAdd ana@example.com to the site as Viewer',
      'Row 3updateChange bo@example.com from Explorer to Creator',
      "Row 4errorSite role 'Admin' is not one of Creator, Explorer, …",
    ]);
    expect(screen.getByText(/1 row has an error and is skipped/)).toBeInTheDocument();
    expect(api.publishApply).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: 'Apply this plan (2 calls)' }));
    await screen.findByText('Staff: 1 done, 1 failed, 1 skipped.');
    expect(api.publishApply).toHaveBeenCalledWith('c1', {
      table: vi.mocked(api.publishDryRun).mock.calls[0][1],
      planId: 'plan-1',
      confirm: true,
    });
    expect(screen.getByText(/Each row's result is in the column "Tableau result" of Staff/)).toBeInTheDocument();
    expect(workbook.tableHeaders(workbook.findTable('Staff')!)).toEqual(['Login', 'Name', 'License', 'Sign-in', 'Tableau result']);
    expect([1, 2, 3].map((r) => workbook.value('Sheet1', r, 4))).toEqual([
      'done',
      'failed: Tableau refused: the user is locked (409017)',
      'skipped: invalid site role',
    ]);
    expect(await axeViolations(screen.getByRole('region', { name: 'Publish to Tableau' }))).toEqual([]);
  });

  it('needs a second, explicit confirmation naming how many are removed', async () => {
    const removal = planOf(
      [0, 1].map((index) => ({ index, action: 'remove' as const, message: `Remove user ${index} from the site`, calls: [call('Remove')] })),
      { kind: 'remove-users-from-site' },
    );
    const api = fakeApi({
      publishDryRun: async () => removal,
      publishApply: async () => ({
        ...resultOf([
          ['done', 'Removed'],
          ['done', 'Removed'],
        ]),
        kind: 'remove-users-from-site',
      }),
    });
    const { user } = await openPublish(api);
    await user.selectOptions(select('What the table describes'), 'Remove users from the site');
    expect(select('User name')).toHaveValue('Login');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    const apply = await screen.findByRole('button', { name: 'Apply this plan (2 calls)' });
    expect(apply).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: 'Yes, remove 2 users from the site' }));
    expect(apply).toBeEnabled();
    await user.click(apply);
    await screen.findByText(/2 done/);
    expect(api.publishApply).toHaveBeenCalledWith('c1', expect.objectContaining({ confirm: true, confirmRemovals: true }));
  });

  // The server refuses before any call: not a site administrator (403 not-site-admin, docs/publish.md), or
  // a Tableau too old for what is asked (feature-unavailable, as every version-gated route answers).
  it.each([
    ['not-site-admin', 'Only a site administrator can add users; the connection signs in as a Creator.'],
    ['feature-unavailable', 'This Tableau Server (2019.4, REST API 3.6) cannot do that; it needs a newer version.'],
  ] as const)('says in plain words, before any change, why the site refuses (%s)', async (code, message) => {
    const api = fakeApi({
      publishDryRun: async () => {
        throw new ApiError({ code, message, hint: 'Ask your Tableau administrator.' }, code === 'not-site-admin' ? 403 : 400);
      },
    });
    const { user, workbook } = await openPublish(api);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveTextContent('Ask your Tableau administrator. Nothing was changed on the site.');
    expect(screen.queryByRole('button', { name: /Apply/ })).toBeNull();
    expect(api.publishApply).not.toHaveBeenCalled();
    expect(workbook.findTable('Staff')!.cols).toBe(4);
  });

  it('shows the new plan, having sent nothing, when the site changed since the dry run', async () => {
    const moved = planOf(
      usersPlan.rows.map((r) => (r.index === 0 ? { ...r, action: 'unchanged', message: 'Already on the site', calls: [] } : r)),
      {
        planId: 'plan-2',
      },
    );
    let dryRuns = 0;
    const api = fakeApi({
      publishDryRun: async () => (dryRuns++ === 0 ? usersPlan : moved),
      publishApply: async () => {
        throw new ApiError({ code: 'plan-changed', message: 'The site changed since the dry run' }, 409);
      },
    });
    const { user, workbook } = await openPublish(api);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await user.click(await screen.findByRole('button', { name: 'Apply this plan (2 calls)' }));
    await screen.findByText(/The site changed since your dry run, so nothing was sent/);
    expect(await screen.findByRole('button', { name: 'Apply this plan (1 call)' })).toBeEnabled();
    expect(screen.getByText('Staff: 1 to update, 1 unchanged, 1 with an error. Nothing has been sent to Tableau.')).toBeInTheDocument();
    // The re-plan is of the very table sent before; no result column was written.
    expect(vi.mocked(api.publishDryRun).mock.calls[1]).toEqual(vi.mocked(api.publishDryRun).mock.calls[0]);
    expect(workbook.findTable('Staff')!.cols).toBe(4);
  });

  it('keeps the results off a table sorted while Tableau was being updated, and lists them in the pane', async () => {
    let sort: () => void = () => undefined;
    const api = fakeApi({
      publishDryRun: async () => usersPlan,
      publishApply: async () => {
        sort();
        return resultOf([
          ['done', 'Added as Viewer'],
          ['done', 'Updated'],
          ['skipped', 'Skipped: invalid site role'],
        ]);
      },
    });
    const { user, workbook } = await openPublish(api);
    // The analyst sorts the list (Z→A by login) while the apply runs.
    sort = () => sortTable(workbook, workbook.findTable('Staff')!, [{ key: 0, ascending: false }]);
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await user.click(await screen.findByRole('button', { name: 'Apply this plan (2 calls)' }));
    await screen.findByText('Staff: 2 done, 1 skipped.');
    expect(screen.getByRole('alert')).toHaveTextContent('Staff changed while Tableau was being updated (rows edited, sorted or moved)');
    expect(workbook.findTable('Staff')!.cols).toBe(4);
    expect(within(screen.getByRole('list', { name: 'Results by row' })).getAllByRole('listitem')).toHaveLength(3);
  });

  it('asks to connect first, and offers no dry run without a connection', async () => {
    const api = fakeApi({ listConnections: async () => [] });
    await openPublish(api);
    expect(screen.getByText('Connect to a Tableau site first')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('button', { name: 'Dry run' })).toBeDisabled());
  });
});
