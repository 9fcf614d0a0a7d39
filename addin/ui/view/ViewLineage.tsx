import { Caption1, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { CertificateRegular, DatabaseRegular, TableRegular } from '@fluentui/react-icons';

import type { ConnectionInfo } from '../../../common/api.js';
import type { MetaTable } from '../../../common/metadata.js';
import { useServices } from '../../app/services.js';
import { meaningLine } from '../shared/fieldMeaning.js';
import { usePaneStyles } from '../shared/styles.js';
import { useMetadata } from '../shared/useMetadata.js';

const useStyles = makeStyles({
  heading: { fontWeight: tokens.fontWeightSemibold, margin: 0, fontSize: tokens.fontSizeBase300 },
  source: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  tables: { listStyleType: 'none', margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column' },
  table: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, minWidth: 0 },
  fields: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
});

function tableLabel(t: MetaTable): string {
  const where = t.database ? ` in ${t.database.name}${t.database.connectionType ? ` (${t.database.connectionType})` : ''}` : '';
  return `${t.fullName ?? t.name}${where}`;
}

/**
 * Where a view's data comes from (Tableau's Metadata API, docs/metadata-api.md): the published data
 * sources upstream of the view and their database tables, and what the view's fields mean. Off or
 * unknown: the section says so in a line, the rest of the screen is unaffected.
 */
export function ViewLineage({ connection, viewId }: { connection: ConnectionInfo; viewId: string }) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const { api } = useServices();
  const lineage = useMetadata(connection, (signal) => api.viewLineage(connection.id, viewId, { signal }), [api, viewId]);
  const described = lineage.data?.fields.filter((f) => f.description) ?? [];

  return (
    <section aria-labelledby={`lineage-${viewId}`} className={pane.card}>
      <h3 id={`lineage-${viewId}`} className={styles.heading}>
        Where this data comes from
      </h3>
      {lineage.loading ? <Spinner size="extra-tiny" label="Reading lineage from Tableau…" /> : null}
      {lineage.off ? <Caption1 className={pane.muted}>Not available: Tableau's Metadata API is turned off.</Caption1> : null}
      {lineage.problem ? <Caption1 className={pane.muted}>Not available: {lineage.problem}</Caption1> : null}
      {lineage.data && lineage.data.datasources.length === 0 ? (
        <Caption1 className={pane.muted}>Tableau names no published data source upstream of this view.</Caption1>
      ) : null}
      {lineage.data?.datasources.map((d) => (
        <div key={d.luid || d.name} className={pane.tight}>
          <Text className={styles.source}>
            <DatabaseRegular aria-hidden />
            <span>
              {d.name} <span className={pane.muted}>(published data source{d.projectName ? ` in ${d.projectName}` : ''})</span>
            </span>
            {d.isCertified ? <CertificateRegular aria-label="Certified" /> : null}
          </Text>
          {d.tables.length ? (
            <ul className={styles.tables} aria-label={`Tables under ${d.name}`}>
              {d.tables.map((t) => (
                <li key={`${t.fullName ?? t.name}|${t.database?.name ?? ''}`} className={styles.table}>
                  <TableRegular aria-hidden />
                  <Caption1>{tableLabel(t)}</Caption1>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      {described.length ? (
        <details>
          <summary>
            <Caption1>What the fields mean ({described.length})</Caption1>
          </summary>
          <dl className={styles.fields}>
            {described.map((f) => (
              <div key={f.name}>
                <dt>
                  <Caption1>
                    <strong>{f.name}</strong>
                  </Caption1>
                </dt>
                <dd style={{ margin: 0 }}>
                  <Caption1 className={pane.muted}>{meaningLine(f)}</Caption1>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </section>
  );
}
