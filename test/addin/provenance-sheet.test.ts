import { describe, expect, it } from 'vitest';

import { PROVENANCE_SHEET, writeProvenanceSheet } from '../../addin/ui/tables/provenanceSheet.js';
import { memoryGateway } from '../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../addin/workbook/memory/workbook.js';
import { memoryGridSource } from '../../addin/workbook-grid/gridSource.js';
import { datasourceDefinition } from './refresh/definitions/fixtures.js';

describe('provenance sheet', () => {
  it('is hidden when first written, listed by the gateway but given no tab in the preview', async () => {
    const workbook = new MemoryWorkbook();
    const gateway = memoryGateway(workbook);
    const where = await writeProvenanceSheet(gateway, [datasourceDefinition()]);
    expect(where.sheet).toBe(PROVENANCE_SHEET);
    expect(workbook.findSheet(PROVENANCE_SHEET)?.hidden).toBe(true);
    expect(await gateway.listSheets()).toContain(PROVENANCE_SHEET);
    expect(memoryGridSource(workbook).sheetNames()).not.toContain(PROVENANCE_SHEET);
    const rows = workbook.snapshot().tables.find((t) => t.name === where.table)!.rows;
    expect(rows).toBeGreaterThan(3);
  });

  it('keeps a sheet the analyst unhid visible when it is written again', async () => {
    const workbook = new MemoryWorkbook();
    const gateway = memoryGateway(workbook);
    await writeProvenanceSheet(gateway, [datasourceDefinition()]);
    await gateway.setSheetVisible(PROVENANCE_SHEET, true);
    await writeProvenanceSheet(gateway, [datasourceDefinition()]);
    expect(workbook.findSheet(PROVENANCE_SHEET)?.hidden).toBe(false);
    await expect(gateway.setSheetVisible('No such sheet', false)).rejects.toMatchObject({ code: 'not-found' });
  });
});
