import { describe, expect, it } from 'vitest';

import { DefinitionStore } from '../../addin/refresh/definitions/store.js';
import { normalizeServerUrl, serverUrlSchema, siteContentUrlSchema } from '../../common/site.js';
import { INVENTORY_RESOURCES, pullOptionsSchema, type PullSource, pullSourceSchema, tableauMaxAge } from '../../common/source.js';
import { createScheduleSchema } from '../../server/http/schedule-schemas.js';
import { connectRequestSchema, pullRequestSchema, pullSourceSchema as serverPullSourceSchema } from '../../server/http/schemas.js';
import { datasourceDefinition, MemoryPort, viewInput } from '../addin/refresh/definitions/fixtures.js';

const view: PullSource = { kind: 'view', viewId: 'view-luid-1', name: 'Superstore / Overview', filters: { Region: 'West' } };
const both = (source: unknown) => [pullSourceSchema.safeParse(source).success, serverPullSourceSchema.safeParse(source).success];
const schedule = (source: unknown) => ({
  connectionId: 'c1',
  definitionId: 'd1',
  name: 'Nightly',
  source,
  spec: { kind: 'daily', time: '07:30', timeZone: 'UTC' },
});

describe('the pull source contract (common/source.ts): one schema for the add-in and the server', () => {
  it('accepts on both sides what the add-in stores and sends', () => {
    expect(both(view)).toEqual([true, true]);
    expect(both(datasourceDefinition().source)).toEqual([true, true]);
    for (const resource of INVENTORY_RESOURCES) expect(both({ kind: 'inventory', resource, sort: 'name:asc' })).toEqual([true, true]);
  });

  it('refuses on both sides what either side refused before', () => {
    const refused = [
      { ...view, maxAgeMinutes: 241 }, // Tableau caches for at most 240 minutes (server/tableau/views.ts)
      { ...view, maxAgeMinutes: 1.5 },
      { ...view, viewId: 'a/b' }, // not an id: the server refused it, the add-in stored it
      { ...view, viewId: '' },
      { ...view, filters: { '': 'x' } },
      { ...view, sessionToken: 'secret' }, // strict: no passenger
      { kind: 'inventory', resource: 'secrets' },
      { kind: 'datasource', datasourceId: 'ds', query: { fields: [] } },
      { kind: 'datasource', datasourceId: 'ds', query: { fields: [{ fieldCaption: '  ' }] } },
      { kind: 'datasource', datasourceId: 'ds', query: { fields: [{ fieldCaption: 'A' }] }, rowLimit: 0 },
      { kind: 'sql', text: 'select 1' },
    ];
    for (const source of refused) expect(both(source), JSON.stringify(source)).toEqual([false, false]);
  });

  it('keeps VDS query parts it does not type, on both sides', () => {
    const query = { fields: [{ fieldCaption: 'Sales', tableCalculation: { tableCalcType: 'RUNNING_TOTAL' } }], futureOption: { x: 1 } };
    const source = { kind: 'datasource', datasourceId: 'ds', query };
    expect(pullSourceSchema.parse(source)).toEqual(source);
    expect(serverPullSourceSchema.parse(source)).toEqual(source);
  });

  it('the server only adds bounds: over a limit is refused there, stored fine in a workbook', () => {
    const many = { ...view, filters: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`F${i}`, 'x'])) };
    expect(both(many)).toEqual([true, false]);
    expect(serverPullSourceSchema.safeParse(many).error?.issues[0]?.message).toMatch(
      /at most 200 filters or parameters; this one sets 201/,
    );
    const long = { ...view, name: 'x'.repeat(1001) };
    expect(both(long)).toEqual([true, false]);
  });

  it('maxAgeMinutes 0 ("as fresh as Tableau allows") is stored by the add-in and accepted by the pull and schedule routes', async () => {
    const port = new MemoryPort();
    const source = { ...view, maxAgeMinutes: 0 };
    const saved = await new DefinitionStore(port).upsert(viewInput({ source }));
    const reread = await new DefinitionStore(port).get(saved.id);
    expect(reread?.source).toEqual(source);
    expect(pullRequestSchema.safeParse({ source: reread?.source }).success).toBe(true);
    expect(createScheduleSchema.safeParse(schedule(reread?.source)).success).toBe(true);
    // Tableau's shortest maxAge is 1 minute: 0 is sent as 1, nothing else changes.
    expect([tableauMaxAge(0), tableauMaxAge(5), tableauMaxAge(undefined)]).toEqual([1, 5, undefined]);
  });

  it('options are strict on both sides', () => {
    expect(pullOptionsSchema.safeParse({ limit: 100, refreshExtractFirst: true }).success).toBe(true);
    expect(pullOptionsSchema.safeParse({ limit: 0 }).success).toBe(false);
    expect(pullRequestSchema.safeParse({ source: view, options: { limit: 10, cache: false } }).success).toBe(false);
  });
});

describe('the site contract (common/site.ts): one server URL and one site rule', () => {
  it('normalises a server address the same way for the connect route and a refresh definition', () => {
    for (const [typed, identity] of [
      ['tableau.example.com', 'https://tableau.example.com'],
      [' https://Tableau.Example.com/ ', 'https://tableau.example.com'],
      ['tableau.example.com:8443/prefix/', 'https://tableau.example.com:8443/prefix'],
      ['http://tableau.example.com', 'http://tableau.example.com'],
    ]) {
      expect(normalizeServerUrl(typed!)).toBe(identity);
      expect(serverUrlSchema.parse(typed)).toBe(identity);
      expect(connectRequestSchema.parse({ serverUrl: typed, siteContentUrl: '', auth: { kind: 'jwt', jwt: 'j' } }).serverUrl).toBe(
        identity,
      );
    }
  });

  it('refuses credentials, other schemes, queries and fragments on both sides', () => {
    for (const bad of [
      'https://me:pw@tableau.example.com',
      'ftp://tableau.example.com',
      'https://t.example.com/?a=1',
      'https://t.example.com/#/site/x',
      'https://',
    ]) {
      expect(() => normalizeServerUrl(bad), bad).toThrow();
      expect(serverUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
    expect(serverUrlSchema.safeParse('https://me:pw@a.com').error?.issues[0]?.message).toMatch(/user name or password/);
  });

  it('takes a site content URL of letters, digits, - and _ only ("" = the default site)', () => {
    for (const site of ['', 'finance', 'Sales-EMEA_2']) expect(siteContentUrlSchema.safeParse(site).success).toBe(true);
    for (const site of ['a/b', 'my site', 'x?y', 'x#y', 's'.repeat(256)])
      expect(siteContentUrlSchema.safeParse(site).success, site).toBe(false);
    expect(siteContentUrlSchema.parse(' finance ')).toBe('finance');
  });
});
