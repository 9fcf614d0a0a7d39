import { hashToken, SqlSessionStore } from '../../../server/store/sessions.js';
import { describeEachStore } from './backends.js';

describeEachStore('sessions', (backend) => {
  it('issues 32-byte random tokens and stores only their SHA-256', async () => {
    const { store, sql } = await backend.open();
    const { token, session } = await store.sessions.create();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = (await sql.get<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE id = ?', [session.id]))?.token_hash;
    expect(stored).toBe(hashToken(token));
    expect(stored).not.toContain(token);
    expect((await store.sessions.resolve(token))?.id).toBe(session.id);
    expect((await store.sessions.create()).token).not.toBe(token);
  });

  it('rejects unknown and malformed tokens', async () => {
    const { store } = await backend.open();
    await store.sessions.create();
    expect(await store.sessions.resolve('x'.repeat(43))).toBeUndefined();
    expect(await store.sessions.resolve('')).toBeUndefined();
    expect(await store.sessions.resolve('not a token at all')).toBeUndefined();
  });

  it('expires sessions idle for too long', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const sessions = new SqlSessionStore((await backend.open()).sql, 60 * 60 * 1000, () => now);
    const { token, session } = await sessions.create();
    expect(session.createdAt).toBe('2026-01-01T00:00:00.000Z');
    now = new Date('2026-01-01T00:59:00Z');
    expect(await sessions.resolve(token)).toMatchObject({ lastUsedAt: '2026-01-01T00:59:00.000Z' });
    now = new Date('2026-01-01T01:58:00Z');
    expect(await sessions.resolve(token)).toBeDefined(); // the previous use renewed it
    now = new Date('2026-01-01T03:00:00Z');
    expect(await sessions.resolve(token)).toBeUndefined();
  });
});

describeEachStore('users (who a session acts for)', (backend) => {
  const ada = { serverUrl: 'https://tableau.example.com', siteId: 'site-1', userId: 'tableau-user-ada' };
  const connection = (patName: string, patSecret: string) => ({
    label: 'l',
    serverUrl: ada.serverUrl,
    siteContentUrl: 'marketing',
    auth: { kind: 'pat' as const, patName, patSecret },
  });

  it('a single analyst: each session is its own user, and its expiry takes what it owned, as before users existed', async () => {
    const { store, sql } = await backend.open();
    const a = (await store.sessions.create()).session;
    const b = (await store.sessions.create()).session;
    expect(a).toMatchObject({ userId: a.id, userKind: 'local' });
    expect(b.userId).not.toBe(a.userId);
    const saved = await store.connections.save(a.userId, connection('p', 's'));
    expect(await store.connections.list(b.userId)).toEqual([]);
    await store.sessions.delete(a.id);
    expect(await sql.get('SELECT id FROM connections WHERE id = ?', [saved.id])).toBeUndefined();
    expect(await sql.get('SELECT id FROM users WHERE id = ?', [a.userId])).toBeUndefined();
    expect(await store.connections.list(b.userId)).toEqual([]);
  });

  it('a team user: every session of one Tableau identity acts for one user, whose things outlive a session', async () => {
    const { store } = await backend.open();
    const [u1, u2] = await Promise.all([store.sessions.userOf(ada), store.sessions.userOf(ada)]);
    expect(u2).toBe(u1);
    expect(await store.sessions.userOf({ ...ada, userId: 'tableau-user-carl' })).not.toBe(u1);
    expect(await store.sessions.userOf({ ...ada, siteId: 'site-2' })).not.toBe(u1);
    const first = await store.sessions.create(u1);
    const second = await store.sessions.create(u1);
    expect(await store.sessions.resolve(second.token)).toMatchObject({ userId: u1, userKind: 'tableau' });
    const saved = await store.connections.save(u1, connection('p', 's'), { anyPrincipal: true });
    await store.sessions.delete(first.session.id);
    expect(await store.sessions.resolve(first.token)).toBeUndefined();
    expect((await store.connections.list(u1)).map((c) => c.id)).toEqual([saved.id]);
  });

  it("a team user's new PAT under another name updates their connection; a single analyst's is another connection", async () => {
    const { store } = await backend.open();
    const user = await store.sessions.userOf(ada);
    const old = await store.connections.save(user, connection('old-name', 'old'), { anyPrincipal: true });
    const renewed = await store.connections.save(user, connection('new-name', 'new'), { anyPrincipal: true });
    expect(renewed).toMatchObject({ id: old.id, principal: 'new-name' });
    expect((await store.connections.get(user, old.id))?.auth).toMatchObject({ patName: 'new-name', patSecret: 'new' });
    // Two at once stay one (UNIQUE connections_identity).
    await Promise.all(['a', 'b', 'c'].map((n) => store.connections.save(user, connection(n, n), { anyPrincipal: true })));
    expect(await store.connections.list(user)).toHaveLength(1);

    const local = (await store.sessions.create()).session.userId;
    await store.connections.save(local, connection('old-name', 'old'));
    await store.connections.save(local, connection('new-name', 'new'));
    expect(await store.connections.list(local)).toHaveLength(2);
  });
});
