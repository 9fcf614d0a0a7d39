import { describe, expect, it } from 'vitest';

import { InvalidDefinitionError, parseDocument } from '../../../../addin/refresh/definitions/document.js';
import { type LastResult } from '../../../../addin/refresh/definitions/schema.js';
import { DefinitionNotFoundError, DefinitionStore, UnreadableDocumentError } from '../../../../addin/refresh/definitions/store.js';
import { BACKUP_NAMESPACE, REFRESH_NAMESPACE, wrapDocument } from '../../../../addin/refresh/definitions/xml.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import { datasourceDefinition, ID_A, MemoryPort, viewInput } from './fixtures.js';

const clock = (start = Date.UTC(2025, 0, 10, 10, 0)) => {
  let t = start;
  return () => new Date((t += 1000));
};
const ids = () => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
};
const storeOn = (port: MemoryPort) => new DefinitionStore(port, { now: clock(), newId: ids() });
const result = (rows: number, at = '2025-01-10T11:00:00.000Z'): LastResult => ({ at, rows, durationMs: 100, status: 'ok' });

describe('DefinitionStore', () => {
  it('starts empty and stores one document in the namespaced part', async () => {
    const port = new MemoryPort();
    const store = storeOn(port);
    expect(await store.list()).toEqual([]);
    const def = await store.upsert(viewInput());
    expect(def).toMatchObject({ id: '00000000-0000-4000-8000-000000000001', lastResult: null, columns: [], createdAt: def.updatedAt });
    expect([...port.parts.keys()]).toEqual([REFRESH_NAMESPACE]);
    expect(parseDocument(port.parts.get(REFRESH_NAMESPACE)!)).toEqual({ ok: true, doc: { schemaVersion: 5, definitions: [def] } });
    expect(await store.get(def.id)).toEqual(def);
    expect(await store.findByTable('superstore_overview')).toEqual(def);
  });

  it('upsert with an existing id replaces it, keeping createdAt and the last result', async () => {
    const store = storeOn(new MemoryPort());
    const first = await store.upsert(viewInput());
    await store.recordResult(first.id, result(10), [{ name: 'Sales', type: 'currency' }]);
    const second = await store.upsert({ ...viewInput(), id: first.id, target: { sheet: 'Overview', tableName: 'Renamed' } });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(second.lastResult).toEqual(result(10));
    expect(second.columns).toEqual([{ name: 'Sales', type: 'currency' }]);
    expect(await store.list()).toHaveLength(1);
  });

  it('refuses a second definition for the same table, and invalid input, without writing', async () => {
    const port = new MemoryPort();
    const store = storeOn(port);
    await store.upsert(viewInput());
    const writes = port.writes;
    await expect(store.upsert(viewInput({ target: { sheet: 'X', tableName: 'SUPERSTORE_overview' } }))).rejects.toThrow(
      /already has a refresh definition/,
    );
    await expect(store.upsert(viewInput({ connection: { serverUrl: 'ftp://x', siteContentUrl: '' } }))).rejects.toThrow(
      InvalidDefinitionError,
    );
    expect(port.writes).toBe(writes);
  });

  it('update merges options; recordResult keeps updatedAt; remove reports whether it removed', async () => {
    const store = storeOn(new MemoryPort());
    const def = await store.upsert(viewInput());
    const edited = await store.update(def.id, { options: { everyMinutes: 60 } });
    expect(edited.options).toEqual({ ...def.options, everyMinutes: 60 });
    const refreshed = await store.recordResult(def.id, { ...result(0), status: 'error', error: 'Sign in again' });
    expect(refreshed.updatedAt).toBe(edited.updatedAt);
    expect(refreshed.lastResult?.error).toBe('Sign in again');
    await expect(store.update(ID_A, {})).rejects.toThrow(DefinitionNotFoundError);
    expect(await store.remove(def.id)).toBe(true);
    expect(await store.remove(def.id)).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('update moves a definition to another server and site: connection and source land together in the part', async () => {
    const port = new MemoryPort();
    const store = storeOn(port);
    const def = await store.upsert(viewInput());
    const source = { kind: 'view' as const, viewId: 'view-on-new-site', name: 'Overview', filters: { Region: 'West' } };
    const moved = await store.update(def.id, {
      connection: { serverUrl: 'HTTPS://Tableau.New.Example.com:8443/', siteContentUrl: 'sales' },
      source,
    });
    expect(moved.connection).toEqual({ serverUrl: 'https://tableau.new.example.com:8443', siteContentUrl: 'sales' });
    const stored = parseDocument(port.parts.get(REFRESH_NAMESPACE)!);
    expect(stored.ok && stored.doc.definitions[0]).toMatchObject({ connection: moved.connection, source, createdAt: def.createdAt });
    // A connection is an identity only: a secret or server id riding along is refused, nothing written.
    const writes = port.writes;
    const withSecret = { serverUrl: 'https://x.example.com', siteContentUrl: '', patSecret: 's3cret' } as never;
    await expect(store.update(def.id, { connection: withSecret })).rejects.toThrow(/only serverUrl and siteContentUrl/);
    expect(port.writes).toBe(writes);
  });

  it('two refreshes finishing together both land (writes are serialised)', async () => {
    const port = new MemoryPort(5);
    const store = storeOn(port);
    const a = await store.upsert(viewInput());
    const b = await store.upsert(viewInput({ target: { sheet: 'S2', tableName: 'Second' } }));
    await Promise.all([
      store.recordResult(a.id, result(111)),
      store.recordResult(b.id, result(222)),
      store.update(a.id, { options: { refreshOnOpen: false } }),
    ]);
    const byId = new Map((await store.list()).map((d) => [d.id, d]));
    expect(byId.get(a.id)?.lastResult?.rows).toBe(111);
    expect(byId.get(a.id)?.options.refreshOnOpen).toBe(false);
    expect(byId.get(b.id)?.lastResult?.rows).toBe(222);
  });

  it('a failed change does not block the ones queued after it', async () => {
    const store = storeOn(new MemoryPort(1));
    const def = await store.upsert(viewInput());
    const [bad, good] = await Promise.allSettled([store.recordResult(ID_A, result(1)), store.recordResult(def.id, result(2))]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
  });

  describe('an unreadable document is never silently overwritten', () => {
    const damaged = wrapDocument('{"schemaVersion": 2, "definitions": [ oops');
    const newer = wrapDocument(JSON.stringify({ schemaVersion: 9, definitions: [{ whatever: true }] }));

    it.each([
      ['corrupted', damaged],
      ['newer-version', newer],
    ])('%s: read() explains, list() and every change refuse, the part stays as it was', async (reason, xml) => {
      const port = new MemoryPort();
      port.parts.set(REFRESH_NAMESPACE, xml);
      const store = storeOn(port);
      expect(await store.read()).toMatchObject({ status: 'unreadable', reason });
      await expect(store.list()).rejects.toBeInstanceOf(UnreadableDocumentError);
      await expect(store.upsert(viewInput())).rejects.toMatchObject({ name: 'UnreadableDocumentError', reason });
      await expect(store.remove(ID_A)).rejects.toThrow(/left untouched/);
      expect(port.parts.get(REFRESH_NAMESPACE)).toBe(xml);
      expect(port.writes).toBe(0);
    });

    it('overwriteUnreadable: true replaces it, after keeping the old text in a backup part', async () => {
      const port = new MemoryPort();
      port.parts.set(REFRESH_NAMESPACE, newer);
      const store = storeOn(port);
      const def = await store.upsert(viewInput(), { overwriteUnreadable: true });
      expect(await store.list()).toEqual([def]);
      const backup = port.parts.get(BACKUP_NAMESPACE)!;
      expect(backup).toContain(`xmlns="${BACKUP_NAMESPACE}"`);
      expect(backup.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')).toContain(newer);
    });
  });

  it('reads and upgrades a format 1 document on the next save', async () => {
    const port = new MemoryPort();
    const { connection: _c, options, ...rest } = datasourceDefinition();
    const { everyMinutes: _e, ...v1Options } = options;
    port.parts.set(
      REFRESH_NAMESPACE,
      wrapDocument(
        JSON.stringify({
          schemaVersion: 1,
          definitions: [{ ...rest, connection: 'https://a.example.com|sales', options: v1Options, everyMinutes: 5 }],
        }),
      ),
    );
    const store = storeOn(port);
    expect(await store.read()).toMatchObject({ status: 'ok', migratedFrom: 1 });
    await store.recordResult(rest.id, result(5));
    expect(port.parts.get(REFRESH_NAMESPACE)).toContain('"schemaVersion":5');
    expect((await store.get(rest.id))?.options.everyMinutes).toBe(5);
  });

  it('works against the memory WorkbookGateway (custom XML parts by namespace)', async () => {
    const gateway = memoryGateway();
    const store = new DefinitionStore(gateway);
    const def = await store.upsert(viewInput());
    expect(def.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await new DefinitionStore(gateway).list()).toEqual([def]);
    await gateway.writeDocument(REFRESH_NAMESPACE, wrapDocument('not json'));
    await store.upsert(viewInput({ target: { sheet: 'S', tableName: 'Fresh' } }), { overwriteUnreadable: true });
    expect(await gateway.readDocument(BACKUP_NAMESPACE)).toContain('not json');
  });
});
