/**
 * Stopping the server while Tableau is unreachable (issue #14: it took ~7 s, sign-out retried 5
 * times). Sign-out at close is best-effort, once, within 1 s for all sessions together, so the
 * server stops in ≤ 2 s. Real TableauClients with the DEFAULT retry policy against the simulator,
 * which then goes away (connection refused) or is replaced by a socket that accepts and never
 * answers (a hung proxy, a black-holed firewall).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

import { type RunningServer, startServer } from '../../../server/main.js';
import { ClientPool } from '../../../server/services/client-pool.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { apiClient, captureLogger, tempDir } from './helpers.js';

let sim: Simulator | undefined;
let server: RunningServer | undefined;
let silent: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  await server?.close().catch(() => undefined);
  await sim?.close().catch(() => undefined);
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  server = sim = silent = undefined;
});

/** A server signed in to the simulator with a shared client in its pool (what browsing creates). */
async function signedInServer(): Promise<{ port: number }> {
  sim = await createSimulator({});
  const port = Number(new URL(sim.url).port);
  server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: captureLogger('warn').logger });
  const api = apiClient(server.url);
  const created = await api.call('POST', '/api/connections', {
    body: {
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    },
  });
  expect(created.status, created.text).toBe(201);
  const projects = await api.call('GET', `/api/connections/${created.json.connection.id}/projects`, { token: created.json.sessionToken });
  expect(projects.status, projects.text).toBe(200);
  return { port };
}

async function timedClose(): Promise<number> {
  const started = Date.now();
  await server!.close();
  server = undefined;
  return Date.now() - started;
}

describe('shutdown with Tableau unreachable', () => {
  it('stops in ≤ 2 s when Tableau refuses connections', async () => {
    await signedInServer();
    await sim!.close();
    sim = undefined;
    expect(await timedClose()).toBeLessThanOrEqual(2_000);
  });

  it('stops in ≤ 2 s when Tableau accepts the connection and never answers, trying sign-out once', async () => {
    const { port } = await signedInServer();
    await sim!.close();
    sim = undefined;
    let accepted = 0;
    silent = createServer((socket) => {
      accepted++;
      sockets.push(socket); // read nothing, answer nothing
    });
    await new Promise<void>((resolve) => silent!.listen(port, '127.0.0.1', resolve));
    const ms = await timedClose();
    expect(ms).toBeLessThanOrEqual(2_000);
    expect(ms).toBeGreaterThanOrEqual(900); // it did wait for the sign-out, up to its deadline
    expect(accepted).toBe(1); // one attempt, no retries
  });
});

describe('ClientPool.closeAll', () => {
  it('signs every client out once, in parallel, and stops waiting at the deadline', async () => {
    const calls: unknown[] = [];
    const hanging = {
      signOut: vi.fn((o?: unknown) => {
        calls.push(o);
        return new Promise<void>(() => undefined);
      }),
    };
    const failing = { signOut: vi.fn(async () => Promise.reject(new Error('unreachable'))) };
    const clients = [hanging, failing, hanging];
    let i = 0;
    const pool = new ClientPool(async () => clients[i++]);
    for (const id of ['a', 'b', 'c'])
      await pool.get({ info: { id, serverUrl: 'https://t.example', siteContentUrl: '' }, auth: { kind: 'jwt', jwt: 'x' } } as never);
    // a fourth connection still signing in at close time
    const neverSignsIn = new ClientPool(() => new Promise<never>(() => undefined));
    void neverSignsIn.get({
      info: { id: 'd', serverUrl: 'https://t.example', siteContentUrl: '' },
      auth: { kind: 'jwt', jwt: 'x' },
    } as never);

    const started = Date.now();
    await Promise.all([pool.closeAll(300), neverSignsIn.closeAll(300)]);
    const ms = Date.now() - started;
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1_000);
    expect(hanging.signOut).toHaveBeenCalledTimes(2);
    expect(failing.signOut).toHaveBeenCalledTimes(1);
    for (const o of calls) expect((o as { deadlineMs: number }).deadlineMs).toBeLessThanOrEqual(300);
  });
});

describe('TableauClient.signOut with a deadline', () => {
  async function clientOfClosedSim() {
    sim = await createSimulator({});
    const port = Number(new URL(sim.url).port);
    const client = await TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
      sessions: new SessionCache(),
    });
    await sim.close();
    sim = undefined;
    return { client, port };
  }

  async function listen(port: number, onSocket: (s: Socket) => void) {
    silent = createServer((socket) => {
      sockets.push(socket);
      onSocket(socket);
    });
    await new Promise<void>((resolve) => silent!.listen(port, '127.0.0.1', resolve));
  }

  it('gives up on a silent Tableau at the deadline, after one attempt', async () => {
    const { client, port } = await clientOfClosedSim();
    let accepted = 0;
    await listen(port, () => accepted++);
    const started = Date.now();
    await expect(client.signOut({ deadlineMs: 300 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(accepted).toBe(1);
  });

  it('does not retry a 503 (the default policy would, 5 times)', async () => {
    const { client, port } = await clientOfClosedSim();
    let requests = 0;
    await listen(port, (socket) =>
      socket.on('data', () => {
        requests++;
        socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      }),
    );
    await expect(client.signOut({ deadlineMs: 1_000 })).rejects.toThrow();
    expect(requests).toBe(1);
  });
});

describe('open connections at close', () => {
  const opened: Socket[] = [];
  afterEach(() => opened.splice(0).forEach((s) => s.destroy()));

  async function openSocket(port: number, send?: string): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    opened.push(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    if (send) socket.write(send);
    return socket;
  }

  it('closes at once a connection with no request in flight (a preconnected or kept-alive browser socket)', async () => {
    server = await startServer({ dataDir: tempDir(), port: 0, protocol: 'http', logger: captureLogger('warn').logger });
    await openSocket(server.port); // never sends a request
    const kept = await openSocket(server.port, 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await new Promise<void>((resolve) => kept.once('data', () => resolve())); // answered, kept alive
    expect(await timedClose()).toBeLessThan(500);
  });

  it('gives a request in flight its grace period, then cuts it: still ≤ 2 s', async () => {
    let arrived!: () => void;
    const hanging = new Promise<void>((resolve) => (arrived = resolve));
    server = await startServer({
      dataDir: tempDir(),
      port: 0,
      protocol: 'http',
      logger: captureLogger('warn').logger,
      extraRoutes: [(api) => void api.get('/never', { config: { auth: 'optional' } }, () => (arrived(), new Promise(() => undefined)))],
    });
    await openSocket(server.port, 'GET /api/never HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await hanging;
    const ms = await timedClose();
    expect(ms).toBeGreaterThanOrEqual(1_400);
    expect(ms).toBeLessThanOrEqual(2_000);
  });
});
