/** The Metadata API's answers as the rows-behind service reads them (server/services/rows-behind.ts metadataLineage). */
import { describe, expect, it } from 'vitest';

import type { MetadataService } from '../../../server/services/metadata.js';
import { metadataLineage } from '../../../server/services/rows-behind.js';
import { TableauError } from '../../../server/tableau/index.js';

const disabled = () => new TableauError({ code: 'metadata-disabled', message: 'The Metadata API is turned off on this Tableau server.' });

function fakeMetadata(over: Partial<Record<'viewLineage' | 'sheetDatasources', () => Promise<unknown>>>): MetadataService {
  return over as unknown as MetadataService;
}

describe('metadataLineage', () => {
  it("gives a dashboard's sheets in order, a hidden one without a view id", async () => {
    const lineage = metadataLineage(
      fakeMetadata({
        viewLineage: async () => ({
          sheets: [
            { luid: 'v1', name: 'Orders by Region' },
            { luid: '', name: 'Helper' },
          ],
        }),
      }),
    );
    expect(await lineage.dashboardSheets('u', 'c', 'd')).toEqual([{ name: 'Orders by Region', viewId: 'v1' }, { name: 'Helper' }]);
  });

  it("gives a sheet's published data sources and the fields it uses", async () => {
    const lineage = metadataLineage(
      fakeMetadata({
        sheetDatasources: async () => ({ datasources: [{ luid: 'ds1', name: 'Orders', fields: [] }], usedFields: ['Region', 'Sales'] }),
      }),
    );
    expect(await lineage.sheetSources('u', 'c', 'v')).toEqual({
      datasources: [{ id: 'ds1', name: 'Orders' }],
      fields: [
        { name: 'Region', upstreamField: 'Region' },
        { name: 'Sales', upstreamField: 'Sales' },
      ],
    });
  });

  it('answers null when the Metadata API is off, and lets any other failure through', async () => {
    const off = metadataLineage(
      fakeMetadata({ viewLineage: () => Promise.reject(disabled()), sheetDatasources: () => Promise.reject(disabled()) }),
    );
    expect(await off.dashboardSheets('u', 'c', 'd')).toBeNull();
    expect(await off.sheetSources('u', 'c', 'v')).toBeNull();
    const broken = metadataLineage(
      fakeMetadata({ viewLineage: () => Promise.reject(new TableauError({ code: 'server-error', message: 'Tableau failed.' })) }),
    );
    await expect(broken.dashboardSheets('u', 'c', 'd')).rejects.toThrow('Tableau failed.');
  });
});
