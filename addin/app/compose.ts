/**
 * The one place that builds the add-in's services (the composition root, called once by
 * main.tsx): API clients, the refresh feature, the workbook gateway and the host adapter. ONE
 * RefreshService per runtime, shared by the task pane, the ribbon command and the timers.
 */
import { createApiClient } from '../api/client.js';
import { createSchedulesClient } from '../api/schedules.js';
import type { SessionStore } from '../api/sessionStore.js';
import { registerRibbonCommands } from '../commands/refreshAll.js';
import type { HostAdapter, HostKind } from '../host/adapter.js';
import { LEASE_SETTLE_MS } from '../refresh/runner/lease.js';
import { RefreshService } from '../refresh/runner/service.js';
import { memoryStartupPort } from '../refresh/runner/startup.js';
import { MetadataStatus } from '../ui/shared/metadataStatus.js';
import type { WorkbookGateway } from '../workbook/gateway.js';
import type { Services } from './services.js';

interface ComposeOptions {
  host: HostAdapter;
  kind: HostKind;
  /** One session store for both clients: the schedules client must send the same token. */
  session: SessionStore;
  workbook: WorkbookGateway;
}

export function composeServices({ host, kind, session, workbook }: ComposeOptions): Services {
  const api = createApiClient({ session });
  const schedules = createSchedulesClient({ session });
  const refresh = new RefreshService({
    gateway: workbook,
    api,
    snapshots: schedules,
    // Only Excel with the shared runtime can load the add-in on open; the browser mode remembers the wish.
    startup: kind === 'excel' ? host.startup : memoryStartupPort(),
    // Only in Excel can co-authors' copies start together: give their lease writes time to meet.
    lease: { settleMs: kind === 'excel' ? LEASE_SETTLE_MS : 0 },
  });
  // Before the first render: the ribbon's "Refresh all" works even if the pane is never shown.
  registerRibbonCommands(refresh, host.ribbon());
  void refresh.start({ refreshOnOpen: true });
  // Closing the pane hands the automatic-refresh lease back, best effort (addin/refresh/runner/lease.ts);
  // if the write does not make it, the lease expires on its own.
  globalThis.addEventListener?.('pagehide', () => refresh.stop());
  return { api, workbook, refresh, schedules, host, metadataStatus: new MetadataStatus(), onInserted: refresh.onInserted };
}
