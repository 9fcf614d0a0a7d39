import { createRoot } from 'react-dom/client';

import { createSessionStore } from './api/sessionStore.js';
import { composeServices } from './app/compose.js';
import { Root, WaitingForExcel } from './app/Root.js';
import { officeHost } from './host/office.js';

/**
 * Entry point of the task pane. In Excel: the workbook gateway over Office.js. In a plain browser
 * (or when office.js is missing): the same gateway over an in-memory Excel, shown as a grid beside
 * the pane. Each mode's code is imported on demand.
 */
async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) throw new Error('taskpane.html has no #root element');
  const root = createRoot(container);
  const host = officeHost();
  // No timeout inside Office (addin/host/office.ts): a slow start only brings up a notice.
  const kind = await host.ready({ onSlow: () => root.render(<WaitingForExcel />) });
  // After ready: Office.context (and its partition key) exists only then; the store moves tokens
  // saved under the unpartitioned key before this order was fixed (addin/api/sessionStore.ts).
  const session = createSessionStore(undefined, host.partitionKey());

  if (kind === 'excel') {
    const { ExcelWorkbookGateway } = await import('./workbook/excel/gateway.js');
    const services = composeServices({ host, kind, session, workbook: new ExcelWorkbookGateway() });
    root.render(<Root services={services} />);
    return;
  }

  const [{ MemoryWorkbook }, { memoryGateway }, { memoryGridSource }] = await Promise.all([
    import('./workbook/memory/workbook.js'),
    import('./workbook/memory/gateway.js'),
    import('./workbook-grid/gridSource.js'),
  ]);
  const workbook = new MemoryWorkbook();
  // Exposed for end-to-end tests of the browser mode (read-only use expected).
  (globalThis as { __previewWorkbook?: unknown }).__previewWorkbook = workbook;
  // The insert's stages measured one by one (bench/e2e.ts); a chunk of its own, loaded only when asked for.
  (globalThis as { __previewStages?: unknown }).__previewStages = () => import('./app/insertStages.js');
  // Each sync answers in a later task, as Excel's does: the pane stays responsive during long writes.
  // The browser mode stands in for Excel on the web, which has ExcelApi 1.18 (notes on cells):
  // https://learn.microsoft.com/en-us/javascript/api/requirement-sets/excel/excel-api-requirement-sets
  const services = composeServices({
    host,
    kind,
    session,
    workbook: memoryGateway(workbook, { roundTrip: 'task', apiVersion: '1.18' }),
  });
  root.render(<Root services={services} grid={memoryGridSource(workbook)} />);
}

start().catch((error: unknown) => {
  const container = document.getElementById('root');
  if (container) container.textContent = `The add-in could not start: ${error instanceof Error ? error.message : String(error)}`;
});
