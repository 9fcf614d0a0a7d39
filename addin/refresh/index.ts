/**
 * The refresh feature's start-up: ONE RefreshService per runtime (module-level singleton), shared
 * by the task pane, the ribbon command and the timers. main.tsx creates it once.
 */
import type { ApiClient } from '../api/client.js';
import type { SchedulesClient } from '../api/schedules.js';
import type { WorkbookGateway } from '../workbook/gateway.js';
import { RefreshService } from './runner/service.js';
import { memoryStartupPort, officeStartupPort } from './runner/startup.js';

export interface RefreshFeature {
  service: RefreshService;
  schedules: SchedulesClient;
}

let current: RefreshFeature | null = null;

export function createRefreshFeature(deps: { api: ApiClient; schedules: SchedulesClient; workbook: WorkbookGateway; host: 'excel' | 'browser' }): RefreshFeature {
  if (current) return current;
  const service = new RefreshService({
    gateway: deps.workbook,
    api: deps.api,
    snapshots: deps.schedules,
    // Only Excel with the shared runtime can load the add-in on open; the browser preview remembers the wish.
    startup: deps.host === 'excel' ? officeStartupPort() : memoryStartupPort(),
  });
  current = { service, schedules: deps.schedules };
  return current;
}

/** The running feature (null before start-up created it). */
export function refreshFeature(): RefreshFeature | null {
  return current;
}
