import { Field, SearchBox, Tab, TabList } from '@fluentui/react-components';

import type { ConnectionInfo, DatasourceItem, SearchItem, ViewItem } from '../../../common/api.js';
import { useRemembered } from '../inventory/useRemembered.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { usePaneStyles } from '../shared/styles.js';
import { useDebounced } from '../shared/useDebounced.js';
import { DatasourceList } from './DatasourceList.js';
import { ProjectTree } from './ProjectTree.js';
import { SearchResults } from './SearchResults.js';
import { WorkbookViewList } from './WorkbookViewList.js';

interface BrowseProps {
  connection: ConnectionInfo;
  onOpenView(view: ViewItem): void;
  onOpenDatasource(ds: Pick<DatasourceItem, 'id' | 'name'>): void;
  /** Search text to start with (moving a table to another site: its view or data source by name). */
  initialSearch?: string;
}

/** Projects → workbooks → views, published data sources, and a site-wide search. */
export function BrowseScreen({ connection, onOpenView, onOpenDatasource, initialSearch = '' }: BrowseProps) {
  const styles = usePaneStyles();
  // Remembered beyond this screen: opening a view or a data source replaces it (one route per tab),
  // and Back must return to the same search, section and workbook, not to an empty Browse (#21).
  // Keyed by the start text too: moving a table to another site browses with its own search.
  const memo = `browse:${connection.id}:${initialSearch}`;
  const [section, setSection] = useRemembered<'workbooks' | 'datasources'>(`${memo}:section`, 'workbooks');
  const [text, setText] = useRemembered(`${memo}:text`, initialSearch);
  const [workbook, setWorkbook] = useRemembered<{ id: string; name: string } | null>(`${memo}:workbook`, null);
  const query = useDebounced(text.trim(), 300);

  const openSearchItem = (item: SearchItem) => {
    if (item.type === 'datasource') onOpenDatasource({ id: item.id, name: item.title });
    else if (item.type === 'workbook') setWorkbook({ id: item.id, name: item.title });
    // Search does not say whether a view is a dashboard: the view screen still offers sheets when it learns it is one.
    else if (item.type === 'view') onOpenView({ id: item.id, name: item.title, contentUrl: '', sheetType: 'sheet', workbookId: '' });
  };

  if (workbook) {
    return (
      <div className={styles.stack}>
        <ScreenHeader title={workbook.name} onBack={() => setWorkbook(null)} backLabel="Back to search results" />
        <WorkbookViewList connection={connection} workbookId={workbook.id} workbookName={workbook.name} onOpen={onOpenView} />
      </div>
    );
  }

  return (
    <div className={styles.stack}>
      <Field label="Search this site">
        <SearchBox
          value={text}
          placeholder="Workbooks, views, data sources"
          onChange={(_, d) => setText(d.value)}
          // Fluent's clear button is otherwise announced as "clear", with no word of what it clears.
          dismiss={{ 'aria-label': 'Clear search', title: 'Clear search' }}
        />
      </Field>
      {query ? (
        <SearchResults connection={connection} query={query} onOpen={openSearchItem} />
      ) : (
        <>
          <TabList
            size="small"
            selectedValue={section}
            onTabSelect={(_, d) => setSection(d.value as typeof section)}
            aria-label="What to browse"
          >
            <Tab value="workbooks">Workbooks</Tab>
            <Tab value="datasources">Data sources</Tab>
          </TabList>
          <div role="tabpanel" aria-label={section === 'workbooks' ? 'Workbooks' : 'Data sources'}>
            {section === 'workbooks' ? (
              <ProjectTree connection={connection} onOpenView={onOpenView} memoryKey={`${memo}:tree`} />
            ) : (
              <DatasourceList connection={connection} onOpen={(ds) => onOpenDatasource({ id: ds.id, name: ds.name })} />
            )}
          </div>
        </>
      )}
    </div>
  );
}
