import { describe, expect, it } from 'vitest';

import type { RefreshDefinition } from '../../../addin/refresh/definitions/schema.js';
import { connectionChoices, movesSite, searchTextFor, sourcePatch } from '../../../addin/ui/tables/sourceEdit.js';
import type { ConnectionInfo } from '../../../common/api.js';

const conn = (id: string, serverUrl: string, siteContentUrl: string, principal = 'pat'): ConnectionInfo => ({
  id,
  label: id,
  serverUrl,
  siteContentUrl,
  authKind: 'pat',
  principal,
  createdAt: '2026-01-01T00:00:00Z',
});
const own = conn('c1', 'https://tableau.example.com', 'superstore');
const moved = conn('c2', 'https://tableau.new.example.com', 'finance', 'other-pat');

const def = (overrides: Partial<RefreshDefinition> = {}): RefreshDefinition => ({
  id: '3f0c6a52-8a4e-4c1e-9a51-0c1b7f1e2a01',
  source: {
    kind: 'view',
    viewId: 'v1',
    contentUrl: 'Superstore/sheets/Overview',
    name: 'Superstore / Overview',
    customViewId: 'cv1',
    filters: { Region: 'West' },
    maxAgeMinutes: 5,
    locale: 'de-DE',
  },
  connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'superstore' },
  target: { sheet: 'Sales', tableName: 'Sales' },
  options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: null },
  lastResult: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  columns: [],
  ...overrides,
});

describe('connectionChoices', () => {
  it('lists the table’s own site first, then the other connections', () => {
    expect(connectionChoices(def().connection, [moved, own])).toEqual([
      { value: 'c1', text: 'superstore on https://tableau.example.com (pat)' },
      { value: 'c2', text: 'finance on https://tableau.new.example.com (other-pat)' },
    ]);
  });

  it('offers the own site as "not connected" when the session has no connection to it', () => {
    expect(connectionChoices(def().connection, [moved])).toEqual([
      { value: '', text: 'superstore on https://tableau.example.com (not connected)' },
      { value: 'c2', text: 'finance on https://tableau.new.example.com (other-pat)' },
    ]);
  });

  it('matches the own site as a refresh does (server URL normalised, site case-insensitive)', () => {
    const same = conn('c3', 'https://TABLEAU.example.com/', 'SuperStore');
    expect(connectionChoices(def().connection, [same])[0].value).toBe('c3');
    expect(movesSite(def().connection, same)).toBe(false);
    expect(movesSite(def().connection, moved)).toBe(true);
  });
});

describe('searchTextFor', () => {
  it('searches a moved view by its own name, a data source by its name', () => {
    expect(searchTextFor(def().source)).toBe('Overview');
    expect(searchTextFor({ kind: 'datasource', datasourceId: 'd', name: 'Orders', query: { fields: [{ fieldCaption: 'Region' }] } })).toBe(
      'Orders',
    );
    expect(searchTextFor({ kind: 'inventory', resource: 'workbooks' })).toBe('');
  });
});

describe('sourcePatch', () => {
  const edited = { kind: 'view' as const, viewId: 'v1', name: 'Superstore / Overview', filters: { Region: 'East' } };

  it('on the same site changes only the source and keeps what the screen does not edit', () => {
    expect(sourcePatch(def(), edited, own)).toEqual({
      source: {
        kind: 'view',
        viewId: 'v1',
        contentUrl: 'Superstore/sheets/Overview',
        name: 'Superstore / Overview',
        customViewId: 'cv1',
        filters: { Region: 'East' },
        maxAgeMinutes: 5,
        locale: 'de-DE',
      },
    });
  });

  it('on another site saves its identity with the picked item, without the old site’s ids', () => {
    const picked = {
      kind: 'view' as const,
      viewId: 'v-new',
      contentUrl: 'Superstore/sheets/Overview',
      name: 'Overview',
      filters: { Region: 'West' },
    };
    expect(sourcePatch(def({ options: { ...def().options, serverScheduleId: 'sch-1' } }), picked, moved)).toEqual({
      connection: { serverUrl: 'https://tableau.new.example.com', siteContentUrl: 'finance' },
      source: { ...picked, maxAgeMinutes: 5, locale: 'de-DE' },
      options: { serverScheduleId: undefined },
    });
    expect(sourcePatch(def(), picked, moved)).not.toHaveProperty('options');
  });

  it('moves an inventory list with its source unchanged', () => {
    const inventory = { kind: 'inventory' as const, resource: 'workbooks' as const, sort: 'name:asc' };
    expect(sourcePatch(def({ source: inventory }), inventory, moved)).toEqual({
      connection: { serverUrl: 'https://tableau.new.example.com', siteContentUrl: 'finance' },
      source: inventory,
    });
  });
});
