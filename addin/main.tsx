import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.js';
import { detectHost } from './app/host.js';
import { Root } from './app/Root.js';
import type { Services } from './app/services.js';

/**
 * Entry point of the task pane. In Excel: the Office.js gateway. In a plain browser (or when
 * office.js is missing): an in-memory workbook shown as a grid beside the pane.
 * Both gateways are imported on demand so each mode loads only its own code.
 */
async function start(): Promise<void> {
  const container = document.getElementById('root');
  if (!container) throw new Error('taskpane.html has no #root element');
  const root = createRoot(container);
  const api = createApiClient();
  const host = await detectHost();

  if (host === 'excel') {
    const { ExcelWorkbookGateway } = await import('./workbook/excel/gateway.js');
    const services: Services = { api, workbook: new ExcelWorkbookGateway() };
    root.render(<Root services={services} />);
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
  const services: Services = { api, workbook: new MemoryWorkbookGateway(workbook) };
  root.render(<Root services={services} grid={memoryGridSource(workbook)} />);
}

start().catch((error: unknown) => {
  const container = document.getElementById('root');
  if (container) container.textContent = `The add-in could not start: ${error instanceof Error ? error.message : String(error)}`;
});
