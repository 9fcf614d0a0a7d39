/**
 * #20 against the simulator: a view's vf_ filter that Tableau ignores or that matches nothing is
 * reported in the pull's `end` warnings (server/pull/view-filter-check.ts), never silently dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../common/stream.js';
import { withTerminal } from '../../server/http/stream.js';
import { pullMessages } from '../../server/pull/pull-messages.js';
import { createSimulator, type Simulator } from '../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../server/tableau/index.js';

let sim: Simulator;
let client: TableauClient;
const viewIds = new Map<string, string>();

beforeAll(async () => {
  sim = await createSimulator({});
  client = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
  for (const v of await client.listAll('views')) viewIds.set(v.name, v.id);
});
afterAll(async () => sim?.close());

async function endOf(filters: Record<string, string>, view = 'Orders by Region') {
  const viewId = viewIds.get(view)!;
  let end: Extract<StreamMessage, { kind: 'end' }> | undefined;
  let rows = 0;
  for await (const m of withTerminal(pullMessages(client, { source: { kind: 'view', viewId, filters } }))) {
    if (m.kind === 'error') throw new Error(m.error.message);
    if (m.kind === 'rows') rows += m.rows.length;
    if (m.kind === 'end') end = m;
  }
  return { rows, warnings: end?.warnings ?? [] };
}

describe('vf_ filters that Tableau ignores or that match nothing', () => {
  it('is silent when the filter was applied', async () => {
    const west = await endOf({ Region: 'West' });
    expect(west.rows).toBeGreaterThan(0);
    expect(west.warnings).toEqual([]);
  });

  it('reports a value in the wrong case: no row came back', async () => {
    const east = await endOf({ Region: 'east' });
    expect(east.rows).toBe(0);
    expect(east.warnings).toEqual([expect.stringMatching(/^No rows came back with vf_Region=east\. .*case included/)]);
  });

  it('reports a misspelt field that Tableau ignored, with the column meant', async () => {
    const typo = await endOf({ Regoin: 'West' });
    expect(typo.rows).toBeGreaterThan(0);
    expect(typo.warnings).toEqual([
      expect.stringContaining(
        'The view has no column "Regoin" (filter vf_Regoin=West), so the filter could not be checked. Did you mean "Region"?',
      ),
    ]);
  });

  it('reports a filter on a column Tableau did not filter by (an aggregate), with values that came back', async () => {
    // "Umsatz" is SUM(Sales) under a German header: no data source field of that name, so Tableau ignores it.
    const umsatz = await endOf({ Umsatz: '1' }, 'Umsatz nach Region');
    expect(umsatz.rows).toBeGreaterThan(0);
    expect(umsatz.warnings).toEqual([
      expect.stringMatching(/^Tableau did not apply vf_Umsatz=1: \d+ of \d+ rows have other values of Umsatz \(/),
    ]);
  });
});
