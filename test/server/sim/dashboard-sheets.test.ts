/**
 * A dashboard of the demo site holds several worksheets (server/sim/state/site.ts placeSheets), and
 * its data export gives the first one's data, as Tableau's does (tableau-mcp getViewData.ts: "If the
 * request is for a dashboard, only data for the dashboard's first view is returned"; TSC#1489).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { stableId } from '../../../server/sim/state/ids.js';
import { type Harness, harness } from './helpers.js';

const view = (name: string) => stableId('demo', 'view', `superstore/${name}`);
const firstLine = (csv: string) => csv.replace(/^\uFEFF/, '').split(/\r?\n/)[0];

describe('a dashboard of several sheets', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  it('keeps its worksheets in order, each a view of the same workbook with data of its own', async () => {
    const dashboard = h.demoSite.views.get(view('Sales Overview'))!;
    expect(dashboard.sheetType).toBe('dashboard');
    expect(dashboard.sheetIds).toEqual([view('Orders by Region'), view('Orders by Month')]);
    const sheets = dashboard.sheetIds!.map((id) => h.demoSite.views.get(id)!);
    expect(sheets.every((s) => s.sheetType === 'view' && s.workbookId === dashboard.workbookId)).toBe(true);
    expect(sheets[0].dataKey).not.toBe(sheets[1].dataKey);
  });

  it("exports the first sheet's data, not the second's", async () => {
    const [dash, first, second] = await Promise.all(
      ['Sales Overview', 'Orders by Region', 'Orders by Month'].map((n) =>
        h.raw('GET', `/api/3.28/sites/${h.siteId}/views/${view(n)}/data`, token),
      ),
    );
    expect([dash.status, first.status, second.status]).toEqual([200, 200, 200]);
    expect(dash.text).toBe(first.text);
    expect(firstLine(dash.text)).not.toBe(firstLine(second.text));
    expect(firstLine(second.text)).toBe('Month of Order Date,Segment,Sales');
  });

  it('refuses a sheet that is not a worksheet of the workbook', () => {
    const wb = h.demoSite.workbooks.get(h.demoSite.views.get(view('Sales Overview'))!.workbookId)!;
    expect(() => h.demoSite.placeSheets(wb, 'Sales Overview', ['Sales Story'])).toThrow(/not a worksheet/);
    expect(() => h.demoSite.placeSheets(wb, 'Customers', ['Orders by Month'])).toThrow(/not a dashboard/);
  });
});
