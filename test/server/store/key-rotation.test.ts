/**
 * Key rotation of the store's secrets on both stores (server/store/rotate.ts, keys.ts, reseal.ts;
 * docs/store.md#key-rotation): after a rotation every secret opens and none is left under the old
 * key; a rotation cut before its commit, or between its commit and the key file swap, leaves every
 * secret openable; an instance with only the old key gets an error naming what to do, and opens
 * everything once it is given the new key files, without a restart.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { errorHandler, toErrorReply } from '../../../server/http/errors.js';
import { startServer } from '../../../server/main.js';
import { SqlConnectionStore } from '../../../server/store/connections.js';
import { createSecretBox, keyIdOf } from '../../../server/store/crypto.js';
import { KEY_FILE, openConfiguredStore, PREVIOUS_KEYS_FILE } from '../../../server/store/index.js';
import { keyFilesBox, knownKeyIds, loadKeyRing, missingKeysWarning } from '../../../server/store/keys.js';
import { resealSecrets, sealedKeyCounts, secretsUnderMissingKeys } from '../../../server/store/reseal.js';
import { resealAndPromote, retireKeys, rotateKey, stageKey } from '../../../server/store/rotate.js';
import type { Sql } from '../../../server/store/sql.js';
import { captureLogger } from '../http/helpers.js';
import { describeEachStore, type StoreBackend } from './backends.js';

const SECRETS = ['first-pat-secret', 'second-pat-secret', 'legacy-pat-secret'];
const HOOK = 'https://hooks.slack.example/services/T0/B0/hook-token';

/** A value as servers sealed before key ids (`v1.<iv>.<tag>.<ciphertext>`), to prove they still open. */
function sealV1(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

/** A store holding three connections (one sealed the v1 way), a schedule with a webhook, and one with a plain legacy webhook. */
async function populated(backend: StoreBackend) {
  const opened = await backend.open();
  const { store, sql, dir } = opened;
  const user = (await store.sessions.create()).session.id;
  const ids: string[] = [];
  for (const [i, secret] of SECRETS.entries()) {
    const info = await store.connections.save(user, {
      label: `Conn ${i}`,
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: `site${i}`,
      auth: { kind: 'pat', patName: `pat-${i}`, patSecret: secret },
    });
    ids.push(info.id);
  }
  const legacy = ids[2];
  const sealed = sealV1(loadKeyRing(dir).current, JSON.stringify({ kind: 'pat', patName: 'pat-2', patSecret: SECRETS[2] }), legacy);
  await sql.run('UPDATE connections SET sealed_auth = ? WHERE id = ?', [sealed, legacy]);
  const { schedules } = store.scheduleStores();
  const schedule = (webhookUrl?: string) =>
    schedules.create(user, {
      connectionId: ids[0],
      definitionId: '7d8e2a8c-4b1f-4f7e-9a51-0c4c1c1d2e3f',
      name: 'Sales',
      source: { kind: 'view', viewId: 'view-1', name: 'Superstore / Sales' },
      spec: { kind: 'daily', time: '07:30', timeZone: 'UTC' },
      historyLimit: 30,
      ...(webhookUrl ? { webhookUrl } : {}),
    });
  const hooked = await schedule(HOOK);
  const plain = await schedule();
  await sql.run('UPDATE schedules SET webhook_url = ? WHERE id = ?', ['https://hooks.example.com/plain', plain.id]);
  return { ...opened, user, ids, hooked: hooked.id, plain: plain.id };
}

type Populated = Awaited<ReturnType<typeof populated>>;

/** Every secret, opened through a store that reads the key files of `dir` afresh (a restarted instance). */
async function openEverything(p: Populated, dir = p.dir) {
  const connections = new SqlConnectionStore(p.sql, keyFilesBox(dir));
  const secrets = [];
  for (const id of p.ids) secrets.push(((await connections.get(p.user, id))?.auth as { patSecret: string }).patSecret);
  const { schedules } = (await p.reopen()).store.scheduleStores();
  return { secrets, hook: (await schedules.find(p.hooked))?.webhookUrl, plain: (await schedules.find(p.plain))?.webhookUrl };
}

const EVERYTHING = { secrets: SECRETS, hook: HOOK, plain: 'https://hooks.example.com/plain' };

/** The store's statements, plus one that fails before the commit: a rotation cut mid-transaction. */
const failingBeforeCommit = (sql: Sql): Sql => ({
  ...sql,
  atomically: (list) => sql.atomically([...list, ['UPDATE no_such_table SET x = 1', []]]),
});

/** A copy of the key files of `dir` as they are now: another instance's data directory. */
function copyKeys(dir: string, into = mkdtempSync(join(tmpdir(), 'store-keys-'))): string {
  for (const name of [KEY_FILE, PREVIOUS_KEYS_FILE]) if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(into, name));
  return into;
}

