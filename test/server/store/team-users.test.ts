/**
 * Team mode: who the user is (issue #17; docs/security.md#team-mode-who-the-user-is). The real
 * server in team mode (a TargetGuard from TEAM=1 and the allow-lists, names resolved from a table
 * where 127.0.0.2 plays a public address: test/server/net/test-guard.ts) against the simulator's
 * demo site, on each store. Ada (two PATs and a connected-app JWT) and Carl are two Tableau users
 * of the same site: each sees only their own connections and schedules, a fresh sign-in from
 * another session sees the same ones, and the other user's ids answer 404.
 */
import { type RunningServer } from '../../../server/main.js';
import { createSimulator, mintConnectedAppJwt, type Simulator } from '../../../server/sim/index.js';
import { stableId } from '../../../server/sim/state/ids.js';
import { apiClient, connectDemo } from '../http/helpers.js';
import { startTestServer } from '../http/test-server.js';
import { PLAYS_PUBLIC, testGuard } from '../net/test-guard.js';
import { describeEachStore } from './backends.js';

const NAMES = { 'tableau.test': PLAYS_PUBLIC };
const VIEW_ID = stableId('demo', 'view', 'superstore/Orders by Region');
const ADA_RENEWED = { patName: 'sim-pat-ada-renewed', patSecret: 'sim-pat-secret-Ada-renewed-9' };

let sim: Simulator;
beforeAll(async () => {
  sim = await createSimulator({ host: PLAYS_PUBLIC });
  // A second PAT of Ada's (the seed gives each user one): a renewed token under a new name.
  const site = sim.state.site(sim.demo.siteId)!;
  const ada = site.pats.find((p) => p.name === sim.demo.patName)!.userId;
  site.pats.push({ name: ADA_RENEWED.patName, secret: ADA_RENEWED.patSecret, userId: ada });
});
afterAll(async () => sim?.close());

