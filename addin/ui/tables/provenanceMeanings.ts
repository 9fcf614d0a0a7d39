/**
 * What Tableau's Metadata API says about a table's source, as provenance rows ("Label | Value"):
 * the published data sources and database tables upstream, then each column's meaning. Written
 * into the provenance sheet next to where the table comes from (provenanceSheet.ts). Best effort:
 * a connection that is not signed in, or a Metadata API that is off, adds no rows.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import type { MetaDatasource, MetaField } from '../../../common/metadata.js';
import type { ApiClient } from '../../api/client.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import { matchConnection } from '../../refresh/runner/connections.js';
import { columnMeanings } from '../shared/columnMeanings.js';
import { meaningLine } from '../shared/fieldMeaning.js';

type Row = [label: string, value: string];

function lineageRows(datasources: readonly MetaDatasource[], byColumn: ReadonlyMap<string, MetaField>, columns: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (const d of datasources) {
    const about = [d.projectName ? `in ${d.projectName}` : '', d.isCertified ? 'certified' : ''].filter(Boolean).join(', ');
    rows.push(['Published data source', about ? `${d.name} (${about})` : d.name]);
    for (const t of d.tables) {
      const db = t.database ? ` in ${t.database.name}${t.database.connectionType ? ` (${t.database.connectionType})` : ''}` : '';
      rows.push(['Upstream table', `${t.fullName ?? t.name}${db}`]);
    }
  }
  for (const column of columns) {
    const m = byColumn.get(column);
    const line = m ? meaningLine(m) : '';
    if (line) rows.push([`Field ${column}`, line]);
  }
  return rows;
}

/** Rows per definition id, for the definitions whose connection the pane has and whose source Tableau describes. */
export async function fetchLineageRows(api: ApiClient, definitions: readonly RefreshDefinition[]): Promise<Map<string, Row[]>> {
  const out = new Map<string, Row[]>();
  let connections: ConnectionInfo[];
  try {
    connections = await api.listConnections();
  } catch {
    return out;
  }
  const off = new Set<string>();
  for (const def of definitions) {
    const connection = matchConnection(def.connection, connections);
    if (!connection || off.has(connection.id)) continue;
    const columns = def.columns.map((c) => c.name);
    try {
      if (def.source.kind === 'view') {
        const l = await api.viewLineage(connection.id, def.source.viewId);
        out.set(def.id, lineageRows(l.datasources, columnMeanings(def.source, l.fields), columns));
      } else if (def.source.kind === 'datasource') {
        const d = await api.metadataFields(connection.id, def.source.datasourceId);
        const { fields, ...datasource } = d.datasource;
        out.set(def.id, lineageRows([datasource], columnMeanings(def.source, fields), columns));
      }
    } catch (e) {
      // Off for this connection: asking again for its other tables would only hear the same.
      if ((e as { body?: { code?: string } }).body?.code === 'metadata-disabled') off.add(connection.id);
    }
  }
  return out;
}
