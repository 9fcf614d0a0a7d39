import type { ComponentType } from 'react';
import type { SchedulesClient } from '../../api/schedules.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { TablesScreen } from './TablesScreen.js';

export { TablesScreen, type TablesScreenProps } from './TablesScreen.js';

/** The Tables tab bound to the app's refresh service, for <Root tablesScreen={…}>. */
export function tablesTab(service: RefreshService, schedules?: SchedulesClient): ComponentType {
  return function Tables() {
    return <TablesScreen service={service} schedules={schedules} />;
  };
}
