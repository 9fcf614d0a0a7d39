import { Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import type { ConnectionInfo, ViewItem } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import { useServices } from '../../app/services.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import { describeSite, matchConnection } from '../../refresh/runner/connections.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar, ProblemsBar } from '../components/ErrorBar.js';
import { ScreenHeader } from '../components/ScreenHeader.js';
import { usePaneStyles } from '../components/styles.js';
import { errorBody } from '../logic/errorBody.js';
import { ViewScreen } from '../screens/ViewScreen.js';
import { draftFromQuery } from './draftFromQuery.js';

const QueryScreen = lazy(() => import('../screens/QueryScreen.js'));

const SAVE = 'Save and refresh';

/**
 * "Edit": the table's source reopened in the view picker or the query builder, prefilled. Saving
 * changes the stored definition (only the parts the screen edits: a custom view, cache age or
 * locale stay) and refreshes the table in place; the refresh maps columns by name.
 */
export function EditSource({ def, service, onClose }: { def: RefreshDefinition; service: RefreshService; onClose(): void }) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const [connection, setConnection] = useState<ConnectionInfo | null | undefined>(undefined);
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.listConnections({ signal: controller.signal }).then(
      (list) => setConnection(matchConnection(def.connection, list)),
      (error: unknown) => !controller.signal.aborted && (setConnection(null), setFailure(errorBody(error))),
    );
    return () => controller.abort();
  }, [api, def.connection]);

  const save = async (source: PullSource) => {
    setFailure(null);
    try {
      // The store validates the source with zod before saving (definitions/schema.ts).
      await service.update(def.id, { source: merge(def.source, source) as RefreshDefinition['source'] });
      void service.runner.refresh(def.id, { trigger: 'manual' });
      onClose();
    } catch (error) {
      setFailure(errorBody(error));
    }
  };

  if (connection === undefined) return <Spinner size="tiny" label="Finding your connection to this site…" />;
  if (connection === null || def.source.kind === 'inventory') {
    return (
      <div className={styles.stack}>
        <ScreenHeader title={`Edit ${def.target.tableName}`} onBack={onClose} />
        {def.source.kind === 'inventory' ? (
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>Site inventory tables have nothing to edit: insert another inventory list instead.</MessageBarBody>
          </MessageBar>
        ) : (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Connect first</MessageBarTitle>
              {`To edit this table's source, connect to ${describeSite(def.connection)} on the Connect tab.`}
            </MessageBarBody>
          </MessageBar>
        )}
        <ErrorBar error={failure} />
        <Button onClick={onClose}>Back to tables</Button>
      </div>
    );
  }
  return (
    <div className={styles.stack}>
      <ErrorBar error={failure} />
      {def.source.kind === 'view' ? (
        <ViewScreen
          connection={connection}
          view={viewItem(def.source)}
          initial={{ filters: def.source.filters, parameters: def.source.parameters }}
          submitLabel={SAVE}
          onBack={onClose}
          onOpenView={() => undefined}
          onPreview={(source) => void save(source)}
        />
      ) : (
        <QueryEdit def={def as RefreshDefinition & { source: { kind: 'datasource' } }} connection={connection} onClose={onClose} onSave={save} />
      )}
    </div>
  );
}

function QueryEdit({ def, connection, onClose, onSave }: { def: RefreshDefinition & { source: { kind: 'datasource' } }; connection: ConnectionInfo; onClose(): void; onSave(s: PullSource): Promise<void> }) {
  const { draft, dropped } = useMemo(() => draftFromQuery(def.source as Extract<PullSource, { kind: 'datasource' }>), [def.source]);
  const source = def.source as Extract<PullSource, { kind: 'datasource' }>;
  return (
    <>
      <ProblemsBar problems={dropped} title="Some filters are kept only if you do not save" />
      <Suspense fallback={<Spinner size="tiny" label="Loading the query builder…" />}>
        <QueryScreen
          connection={connection}
          datasource={{ id: source.datasourceId, name: source.name ?? source.datasourceId }}
          initial={draft}
          submitLabel={SAVE}
          onBack={onClose}
          onPreview={(s) => void onSave(s)}
        />
      </Suspense>
    </>
  );
}

function viewItem(source: Extract<PullSource, { kind: 'view' }>): ViewItem {
  return { id: source.viewId, name: source.name ?? source.contentUrl ?? source.viewId, contentUrl: source.contentUrl ?? '', sheetType: 'sheet', workbookId: '' };
}

/** The edited source keeps what the screens do not edit (custom view, cache age, locale, name). */
function merge(before: PullSource, after: PullSource): PullSource {
  if (before.kind === 'view' && after.kind === 'view') {
    const { filters: _f, parameters: _p, ...kept } = before;
    return { ...kept, ...(after.filters ? { filters: after.filters } : {}), ...(after.parameters ? { parameters: after.parameters } : {}) };
  }
  if (before.kind === 'datasource' && after.kind === 'datasource') {
    return { ...after, name: after.name ?? before.name };
  }
  return after;
}
