import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { toErrorReply } from '../../../server/http/errors.js';
import { principalOf, SecretUnreadableError } from '../../../server/store/connections.js';
import { KEY_FILE } from '../../../server/store/index.js';
import { describeEachStore, type StoreBackend } from './backends.js';

const PAT_SECRET = 'Zm9vYmFyLXNlY3JldC10aGF0LW11c3Qtbm90LWxlYWs=:s3cr3t';

/** A fresh store with one session and its saved PAT connection "Demo". */
async function withDemoConnection(backend: StoreBackend, extra: { productVersion?: string } = {}) {
  const opened = await backend.open();
  const { store } = opened;
  const { session } = await store.sessions.create();
  const info = await store.connections.save(session.id, {
    label: 'Demo',
    serverUrl: 'https://tableau.example.com',
    siteContentUrl: 'demo',
    auth: { kind: 'pat', patName: 'analyst-pat', patSecret: PAT_SECRET },
    ...extra,
  });
  return { ...opened, session, info };
}

describeEachStore('connections', (backend) => {
  it('a replaced key file gives a clear 409 asking to connect again, never a 500, and listing still works', async () => {
    const opened = await withDemoConnection(backend);
    const { dir, store, session, info } = opened;
    await store.close();
    rmSync(join(dir, KEY_FILE)); // a restored database without its key file: a new key is made
    const { store: reopened } = await opened.reopen();
    expect((await reopened.connections.list(session.id)).map((c) => c.id)).toEqual([info.id]);
    let caught: unknown;
    try {
      await reopened.connections.get(session.id, info.id);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SecretUnreadableError);
    const reply = toErrorReply(caught);
    expect(reply.status).toBe(409);
    expect(reply.unexpected).toBe(false);
    expect(reply.body).toMatchObject({
      code: 'secret-unreadable',
      message: expect.stringContaining('"Demo"'),
      hint: expect.stringMatching(/connect again/),
    });
    expect(JSON.stringify(reply.body)).not.toContain(PAT_SECRET);
    await reopened.close();
  });

  it('keeps the secret encrypted in the database and decrypts it for its own session', async () => {
    const opened = await withDemoConnection(backend, { productVersion: '2025.3.0' });
    const { dir, store, session, info, sql } = opened;
    expect(info).toMatchObject({ principal: 'analyst-pat', authKind: 'pat', productVersion: '2025.3.0' });
    expect(JSON.stringify(info)).not.toContain(PAT_SECRET);
    expect((await store.connections.get(session.id, info.id))?.auth).toEqual({
      kind: 'pat',
      patName: 'analyst-pat',
      patSecret: PAT_SECRET,
    });
    const rows = JSON.stringify(await sql.all('SELECT * FROM connections'));
    expect(rows).toContain('analyst-pat');
    expect(rows).not.toContain('s3cr3t');
    if (backend.name === 'sqlite') {
      await sql.run('PRAGMA wal_checkpoint(TRUNCATE)');
      await store.close();
      for (const file of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, file));
        expect(bytes.includes(Buffer.from(PAT_SECRET)), file).toBe(false);
        expect(bytes.includes(Buffer.from('s3cr3t')), file).toBe(false);
      }
    }
    // And it survives a restart with the same key file.
    const { store: reopened } = await opened.reopen();
    expect((await reopened.connections.get(session.id, info.id))?.auth).toMatchObject({ patSecret: PAT_SECRET });
    await reopened.close();
  });

  it('keeps sessions apart', async () => {
    const { store } = await backend.open();
    const a = (await store.sessions.create()).session;
    const b = (await store.sessions.create()).session;
    const info = await store.connections.save(a.id, {
      label: 'x',
      serverUrl: 'https://s',
      siteContentUrl: '',
      auth: { kind: 'password', username: 'ann', password: 'pw' },
    });
    expect(await store.connections.list(b.id)).toEqual([]);
    expect(await store.connections.get(b.id, info.id)).toBeUndefined();
    expect(await store.connections.delete(b.id, info.id)).toBe(false);
    expect(await store.connections.list(a.id)).toHaveLength(1);
    expect(await store.connections.delete(a.id, info.id)).toBe(true);
    expect(await store.connections.list(a.id)).toEqual([]);
  });

  it('replaces the credentials when the same principal connects again', async () => {
    const { store } = await backend.open();
    const s = (await store.sessions.create()).session;
    const base = { label: 'x', serverUrl: 'https://s', siteContentUrl: 'site' };
    const first = await store.connections.save(s.id, { ...base, auth: { kind: 'pat', patName: 'p', patSecret: 'old' } });
    const second = await store.connections.save(s.id, { ...base, auth: { kind: 'pat', patName: 'p', patSecret: 'new' } });
    expect(second.id).toBe(first.id);
    expect(await store.connections.list(s.id)).toHaveLength(1);
    expect((await store.connections.get(s.id, first.id))?.auth).toMatchObject({ patSecret: 'new' });
  });

  it('two saves of one identity at the same moment leave one connection with one of their secrets', async () => {
    const { store } = await backend.open();
    const s = (await store.sessions.create()).session;
    const base = { label: 'x', serverUrl: 'https://s', siteContentUrl: 'site' };
    const saved = await Promise.all(
      ['one', 'two', 'three', 'four'].map((patSecret) =>
        store.connections.save(s.id, { ...base, auth: { kind: 'pat', patName: 'p', patSecret } }),
      ),
    );
    expect(new Set(saved.map((c) => c.id)).size).toBe(1);
    expect(await store.connections.list(s.id)).toHaveLength(1);
    expect(['one', 'two', 'three', 'four']).toContain(
      ((await store.connections.get(s.id, saved[0].id))?.auth as { patSecret: string }).patSecret,
    );
  });

  it('deleting a session deletes its connections', async () => {
    const { store } = await backend.open();
    const s = (await store.sessions.create()).session;
    const c = await store.connections.save(s.id, {
      label: 'x',
      serverUrl: 'https://s',
      siteContentUrl: '',
      auth: { kind: 'jwt', jwt: 'a.b.c' },
    });
    await store.sessions.delete(s.id);
    expect(await store.connections.get(s.id, c.id)).toBeUndefined();
  });
});

describe('principalOf', () => {
  it('names who signs in, never the secret', () => {
    expect(principalOf({ kind: 'pat', patName: 'n', patSecret: 's' })).toBe('n');
    expect(principalOf({ kind: 'password', username: 'u', password: 'p' })).toBe('u');
    const claims = Buffer.from(JSON.stringify({ sub: 'ann@example.com' })).toString('base64url');
    expect(principalOf({ kind: 'jwt', jwt: `h.${claims}.sig` })).toBe('ann@example.com');
    expect(principalOf({ kind: 'jwt', jwt: 'not-a-jwt' })).toBe('connected app');
  });
});
