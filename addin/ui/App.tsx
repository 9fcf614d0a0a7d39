import { makeStyles, PortalMountNodeProvider, Tab, TabList, Toaster, tokens, typographyStyles } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useReducer, useRef, useState } from 'react';

import type { RowsBehindResponse } from '../../common/rows-behind.js';
import type { PullSource } from '../../common/source.js';
import { initialNav, navReducer, type Route, type Tab as TabName } from '../app/navigation.js';
import { useServices } from '../app/services.js';
import { BrowseScreen } from './browse/BrowseScreen.js';
import { ConnectScreen } from './connect/ConnectScreen.js';
import { useConnections } from './connect/useConnections.js';
import { InventoryScreen } from './inventory/InventoryScreen.js';
import { Busy } from './shared/Busy.js';
import { MetadataNotice } from './shared/MetadataNotice.js';
import { TOASTER_ID } from './shared/toaster.js';
import { draftFromQuery } from './tables/draftFromQuery.js';
import { TablesScreen } from './tables/TablesScreen.js';
import { ViewScreen } from './view/ViewScreen.js';

// The query builder and the preview/insert flow are the heaviest screens: load them on first use.
const QueryScreen = lazy(() => import('./query/QueryScreen.js'));
const PreviewScreen = lazy(() => import('./preview/PreviewScreen.js'));
const PublishScreen = lazy(() => import('./publish/PublishScreen.js'));

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
  screenTitle: { ...typographyStyles.subtitle2, margin: `0 0 ${tokens.spacingVerticalS}`, outlineStyle: 'none' },
  notifications: { paddingInline: tokens.spacingHorizontalM },
  // Toasts take their place in the pane's column, under the tabs, instead of floating over the
  // page: Fluent's Toaster is position:fixed at the viewport's bottom (over the browser preview's
  // grid, and at 320 px over the Table name field, issue #21). Inline + static puts it in the flow.
  toaster: { position: 'static', width: 'auto', transform: 'none' },
});

const TAB_LABEL: Record<TabName, string> = {
  // One name before and after connecting (issue #21): the tab holds the form and the saved connections.
  connect: 'Connection',
  browse: 'Browse',
  inventory: 'Inventory',
  tables: 'Tables',
};

