import Database from 'better-sqlite3';

import { migrate, MIGRATIONS } from '../../../server/store/db.js';
import { hashToken, SqliteSessionStore } from '../../../server/store/sessions.js';

function memoryDb() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS);
  return db;
}

describe('SqliteSessionStore', () => {
  it('issues 32-byte random tokens and stores only their SHA-256', async () => {
    const db = memoryDb();
    const store = new SqliteSessionStore(db);
    const { token, session } = await await store.create();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const stored = db.prepare('SELECT token_hash FROM sessions WHERE id = ?').pluck().get(session.id);
    expect(stored).toBe(hashToken(token));
    expect(stored).not.toContain(token);
    expect((await await store.resolve(token))?.id).toBe(session.id);
    expect((await await store.create()).token).not.toBe(token);
  });

  it('rejects unknown and malformed tokens', async () => {
    const store = new SqliteSessionStore(memoryDb());
    await await store.create();
    expect(await await store.resolve('x'.repeat(43))).toBeUndefined();
    expect(await await store.resolve('')).toBeUndefined();
    expect(await await store.resolve('not a token at all')).toBeUndefined();
  });

  it('expires sessions idle for too long', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new SqliteSessionStore(memoryDb(), 60 * 60 * 1000, () => now);
    const { token } = await await store.create();
    now = new Date('2026-01-01T00:59:00Z');
    expect(await await store.resolve(token)).toBeDefined();
    now = new Date('2026-01-01T01:58:00Z');
    expect(await await store.resolve(token)).toBeDefined(); // the previous use renewed it
    now = new Date('2026-01-01T03:00:00Z');
    expect(await await store.resolve(token)).toBeUndefined();
  });
});
