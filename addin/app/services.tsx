import { createContext, useContext, type ReactNode } from 'react';
import type { ConnectionInfo } from '../../common/api.js';
import type { PullSource } from '../../common/source.js';
import type { ColumnSpec } from '../../common/stream.js';
import type { ApiClient } from '../api/client.js';
import type { WorkbookGateway } from '../workbook/gateway.js';

/** What the insert flow reports once a table is in the workbook (the refresh feature stores it as a definition). */
export interface InsertedTable {
  tableName: string;
  sheet: string;
  address: string;
  source: PullSource;
  connection: ConnectionInfo;
  columns: ColumnSpec[];
  rowCount: number;
  /** A row limit cut the data (the table holds fewer rows than the source). */
  truncated: boolean;
}

/**
 * Everything a screen may use to reach the outside world. Components never call fetch or Office.js
 * themselves: main.tsx gives the real implementations, tests give fakes.
 */
export interface Services {
  api: ApiClient;
  workbook: WorkbookGateway;
  /** Called after every successful insert; may be async (its failure is shown, the table stays). */
  onInserted?(table: InsertedTable): void | Promise<void>;
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
