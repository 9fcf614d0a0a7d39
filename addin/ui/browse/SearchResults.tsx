import { Button, Caption1 } from '@fluentui/react-components';

import type { ConnectionInfo, SearchItem } from '../../../common/api.js';
import { useServices } from '../../app/services.js';
import { LoadMore } from '../shared/LoadMore.js';
import { DatasourceIcon, ProjectIcon, SheetIcon, WorkbookIcon } from '../shared/SheetIcon.js';
import { usePaneStyles } from '../shared/styles.js';
import { usePagedList } from '../shared/usePagedList.js';

const TYPE_LABEL: Record<string, string> = { workbook: 'Workbook', view: 'View', datasource: 'Data source', project: 'Project' };

function Icon({ type }: { type: string }) {
  if (type === 'workbook') return <WorkbookIcon />;
  if (type === 'datasource') return <DatasourceIcon />;
  if (type === 'project') return <ProjectIcon />;
  return <SheetIcon type="sheet" />;
}

/** Site-wide search results; projects are shown but not openable (browse them in the tree). */
export function SearchResults({
  connection,
  query,
  onOpen,
}: {
  connection: ConnectionInfo;
  query: string;
  onOpen(item: SearchItem): void;
}) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const list = usePagedList((page, signal) => api.search(connection.id, query, page, { signal }), [api, connection.id, query]);
  return (
    <div className={styles.tight}>
      <ul className={styles.list} aria-label={`Search results for ${query}`}>
        {list.items.map((item) => {
          const label = `${TYPE_LABEL[item.type] ?? item.type}: ${item.title}${item.projectName ? ` in ${item.projectName}` : ''}`;
          return (
            <li key={`${item.type}:${item.id}`}>
              <Button
                appearance="subtle"
                className={styles.itemButton}
                icon={<Icon type={item.type} />}
                disabled={item.type === 'project'}
                aria-label={label}
                onClick={() => onOpen(item)}
              >
                <span className={styles.ellipsis}>
                  {item.title}
                  <Caption1 className={styles.muted}> · {TYPE_LABEL[item.type] ?? item.type}</Caption1>
                </span>
              </Button>
            </li>
          );
        })}
      </ul>
      <LoadMore list={list} noun="results" />
    </div>
  );
}
