/**
 * Extract refresh: POST .../{datasources|workbooks}/{id}/refresh → job; poll GET /jobs/{id} until
 * `finishCode` is set (0 success, 1 failed, 2 cancelled — job_get_by_id_failed.xml), with TSC's
 * backoff (exponential_backoff.py: 0.5 s, ×1.4, at most 30 s).
 */
import type { AuthedTransport } from './authed.js';
import { TableauError } from './errors.js';
import { type Job, jobResponseSchema } from './schemas/job.js';

export interface RefreshTarget {
  kind: 'datasource' | 'workbook';
  id: string;
  /** Incremental refresh body needs REST 3.25+ (TSC request_factory.py). */
  incremental?: boolean;
}

export interface WaitOptions {
  /** Give up after this long (ms); default 30 minutes. */
  deadlineMs?: number;
  onStatus?: (job: Job) => void;
}

const JOB_BACKOFF = { firstMs: 500, factor: 1.4, maxMs: 30_000 };

function refreshBody(incremental: boolean | undefined): object {
  return incremental ? { extractRefresh: { incremental: true } } : {};
}

export async function startRefresh(t: AuthedTransport, siteUrl: string, target: RefreshTarget): Promise<string> {
  const path = target.kind === 'datasource' ? 'datasources' : 'workbooks';
  const { job } = await t.json(
    { method: 'POST', url: `${siteUrl}/${path}/${encodeURIComponent(target.id)}/refresh`, data: refreshBody(target.incremental) },
    jobResponseSchema,
  );
  t.logger.info({ jobId: job.id, kind: target.kind, id: target.id }, 'tableau extract refresh started');
  return job.id;
}

/** What went wrong, in Tableau's words: job notes, status notes, or the job type. */
function jobNotes(job: Job): string | undefined {
  const notes = [job.notes, job.extractRefreshJob?.notes, ...job.statusNotes.map((n) => n.text ?? n.value)].filter(
    (n): n is string => typeof n === 'string' && n.trim() !== '',
  );
  return notes.length ? notes.join(' ') : undefined;
}

export async function waitForJob(t: AuthedTransport, siteUrl: string, jobId: string, o: WaitOptions = {}): Promise<Job> {
  const deadline = t.clock.now() + (o.deadlineMs ?? 30 * 60_000);
  let delay = JOB_BACKOFF.firstMs;
  for (;;) {
    const { job } = await t.json({ method: 'GET', url: `${siteUrl}/jobs/${encodeURIComponent(jobId)}` }, jobResponseSchema);
    o.onStatus?.(job);
    if (job.finishCode !== undefined) {
      if (job.finishCode === 0) return job;
      const notes = jobNotes(job);
      const what = job.finishCode === 2 ? 'was cancelled' : 'failed';
      throw new TableauError({
        code: 'extract-refresh-failed',
        message: `The extract refresh ${what} on Tableau.${notes ? ` Tableau says: ${notes.slice(0, 500)}` : ''}`,
      });
    }
    const remaining = deadline - t.clock.now();
    if (remaining <= 0) {
      throw new TableauError({
        code: 'timeout',
        message: 'The extract refresh is still running on Tableau; stopped waiting for it.',
        hint: 'Pull again later: the refresh continues on the server.',
      });
    }
    await t.clock.sleep(Math.min(Math.round(delay), remaining));
    delay = Math.min(delay * JOB_BACKOFF.factor, JOB_BACKOFF.maxMs);
  }
}
