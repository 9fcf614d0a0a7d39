/**
 * A dashboard of the demo site holds several worksheets (SimView.dashboardSheets, which the simulator's
 * Metadata API answers as Dashboard.sheets), and its data export gives the first one's data, as Tableau's does (tableau-mcp getViewData.ts: "If the
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

  it('keeps its worksheets in order, each a view of the same workbook with data of its own, the first one its own data', async () => {
    const dashboard = h.demoSite.views.get(view('Sales Overview'))!;
    expect(dashboard.sheetType).toBe('dashboard');
    expect(dashboard.dashboardSheets).toEqual(['Orders by Region', 'Orders by Month']);
    const sheets = dashboard.dashboardSheets!.map((name) => h.demoSite.views.get(view(name))!);
    expect(sheets.every((s) => s.sheetType === 'view' && s.workbookId === dashboard.workbookId)).toBe(true);
    expect(sheets[0].dataKey).not.toBe(sheets[1].dataKey);
    // Every dashboard of the demo site exports its first sheet's data.
    for (const d of [...h.demoSite.views.values()].filter((v) => v.sheetType === 'dashboard')) {
      const first = [...h.demoSite.views.values()].find((v) => v.workbookId === d.workbookId && v.name === d.dashboardSheets?.[0]);
      expect(d.dataKey, d.name).toBe(first?.dataKey);
    }
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
});
