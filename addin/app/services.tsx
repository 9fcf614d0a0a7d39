import { createContext, type ReactNode, useContext } from 'react';

import type { ApiClient } from '../api/client.js';
import type { SchedulesClient } from '../api/schedules.js';
import type { HostAdapter } from '../host/adapter.js';
import type { Inserted } from '../refresh/runner/inserted.js';
import type { RefreshService } from '../refresh/runner/service.js';
import type { MetadataStatus } from '../ui/shared/metadataStatus.js';
import type { WorkbookGateway } from '../workbook/gateway.js';

/**
 * Everything a screen may use to reach the outside world, and the one way it reaches them.
 * Components never call fetch or Office.js themselves: ./compose.ts builds the real
 * implementations, tests give fakes.
 */
export interface Services {
  api: ApiClient;
  workbook: WorkbookGateway;
  /** The refresh feature (Tables tab); without it the tab shows what it will hold. */
  refresh?: RefreshService;
  /** The companion server's schedules; without it tables offer no server schedule. */
  schedules?: SchedulesClient;
  host?: HostAdapter;
  /** Where Tableau's Metadata API is turned off (one notice per connection); absent: screens keep their own. */
  metadataStatus?: MetadataStatus;
  /** Called after every successful insert; may be async (its failure is shown, the table stays). */
  onInserted?(inserted: Inserted): void | Promise<void>;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() needs a <ServicesProvider> above it');
  return services;
}
