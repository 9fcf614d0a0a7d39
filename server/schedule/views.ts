/** What the schedule API answers: the shapes of common/schedules.ts, built from the store's records. */
import type { ScheduleInfo, TableauWebhookHealth } from '../../common/schedules.js';
import type { ScheduleRecord } from '../store/schedules.js';
import type { RunRecord } from '../store/snapshots.js';
import { dataAsOf } from './snapshot-stream.js';
import { describeSchedule } from './spec.js';
import { webhookHost } from './webhook.js';

export type { ScheduleInfo } from '../../common/schedules.js';

export interface ScheduleState {
  nextRunAt: Date | null;
  lastRun: RunRecord | undefined;
  latestSucceeded: RunRecord | undefined;
  /** An on-tableau-refresh schedule's webhook that the last check found not fine. */
  tableauWebhook?: TableauWebhookHealth;
}

export function toScheduleInfo(schedule: ScheduleRecord, state: ScheduleState): ScheduleInfo {
  return {
    id: schedule.id,
    connectionId: schedule.connectionId,
    definitionId: schedule.definitionId,
    name: schedule.name,
    source: schedule.source,
    ...(schedule.options ? { options: schedule.options } : {}),
    spec: schedule.spec,
    description: describeSchedule(schedule.spec),
    webhook: schedule.webhookUrl ? { host: webhookHost(schedule.webhookUrl) } : schedule.webhookUnreadable ? { unreadable: true } : null,
    ...(state.tableauWebhook ? { tableauWebhook: state.tableauWebhook } : {}),
    historyLimit: schedule.historyLimit,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
    nextRunAt: state.nextRunAt?.toISOString() ?? null,
    status: state.lastRun?.status ?? 'never-run',
    lastRun: state.lastRun ?? null,
    dataAsOf: state.latestSucceeded ? dataAsOf(state.latestSucceeded) : null,
  };
}
