/**
 * "Write provenance sheet": where every refreshable table comes from, as a table on a sheet
 * named "Tableau sources", hidden when first made. Written with the gateway's writeTable (chunked, text as "@", so a
 * filter value starting with "=" never becomes a formula). Re-writing replaces the previous one.
 */
import type { ColumnSpec } from '../../../common/stream.js';
import { provenanceRows } from '../../refresh/definitions/provenance.js';
import { displayName, type RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { WorkbookGateway } from '../../workbook/gateway.js';

export const PROVENANCE_SHEET = 'Tableau sources';
export const PROVENANCE_TABLE = 'Tableau_sources';

const COLUMNS: ColumnSpec[] = [
  { name: 'Table', type: 'text', format: '@' },
  { name: 'Item', type: 'text', format: '@' },
  { name: 'Value', type: 'text', format: '@' },
];

/** Extra rows per definition id (provenanceMeanings.ts: lineage and field meanings from Tableau). */
type ExtraRows = ReadonlyMap<string, ReadonlyArray<[string, string]>>;

function provenanceTableRows(definitions: readonly RefreshDefinition[], timeZone?: string, extra?: ExtraRows): string[][] {
  return definitions.flatMap((def) =>
    [...provenanceRows(def, { timeZone }), ...(extra?.get(def.id) ?? [])].map(([label, value]) => [displayName(def), label, value]),
  );
}

export async function writeProvenanceSheet(
  gateway: WorkbookGateway,
  definitions: readonly RefreshDefinition[],
  timeZone?: string,
  extra?: ExtraRows,
): Promise<{ sheet: string; table: string; created: boolean }> {
  const rows = provenanceTableRows(definitions, timeZone, extra);
  const existing = await gateway.getTable(PROVENANCE_TABLE);
  const sheets = await gateway.listSheets();
  if (existing) {
    // Same place as before: clear the old table (its cells only) and write the new one there.
    await gateway.deleteTable(existing.name, { clearData: true });
    const written = await gateway.writeTable(
      { kind: 'cell', sheet: existing.sheet, address: existing.address.split(':')[0] },
      COLUMNS,
      rows,
      { tableName: PROVENANCE_TABLE },
    );
    return { sheet: written.sheet, table: written.name, created: false };
  }
  const created = !sheets.includes(PROVENANCE_SHEET);
  const target = created
    ? { kind: 'newSheet' as const, sheetName: PROVENANCE_SHEET }
    : { kind: 'cell' as const, sheet: PROVENANCE_SHEET, address: 'A1' };
  const written = await gateway.writeTable(target, COLUMNS, rows, { tableName: PROVENANCE_TABLE });
  // Hidden by default (issue #6): provenance is for whoever asks, not in the analyst's way. Only a
  // sheet we just made is hidden; one the analyst has unhidden keeps its visibility on re-writes.
  if (created) await gateway.setSheetVisible(written.sheet, false);
  return { sheet: written.sheet, table: written.name, created };
}

/**
 * After an edit (another source, or another server and site): a provenance sheet the analyst has
 * written is written again, so it never names where the table used to come from. None written: nothing to do.
 */
export async function updateProvenanceSheetIfWritten(
  gateway: WorkbookGateway,
  definitions: readonly RefreshDefinition[],
  timeZone?: string,
): Promise<boolean> {
  if (!(await gateway.getTable(PROVENANCE_TABLE))) return false;
  await writeProvenanceSheet(gateway, definitions, timeZone);
  return true;
}
