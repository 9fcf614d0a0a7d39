// @vitest-environment jsdom
// (the fixtures come from ./harness.tsx, which needs a window: https://vitest.dev/guide/environment#environments-for-specific-files)
import { describe, expect, it } from 'vitest';

import { fetchLineageRows } from '../../../addin/ui/tables/provenanceMeanings.js';
import { PROVENANCE_TABLE, writeProvenanceSheet } from '../../../addin/ui/tables/provenanceSheet.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import type { DatasourceFieldsAnswer } from '../../../common/metadata.js';
import { datasourceDefinition } from '../refresh/definitions/fixtures.js';
import { connection, fakeApi, metadataOff } from './harness.js';

/** The provenance sheet records where a table's source comes from and what its columns mean (Tableau's Metadata API). */
const def = datasourceDefinition({ connection: { serverUrl: connection.serverUrl, siteContentUrl: connection.siteContentUrl } });

const answer: DatasourceFieldsAnswer = {
  partial: false,
  datasource: {
    luid: 'ds-luid-9',
    name: 'Sales (certified)',
    description: '',
    projectName: 'Data Sources',
    isCertified: true,
    tables: [
      { name: 'Orders', schema: 'public', fullName: '[public].[Orders]', database: { name: 'superstore', connectionType: 'postgres' } },
    ],
    fields: [
      {
        name: 'Sales',
        description: 'Revenue in USD.',
        dataType: 'REAL',
        role: 'MEASURE',
        dataCategory: 'QUANTITATIVE',
        kind: 'ColumnField',
        isHidden: false,
        upstreamTables: ['Orders'],
      },
    ],
  },
};

describe('provenance with lineage and field meanings', () => {
  it('writes the upstream data source, its tables and each described column (by its pulled name) into the sheet', async () => {
    const api = fakeApi({ metadataFields: async () => answer });
    const rows = await fetchLineageRows(api, [def]);
    expect(rows.get(def.id)).toEqual([
      ['Published data source', 'Sales (certified) (in Data Sources, certified)'],
      ['Upstream table', '[public].[Orders] in superstore (postgres)'],
      ['Field SUM(Sales)', 'Revenue in USD. · number (decimal) · measure'],
    ]);
    const gateway = memoryGateway();
    await writeProvenanceSheet(gateway, [def], 'UTC', rows);
    const table = gateway.workbook.tables.find((t) => t.name === PROVENANCE_TABLE)!;
    const written: string[] = [];
    await gateway.readTableRows(PROVENANCE_TABLE, ['Item', 'Value'], (chunk) => written.push(...chunk.map((r) => r.join(' | '))));
    expect(table).toBeDefined();
    expect(written).toContain('Field SUM(Sales) | Revenue in USD. · number (decimal) · measure');
    expect(written).toContain('Upstream table | [public].[Orders] in superstore (postgres)');
  });

  it('adds nothing when the Metadata API is off or the connection is not in the pane, and asks once per connection', async () => {
    const api = fakeApi({ metadataFields: metadataOff });
    const other = { ...def, id: '11111111-2222-4333-8444-555555555555', target: { sheet: 'B', tableName: 'B' } };
    expect((await fetchLineageRows(api, [def, other])).size).toBe(0);
    expect(api.metadataFields).toHaveBeenCalledTimes(1);
    const elsewhere = fakeApi({ metadataFields: async () => answer, listConnections: async () => [] });
    expect((await fetchLineageRows(elsewhere, [def])).size).toBe(0);
  });
});
