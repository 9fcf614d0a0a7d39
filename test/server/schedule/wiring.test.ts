/**
 * scheduleRoutes() as the app mounts it by default (real clock): schedules
 * survive a restart of the whole companion server on the same data directory.
 */
import { startServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient, captureLogger, tempDir } from '../http/helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator();
});

afterAll(async () => {
  await sim?.close();
});

const start = (dataDir: string) =>
  startServer({ dataDir, port: 0, protocol: 'http', logger: captureLogger().logger, tableau: { retry: { maxAttempts: 1 } } });

it('keeps schedules and their runs across a server restart', async () => {
  const dataDir = tempDir();
  let server = await start(dataDir);
  let api = apiClient(server.url);
  const connected = await api.call('POST', '/api/connections', {
    body: {
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    },
  });
  const token = connected.json.sessionToken;
  const created = await api.call('POST', '/api/schedules', {
    token,
    body: {
      connectionId: connected.json.connection.id,
      definitionId: '0f6d8d0e-7d1c-4d7e-8a33-5b5b0f0e9c21',
      name: 'Projects',
      source: { kind: 'inventory', resource: 'projects' },
      spec: { kind: 'cron', expression: '0 6 1 * *', timeZone: 'America/New_York' },
    },
  });
  expect(created.status, created.text).toBe(201);
  const sid = created.json.schedule.id;
  expect((await api.call('POST', `/api/schedules/${sid}/run`, { token })).status).toBe(202);
  // The run is in process; poll its record rather than reach into the runner.
  let runs: Array<{ status: string; rowCount?: number }> = [];
  for (let i = 0; i < 100 && runs[0]?.status !== 'succeeded'; i++) {
    runs = (await api.call('GET', `/api/schedules/${sid}/runs`, { token })).json.runs;
    if (runs[0]?.status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
  }
  expect(runs[0]).toMatchObject({ status: 'succeeded' });
  await server.close();

  server = await start(dataDir);
  api = apiClient(server.url);
  const listed = await api.call('GET', '/api/schedules', { token });
  expect(listed.status).toBe(200);
  expect(listed.json.schedules).toHaveLength(1);
  expect(listed.json.schedules[0]).toMatchObject({ id: sid, status: 'succeeded', description: 'Cron "0 6 1 * *" (America/New_York)' });
  expect(Date.parse(listed.json.schedules[0].nextRunAt)).toBeGreaterThan(Date.now());
  const snapshot = await api.call('GET', `/api/snapshots/latest?scheduleId=${sid}`, { token });
  expect(snapshot.status).toBe(200);
  const lines = snapshot.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.at(-1)).toMatchObject({ kind: 'end', rowCount: runs[0].rowCount });
  await server.close();
});
