/**
 * A connection records and shows where Tableau really answered when an allowed redirect led there
 * (issue #14: "the connection then records and shows the final server"), while the address the
 * user gave stays its identity (refresh definitions match on it: addin/refresh/runner/connections.ts).
 * The stand-in moves the server under a path prefix on the same origin, an allowed redirect
 * (server/tableau/auth.ts redirectVerdict); Cloud pods over https are covered in
 * test/server/tableau/redirects.test.ts.
 */
import type { ServerResponse } from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type RunningServer, startServer } from '../../../server/main.js';
import { type StandIn, startStandIn } from '../tableau/standin.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

const SECRET = 'pat-secret-of-the-moved-server';
let moved: StandIn;
let direct: StandIn;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;

const redirect = (res: ServerResponse, location: string) => {
  res.writeHead(301, { location });
  res.end();
  return true;
};

beforeAll(async () => {
  moved = await startStandIn({
    handle: (req, res) => !req.url.startsWith('/tableau/') && req.url.endsWith('/serverinfo') && redirect(res, `/tableau${req.url}`),
  });
  direct = await startStandIn();
  server = await startServer({
    dataDir: tempDir(),
    port: 0,
    protocol: 'http',
    logger: captureLogger('warn').logger,
    tableau: { retry: { maxAttempts: 1 }, timeoutMs: 10_000 },
  });
  api = apiClient(server.url);
});

afterAll(async () => {
  await server?.close();
  await Promise.all([moved?.close(), direct?.close()]);
});

const connect = (serverUrl: string, token?: string) =>
  api.call('POST', '/api/connections', {
    token,
    body: { serverUrl, siteContentUrl: '', auth: { kind: 'pat', patName: 'robot', patSecret: SECRET } },
  });

describe('a connection whose Tableau answered from another address', () => {
  it('keeps the given address as its identity and records the final server beside it', async () => {
    const res = await connect(moved.url);
    expect(res.status).toBe(201);
    expect(res.json.connection).toMatchObject({ serverUrl: moved.url, resolvedServerUrl: `${moved.url}/tableau` });
    const list = await api.call('GET', '/api/connections', { token: res.json.sessionToken });
    expect(list.json.connections).toEqual([expect.objectContaining({ serverUrl: moved.url, resolvedServerUrl: `${moved.url}/tableau` })]);
    // Requests through the saved connection go to the final server.
    const projects = await api.call('GET', `/api/connections/${res.json.connection.id}/projects`, { token: res.json.sessionToken });
    expect(projects.status).toBe(200);
    expect(moved.seen.at(-1)!.url).toMatch(/^\/tableau\/api\/[\d.]+\/sites\/site-1\/projects/);
    expect(api.responses()).not.toContain(SECRET);
  });

  it('records nothing extra when Tableau answered where the user pointed', async () => {
    const res = await connect(direct.url);
    expect(res.status).toBe(201);
    expect(res.json.connection.serverUrl).toBe(direct.url);
    expect(res.json.connection).not.toHaveProperty('resolvedServerUrl');
  });
});
