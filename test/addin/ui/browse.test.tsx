import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import type { ProjectItem, ViewItem, WorkbookItem } from '../../../common/api.js';
import { axeViolations, fakeApi, memoryServices, page, renderWith } from './harness.js';

const projects: ProjectItem[] = [
  { id: 'p1', name: 'Finance' },
  { id: 'p2', name: 'Quarterly', parentProjectId: 'p1' },
];
const workbooks = Array.from({ length: 5 }, (_, i): WorkbookItem => ({
  id: `w${i}`,
  name: `Workbook ${String(i).padStart(3, '0')}`,
  contentUrl: `wb${i}`,
  projectId: 'p1',
}));
const views: ViewItem[] = [
  { id: 'v1', name: 'Sales by Region', contentUrl: 'wb0/sheets/SalesbyRegion', sheetType: 'sheet', workbookId: 'w0' },
  { id: 'v2', name: 'Overview', contentUrl: 'wb0/sheets/Overview', sheetType: 'dashboard', workbookId: 'w0' },
  { id: 'v3', name: 'The story', contentUrl: 'wb0/sheets/Story', sheetType: 'story', workbookId: 'w0' },
];

function browseApi(workbookCount = workbooks.length) {
  return fakeApi({
    projects: async () => projects,
    workbooks: async (_cid: string, q: { projectId?: string; page?: number; pageSize?: number }) => {
      if (q.projectId !== 'p1') return page([], 1, 0);
      // Pages of 3 (the pane asks for 100; a small page keeps jsdom fast and still needs two pages).
      const size = 3;
      const p = q.page ?? 1;
      return page(workbooks.slice(0, workbookCount).slice((p - 1) * size, p * size), p, workbookCount, size);
    },
    views: async () => views,
    datasources: async (_cid: string, q: { page?: number }) =>
      q.page === 2
        ? page([{ id: 'd3', name: 'Returns' }], 2, 3, 2)
        : page(
            [
              { id: 'd1', name: 'Superstore', isCertified: true, projectName: 'Finance' },
              { id: 'd2', name: 'Orders' },
            ],
            1,
            3,
            2,
          ),
    search: async (_cid: string, q: string) => page([{ type: 'datasource', id: 'd1', title: `${q} Superstore` }], 1, 1),
  });
}

