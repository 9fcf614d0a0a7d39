/**
 * Server schedules and their snapshots (server/http/routes/schedules.ts), typed for the add-in.
 *
 * The answer shapes are common/schedules.ts, shared with the server. The snapshot stream needs the
 * X-Data-As-Of header, which ApiClient.latestSnapshot cannot expose (it only yields messages), so
 * this module does its own requests with the same session store and error mapping.
 */
import type { CreateScheduleBody, ScheduleInfo, ScheduleRunInfo, UpdateScheduleBody } from '../../common/schedules.js';
import type { StreamMessage } from '../../common/stream.js';
import type { ApiClientOptions } from './client.js';
import { readStream } from './stream.js';
import { type CallOptions, createTransport } from './transport.js';

export { type ScheduleSpec, type Weekday, WEEKDAYS } from '../../common/schedules.js';

export interface SnapshotStream {
  /** X-Data-As-Of: when the server pulled this data from Tableau (ISO), null if the header is missing. */
  dataAsOf: string | null;
  messages: AsyncGenerator<StreamMessage>;
}

export interface SchedulesClient {
  list(opts?: CallOptions): Promise<ScheduleInfo[]>;
  create(body: CreateScheduleBody, opts?: CallOptions): Promise<ScheduleInfo>;
  update(scheduleId: string, body: UpdateScheduleBody, opts?: CallOptions): Promise<ScheduleInfo>;
  remove(scheduleId: string, opts?: CallOptions): Promise<void>;
  /** Starts a run now (the server answers 409 while one is running). */
  runNow(scheduleId: string, opts?: CallOptions): Promise<ScheduleRunInfo>;
  runs(scheduleId: string, limit?: number, opts?: CallOptions): Promise<ScheduleRunInfo[]>;
  /** The latest successful run's data as a typed result stream (404 'no-snapshot' before the first). */
  latestSnapshot(scheduleId: string, opts?: CallOptions): Promise<SnapshotStream>;
}

const seg = encodeURIComponent;

export function createSchedulesClient(options: ApiClientOptions = {}): SchedulesClient {
  const { send, json } = createTransport(options);

  return {
    async list(opts) {
      return (await json<{ schedules: ScheduleInfo[] }>('GET', '/api/schedules', undefined, opts)).schedules;
    },
    async create(body, opts) {
      return (await json<{ schedule: ScheduleInfo }>('POST', '/api/schedules', body, opts)).schedule;
    },
    async update(sid, body, opts) {
      return (await json<{ schedule: ScheduleInfo }>('PUT', `/api/schedules/${seg(sid)}`, body, opts)).schedule;
    },
    remove: (sid, opts) => json<void>('DELETE', `/api/schedules/${seg(sid)}`, undefined, opts),
    async runNow(sid, opts) {
      return (await json<{ run: ScheduleRunInfo }>('POST', `/api/schedules/${seg(sid)}/run`, undefined, opts)).run;
    },
    async runs(sid, limit, opts) {
      const q = limit === undefined ? '' : `?limit=${limit}`;
      return (await json<{ runs: ScheduleRunInfo[] }>('GET', `/api/schedules/${seg(sid)}/runs${q}`, undefined, opts)).runs;
    },
    async latestSnapshot(sid, opts) {
      const response = await send('GET', `/api/snapshots/latest?scheduleId=${seg(sid)}`, undefined, opts, 'application/x-ndjson');
      return { dataAsOf: response.headers.get('x-data-as-of'), messages: readStream(response, opts?.signal) };
    },
  };
}