/** The task pane: Connect · Browse · Inventory · Tables, one column for a ~320 px pane. */
export function App() {
  const styles = useStyles();
  const { metadataStatus } = useServices();
  const connections = useConnections();
  const [nav, dispatch] = useReducer(navReducer, undefined, () => initialNav('connect'));
  const connection = connections.current;
  // Menus, dialogs and popovers mount here, inside <main>, not at the end of <body>: outside every
  // landmark a menu failed axe's 'region' rule (https://dequeuniversity.com/rules/axe/4.10/region).
  const [portalHost, setPortalHost] = useState<HTMLElement | null>(null);
  const panels = useRef<Partial<Record<TabName, HTMLDivElement | null>>>({});
  // After Connect the form unmounts from view: focus goes to the next screen's heading, not <body>.
  const [focusHeadingOf, setFocusHeadingOf] = useState<TabName | null>(null);
  const push = (r: Route) => dispatch({ type: 'push', route: r });
  // Back unmounts the screen that held focus: the screen returned to gets it (its heading).
  const back = () => {
    dispatch({ type: 'back' });
    setFocusHeadingOf(nav.tab);
  };

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

  useEffect(() => {
    if (!focusHeadingOf || focusHeadingOf !== tab) return;
    const panel = panels.current[tab];
    if (!panel) return;
    // Its heading, or — a screen without one (Inventory) — the tab's panel itself.
    const target = panel.querySelector<HTMLElement>('h2, h3') ?? panel;
    if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
    target.focus();
    // The request is spent.
    setFocusHeadingOf(null);
  }, [focusHeadingOf, tab, connection]);
  const onConnected = () => {
    dispatch({ type: 'tab', tab: 'browse' });
    setFocusHeadingOf('browse');
  };
  const onPreview = (source: PullSource, title: string) => push({ name: 'preview', source, title });
  // The rows behind a view open in the query builder, prefilled: seen and adjustable before the preview.
  const onRowsBehind = (rows: RowsBehindResponse) => {
    const { draft, dropped } = draftFromQuery({ kind: 'datasource', datasourceId: rows.datasource.id, query: rows.query });
    push({ name: 'query', datasource: rows.datasource, initial: draft, notes: [...rows.notes, ...dropped] });
  };

  const screenFor = (t: TabName): React.ReactNode => {
    const r = nav.stacks[t][nav.stacks[t].length - 1];
    if (t === 'connect') return <ConnectScreen connections={connections} onConnected={onConnected} />;
    if (t === 'tables') {
      if (r.name === 'publish') return <PublishScreen connection={connection ?? null} onBack={back} />;
      return <TablesScreen onPublish={() => push({ name: 'publish' })} />;
    }
    if (!connection) return null;
    if (r.name === 'view')
      return (
        <ViewScreen
          connection={connection}
          view={r.view}
          onBack={back}
          onOpenView={(v) => dispatch({ type: 'replace', route: { name: 'view', view: v } })}
          onPreview={onPreview}
          onRowsBehind={onRowsBehind}
        />
      );
    if (r.name === 'query')
      return (
        <QueryScreen
          connection={connection}
          datasource={r.datasource}
          onBack={back}
          onPreview={onPreview}
          initial={r.initial}
          notes={r.notes}
        />
      );
    if (r.name === 'preview') return <PreviewScreen connection={connection} source={r.source} title={r.title} onBack={back} />;
    if (t === 'inventory') return <InventoryScreen siteLabel={connection.label} onPreview={onPreview} />;
    return (
      <>
        {/* Where Connect sends focus: the site now browsed (the screen itself starts with a search box). */}
        <h2 className={styles.screenTitle} tabIndex={-1}>
          Browse {connection.label}
        </h2>
        <BrowseScreen
          connection={connection}
          onOpenView={(view) => push({ name: 'view', view })}
          onOpenDatasource={(datasource) => push({ name: 'query', datasource })}
        />
      </>
    );
  };
  const tabs: TabName[] = ['connect', 'browse', 'inventory', 'tables'];

  return (
    <PortalMountNodeProvider value={portalHost ?? undefined}>
      <div className={styles.root}>
        <header className={styles.header}>
          <h1 className={styles.title}>Tableau data</h1>
          <TabList
            size="small"
            selectedValue={tab}
            onTabSelect={(_, d) => dispatch({ type: 'tab', tab: d.value as TabName })}
            aria-label="Sections"
          >
            {/* Its arrow-key group adds two aria-hidden focus redirectors (Tabster) that a raw axe run
              reports as aria-hidden-focus: upstream, https://github.com/microsoft/fluentui/issues/25133,
              https://github.com/microsoft/tabster/issues/288 (test/e2e/support/axe.ts). */}
            {tabs.map((t) => (
              <Tab key={t} value={t} id={`pane-tab-${t}`} disabled={(t === 'browse' || t === 'inventory') && !connection}>
                {TAB_LABEL[t]}
              </Tab>
            ))}
          </TabList>
        </header>
        {/* Toasts sit inside a labelled landmark (axe 'region': all content in landmarks). */}
        <aside aria-label="Notifications" className={styles.notifications}>
          <Toaster toasterId={TOASTER_ID} position="top-start" inline className={styles.toaster} />
          {metadataStatus ? <MetadataNotice status={metadataStatus} /> : null}
        </aside>
        <main className={styles.main} aria-label={tab === 'connect' ? 'Connect to Tableau' : undefined}>
          {/* Every tab stays mounted (hidden when not shown) so a half-built query or a running
            insert survives a look at another tab. */}
          {tabs.map((t) => (
            <div
              key={t}
              hidden={t !== tab}
              role="tabpanel"
              aria-labelledby={`pane-tab-${t}`}
              ref={(el) => {
                panels.current[t] = el;
              }}
            >
              <Suspense fallback={<Busy label="Loading…" />}>{screenFor(t)}</Suspense>
            </div>
          ))}
          <div ref={setPortalHost} />
        </main>
      </div>
    </PortalMountNodeProvider>
  );
}
