/**
 * What the schedule API answers. These shapes live here, not in common/api.ts (a contract this
 * feature must not change); the add-in can import the types from here until they move there.
 */
import type { PullOptions, PullSource } from '../../common/source.js';
import type { ScheduleRecord } from '../store/schedules.js';
import type { RunRecord, RunStatus } from '../store/snapshots.js';
import { dataAsOf } from './snapshot-stream.js';
import { describeSchedule, type ScheduleSpec } from './spec.js';
import { webhookHost } from './webhook.js';

export type { RunRecord as ScheduleRunInfo, RunStatus, RunTrigger } from '../store/snapshots.js';

export interface ScheduleInfo {
  id: string;
  connectionId: string;
  definitionId: string;
  name: string;
  source: PullSource;
  options?: PullOptions;
  spec: ScheduleSpec;
  /** "Every day at 07:30 (Europe/Berlin)". */
  description: string;
  /** Only the receiver's host: the full URL can hold a credential. */
  webhook: { host: string } | null;
  historyLimit: number;
  createdAt: string;
  updatedAt: string;
  /** ISO time of the next scheduled run, or null when none is left. */
  nextRunAt: string | null;
  /** 'never-run' until the first run; else the last run's status. */
  status: 'never-run' | RunStatus;
  lastRun: RunRecord | null;
  /** When the data the add-in would load now was pulled (latest successful run), or null. */
  dataAsOf: string | null;
}

export interface ScheduleState {
  nextRunAt: Date | null;
  lastRun: RunRecord | undefined;
  latestSucceeded: RunRecord | undefined;
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
    webhook: schedule.webhookUrl ? { host: webhookHost(schedule.webhookUrl) } : null,
    historyLimit: schedule.historyLimit,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
    nextRunAt: state.nextRunAt?.toISOString() ?? null,
    status: state.lastRun?.status ?? 'never-run',
    lastRun: state.lastRun ?? null,
    dataAsOf: state.latestSucceeded ? dataAsOf(state.latestSucceeded) : null,
  };
}
