import { describe, expect, it } from 'vitest';

import { parseDocument } from '../../../../addin/refresh/definitions/document.js';
import { migrate, splitV1Connection } from '../../../../addin/refresh/definitions/migrate.js';
import { wrapDocument } from '../../../../addin/refresh/definitions/xml.js';
import { datasourceDefinition, ID_A, pictureOnlyDefinition } from './fixtures.js';

/** A document as the first release wrote it (format 1). */
function v1Document() {
  const { connection: _c, options, ...rest } = datasourceDefinition();
  const { everyMinutes: _e, ...v1Options } = options;
  return {
    schemaVersion: 1,
    definitions: [
      { ...rest, connection: 'https://prod-useast-a.online.tableau.com|', options: v1Options, everyMinutes: 30 },
      {
        ...rest,
        id: ID_A,
        target: { sheet: 'Other', tableName: 'Other_Table' },
        connection: 'https://tableau.example.com/|finance',
        options: { ...v1Options, mode: 'replace', timestampColumn: undefined },
        everyMinutes: 0,
      },
    ],
  };
}

describe('migrate', () => {
  it('moves a format 1 document to the current format: connection string → identity, everyMinutes → options', () => {
    const result = migrate(JSON.parse(JSON.stringify(v1Document())));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.migratedFrom).toBe(1);
    expect(result.doc.schemaVersion).toBe(5);
    const [a, b] = result.doc.definitions;
    expect(a.connection).toEqual({ serverUrl: 'https://prod-useast-a.online.tableau.com', siteContentUrl: '' });
    expect(a.options.everyMinutes).toBe(30);
    expect(a).not.toHaveProperty('everyMinutes');
    expect(b.connection).toEqual({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' });
    expect(b.options.everyMinutes).toBeNull(); // 0 meant "never" in format 1
    // Everything else is carried over unchanged.
    expect(a.lastResult).toEqual(datasourceDefinition().lastResult);
    expect(a.source).toEqual(datasourceDefinition().source);
  });

  it('through parseDocument, a migrated document says where it came from', () => {
    const r = parseDocument(wrapDocument(JSON.stringify(v1Document())));
    expect(r).toMatchObject({ ok: true, migratedFrom: 1 });
  });

  it('a damaged format 1 document is "corrupted", with the reason', () => {
    const broken = v1Document();
    (broken.definitions[0] as { connection: string }).connection = 'https://no-separator.example.com';
    const r = migrate(broken);
    expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
    expect(r.ok || r.message).toMatch(/"<server URL>\|<site>"/);
  });

  it('a current document passes through without migratedFrom', () => {
    expect(migrate({ schemaVersion: 5, definitions: [datasourceDefinition()] })).toEqual({
      ok: true,
      doc: { schemaVersion: 5, definitions: [datasourceDefinition()] },
    });
  });

  it.each([2, 3, 4])('a format %i document is a format 5 one (3, 4 and 5 only added optional keys)', (version) => {
    expect(migrate({ schemaVersion: version, definitions: [datasourceDefinition()] })).toEqual({
      ok: true,
      doc: { schemaVersion: 5, definitions: [datasourceDefinition()] },
      migratedFrom: version,
    });
  });

  it('keeps the picture of a format 4 definition; a format 3 one with a picture is corrupted (the key is new in 4)', () => {
    const withPicture = { ...datasourceDefinition(), picture: { name: 'Picture_Orders' } };
    expect(migrate({ schemaVersion: 4, definitions: [withPicture] })).toEqual({
      ok: true,
      doc: { schemaVersion: 5, definitions: [withPicture] },
      migratedFrom: 4,
    });
    expect(migrate({ schemaVersion: 4, definitions: [{ ...withPicture, picture: { name: 'P', secret: 'x' } }] })).toMatchObject({
      ok: false,
      reason: 'corrupted',
    });
  });

  describe('picture-only definitions (format 5)', () => {
    const pictureOnly = () => pictureOnlyDefinition();

    it('reads one: no table, the picture on its sheet, the view source and the connection', () => {
      expect(migrate({ schemaVersion: 5, definitions: [pictureOnly(), datasourceDefinition()] })).toEqual({
        ok: true,
        doc: { schemaVersion: 5, definitions: [pictureOnly(), datasourceDefinition()] },
      });
    });

    it.each([
      ['a table name', { target: { sheet: 'Overview', tableName: 'Overview_T' } }, /has no table/],
      ['no picture', { picture: undefined }, /names its picture/],
      ['a data source', { source: datasourceDefinition().source }, /Only a view has a picture/],
    ])('refuses one with %s', (_what, patch, message) => {
      const r = migrate({ schemaVersion: 5, definitions: [{ ...pictureOnly(), ...patch }] });
      expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
      expect(r.ok || r.message).toMatch(message);
    });

    it('refuses two entries for one picture on one sheet, and a table definition without its table', () => {
      const twice = { ...pictureOnly(), id: datasourceDefinition().id };
      expect(migrate({ schemaVersion: 5, definitions: [pictureOnly(), twice] })).toMatchObject({ ok: false, reason: 'corrupted' });
      const { target, ...table } = datasourceDefinition();
      const r = migrate({ schemaVersion: 5, definitions: [{ ...table, target: { sheet: target.sheet } }] });
      expect(r.ok || r.message).toMatch(/names its table/);
    });

    it.each([2, 3, 4])('calls a format %i document holding one corrupted (the kind is new in 5)', (version) => {
      const r = migrate({ schemaVersion: version, definitions: [pictureOnly()] });
      expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
      expect(r.ok || r.message).toMatch(/no picture-only definitions/);
    });
  });

  it('keeps key columns, the highlight option and what changed', () => {
    const def = datasourceDefinition();
    const withChanges = {
      ...def,
      options: { ...def.options, keyColumns: ['Order ID'], highlightChanges: true },
      lastResult: {
        at: '2025-01-10T10:00:00Z',
        rows: 7,
        durationMs: 5,
        status: 'ok',
        changes: { compared: true, keys: ['Order ID'], keyGuessed: false, added: 2, removed: 1, changed: 3, unchanged: 2, notes: [] },
      },
    };
    expect(migrate({ schemaVersion: 5, definitions: [withChanges] })).toEqual({
      ok: true,
      doc: { schemaVersion: 5, definitions: [withChanges] },
    });
    const twice = { ...withChanges, options: { ...withChanges.options, keyColumns: ['Order ID', 'Order ID'] } };
    expect(migrate({ schemaVersion: 4, definitions: [twice] })).toMatchObject({ ok: false, reason: 'corrupted' });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ definitions: [] }, /no valid format version/],
    [{ schemaVersion: '2', definitions: [] }, /no valid format version/],
    [{ schemaVersion: 0, definitions: [] }, /no valid format version/],
  ])('refuses %j as corrupted', (raw, message) => {
    const r = migrate(raw);
    expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
    expect(r.ok || r.message).toMatch(message);
  });

  it('refuses a newer version', () => {
    expect(migrate({ schemaVersion: 6, definitions: 'anything' })).toMatchObject({ ok: false, reason: 'newer-version', version: 6 });
  });

  it('splits the format 1 connection at the first bar', () => {
    expect(splitV1Connection('https://a.com|site|x')).toEqual({ serverUrl: 'https://a.com', siteContentUrl: 'site|x' });
  });
});
