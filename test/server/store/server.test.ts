/**
 * The companion server on each store (startServer with DATABASE_URL or without): a session, a
 * connection and a schedule made over HTTP, a run stored as a snapshot, and all of it still there
 * after a restart on the same store.
 */
import { decodeStream } from '../../../common/ndjson.js';
import type { StreamMessage } from '../../../common/stream.js';
import { type RunningServer, startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, captureLogger } from '../http/helpers.js';
import { describeEachStore } from './backends.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({});
});
afterAll(async () => sim?.close());

const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');

describeEachStore('the server on its store', (backend) => {
  let server: RunningServer | undefined;
  afterEach(async () => server?.close());

  it('keeps sessions, connections, schedules and snapshots across a restart', async () => {
    const location = await backend.location();
    const start = () => startServer({ ...location, port: 0, protocol: 'http', logger: captureLogger('warn').logger });
    server = await start();
    let api = apiClient(server.url);
    const connected = await api.call('POST', '/api/connections', {
      body: {
        serverUrl: sim.url,
        siteContentUrl: sim.demo.siteContentUrl,
        auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      },
    });
    expect(connected.status, connected.text).toBe(201);
    const token: string = connected.json.sessionToken;
    const cid: string = connected.json.connection.id;
    const created = await api.call('POST', '/api/schedules', {
      token,
      body: {
        connectionId: cid,
        definitionId: '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11',
        name: 'Orders by region',
        source: { kind: 'view', viewId: VIEW_ID, name: 'Superstore / Orders by Region' },
        spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' },
      },
    });
    expect(created.status, created.text).toBe(201);
    const sid: string = created.json.schedule.id;
    expect((await api.call('POST', `/api/schedules/${sid}/run`, { token })).status).toBe(202);
    await expect.poll(async () => (await api.call('GET', `/api/schedules/${sid}/runs`, { token })).json.runs[0]?.status).toBe('succeeded');

    await server.close();
    server = await start();
    api = apiClient(server.url);
    expect((await api.call('GET', '/api/connections', { token })).json.connections.map((c: { id: string }) => c.id)).toEqual([cid]);
    const [schedule] = (await api.call('GET', '/api/schedules', { token })).json.schedules;
    expect(schedule).toMatchObject({ id: sid, status: 'succeeded', spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' } });
    const res = await fetch(`${server.url}/api/snapshots/latest?scheduleId=${sid}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const messages: StreamMessage[] = [];
    for await (const m of decodeStream(res.body!)) messages.push(m);
    const rows = messages.flatMap((m) => (m.kind === 'rows' ? m.rows : []));
    expect(rows.length).toBeGreaterThan(0);
    expect(messages.at(-1)).toMatchObject({ kind: 'end', rowCount: rows.length });
  });
});
