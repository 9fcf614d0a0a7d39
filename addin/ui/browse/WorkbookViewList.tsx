import { Button } from '@fluentui/react-components';

import type { ConnectionInfo, ViewItem } from '../../../common/api.js';
import { useServices } from '../../app/services.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { SheetIcon, sheetTypeLabel } from '../shared/SheetIcon.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAsync } from '../shared/useAsync.js';

/** The views of one workbook as buttons; `only` narrows to sheets (the dashboard alternative). */
export function WorkbookViewList(props: {
  connection: ConnectionInfo;
  workbookId: string;
  workbookName?: string;
  only?: ViewItem['sheetType'];
  exclude?: string;
  onOpen(view: ViewItem): void;
}) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const views = useAsync(
    (signal) => api.views(props.connection.id, props.workbookId, { signal }),
    [api, props.connection.id, props.workbookId],
  );
  if (views.loading) return <Busy label="Loading views…" />;
  if (views.error) return <ErrorBar error={views.error} onRetry={views.reload} />;
  const list = (views.data ?? []).filter((v) => (!props.only || v.sheetType === props.only) && v.id !== props.exclude);
  if (list.length === 0) return <p>{props.only === 'sheet' ? 'This workbook has no other sheets.' : 'This workbook has no views.'}</p>;
  return (
    <ul className={styles.list} aria-label={props.workbookName ? `Views of ${props.workbookName}` : 'Views'}>
      {list.map((view) => (
        <li key={view.id}>
          <Button
            appearance="subtle"
            className={styles.itemButton}
            icon={<SheetIcon type={view.sheetType} />}
            aria-label={`${view.name} (${sheetTypeLabel(view.sheetType)})`}
            onClick={() => props.onOpen({ ...view, workbookName: view.workbookName ?? props.workbookName })}
          >
            <span className={styles.ellipsis}>{view.name}</span>
          </Button>
        </li>
      ))}
    </ul>
  );
}
