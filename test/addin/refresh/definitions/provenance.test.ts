import { describe, expect, it } from 'vitest';

import { describeProvenance, provenanceRows } from '../../../../addin/refresh/definitions/provenance.js';
import { refreshDefinitionSchema } from '../../../../addin/refresh/definitions/schema.js';
import { datasourceDefinition } from './fixtures.js';

const opts = { timeZone: 'UTC', locale: 'en-GB' };

describe('describeProvenance', () => {
  it('describes a view import: site, view, filters, parameters, time, rows, options', () => {
    const def = refreshDefinitionSchema.parse(
      datasourceDefinition({
        source: {
          kind: 'view',
          viewId: 'v1',
          name: 'Superstore / Overview',
          contentUrl: 'Superstore/sheets/Overview',
          filters: { Region: 'West' },
          parameters: { 'Top N': '10' },
        },
        connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' },
        options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: true, everyMinutes: 15 },
      }),
    );
    expect(describeProvenance(def, opts)).toEqual([
      'Table: Sales_by_Region (sheet Sales)',
      'Tableau site: finance on https://tableau.example.com',
      'View: Superstore / Overview (Superstore/sheets/Overview)',
      'Filters: Region = West',
      'Parameters: Top N = 10',
      'Last refresh: 10 Jan 2025, 10:00 UTC, 1,234 rows in 2.3 s',
      'Refresh mode: replace all rows',
      'Refreshes: when the workbook opens, every 15 minutes while it is open',
    ]);
  });

  it("says how old cached view data may be; 0 reads as Tableau's shortest interval, one minute", () => {
    const cached = (maxAgeMinutes: number) =>
      describeProvenance(datasourceDefinition({ source: { kind: 'view', viewId: 'v1', maxAgeMinutes } }), opts).find((l) =>
        l.startsWith('Cached data'),
      );
    expect(cached(30)).toBe('Cached data: at most 30 minutes old');
    expect(cached(0)).toBe('Cached data: at most 1 minute old');
  });

  it('summarises a data source query', () => {
    const lines = describeProvenance(datasourceDefinition(), opts);
    expect(lines).toContain('Tableau site: default site on https://prod-useast-a.online.tableau.com');
    expect(lines).toContain('Data source: Sales (certified)');
    expect(lines).toContain('Query: 2 fields: Region, SUM(Sales)');
    expect(lines).toContain('Query filters: Category in Technology, Furniture]]>');
    expect(lines).toContain('Sorted by: SUM(Sales) descending');
    expect(lines).toContain('Row limit: 10,000');
    expect(lines).toContain('Refresh mode: append new rows (stamped in column Pulled at)');
    expect(lines).toContain('Extract: refreshed in Tableau before each pull');
  });

  it('says when the last refresh failed, was cut, or came from a snapshot', () => {
    const failed = datasourceDefinition({
      lastResult: { at: '2025-01-10T10:00:00Z', rows: 0, durationMs: 10, status: 'error', error: 'Sign in to Tableau again.' },
    });
    expect(describeProvenance(failed, opts)).toContain('Last refresh: failed 10 Jan 2025, 10:00 UTC: Sign in to Tableau again.');
    const cut = datasourceDefinition({
      lastResult: { at: '2025-01-10T10:00:00Z', rows: 10000, durationMs: 65_000, status: 'truncated', truncated: true },
    });
    expect(describeProvenance(cut, opts)).toEqual(
      expect.arrayContaining([
        'Last refresh: 10 Jan 2025, 10:00 UTC, 10,000 rows in 1 min 5 s',
        expect.stringMatching(/^Incomplete: only the first 10,000 rows/),
      ]),
    );
    const snap = datasourceDefinition({
      lastResult: { at: '2025-01-10T10:00:00Z', rows: 1, durationMs: 300, status: 'snapshot', dataAsOf: '2025-01-10T06:00:00Z' },
    });
    expect(describeProvenance(snap, opts)).toContain("Data: from a server schedule's snapshot, pulled 10 Jan 2025, 06:00 UTC");
  });

  it('handles a definition that never ran and an inventory list', () => {
    const def = datasourceDefinition({ lastResult: null, source: { kind: 'inventory', resource: 'views', filter: 'name:eq:Sales' } });
    const rows = provenanceRows(def, opts);
    expect(rows).toContainEqual(['Last refresh', 'not refreshed yet']);
    expect(rows).toContainEqual(['Site inventory', 'views']);
    expect(rows).toContainEqual(['Filter', 'name:eq:Sales']);
  });
});
