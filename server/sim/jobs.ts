import type { Clock } from './clock.js';
import { isoSeconds } from './clock.js';
import type { Json, ResourceDef } from './resources/common.js';
import { fieldsConfig, str, withoutUndefined } from './resources/common.js';
import type { SimJob } from './state/model.js';
import type { SiteContent } from './state/site.js';

/**
 * How refresh jobs move Pending → InProgress → Success/Failed: with time (`pendingMs`, `runMs` on the
 * simulator's clock) or per `GET /jobs/{id}` (`pollsPerStage` polls per stage), as tests prefer.
 */
export interface JobTiming {
  mode: 'time' | 'poll';
  pendingMs: number;
  runMs: number;
  pollsPerStage: number;
}
export const DEFAULT_JOB_TIMING: JobTiming = { mode: 'time', pendingMs: 300, runMs: 1200, pollsPerStage: 1 };

export type RefreshTarget = NonNullable<SimJob['target']>;
const FAILURE_NOTE = 'The extract refresh failed: the data source connection could not be established (simulated).';

export class JobEngine {
  private readonly unsettled = new Map<SimJob, SiteContent>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    public timing: JobTiming,
    private readonly onDone: (job: SimJob, site: SiteContent) => void,
    /** Called once when a live job starts running (the Refresh Started webhook events). */
    private readonly onStart?: (job: SimJob, site: SiteContent) => void,
  ) {}

  startRefresh(site: SiteContent, target: RefreshTarget, fails: boolean): SimJob {
    const job = site.addJob({
      type: 'RefreshExtract',
      jobType: 'refresh_extracts',
      createdAt: this.clock.now(),
      target,
      live: true,
      fails,
      status: 'Pending',
    });
    this.unsettled.set(job, site);
    // Time-driven jobs also move on when nobody asks: a refresh ends, and its webhook events fire
    // (webhooks.ts), without a request arriving. Requests still settle jobs first (settleAll).
    if (this.timing.mode === 'time') {
      this.wake(this.timing.pendingMs);
      this.wake(this.timing.pendingMs + this.timing.runMs);
    }
    return job;
  }

  private wake(ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.settleAll();
    }, ms + 1);
    t.unref();
    this.timers.add(t);
  }

  /** Stops the wake-up timers (the app closes). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Brings time-driven jobs up to date; called before every request is handled. */
  settleAll(): void {
    if (this.timing.mode !== 'time') return;
    for (const [job, site] of this.unsettled) {
      const elapsed = this.clock.now() - job.createdAt;
      const { pendingMs, runMs } = this.timing;
      if (elapsed >= pendingMs) this.start(job, site, job.createdAt + pendingMs);
      if (elapsed >= pendingMs + runMs) this.finish(job, site, job.createdAt + pendingMs + runMs);
      else job.status = elapsed >= pendingMs ? 'InProgress' : 'Pending';
    }
  }

  /**
   * `GET /jobs/{id}`: in poll mode each poll reports the current stage and then moves the job on, so
   * (pollsPerStage 1) the polls see Pending, InProgress, then Success/Failed.
   */
  observe(job: SimJob): void {
    const site = this.unsettled.get(job);
    if (this.timing.mode !== 'poll' || !site) return;
    job.polls++;
    const stage = Math.floor(job.polls / Math.max(1, this.timing.pollsPerStage));
    if (stage >= 2) this.finish(job, site, this.clock.now());
    else if (stage === 1) {
      job.status = 'InProgress';
      this.start(job, site, this.clock.now());
    }
  }

  private start(job: SimJob, site: SiteContent, at: number): void {
    if (job.startedAt !== undefined) return;
    job.startedAt = at;
    this.onStart?.(job, site);
  }

  private finish(job: SimJob, site: SiteContent, at: number): void {
    this.unsettled.delete(job);
    this.start(job, site, at);
    job.endedAt = at;
    job.status = job.fails ? 'Failed' : 'Success';
    if (job.fails) job.notes = FAILURE_NOTE;
    this.onDone(job, site);
  }
}

