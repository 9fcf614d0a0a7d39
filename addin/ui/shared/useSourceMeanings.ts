import type { ConnectionInfo } from '../../../common/api.js';
import type { MetaDatasource, MetaField } from '../../../common/metadata.js';
import type { PullSource } from '../../../common/source.js';
import { useServices } from '../../app/services.js';
import { columnMeanings } from './columnMeanings.js';
import { useMetadata } from './useMetadata.js';

export interface SourceMeanings {
  /** Column name → what the field means. Empty while loading, when off, or when Tableau knows nothing. */
  byColumn: ReadonlyMap<string, MetaField>;
  /** Published data sources upstream (a view's lineage, or the queried data source itself). */
  datasources: MetaDatasource[];
}

const NONE: SourceMeanings = { byColumn: new Map(), datasources: [] };

/** The meanings of a pull's columns and its upstream data sources, from Tableau's Metadata API. */
export function useSourceMeanings(connection: Pick<ConnectionInfo, 'id' | 'label'>, source: PullSource): SourceMeanings {
  const { api } = useServices();
  const key = source.kind === 'view' ? `v:${source.viewId}` : source.kind === 'datasource' ? `d:${source.datasourceId}` : null;
  const loaded = useMetadata<SourceMeanings>(
    connection,
    key
      ? async (signal) => {
          if (source.kind === 'view') {
            const l = await api.viewLineage(connection.id, source.viewId, { signal });
            return { byColumn: columnMeanings(source, l.fields), datasources: l.datasources };
          }
          if (source.kind !== 'datasource') return NONE;
          const d = await api.metadataFields(connection.id, source.datasourceId, { signal });
          const { fields, ...datasource } = d.datasource;
          return { byColumn: columnMeanings(source, fields), datasources: [datasource] };
        }
      : null,
    [api, key],
  );
  return loaded.data ?? NONE;
}
