import { Body1, FluentProvider, makeStyles, tokens, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';

import { App } from '../ui/App.js';
import type { GridSource } from '../workbook-grid/gridSource.js';
import { type Services, ServicesProvider } from './services.js';
import { useDarkMode } from './theme.js';

// The grid only exists in browser mode: keep it out of the pane's initial bundle.
const Grid = lazy(() => import('../workbook-grid/Grid.js').then((m) => ({ default: m.Grid })));

const useStyles = makeStyles({
  split: { display: 'flex', height: '100vh', backgroundColor: tokens.colorNeutralBackground2 },
  // The same width as Excel's default task pane (task-pane-add-ins.md: 350 px at 1366×768; design for ~320).
  pane: { width: '320px', flexShrink: 0, overflowY: 'auto', borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}` },
  grid: { flexGrow: 1, minWidth: 0, height: '100%' },
  waiting: { display: 'block', padding: tokens.spacingHorizontalL },
});

interface RootProps {
  services: Services;
  /** Browser mode: the memory workbook shown beside the pane. */
  grid?: GridSource;
}

export function Root({ services, grid }: RootProps) {
  const styles = useStyles();
  const dark = useDarkMode(services.host?.theme);
  const app = (
    <ServicesProvider services={services}>
      <App />
    </ServicesProvider>
  );
  return (
    // No className on FluentProvider: Fluent copies it onto portal mount nodes (toasts), and a
    // full-height class there covered the whole page with the portal's background.
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme}>
      {grid ? (
        <div className={styles.split}>
          <div className={styles.pane}>{app}</div>
          <div className={styles.grid}>
            <Suspense fallback={null}>
              <Grid source={grid} />
            </Suspense>
          </div>
        </div>
      ) : (
        app
      )}
    </FluentProvider>
  );
}

/** Shown while Office is slow to start the add-in (HostAdapter.ready's onSlow): the wait goes on. */
const WAITING_FOR_EXCEL =
  'Waiting for Excel to finish starting the add-in… If this takes more than a minute, close the pane and open it again.';

/** Before Office is ready its theme is unknown (Office.context is not set up yet): the system's is used. */
export function WaitingForExcel() {
  const styles = useStyles();
  const dark = useDarkMode();
  return (
    <FluentProvider theme={dark ? webDarkTheme : webLightTheme}>
      <Body1 className={styles.waiting} role="status">
        {WAITING_FOR_EXCEL}
      </Body1>
    </FluentProvider>
  );
}
