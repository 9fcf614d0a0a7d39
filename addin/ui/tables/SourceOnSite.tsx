import { Button, Caption1, Spinner } from '@fluentui/react-components';
import { lazy, Suspense, useMemo, useState } from 'react';

import type { ConnectionInfo, DatasourceItem, ViewItem } from '../../../common/api.js';
import type { DatasourceSource, PullSource, ViewSource } from '../../../common/source.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import { BrowseScreen } from '../browse/BrowseScreen.js';
import { ProblemsBar } from '../shared/ErrorBar.js';
import { ViewScreen } from '../view/ViewScreen.js';
import { draftFromQuery } from './draftFromQuery.js';
import { movesSite, searchTextFor } from './sourceEdit.js';

const QueryScreen = lazy(() => import('../query/QueryScreen.js'));

const SAVE = 'Save and refresh';

type Picked = { kind: 'view'; view: ViewItem } | { kind: 'datasource'; datasource: Pick<DatasourceItem, 'id' | 'name'> };

interface SourceOnSiteProps {
  def: RefreshDefinition;
  connection: ConnectionInfo;
  onSave(source: PullSource): void;
}

/**
 * The table's source on the chosen connection. On the table's own site: its view or query,
 * prefilled. On another site the ids differ, so the analyst picks the item there (the search
 * starts with the old item's name); its filters, parameters or query are carried over by name.
 */
export function SourceOnSite({ def, connection, onSave }: SourceOnSiteProps) {
  const [picked, setPicked] = useState<Picked | null>(null);
  const source = def.source;
  const moved = movesSite(def.connection, connection);

  if (source.kind === 'inventory') {
    return (
      <>
        <Caption1>{`Site inventory: ${source.resource}. ${moved ? `Saving lists the ${source.resource} of the site chosen above.` : 'Choose another server and site above to list theirs instead.'}`}</Caption1>
        <Button appearance="primary" disabled={!moved} onClick={() => onSave(source)}>
          {SAVE}
        </Button>
      </>
    );
  }
  if (!moved) {
    return source.kind === 'view' ? (
      <ViewScreen
        connection={connection}
        view={viewItem(source)}
        initial={viewInitial(source)}
        submitLabel={SAVE}
        onOpenView={() => undefined}
        onPreview={onSave}
      />
    ) : (
      <QueryEdit
        connection={connection}
        datasource={{ id: source.datasourceId, name: source.name ?? source.datasourceId }}
        source={source}
        onSave={onSave}
      />
    );
  }
  if (!picked) {
    return (
      <BrowseScreen
        connection={connection}
        initialSearch={searchTextFor(source)}
        onOpenView={(view) => setPicked({ kind: 'view', view })}
        onOpenDatasource={(datasource) => setPicked({ kind: 'datasource', datasource })}
      />
    );
  }
  if (picked.kind === 'view') {
    return (
      <ViewScreen
        key={picked.view.id}
        connection={connection}
        view={picked.view}
        initial={source.kind === 'view' ? viewInitial(source) : undefined}
        submitLabel={SAVE}
        onBack={() => setPicked(null)}
        onOpenView={(view) => setPicked({ kind: 'view', view })}
        onPreview={onSave}
      />
    );
  }
  return (
    <QueryEdit
      connection={connection}
      datasource={picked.datasource}
      source={source.kind === 'datasource' ? source : undefined}
      onBack={() => setPicked(null)}
      onSave={onSave}
    />
  );
}

/** The query builder, prefilled from the stored query when there is one (fields match by caption). */
function QueryEdit({
  connection,
  datasource,
  source,
  onBack,
  onSave,
}: {
  connection: ConnectionInfo;
  datasource: Pick<DatasourceItem, 'id' | 'name'>;
  source?: DatasourceSource;
  onBack?(): void;
  onSave(s: PullSource): void;
}) {
  const prefill = useMemo(() => (source ? draftFromQuery(source) : undefined), [source]);
  return (
    <>
      <ProblemsBar problems={prefill?.dropped ?? []} title="Some filters are kept only if you do not save" />
      <Suspense fallback={<Spinner size="tiny" label="Loading the query builder…" />}>
        <QueryScreen
          connection={connection}
          datasource={datasource}
          initial={prefill?.draft}
          submitLabel={SAVE}
          onBack={onBack}
          onPreview={(s) => onSave(s)}
        />
      </Suspense>
    </>
  );
}

const viewInitial = (source: ViewSource) => ({ filters: source.filters, parameters: source.parameters });

function viewItem(source: ViewSource): ViewItem {
  return {
    id: source.viewId,
    name: source.name ?? source.contentUrl ?? source.viewId,
    contentUrl: source.contentUrl ?? '',
    sheetType: 'sheet',
    workbookId: '',
  };
}