describe('Browse', { timeout: 90_000 }, () => {
  it('walks projects → workbooks page by page (Load more) → views with their kinds', async () => {
    const api = browseApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    const finance = await screen.findByRole('treeitem', { name: 'Finance' });
    await user.click(finance);
    expect(await screen.findByRole('treeitem', { name: 'Quarterly' })).toBeInTheDocument();
    expect(await screen.findByRole('treeitem', { name: 'Workbook 002' })).toBeInTheDocument();
    expect(screen.queryByRole('treeitem', { name: 'Workbook 003' })).not.toBeInTheDocument();
    expect(api.workbooks).toHaveBeenLastCalledWith('c1', { projectId: 'p1', page: 1, pageSize: 100 }, expect.anything());

    await user.click(screen.getByRole('treeitem', { name: /Load more workbooks \(3 of 5\)/ }));
    expect(await screen.findByRole('treeitem', { name: 'Workbook 004' })).toBeInTheDocument();
    expect(api.workbooks).toHaveBeenLastCalledWith('c1', { projectId: 'p1', page: 2, pageSize: 100 }, expect.anything());
    expect(screen.queryByRole('treeitem', { name: /Load more workbooks/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole('treeitem', { name: 'Workbook 000' }));
    // Each item tells a screen reader what it is; the name stays the title alone.
    expect(screen.getByRole('treeitem', { name: 'Finance' })).toHaveAttribute('aria-roledescription', 'project');
    expect(screen.getByRole('treeitem', { name: 'Workbook 000' })).toHaveAttribute('aria-roledescription', 'workbook');
    const dashboard = await screen.findByRole('treeitem', { name: 'Overview' });
    expect(dashboard).toHaveAttribute('aria-roledescription', 'dashboard view');
    expect(screen.getByRole('treeitem', { name: 'Sales by Region' })).toHaveAttribute('aria-roledescription', 'sheet view');
    expect(screen.getByRole('treeitem', { name: 'The story' })).toHaveAttribute('aria-roledescription', 'story view');

    await user.click(screen.getByRole('treeitem', { name: 'Sales by Region' }));
    expect(await screen.findByRole('heading', { name: 'Sales by Region' })).toBeInTheDocument();
  });

  it('lists data sources with Load more until the last page', async () => {
    const api = browseApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Data sources' }));
    const list = await screen.findByRole('list', { name: 'Published data sources' });
    expect(await within(list).findByRole('button', { name: /Superstore in Finance, certified/ })).toBeInTheDocument();
    expect(screen.getByText('Showing 2 of 3 data sources')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more data sources' }));
    expect(await within(list).findByRole('button', { name: 'Returns' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more data sources' })).not.toBeInTheDocument();
  });

  it('searches the site after typing stops (debounced), not per key', async () => {
    const api = browseApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.type(await screen.findByRole('searchbox', { name: 'Search this site' }), 'sales');
    expect(await screen.findByRole('button', { name: /Data source: sales Superstore/ })).toBeInTheDocument();
    expect(api.search).toHaveBeenCalledTimes(1);
    expect(api.search).toHaveBeenCalledWith('c1', 'sales', 1, expect.anything());
  });

  it('moves through the tree with the keyboard', async () => {
    const api = browseApi();
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    const finance = await screen.findByRole('treeitem', { name: 'Finance' });
    finance.focus();
    await user.keyboard('{ArrowRight}');
    await waitFor(() => expect(finance).toHaveAttribute('aria-expanded', 'true'));
    await screen.findByRole('treeitem', { name: 'Workbook 000' });
    await user.keyboard('{ArrowDown}');
    expect(screen.getByRole('treeitem', { name: 'Quarterly' })).toHaveFocus();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(await screen.findByRole('treeitem', { name: 'Overview' })).toBeInTheDocument();
  });

  it('keeps the search, the opened result and the tree on Back; the clear button says what it clears', async () => {
    const api = browseApi();
    vi.mocked(api.search).mockImplementation(async () =>
      page(
        [
          { type: 'workbook', id: 'w0', title: 'Workbook 000' },
          { type: 'datasource', id: 'd1', title: 'Superstore' },
        ],
        1,
        2,
      ),
    );
    vi.mocked(api.metadata).mockImplementation(async () => ({
      fields: [],
      parameters: [],
      capabilities: { rowLimit: false, conditionFilter: false, datasourceModel: true },
    }));
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    const search = await screen.findByRole('searchbox', { name: 'Search this site' });
    await user.type(search, 'sales');
    await user.click(await screen.findByRole('button', { name: 'Workbook: Workbook 000' }));
    await user.click(await screen.findByRole('button', { name: 'Sales by Region (sheet)' }));
    expect(await screen.findByRole('heading', { name: 'Sales by Region' })).toBeInTheDocument();
    // Back from the view: the workbook opened from the results, then the results themselves.
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: 'Workbook 000' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back to search results' }));
    expect(await screen.findByRole('searchbox', { name: 'Search this site' })).toHaveValue('sales');
    expect(await screen.findByRole('button', { name: 'Data source: Superstore' })).toBeInTheDocument();
    // A data source from the results, and Back again: still the same search.
    await user.click(screen.getByRole('button', { name: 'Data source: Superstore' }));
    await user.click(await screen.findByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('searchbox', { name: 'Search this site' })).toHaveValue('sales');

    await user.click(screen.getByRole('button', { name: 'Clear search' }));
    expect(screen.getByRole('searchbox', { name: 'Search this site' })).toHaveValue('');
    // The tree: open a project and a workbook, open a view, Back — the branches are still open.
    await user.click(await screen.findByRole('treeitem', { name: 'Finance' }));
    await user.click(await screen.findByRole('treeitem', { name: 'Workbook 000' }));
    await user.click(await screen.findByRole('treeitem', { name: 'Overview' }));
    await user.click(await screen.findByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('treeitem', { name: 'Overview' })).toBeInTheDocument();
    expect(screen.getByRole('treeitem', { name: 'Finance' })).toHaveAttribute('aria-expanded', 'true');
    // The data sources section survives a trip to a data source's query screen.
    await user.click(screen.getByRole('tab', { name: 'Data sources' }));
    await user.click(await screen.findByRole('button', { name: /Superstore in Finance/ }));
    await user.click(await screen.findByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('tab', { name: 'Data sources', selected: true })).toBeInTheDocument();
  });

  it('has no axe violations with the tree open', async () => {
    const api = browseApi(3); // axe in jsdom is slow on big trees; three workbooks cover every kind of item
    const { container } = renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('treeitem', { name: 'Finance' }));
    await user.click(await screen.findByRole('treeitem', { name: 'Workbook 000' }));
    await screen.findByRole('treeitem', { name: 'Overview' });
    expect(await axeViolations(container)).toEqual([]);
  });
});
