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
