/**
 * The route sweep's starting point: a session made through the real connect flow against the
 * simulator, the ids it owns (re-made when a swept DELETE removed them), and one valid body per
 * body-taking route, which the sweep then breaks one part at a time.
 */
import type { FastifyInstance } from 'fastify';

import type { Simulator } from '../../../server/sim/index.js';

export interface Fixtures {
  token: string;
  /** Path param name → an id the session owns right now (cid, sid, wid, dsid, vid). */
  liveIds(): Promise<Record<string, string>>;
  validBodies(): unknown[];
  /** The valid bodies of the route `method url`, or every valid body for a route we know no body of. */
  bodiesFor(method: string, url: string): unknown[];
  /** The valid bodies of the route `method url`; none for a route that takes no body. */
  bodiesOf(method: string, url: string): unknown[];
}

export async function sweepFixtures(app: FastifyInstance, sim: Simulator): Promise<Fixtures> {
  const connectBody = {
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    label: 'Sweep',
  };
  const first = await app.inject({ method: 'POST', url: '/api/connections', payload: connectBody });
  if (first.statusCode !== 201) throw new Error(`connect failed: ${first.body}`);
  const token = (first.json() as { sessionToken: string }).sessionToken;
  const authorization = `Bearer ${token}`;
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers: { authorization }, ...(payload ? { payload: payload as object } : {}) });
    if (res.statusCode >= 300) throw new Error(`${method} ${url} failed: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown> & { items: Array<{ id: string }> };
  };

  let cid = (first.json() as { connection: { id: string } }).connection.id;
  const wid = (await call('GET', `/api/connections/${cid}/workbooks`)).items[0]!.id;
  const viewId = ((await call('GET', `/api/connections/${cid}/workbooks/${wid}/views`)).views as Array<{ id: string }>)[0]!.id;
  // A data source VDS can query (the demo site also has a cube, which it cannot), with a text
  // field and a number field, so a valid query really reaches the simulator.
  let dsid = '';
  let text = '';
  let number = '';
  for (const { id } of (await call('GET', `/api/connections/${cid}/datasources?pageSize=100`)).items) {
    const res = await app.inject({ method: 'GET', url: `/api/connections/${cid}/datasources/${id}/metadata`, headers: { authorization } });
    if (res.statusCode !== 200) continue;
    const fields = (res.json() as { fields: Array<{ fieldCaption: string; dataType: string }> }).fields;
    text = fields.find((f) => f.dataType === 'STRING')?.fieldCaption ?? '';
    number = fields.find((f) => f.dataType === 'REAL' || f.dataType === 'INTEGER')?.fieldCaption ?? '';
    dsid = id;
    if (text && number) break;
  }
  if (!text || !number) throw new Error('no queryable data source with a text and a number field on the demo site');

  const datasourceSource = {
    kind: 'datasource',
    datasourceId: dsid,
    query: {
      fields: [{ fieldCaption: text }, { fieldCaption: number, function: 'SUM', sortDirection: 'DESC', sortPriority: 1 }],
      filters: [{ field: { fieldCaption: text }, filterType: 'SET', values: ['East', 'West'] }],
      parameters: [{ parameterCaption: 'Target', value: 1 }],
    },
  };
  const scheduleBody = () => ({
    connectionId: cid,
    definitionId: 'def-1',
    name: 'Sweep',
    source: datasourceSource,
    spec: { kind: 'weekly', days: ['mon'], time: '07:30', timeZone: 'Europe/Berlin' },
    options: { limit: 10 },
    // The discard port: a failed run's webhook is refused at once, nothing leaves the machine.
    webhookUrl: 'http://127.0.0.1:9/hook',
    historyLimit: 5,
  });
  const publishTable = {
    kind: 'groups',
    headers: ['Group', 'Minimum site role'],
    columns: { groupName: 'Group', minimumSiteRole: 'Minimum site role' },
    rows: [{ index: 0, cells: ['Sweep', 'Viewer'] }],
  };
  let sid = ((await call('POST', '/api/schedules', scheduleBody())).schedule as { id: string }).id;

  async function liveIds(): Promise<Record<string, string>> {
    const connections = (await call('GET', '/api/connections')).connections as Array<{ id: string }>;
    if (!connections.some((c) => c.id === cid))
      cid = ((await call('POST', '/api/connections', connectBody)).connection as { id: string }).id;
    const schedules = (await call('GET', '/api/schedules')).schedules as Array<{ id: string }>;
    if (!schedules.some((s) => s.id === sid)) sid = ((await call('POST', '/api/schedules', scheduleBody())).schedule as { id: string }).id;
    return { cid, sid, wid, dsid, vid: viewId };
  }

  // Built on each call: a schedule body names the connection the session owns now.
  const byRoute = (): Record<string, unknown[]> => ({
    'POST /api/connections': [connectBody],
    'POST /api/connections/:cid/pull': [
      { source: { kind: 'view', viewId, filters: { Region: 'East' }, parameters: { Target: '1' } }, options: { limit: 10 } },
      { source: datasourceSource, options: { limit: 10, refreshExtractFirst: false } },
      { source: { kind: 'inventory', resource: 'workbooks', filter: 'name:eq:x', sort: 'name:asc', fields: '_default_' } },
    ],
    'POST /api/connections/:cid/publish/dry-run': [publishTable],
    // A plan id no dry run gave: at most a 409 plan-changed, nothing is written to the simulator.
    'POST /api/connections/:cid/publish/apply': [{ table: publishTable, planId: 'sweep', confirm: true, confirmRemovals: true }],
    'POST /api/connections/:cid/views/:vid/rows-behind': [{ filters: { Region: 'East' }, parameters: { 'Top Customers': '5' } }, {}],
    'POST /api/schedules': [scheduleBody()],
    'PUT /api/schedules/:sid': [
      {
        name: 'Renamed',
        source: datasourceSource,
        spec: { kind: 'cron', expression: '0 7 * * 1-5', timeZone: 'UTC' },
        options: null,
        webhookUrl: null,
      },
    ],
  });
  return {
    token,
    liveIds,
    validBodies: () => Object.values(byRoute()).flat(),
    bodiesFor: (method, url) => byRoute()[`${method} ${url}`] ?? Object.values(byRoute()).flat(),
    bodiesOf: (method, url) => byRoute()[`${method} ${url}`] ?? [],
  };
}
