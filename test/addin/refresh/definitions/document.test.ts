import { describe, expect, it } from 'vitest';

import { InvalidDefinitionError, parseDocument, serializeDocument } from '../../../../addin/refresh/definitions/document.js';
import { CURRENT_SCHEMA_VERSION, type RefreshDocument } from '../../../../addin/refresh/definitions/schema.js';
import { wrapDocument } from '../../../../addin/refresh/definitions/xml.js';
import { datasourceDefinition, ID_A } from './fixtures.js';

const doc = (definitions = [datasourceDefinition()]): RefreshDocument => ({ schemaVersion: CURRENT_SCHEMA_VERSION, definitions });

describe('serializeDocument / parseDocument', () => {
  it('round-trips a document, including "]]>" inside a filter value', () => {
    const xml = serializeDocument(doc());
    expect(xml.startsWith('<tableauRefresh xmlns="urn:tableau-excel:refresh"><![CDATA[')).toBe(true);
    expect(parseDocument(xml)).toEqual({ ok: true, doc: doc() });
  });

  it('refuses to serialise an invalid document, with the reason in words', () => {
    const bad = doc([datasourceDefinition({ target: { sheet: 'Sales', tableName: 'has space' } })]);
    expect(() => serializeDocument(bad)).toThrow(InvalidDefinitionError);
    expect(() => serializeDocument(bad)).toThrow(/"has space" is not an Excel table name/);
  });

  it('calls JSON that does not parse "damaged", and says it was left untouched', () => {
    const r = parseDocument(wrapDocument('{"schemaVersion": 2, "definitions": ['));
    expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
    expect(r.ok || r.message).toMatch(/can't be used: they are damaged \(the text is not valid JSON\)\. They have been left untouched\./);
  });

  it('calls a schema violation "damaged" and names the problem', () => {
    const broken = {
      ...doc(),
      definitions: [{ ...datasourceDefinition(), rows: 'x', connection: { serverUrl: 'not a url', siteContentUrl: '' } }],
    };
    const r = parseDocument(wrapDocument(JSON.stringify(broken)));
    expect(r).toMatchObject({ ok: false, reason: 'corrupted' });
    expect(r.ok || r.message).toMatch(/server address "not a url" is not a URL/);
  });

  it('refuses a document from a newer add-in, asking for an update', () => {
    const r = parseDocument(wrapDocument(JSON.stringify({ schemaVersion: 7, definitions: [], somethingNew: true })));
    expect(r).toMatchObject({ ok: false, reason: 'newer-version' });
    expect(r.ok || r.message).toMatch(/newer version of the add-in \(format 7; this version reads formats up to 5\).*Update the add-in/);
  });

  it('calls a wrong root or namespace "damaged"', () => {
    expect(parseDocument('<foo/>')).toMatchObject({ ok: false, reason: 'corrupted' });
  });

  it('rejects duplicate ids and duplicate tables (case-insensitive, like Excel)', () => {
    const twice = doc([datasourceDefinition(), datasourceDefinition({ id: ID_A, target: { sheet: 'X', tableName: 'SALES_BY_REGION' } })]);
    expect(() => serializeDocument(twice)).toThrow(/Table SALES_BY_REGION has two refresh definitions/);
  });
});
