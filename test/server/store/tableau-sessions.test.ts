/**
 * Tableau sessions shared by instances on one PostgreSQL, against the simulator (which ends a PAT's
 * earlier session at each sign-in, as Tableau does): instances racing to connect with one PAT sign
 * in ONCE and use the same token; a 401 both see is ONE re-sign-in; an instance started later
 * re-uses the stored token; the token is sealed at rest; another secret never inherits the session;
 * a sign-out removes the stored session only while it holds the signed-out token.
 */
import { randomBytes } from 'node:crypto';

import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { createSecretBox } from '../../../server/store/crypto.js';
import { openSharedTableauState } from '../../../server/store/tableau-shared.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { adminUrl, memoryLogger, onCleanup, sharedDatabase, skipReason } from './tableau-shared-support.js';

describe.skipIf(!adminUrl)(`Tableau sessions across instances${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator();
  });
  afterAll(() => sim.close());

  /** Instances on one database with one key file (docs/store.md); `instance()` starts one more. */
  async function team() {
    const db = await sharedDatabase();
    const box = createSecretBox(randomBytes(32));
    const instance = () => {
      const logger = memoryLogger();
      const shared = openSharedTableauState(db.url, box, { logger });
      onCleanup(() => shared.close());
      return { sessions: new SessionCache({ shared }), logger };
    };
    return { instance, probe: db.pool() };
  }

  const auth = (patSecret = sim.demo.patSecret) => ({ kind: 'pat' as const, patName: sim.demo.patName, patSecret });
  const connect = (sessions: SessionCache, patSecret?: string) =>
    TableauClient.connect({
      serverUrl: sim.url,
      siteContentUrl: sim.demo.siteContentUrl,
      auth: auth(patSecret),
      sessions,
      retry: { maxAttempts: 1 },
    });
  const tokenOf = (sessions: SessionCache) => sessions.get(sessions.keyFor(sim.url, sim.demo.siteContentUrl, auth()))?.token;
  const browse = (c: TableauClient) => c.listPage('projects', { pageNumber: 1 });

  let signIns: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    signIns = vi.spyOn(sim.sessions, 'create');
  });
  afterEach(() => signIns.mockRestore());

  it('signs in once for two instances racing with one PAT; both use that token, and one re-sign-in after a 401', async () => {
    const { instance } = await team();
    const [a, b] = [instance(), instance()];
    const [ca, cb] = await Promise.all([connect(a.sessions), connect(b.sessions)]);
    expect(signIns).toHaveBeenCalledTimes(1);
    // The same cache key on both (the fingerprint's key derives from the shared key file), the same token.
    expect(a.sessions.keyFor(sim.url, 'x', auth())).toBe(b.sessions.keyFor(sim.url, 'x', auth()));
    const token = tokenOf(a.sessions);
    expect(token).toBeDefined();
    expect(tokenOf(b.sessions)).toBe(token);
    // Both work: a second sign-in would have ended the first one's session.
    await Promise.all([browse(ca), browse(cb)]);

    sim.sessions.clear(); // Tableau forgot the session (restart, idle timeout): both get a 401.
    await Promise.all([browse(ca), browse(cb)]);
    expect(signIns).toHaveBeenCalledTimes(2);
    const renewed = tokenOf(a.sessions);
    expect(renewed).not.toBe(token);
    expect(tokenOf(b.sessions)).toBe(renewed);

    // An instance started later takes the stored session up: no sign-in, and the others' still works.
    const late = instance();
    await browse(await connect(late.sessions));
    await Promise.all([browse(ca), browse(cb)]);
    expect(signIns).toHaveBeenCalledTimes(2);
  });

  it('keeps the token sealed at rest and gives it to no one with another secret', async () => {
    const { instance, probe } = await team();
    const [a, b] = [instance(), instance()];
    await connect(a.sessions);
    const token = tokenOf(a.sessions)!;
    const { rows } = await probe.query<{ key: string; sealed: string }>('SELECT key, sealed FROM tableau_sessions');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed).not.toContain(token);
    expect(rows[0]!.key).not.toContain(sim.demo.patSecret);
    // A wrong secret with the right PAT name signs in itself (and fails) instead of inheriting the session.
    await expect(connect(b.sessions, 'not-the-secret')).rejects.toMatchObject({ code: 'bad-credentials' });
    expect(signIns).toHaveBeenCalledTimes(1);
    for (const { logger } of [a, b]) expect(logger.lines.join('\n')).not.toContain(token);
  });

  it('a sign-out removes the stored session only while it holds the signed-out token', async () => {
    const { instance, probe } = await team();
    const [a, b] = [instance(), instance()];
    const [ca, cb] = await Promise.all([connect(a.sessions), connect(b.sessions)]);
    const stored = async () => Number((await probe.query('SELECT count(*) AS n FROM tableau_sessions')).rows[0].n);
    sim.sessions.clear();
    await browse(cb); // b renews: the stored session is b's new token
    await ca.signOut(); // a signs out its old token: b's session stays
    expect(await stored()).toBe(1);
    await browse(cb);
    // A stopping instance leaves the shared session to the others (ClientPool.closeAll at shutdown).
    await cb.signOut({ deadlineMs: 1_000, stopping: true });
    expect(await stored()).toBe(1);
    await browse(await connect(a.sessions));
    await cb.signOut();
    expect(await stored()).toBe(0);
    expect(signIns).toHaveBeenCalledTimes(2);
  });
});