describeEachStore('key rotation', (backend) => {
  it('re-seals every secret under a new key: all open, none is left under the old key, the old key is kept', async () => {
    const p = await populated(backend);
    const oldKey = loadKeyRing(p.dir).current;
    const report = await rotateKey(p.store, p.dir);
    const ring = loadKeyRing(p.dir);
    expect(ring.current.equals(oldKey)).toBe(false);
    expect(ring.previous.map(keyIdOf)).toEqual([keyIdOf(oldKey)]);
    expect(report).toEqual({ resealed: 5, unreadable: 0, currentKeyId: keyIdOf(ring.current), previousKeyIds: [keyIdOf(oldKey)] });
    expect(Object.fromEntries(await sealedKeyCounts(p.sql))).toEqual({ [keyIdOf(ring.current)]: 5 });
    expect(await openEverything(p)).toEqual(EVERYTHING);
    // The new key alone opens everything now: the old one is kept only for instances that still seal with it.
    const newOnly = new SqlConnectionStore(p.sql, createSecretBox(ring.current));
    for (const id of p.ids) expect((await newOnly.get(p.user, id))?.auth).toBeDefined();
    // The store that was open during the rotation follows the key files: it seals with the new key.
    const after = await p.store.connections.save(p.user, {
      label: 'After',
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: 'after',
      auth: { kind: 'pat', patName: 'after', patSecret: 'after-secret' },
    });
    expect((await newOnly.get(p.user, after.id))?.auth).toMatchObject({ patSecret: 'after-secret' });
  });

  it('a rotation cut before its commit changes nothing in the store, and every secret still opens', async () => {
    const p = await populated(backend);
    const before = await p.sql.all('SELECT id, sealed_auth FROM connections ORDER BY id');
    const oldId = keyIdOf(loadKeyRing(p.dir).current);
    const cut = {
      resealSecrets: (box: ReturnType<typeof createSecretBox>) => resealSecrets(failingBeforeCommit(p.sql), box),
      sealedKeyCounts: () => sealedKeyCounts(p.sql),
    };
    await expect(rotateKey(cut, p.dir)).rejects.toThrow();
    expect(await p.sql.all('SELECT id, sealed_auth FROM connections ORDER BY id')).toEqual(before);
    expect(keyIdOf(loadKeyRing(p.dir).current)).toBe(oldId);
    expect(await openEverything(p)).toEqual(EVERYTHING);
    // And a rotation run again completes.
    await rotateKey(p.store, p.dir);
    expect(await openEverything(p)).toEqual(EVERYTHING);
  });

  it('a rotation cut after its commit, before the key files are swapped, leaves every secret openable', async () => {
    const p = await populated(backend);
    const oldKey = loadKeyRing(p.dir).current;
    const next = stageKey(p.dir);
    // Step 2 alone: everything re-sealed under the staged key; secret.key is still the old one.
    await p.store.resealSecrets(createSecretBox({ current: next, previous: [oldKey] }));
    expect(loadKeyRing(p.dir).current.equals(oldKey)).toBe(true);
    expect(await openEverything(p)).toEqual(EVERYTHING);
    // Finishing the steps later (or rotating again) leaves it consistent.
    await resealAndPromote(p.store, p.dir, next);
    expect(loadKeyRing(p.dir).current.equals(next)).toBe(true);
    expect(await openEverything(p)).toEqual(EVERYTHING);
  });

  it('an instance with only the old key gets an error naming what to do, and opens everything once given the new key files', async () => {
    const p = await populated(backend);
    const otherInstance = copyKeys(p.dir); // another instance's data directory, with the old key only
    const stale = new SqlConnectionStore(p.sql, keyFilesBox(otherInstance));
    await rotateKey(p.store, p.dir);
    const caught = await stale.get(p.user, p.ids[0]).catch((err: unknown) => err);
    const cause = (caught as Error).cause as Error;
    expect(cause.message).toContain(join(otherInstance, KEY_FILE));
    expect(cause.message).toContain('npm run rotate-key');
    expect(cause.message).toContain(`copy ${KEY_FILE} and ${PREVIOUS_KEYS_FILE}`);
    expect(cause.message).toContain('docs/store.md#key-rotation');
    const reply = toErrorReply(caught);
    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({ code: 'secret-unreadable', hint: expect.stringContaining('key files') });
    expect(JSON.stringify(reply.body)).not.toContain(otherInstance); // server paths stay in the logs
    expect(JSON.stringify(reply.body)).not.toContain(SECRETS[0]);
    // The operator reads what to do in the instance's log.
    const logged: Array<Record<string, unknown>> = [];
    const log = (entry: Record<string, unknown>) => void logged.push(entry);
    const request = { log: { warn: log, info: log, error: log } } as unknown as FastifyRequest;
    const sent = { status: () => sent, send: () => sent } as unknown as FastifyReply;
    errorHandler(caught, request, sent);
    expect(logged).toEqual([{ code: 'secret-unreadable', status: 409, reason: cause.message }]);

    // At its start, such an instance says so once, with the same advice.
    const newId = keyIdOf(loadKeyRing(p.dir).current);
    const missing = await secretsUnderMissingKeys(p.sql, knownKeyIds(otherInstance));
    expect(Object.fromEntries(missing)).toEqual({ [newId]: 5 });
    expect(missingKeysWarning(missing, otherInstance)).toMatch(
      new RegExp(`^5 secrets are sealed with key ${newId}, .*copy ${KEY_FILE} and`),
    );

    copyKeys(p.dir, otherInstance); // the operator copies the files; no restart
    expect((await stale.get(p.user, p.ids[0]))?.auth).toMatchObject({ patSecret: SECRETS[0] });
    expect((await secretsUnderMissingKeys(p.sql, knownKeyIds(otherInstance))).size).toBe(0);
  });

  it('a server started without the key of its secrets warns at start, naming the files and what to do', async () => {
    const location = await backend.location();
    const opened = await openConfiguredStore(location.dataDir, location);
    const user = (await opened.sessions.create()).session.id;
    await opened.connections.save(user, {
      label: 'Demo',
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: 'demo',
      auth: { kind: 'pat', patName: 'pat', patSecret: 'pat-secret' },
    });
    await opened.close();
    rmSync(join(location.dataDir, KEY_FILE)); // a rotation not copied here, or a lost key file
    const { logger, text } = captureLogger('warn');
    const server = await startServer({ ...location, port: 0, protocol: 'http', logger });
    await server.close();
    expect(text()).toContain(`1 secret is sealed with key`);
    expect(text()).toContain('docs/store.md#key-rotation');
    expect(text()).not.toContain('pat-secret');
  });

  it('retiring the old key re-seals what an instance wrote with it meanwhile, then removes secret.key.previous', async () => {
    const p = await populated(backend);
    const otherInstance = copyKeys(p.dir);
    await rotateKey(p.store, p.dir);
    // Before it saw the new files, the other instance saved a connection with the old key.
    const stale = new SqlConnectionStore(p.sql, createSecretBox(readFileSync(join(otherInstance, KEY_FILE))));
    const late = await stale.save(p.user, {
      label: 'Late',
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: 'late',
      auth: { kind: 'pat', patName: 'late', patSecret: 'late-secret' },
    });
    const report = await retireKeys(p.store, p.dir);
    expect(report).toMatchObject({ resealed: 6, unreadable: 0, previousKeyIds: [] });
    expect(existsSync(join(p.dir, PREVIOUS_KEYS_FILE))).toBe(false);
    const current = loadKeyRing(p.dir).current;
    expect(Object.fromEntries(await sealedKeyCounts(p.sql))).toEqual({ [keyIdOf(current)]: 6 });
    expect(await openEverything(p)).toEqual(EVERYTHING);
    expect((await new SqlConnectionStore(p.sql, createSecretBox(current)).get(p.user, late.id))?.auth).toMatchObject({
      patSecret: 'late-secret',
    });
  });
});
