/**
 * Issue #21 item 7 and the app shell once more: focus never drops to <body> when a screen goes
 * away — after Connect it is on the Browse heading (connect-issue21.test.tsx), after Back on the
 * heading of the screen returned to.
 */
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import type { ViewItem } from '../../../common/api.js';
import { connection, fakeApi, memoryServices, page, renderWith } from './harness.js';

const view: ViewItem = { id: 'v1', name: 'Sales by Region', contentUrl: 'wb0/sheets/SalesbyRegion', sheetType: 'sheet', workbookId: 'w0' };

describe('focus in the app shell', { timeout: 90_000 }, () => {
  it('Back from a view puts focus on the Browse heading, not <body>', async () => {
    const api = fakeApi({
      projects: async () => [{ id: 'p1', name: 'Finance' }],
      workbooks: async () => page([{ id: 'w0', name: 'Workbook 000', contentUrl: 'wb0', projectId: 'p1' }], 1, 1),
      views: async () => [view],
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('treeitem', { name: 'Finance' }));
    await user.click(await screen.findByRole('treeitem', { name: 'Workbook 000' }));
    await user.click(await screen.findByRole('treeitem', { name: 'Sales by Region' }));
    const viewHeading = await screen.findByRole('heading', { name: 'Sales by Region' });
    await waitFor(() => expect(viewHeading).toHaveFocus());

    await user.click(screen.getByRole('button', { name: 'Back' }));
    const browseHeading = await screen.findByRole('heading', { name: `Browse ${connection.label}` });
    await waitFor(() => expect(browseHeading).toHaveFocus());
  });
});
