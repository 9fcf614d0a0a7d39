import { makeStyles, Tab, TabList, Toaster, tokens, typographyStyles } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useReducer, useState } from 'react';

import type { PullSource } from '../../common/source.js';
import { initialNav, navReducer, type Route, type Tab as TabName } from '../app/navigation.js';
import { BrowseScreen } from './browse/BrowseScreen.js';
import { ConnectScreen } from './connect/ConnectScreen.js';
import { useConnections } from './connect/useConnections.js';
import { InventoryScreen } from './inventory/InventoryScreen.js';
import { Busy } from './shared/Busy.js';
import { TOASTER_ID } from './shared/toaster.js';
import { TablesScreen } from './tables/TablesScreen.js';
import { ViewScreen } from './view/ViewScreen.js';

// The query builder and the preview/insert flow are the heaviest screens: load them on first use.
const QueryScreen = lazy(() => import('./query/QueryScreen.js'));
const PreviewScreen = lazy(() => import('./preview/PreviewScreen.js'));

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    minHeight: '100vh',
    boxSizing: 'border-box',
    backgroundColor: tokens.colorNeutralBackground1,
  },
  // Office's personality menu covers the top-right corner (task-pane-add-ins.md): keep it empty.
  header: { paddingInline: tokens.spacingHorizontalS, paddingTop: tokens.spacingVerticalS, paddingInlineEnd: '40px' },
  title: { ...typographyStyles.body1Strong, margin: 0 },
  main: { flexGrow: 1, padding: tokens.spacingHorizontalM, minWidth: 0 },
});

/** The task pane: Connect · Browse · Inventory · Tables, one column for a ~320 px pane. */
export function App() {
  const styles = useStyles();
  const connections = useConnections();
  // Toasts mount inside a labelled landmark (axe 'region': all content in landmarks), not at <body>.
  const [toastHost, setToastHost] = useState<HTMLElement | null>(null);
  const [nav, dispatch] = useReducer(navReducer, undefined, () => initialNav('connect'));
  const connection = connections.current;
  const push = (r: Route) => dispatch({ type: 'push', route: r });
  const back = () => dispatch({ type: 'back' });

  // Another connection makes every browse/query screen stale.
  useEffect(() => {
    dispatch({ type: 'reset' });
  }, [connection?.id]);
  // Start on Browse when a saved connection is already signed in.
  useEffect(() => {
    if (!connections.loading && connection) dispatch({ type: 'tab', tab: 'browse' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [connections.loading]);

  const tab: TabName = !connection && (nav.tab === 'browse' || nav.tab === 'inventory') ? 'connect' : nav.tab;
  const onPreview = (source: PullSource, title: string) => push({ name: 'preview', source, title });

  const screenFor = (t: TabName): React.ReactNode => {
    const r = nav.stacks[t][nav.stacks[t].length - 1];
    if (t === 'connect') return <ConnectScreen connections={connections} onConnected={() => dispatch({ type: 'tab', tab: 'browse' })} />;
    if (t === 'tables') return <TablesScreen />;
    if (!connection) return null;
    if (r.name === 'view')
      return (
        <ViewScreen
          connection={connection}
          view={r.view}
          onBack={back}
          onOpenView={(v) => dispatch({ type: 'replace', route: { name: 'view', view: v } })}
          onPreview={onPreview}
        />
      );
    if (r.name === 'query') return <QueryScreen connection={connection} datasource={r.datasource} onBack={back} onPreview={onPreview} />;
    if (r.name === 'preview') return <PreviewScreen connection={connection} source={r.source} title={r.title} onBack={back} />;
    if (t === 'inventory') return <InventoryScreen siteLabel={connection.label} onPreview={onPreview} />;
    return (
      <BrowseScreen
        connection={connection}
        onOpenView={(view) => push({ name: 'view', view })}
        onOpenDatasource={(datasource) => push({ name: 'query', datasource })}
      />
    );
  };
  const tabs: TabName[] = ['connect', 'browse', 'inventory', 'tables'];

  return (
    <div className={styles.root}>
      <header className={styles.header}>
        <h1 className={styles.title}>Tableau data</h1>
        <TabList
          size="small"
          selectedValue={tab}
          onTabSelect={(_, d) => dispatch({ type: 'tab', tab: d.value as TabName })}
          aria-label="Sections"
        >
          <Tab value="connect">{connection ? 'Connection' : 'Connect'}</Tab>
          <Tab value="browse" disabled={!connection}>
            Browse
          </Tab>
          <Tab value="inventory" disabled={!connection}>
            Inventory
          </Tab>
          <Tab value="tables">Tables</Tab>
        </TabList>
      </header>
      <main className={styles.main} aria-label={tab === 'connect' ? 'Connect to Tableau' : undefined}>
        {/* Every tab stays mounted (hidden when not shown) so a half-built query or a running
            insert survives a look at another tab. */}
        {tabs.map((t) => (
          <div key={t} hidden={t !== tab}>
            <Suspense fallback={<Busy label="Loading…" />}>{screenFor(t)}</Suspense>
          </div>
        ))}
      </main>
      <aside aria-label="Notifications" ref={setToastHost}>
        {toastHost ? <Toaster toasterId={TOASTER_ID} position="bottom" mountNode={toastHost} /> : null}
      </aside>
    </div>
  );
}