describeEachStore('team mode: who the user is', (backend) => {
  let server: RunningServer;
  let api: ReturnType<typeof apiClient>;
  let serverUrl: string;
  /** A single analyst's session on the same store, from before the server ran in team mode. */
  let localToken: string;

  beforeAll(async () => {
    const location = await backend.location();
    const single = await startTestServer(location);
    localToken = (await connectDemo(apiClient(single.url), sim)).token;
    await single.close();
    const guard = testGuard({ ALLOWED_TABLEAU_SERVERS: 'tableau.test' }, NAMES);
    server = await startTestServer({
      ...location,
      network: guard,
      identity: { team: true, allowedSites: [sim.demo.siteContentUrl] },
      tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000, agents: guard.agents('tableau') },
    });
    api = apiClient(server.url);
    serverUrl = `http://tableau.test:${new URL(sim.url).port}`;
  });
  afterAll(async () => server?.close());

  const signIn = async (auth: object, token?: string) => {
    const res = await api.call('POST', '/api/connections', { token, body: { serverUrl, siteContentUrl: sim.demo.siteContentUrl, auth } });
    expect(res.status, res.text).toBe(201);
    return { token: res.json.sessionToken as string, connection: res.json.connection as { id: string; principal: string } };
  };
  const ada = (token?: string) => signIn({ kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret }, token);
  const carl = (token?: string) => signIn({ kind: 'pat', patName: sim.demo.otherPatName, patSecret: sim.demo.otherPatSecret }, token);
  const ids = async (path: string, token: string, key: string) =>
    ((await api.call('GET', path, { token })).json[key] as Array<{ id: string }>).map((x) => x.id);
  const scheduleBody = (connectionId: string, name: string) => ({
    connectionId,
    definitionId: '2b0c7a52-51c4-4c59-9a43-1b8f0f3c7d11',
    name,
    source: { kind: 'view', viewId: VIEW_ID, name: 'Superstore / Orders by Region' },
    spec: { kind: 'daily', time: '07:30', timeZone: 'Europe/Berlin' },
  });

  it('two users each see only their own; a fresh sign-in of the same user sees theirs; the other one gets 404', async () => {
    const a1 = await ada();
    const c1 = await carl();
    expect(c1.connection.id).not.toBe(a1.connection.id);
    const aSchedule = await api.call('POST', '/api/schedules', { token: a1.token, body: scheduleBody(a1.connection.id, 'Ada daily') });
    expect(aSchedule.status, aSchedule.text).toBe(201);
    const aSid: string = aSchedule.json.schedule.id;
    const cSchedule = await api.call('POST', '/api/schedules', { token: c1.token, body: scheduleBody(c1.connection.id, 'Carl daily') });
    expect(cSchedule.status, cSchedule.text).toBe(201);
    const cSid: string = cSchedule.json.schedule.id;
    const run = await api.call('POST', `/api/schedules/${aSid}/run`, { token: a1.token });
    expect(run.status, run.text).toBe(202);
    await expect
      .poll(async () => (await api.call('GET', `/api/schedules/${aSid}/runs`, { token: a1.token })).json.runs[0]?.status)
      .toBe('succeeded');

    expect(await ids('/api/connections', a1.token, 'connections')).toEqual([a1.connection.id]);
    expect(await ids('/api/connections', c1.token, 'connections')).toEqual([c1.connection.id]);
    expect(await ids('/api/schedules', a1.token, 'schedules')).toEqual([aSid]);
    expect(await ids('/api/schedules', c1.token, 'schedules')).toEqual([cSid]);

    // Ada again, from another workbook or machine: a fresh sign-in, a new session, the same things.
    const a2 = await ada();
    expect(a2.token).not.toBe(a1.token);
    expect(a2.connection.id).toBe(a1.connection.id);
    expect(await ids('/api/connections', a2.token, 'connections')).toEqual([a1.connection.id]);
    expect(await ids('/api/schedules', a2.token, 'schedules')).toEqual([aSid]);
    expect((await api.call('GET', `/api/connections/${a1.connection.id}/projects`, { token: a2.token })).status).toBe(200);
    const latest = await api.call('GET', `/api/snapshots/latest?scheduleId=${aSid}`, { token: a2.token });
    expect(latest.status, latest.text).toBe(200);
    // The first session goes on working.
    expect(await ids('/api/schedules', a1.token, 'schedules')).toEqual([aSid]);

    // Carl asks for Ada's ids: 404, exactly as for ids that do not exist.
    const aCid = a1.connection.id;
    for (const [method, path, body] of [
      ['GET', `/api/connections/${aCid}/projects`, undefined],
      ['GET', `/api/connections/${aCid}/workbooks`, undefined],
      ['POST', `/api/connections/${aCid}/pull`, { source: { kind: 'view', viewId: VIEW_ID, name: 'x' } }],
      ['POST', `/api/connections/${aCid}/signout`, undefined],
      ['DELETE', `/api/connections/${aCid}`, undefined],
      ['PUT', `/api/schedules/${aSid}`, { name: 'mine now' }],
      ['POST', `/api/schedules/${aSid}/run`, undefined],
      ['GET', `/api/schedules/${aSid}/runs`, undefined],
      ['GET', `/api/snapshots/latest?scheduleId=${aSid}`, undefined],
      ['DELETE', `/api/schedules/${aSid}`, undefined],
      ['POST', '/api/schedules', scheduleBody(aCid, 'on Ada’s connection')],
    ] as const) {
      const res = await api.call(method, path, { token: c1.token, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json.error.code).toBe('not-found');
    }
    // Ada's things are untouched.
    expect(await ids('/api/schedules', a2.token, 'schedules')).toEqual([aSid]);
    expect((await api.call('GET', `/api/connections/${aCid}/projects`, { token: a2.token })).status).toBe(200);
  });

  it('a new PAT of the same user updates their connection; a connected-app JWT proves the same user', async () => {
    const before = await ada();
    const renewed = await signIn({ kind: 'pat', ...ADA_RENEWED });
    expect(renewed.connection.id).toBe(before.connection.id);
    expect(renewed.connection.principal).toBe(ADA_RENEWED.patName);
    expect(await ids('/api/connections', renewed.token, 'connections')).toEqual([before.connection.id]);
    // The stored credentials are the new PAT's: the connection still browses.
    expect((await api.call('GET', `/api/connections/${before.connection.id}/projects`, { token: renewed.token })).status).toBe(200);

    const app = sim.demo.connectedApp;
    const viaJwt = await signIn({ kind: 'jwt', jwt: mintConnectedAppJwt(app, app.username) });
    // Ada's connections and the JWT's own: the same user.
    expect(await ids('/api/connections', viaJwt.token, 'connections')).toEqual([before.connection.id, viaJwt.connection.id]);
    expect(api.responses()).not.toContain(ADA_RENEWED.patSecret);
  });

  it('a session that signs in as another user becomes a session of that user', async () => {
    const a = await ada();
    const c = await carl(a.token);
    expect(c.token).not.toBe(a.token);
    expect(await ids('/api/connections', c.token, 'connections')).toEqual([c.connection.id]);
    // The same user again on one session: the session stays.
    expect((await carl(c.token)).token).toBe(c.token);
  });

  it("a single analyst's session from before TEAM=1 proves nobody: 401, connect again", async () => {
    const res = await api.call('GET', '/api/connections', { token: localToken });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
    // Connecting with it proves a user and hands out that user's session instead.
    const a = await ada(localToken);
    expect(a.token).not.toBe(localToken);
  });

  it('refuses a site that is not on ALLOWED_TABLEAU_SITES before sending any credential', async () => {
    const res = await api.call('POST', '/api/connections', {
      body: { serverUrl, siteContentUrl: '', auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret } },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      code: 'target-not-allowed',
      message:
        "The companion server may not sign in to the Default site: it is not on this server's list of allowed Tableau sites. Ask your administrator to add (default) to ALLOWED_TABLEAU_SITES.",
    });
  });
});
