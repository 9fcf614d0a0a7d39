import { describe, expect, it } from 'vitest';

import { describeIssues, refreshDefinitionSchema } from '../../../../addin/refresh/definitions/schema.js';
import { normalizeServerUrl } from '../../../../common/site.js';
import { datasourceDefinition } from './fixtures.js';

const problems = (value: unknown) => {
  const r = refreshDefinitionSchema.safeParse(value);
  expect(r.success).toBe(false);
  return r.success ? '' : describeIssues(r.error).join('\n');
};

describe('refresh definition schema', () => {
  it('accepts the three source kinds', () => {
    expect(refreshDefinitionSchema.parse(datasourceDefinition()).source.kind).toBe('datasource');
    const view = datasourceDefinition({ source: { kind: 'view', viewId: 'v1', filters: { Region: 'West' } } });
    expect(refreshDefinitionSchema.parse(view).source).toEqual({ kind: 'view', viewId: 'v1', filters: { Region: 'West' } });
    const inventory = datasourceDefinition({ source: { kind: 'inventory', resource: 'views', sort: 'name:asc' } });
    expect(refreshDefinitionSchema.parse(inventory).source.kind).toBe('inventory');
  });

  it('normalises the server URL so the same server is one identity', () => {
    const def = datasourceDefinition({ connection: { serverUrl: ' HTTPS://Tableau.Example.com/ ', siteContentUrl: 'fin' } });
    expect(refreshDefinitionSchema.parse(def).connection.serverUrl).toBe('https://tableau.example.com');
    expect(normalizeServerUrl('https://a.example.com/tableau/')).toBe('https://a.example.com/tableau');
  });

  it('never stores a secret or a server connection id in the connection', () => {
    const withSecret = { ...datasourceDefinition(), connection: { serverUrl: 'https://a.com', siteContentUrl: '', patSecret: 's3cr3t' } };
    expect(problems(withSecret)).toMatch(/only serverUrl and siteContentUrl: never a secret or a server id/);
    expect(problems({ ...datasourceDefinition(), connectionId: 'c-123' })).toMatch(/connectionId/);
    expect(problems(datasourceDefinition({ connection: { serverUrl: 'https://me:pw@a.com', siteContentUrl: '' } }))).toMatch(
      /user name or password/,
    );
  });

  it('keeps VDS query parts it does not type (they are validated against the OpenAPI schema elsewhere)', () => {
    const def = datasourceDefinition();
    (def.source as { query: Record<string, unknown> }).query.futureOption = { x: 1 };
    const parsed = refreshDefinitionSchema.parse(def);
    expect((parsed.source as { query: Record<string, unknown> }).query.futureOption).toEqual({ x: 1 });
  });

  it('checks Excel names and option combinations in plain words', () => {
    expect(problems(datasourceDefinition({ target: { sheet: 'a/b', tableName: 'T' } }))).toMatch(/sheet names cannot contain/);
    expect(problems(datasourceDefinition({ target: { sheet: 'x'.repeat(32), tableName: 'T' } }))).toMatch(/at most 31/);
    expect(problems(datasourceDefinition({ target: { sheet: 'S', tableName: '1abc' } }))).toMatch(/not an Excel table name/);
    const replaceWithStamp = datasourceDefinition({
      options: { mode: 'replace', timestampColumn: 'At', refreshExtractFirst: false, refreshOnOpen: false },
    });
    expect(problems(replaceWithStamp)).toMatch(/timestamp column only applies to append mode/);
    const tooOften = datasourceDefinition({
      options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: 0 },
    });
    expect(problems(tooOften)).toMatch(/everyMinutes/);
  });

  it('requires an error message for a failed refresh', () => {
    const failed = datasourceDefinition({ lastResult: { at: '2025-01-10T10:00:00Z', rows: 0, durationMs: 5, status: 'error' } });
    expect(problems(failed)).toMatch(/must say what went wrong/);
  });

  it('accepts Excel table names with non-English letters', () => {
    expect(
      refreshDefinitionSchema.parse(datasourceDefinition({ target: { sheet: 'Übersicht', tableName: 'Umsätze_2025' } })).target.tableName,
    ).toBe('Umsätze_2025');
  });
});
