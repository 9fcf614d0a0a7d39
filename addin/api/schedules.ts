/**
 * Server schedules and their snapshots (server/http/routes/schedules.ts), typed for the add-in.
 *
 * The answer shapes mirror server/schedule/views.ts: common/api.ts is a contract this feature must
 * not change, and the pane must not import server code. The snapshot stream needs the
 * X-Data-As-Of header, which ApiClient.latestSnapshot cannot expose (it only yields messages), so
 * this module does its own requests with the same session store and error mapping.
 */
import type { PullOptions, PullSource } from '../../common/source.js';
import type { ColumnSpec, StreamMessage } from '../../common/stream.js';
import type { ApiClientOptions, CallOptions } from './client.js';
import { endsCompanionSession, errorFromResponse, toApiError } from './errors.js';
import { createSessionStore } from './sessionStore.js';
import { readStream } from './stream.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What an analyst picks: every spec carries an IANA time zone ("07:30" is their wall clock). */
export type ScheduleSpec =
  | { kind: 'hourly'; minute: number; timeZone: string }
  | { kind: 'daily'; time: string; timeZone: string }
  | { kind: 'weekly'; days: Weekday[]; time: string; timeZone: string }
  | { kind: 'cron'; expression: string; timeZone: string };

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface ScheduleRunInfo {
  id: string;
  scheduleId: string;
  trigger: 'schedule' | 'catch-up' | 'manual';
  status: RunStatus;
  scheduledFor?: string;
  missed?: number;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  rowCount?: number;
  truncated?: boolean;
  columns?: ColumnSpec[];
  source?: string;
  error?: { code: string; message: string; hint?: string };
}

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
  webhook: { host: string } | null;
  historyLimit: number;
  createdAt: string;
  updatedAt: string;
  nextRunAt: string | null;
  status: 'never-run' | RunStatus;
  lastRun: ScheduleRunInfo | null;
  /** When the data the add-in would load now was pulled, or null when no run succeeded yet. */
  dataAsOf: string | null;
}

export interface CreateScheduleBody {
  /** The session's connection the server runs the schedule with. */
  connectionId: string;
  /** The refresh definition (UUID) whose table the snapshots feed. */
  definitionId: string;
  name: string;
  source: PullSource;
  spec: ScheduleSpec;
  options?: PullOptions;
  webhookUrl?: string;
  historyLimit?: number;
}

export type UpdateScheduleBody = Partial<Omit<CreateScheduleBody, 'options' | 'webhookUrl'>> & {
  options?: PullOptions | null;
  webhookUrl?: string | null;
};

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
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const session = options.session ?? createSessionStore();

  async function send(method: string, path: string, body?: unknown, opts: CallOptions = {}, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    const token = session.get();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal });
    } catch (error) {
      throw toApiError(error);
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      if (token && endsCompanionSession(response.status, error)) session.clear();
      throw error;
    }
    return response;
  }

  async function json<T>(method: string, path: string, body?: unknown, opts?: CallOptions): Promise<T> {
    const response = await send(method, path, body, opts);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw toApiError(opts?.signal?.aborted ? error : { code: 'bad-response', message: 'The companion server sent an answer the pane cannot read' });
    }
  }

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
