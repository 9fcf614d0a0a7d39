/**
 * The VDS budget told before it runs out, over real HTTP against the simulator, on one server
 * (SQLite: the budget counted in this process): with VDS_QUERIES_PER_HOUR_PER_SITE at 10 and two
 * VDS calls a data source pull (metadata, query), the 4th and 5th pulls' ends warn, the 6th is
 * refused with 429 vds-budget-spent. A view export is no VDS call: no warning.
 */
import type { StreamEnd } from '../../../common/stream.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, captureLogger, connectDemo, parseNdjson, tempDir } from './helpers.js';

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');

let sim: Simulator;
let server: RunningServer;

beforeAll(async () => {
  sim = await createSimulator({});
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: captureLogger('warn').logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
    tableauLimits: { vdsQueriesPerHourPerSite: 10 },
  });
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

/** HH:MM (UTC) an hour after `ms`: when a call made then leaves the rolling window. */
const hourLater = (ms: number) => new Date(ms + 3_600_000).toISOString().slice(11, 16);

describe('the VDS budget in a pull’s end', () => {
  it('warns from 80% of the budget on, then refuses the next pull with 429 vds-budget-spent', async () => {
    const api = apiClient(server.url);
    const { token, cid } = await connectDemo(api, sim);
    const datasources = await api.call('GET', `/api/connections/${cid}/datasources?pageSize=1000`, { token });
    const ds = (datasources.json.items as Array<{ id: string; name: string }>).find((d) => d.name === 'Superstore Orders')!;
    const pull = (source: unknown) => api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source } });
    const source = { kind: 'datasource', datasourceId: ds.id, query: { fields: [{ fieldCaption: 'Category' }] } };

    // A view export does not count against the VDS budget and says nothing of it.
    const view = await pull({ kind: 'view', viewId: VIEW_ID });
    expect(view.status, view.text).toBe(200);
    expect(view.text).not.toContain('VizQL Data Service queries');

    const started = Date.now();
    const ends: StreamEnd[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await pull(source);
      expect(res.status, res.text).toBe(200);
      const end = parseNdjson(res.text).find((m): m is StreamEnd => m.kind === 'end');
      expect(end, res.text).toBeDefined();
      expect(end!.rowCount).toBe(3);
      ends.push(end!);
    }
    const finished = Date.now();
    expect(ends.slice(0, 3).map((e) => e.warnings)).toEqual([undefined, undefined, undefined]);
    expect(ends[3]!.warnings).toEqual([
      expect.stringMatching(
        /^This site has used 8 of its 10 VizQL Data Service queries for this hour \(VDS_QUERIES_PER_HOUR_PER_SITE\); at 10 the companion server stops sending queries until the oldest is an hour old \(about \d\d:\d\d UTC\)\.$/,
      ),
    ]);
    expect(ends[4]!.warnings).toEqual([expect.stringMatching(/^This site has used 10 of its 10 .*sends no more queries for this site/)]);
    // The time named is an hour after the first pull's metadata call.
    const at = /about (\d\d:\d\d) UTC/.exec(ends[4]!.warnings![0]!)![1];
    expect([hourLater(started), hourLater(finished)]).toContain(at);

    const refused = await pull(source);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: { code: 'vds-budget-spent' } });
  });
});
