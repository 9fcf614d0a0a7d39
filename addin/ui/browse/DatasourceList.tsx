import { Button, Caption1 } from '@fluentui/react-components';
import { CertificateRegular } from '@fluentui/react-icons';

import type { ConnectionInfo, DatasourceItem } from '../../../common/api.js';
import { useServices } from '../../app/services.js';
import { LoadMore } from '../shared/LoadMore.js';
import { DatasourceIcon } from '../shared/SheetIcon.js';
import { usePaneStyles } from '../shared/styles.js';
import { usePagedList } from '../shared/usePagedList.js';

/** Published data sources (the only kind VizQL Data Service can query), page by page. */
export function DatasourceList({ connection, onOpen }: { connection: ConnectionInfo; onOpen(ds: DatasourceItem): void }) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const list = usePagedList((page, signal) => api.datasources(connection.id, { page, pageSize: 100 }, { signal }), [api, connection.id]);
  return (
    <div className={styles.tight}>
      <ul className={styles.list} aria-label="Published data sources">
        {list.items.map((ds) => (
          <li key={ds.id}>
            <Button
              appearance="subtle"
              className={styles.itemButton}
              icon={<DatasourceIcon />}
              onClick={() => onOpen(ds)}
              aria-label={`${ds.name}${ds.projectName ? ` in ${ds.projectName}` : ''}${ds.isCertified ? ', certified' : ''}`}
            >
              <span className={styles.ellipsis}>
                {ds.name} {ds.isCertified ? <CertificateRegular aria-hidden /> : null}
                {ds.projectName ? <Caption1 className={styles.muted}> · {ds.projectName}</Caption1> : null}
              </span>
            </Button>
          </li>
        ))}
      </ul>
      <LoadMore list={list} noun="data sources" />
    </div>
  );
}
