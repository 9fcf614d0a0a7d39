import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.js';
import { createSchedulesClient } from './api/schedules.js';
import { createSessionStore } from './api/sessionStore.js';
import { detectHost } from './app/host.js';
import { Root } from './app/Root.js';
import type { Services } from './app/services.js';
import { registerRibbonCommands } from './commands/refreshAll.js';
import { createRefreshFeature } from './refresh/index.js';
import type { WorkbookGateway } from './workbook/gateway.js';
import { tablesTab } from './ui/tables/index.js';

/**
 * Entry point of the task pane. In Excel: the Office.js gateway. In a plain browser (or when
 * office.js is missing): an in-memory workbook shown as a grid beside the pane.
 * Both gateways are imported on demand so each mode loads only its own code.
 */
async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) throw new Error('taskpane.html has no #root element');
  const root = createRoot(container);
  // One session store for both clients: the schedules client must send the same token.
  const session = createSessionStore();
  const api = createApiClient({ session });
  const schedules = createSchedulesClient({ session });
  const host = await detectHost();

  // The refresh feature: one runner shared by the pane, the ribbon command and the timers.
  const withRefresh = (workbook: WorkbookGateway) => {
    const refresh = createRefreshFeature({ api, schedules, workbook, host });
    // Before the first render: the ribbon's "Refresh all" works even if the pane is never shown.
    registerRibbonCommands(refresh.service);
    void refresh.service.start({ refreshOnOpen: true });
    const services: Services = { api, workbook, onInserted: refresh.service.onInserted };
    return { services, tablesScreen: tablesTab(refresh.service, schedules) };
  };

  if (host === 'excel') {
    const { ExcelWorkbookGateway } = await import('./workbook/excel/gateway.js');
    const { services, tablesScreen } = withRefresh(new ExcelWorkbookGateway());
    root.render(<Root services={services} tablesScreen={tablesScreen} />);
    return;
  }

  const [{ MemoryWorkbook }, { MemoryWorkbookGateway }, { memoryGridSource }] = await Promise.all([
    import('./workbook/memory/workbook.js'),
    import('./workbook/memory/gateway.js'),
    import('./preview/gridSource.js'),
  ]);
  const workbook = new MemoryWorkbook();
  // Exposed for end-to-end tests of the browser preview (read-only use expected).
  (globalThis as { __previewWorkbook?: unknown }).__previewWorkbook = workbook;
  const { services, tablesScreen } = withRefresh(new MemoryWorkbookGateway(workbook));
  root.render(<Root services={services} grid={memoryGridSource(workbook)} tablesScreen={tablesScreen} />);
}

start().catch((error: unknown) => {
  const container = document.getElementById('root');
  if (container) container.textContent = `The add-in could not start: ${error instanceof Error ? error.message : String(error)}`;
});