function progress(job: SimJob): number {
  return job.status === 'Pending' ? 0 : job.status === 'InProgress' ? 50 : 100;
}

function targetJson(job: SimJob): Json | undefined {
  if (!job.target) return undefined;
  return { [job.target.kind]: { id: job.target.id, name: job.target.name } };
}

/** `POST .../refresh` answer (datasource_refresh.xml): no status yet, just the job handle. */
export function refreshJobJson(job: SimJob): Json {
  return withoutUndefined({
    id: job.id,
    mode: 'Asynchronous',
    type: job.type,
    createdAt: isoSeconds(job.createdAt),
    extractRefreshJob: targetJson(job),
  });
}

/**
 * `GET /jobs/{id}` (job_get_by_id_failed.xml): finishCode only once finished, "0" success / "1" failure;
 * failures carry statusNotes with the reason.
 */
export function jobDetailJson(job: SimJob): Json {
  const done = job.status === 'Success' || job.status === 'Failed' || job.status === 'Cancelled';
  const out = withoutUndefined({
    id: job.id,
    mode: 'Asynchronous',
    type: job.type,
    progress: str(progress(job)),
    createdAt: isoSeconds(job.createdAt),
    startedAt: job.startedAt !== undefined ? isoSeconds(job.startedAt) : undefined,
    completedAt: done && job.endedAt !== undefined ? isoSeconds(job.endedAt) : undefined,
    finishCode: done ? (job.status === 'Success' ? '0' : job.status === 'Cancelled' ? '2' : '1') : undefined,
    extractRefreshJob: targetJson(job),
  });
  if (job.status === 'Failed') {
    out.statusNotes = { statusNote: [{ type: 'ErrorInfo', value: 'Failed', text: job.notes ?? 'The job failed.' }] };
  }
  return out;
}

/** `backgroundJobs.backgroundJob` of `GET /jobs` (job_get.xml). */
function backgroundJobJson(job: SimJob): Json {
  return withoutUndefined({
    id: job.id,
    status: job.status,
    createdAt: isoSeconds(job.createdAt),
    startedAt: job.startedAt !== undefined ? isoSeconds(job.startedAt) : undefined,
    endedAt: job.endedAt !== undefined ? isoSeconds(job.endedAt) : undefined,
    priority: str(job.priority),
    jobType: job.jobType,
    title: job.target?.name,
    subtitle: job.target ? (job.target.kind === 'datasource' ? 'Data Source' : 'Workbook') : undefined,
  });
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : isoSeconds(ms));

export const jobs: ResourceDef<SimJob> = {
  plural: 'backgroundJobs',
  singular: 'backgroundJob',
  items: (site) => site.jobs.values(),
  fields: () => ({
    status: { type: 'string', get: (j) => j.status },
    jobType: { type: 'string', get: (j) => j.jobType },
    priority: { type: 'number', get: (j) => j.priority },
    progress: { type: 'number', get: (j) => progress(j) },
    createdAt: { type: 'date', get: (j) => iso(j.createdAt) },
    startedAt: { type: 'date', get: (j) => iso(j.startedAt) },
    completedAt: { type: 'date', get: (j) => iso(j.endedAt) },
    title: { type: 'string', get: (j) => j.target?.name, ops: ['eq', 'has'] },
    subtitle: { type: 'string', get: (j) => backgroundJobJson(j).subtitle as string | undefined, ops: ['eq', 'has'] },
    notes: { type: 'string', get: (j) => j.notes, ops: ['has'] },
    args: { type: 'string', get: (j) => j.target?.id, ops: ['has'] },
  }),
  full: (j) => backgroundJobJson(j),
  select: fieldsConfig(
    'id,status,createdAt,startedAt,endedAt,priority,jobType,title,subtitle',
    'id,status,createdAt,startedAt,endedAt,priority,jobType,title,subtitle',
  ),
};
