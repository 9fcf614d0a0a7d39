/**
 * Runs of server schedules and the data each successful run pulled (its snapshot).
 *
 * A snapshot's rows are stored as they stream in, in batches of a few thousand rows, each batch a
 * gzip'd NDJSON blob (one JSON array per row): neither writing nor reading ever holds the whole
 * result, and typed values (Excel serials, numbers, booleans, null) come back exactly as pulled.
 * A run's data only becomes visible once the run succeeded; a failed run keeps no data.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb, gzipSync } from 'node:zlib';

import type { DiffSummary } from '../../common/diff/compare.js';
import type { RunStatus, RunTrigger, ScheduleRunInfo } from '../../common/schedules.js';
import type { ApiErrorBody, CellValue, ColumnSpec } from '../../common/stream.js';
import { batchSize } from '../pull/row-batcher.js';
import { TickBatcher } from './batcher.js';
import { ONE_RUNNING_INDEX } from './running-runs.js';
import { isUniqueViolation, type Sql } from './sql.js';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);
/** Up to this much text a batch is compressed synchronously (well under a millisecond). */
const SYNC_GZIP_MAX_BYTES = 16 * 1024;

/** A run as stored and as the API answers it (common/schedules.ts). */
export type RunRecord = ScheduleRunInfo;

export interface RunStart {
  trigger: RunTrigger;
  startedAt: Date;
  scheduledFor?: Date;
  missed?: number;
  /** The queue job the run serves (PostgreSQL job queue only; docs/queue.md). */
  jobId?: string;
  /** The job's attempt: 1, or 2 when the first was cut by the loss of its instance. */
  attempt?: number;
}

/** A run still marked running, with the queue job it serves (null: none, the in-process runner's). */
export interface UnfinishedRun {
  id: string;
  scheduleId: string;
  jobId: string | null;
  startedAt: string;
}

export interface SnapshotResult {
  columns: ColumnSpec[];
  source?: string;
  rowCount: number;
  truncated: boolean;
  warnings?: string[];
  finishedAt: Date;
  /** What changed since the run before (absent: not compared, e.g. the first run). */
  changes?: DiffSummary;
  /** What the run's writer stored (SnapshotWriter.finish): recorded with the success, in the same statement. */
  stored: StoredSnapshot;
  /**
   * The schedule's history limit: the runs beyond the newest `keep` go with the success (`trim`'s
   * rule, in the same statement on PostgreSQL), and `trim` need not be called for this run.
   */
  history?: { scheduleId: string; keep: number };
}

/** What a run's writer stored, counting `last` (its final batch, which `succeed` stores with the success). */
export interface StoredSnapshot {
  rows: number;
  batches: number;
  bytes: number;
  /** Not stored yet: the final batch, encoded, and its rows (the comparison with the run before reads them). */
  last?: { seq: number; rows: CellValue[][]; data: Buffer };
}

/**
 * Appends rows of one running run; `finish` encodes what is still buffered and says what was stored
 * (for `succeed`, which stores that final batch with the success: one round trip less per run).
 */
export interface SnapshotWriter {
  add(rows: CellValue[][]): Promise<void>;
  finish(): Promise<StoredSnapshot>;
}

export interface SnapshotStore {
  begin(scheduleId: string, start: RunStart): Promise<RunRecord>;
  writer(runId: string, columnCount: number): SnapshotWriter;
  /** `run`: the record `begin` answered (the succeeded record is made from it and `result`, not read back). */
  succeed(run: BegunRun, result: SnapshotResult): Promise<RunRecord>;
  /** Marks the run failed and drops any rows it stored. */
  fail(runId: string, error: ApiErrorBody, finishedAt: Date): Promise<RunRecord | undefined>;
  /** Runs still marked running (the server stopped during them) become failures; returns how many. */
  failUnfinished(error: ApiErrorBody, finishedAt: Date): Promise<number>;
  /** Runs still marked running, oldest first (the job queue's sweep decides which are cut). */
  unfinished(): Promise<UnfinishedRun[]>;
  /** The runs recorded for a queue job, oldest first. */
  forJob(jobId: string): Promise<RunRecord[]>;
  get(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  list(scheduleId: string, limit?: number): Promise<RunRecord[]>;
  last(scheduleId: string): Promise<RunRecord | undefined>;
  /**
   * `before`: the run that asks (a run's baseline for the comparison, record.ts). When this store
   * began that run as its schedule's first, there is none, and no query.
   */
  latestSucceeded(scheduleId: string, before?: string): Promise<RunRecord | undefined>;
  /**
   * The stored rows of a succeeded run, batch by batch. Throws SnapshotGoneError if it was deleted
   * meanwhile. `batches`: how many its writer stored (SnapshotWriter.finish), to read a run that
   * is not recorded as succeeded yet (the comparison with the run before, record.ts).
   */
  readRows(run: RunRecord, batches?: number): AsyncGenerator<CellValue[][]>;
  /**
   * Keeps the newest `keep` runs and deletes older ones with their data. The latest successful
   * snapshot is always kept, so a streak of failures never leaves the add-in with nothing to load.
   * `after`: the run that just ended; when this store began it and at most `keep` runs can exist
   * (its place in the schedule's history is `keep` or less), nothing to delete, and no query.
   */
  trim(scheduleId: string, keep: number, after?: string): Promise<number>;
}

/** What `begin` wrote of a run: the rest of its record comes with its end. */
export type BegunRun = Pick<RunRecord, 'id' | 'scheduleId' | 'trigger' | 'startedAt' | 'scheduledFor' | 'missed' | 'attempt'>;

/** A run's record as `begin` wrote it and toRecord would read it back (attempt 1 is not shown). */
function begunRecord(run: BegunRun): RunRecord {
  return {
    id: run.id,
    scheduleId: run.scheduleId,
    trigger: run.trigger,
    status: 'running',
    startedAt: run.startedAt,
    ...(run.scheduledFor !== undefined ? { scheduledFor: run.scheduledFor } : {}),
    ...(run.missed !== undefined ? { missed: run.missed } : {}),
    ...(run.attempt !== undefined && run.attempt > 1 ? { attempt: run.attempt } : {}),
  };
}

/**
 * The schedule already has a running run (another instance's, or one that started a moment ago):
 * the database holds at most one (db.ts migration 9). The runners treat it as "busy".
 */
export class RunInProgressError extends Error {
  constructor(readonly scheduleId: string) {
    super(`Schedule ${scheduleId} already has a run going.`);
    this.name = 'RunInProgressError';
  }
}

/**
 * A unique violation of the one-running index. PostgreSQL names the index (`constraint`,
 * https://www.postgresql.org/docs/15/protocol-error-fields.html, "constraint name");
 * SQLite names its columns, and only this index is on schedule_id alone.
 */
function isOneRunningViolation(err: unknown): boolean {
  if (!isUniqueViolation(err)) return false;
  const e = err as { constraint?: string; message?: string };
  return e.constraint === ONE_RUNNING_INDEX || /UNIQUE constraint failed: schedule_runs\.schedule_id$/.test(e.message ?? '');
}

export class SnapshotGoneError extends Error {
  constructor() {
    super('This snapshot was deleted while it was being read (a newer run replaced it). Load it again.');
    this.name = 'SnapshotGoneError';
  }
  toApiError(): ApiErrorBody {
    return { code: 'snapshot-gone', message: this.message };
  }
}

interface RunRow {
  id: string;
  schedule_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  scheduled_for: string | null;
  missed: number | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  row_count: number | null;
  /** 1/0 in SQLite, a boolean in PostgreSQL. */
  truncated: number | boolean | null;
  batch_count: number | null;
  stored_bytes: number | null;
  columns_json: string | null;
  source: string | null;
  warnings_json: string | null;
  error_json: string | null;
  changes_json?: string | null;
  job_id?: string | null;
  attempt?: number | null;
  /** The run's place in its schedule's history: 1, 2, … (MAX + 1 when it began). */
  seq?: number;
}

/** Runs this store began whose place in the history it remembers (begun), at most this many. */
const BEGUN_CAP = 10_000;

function toRecord(row: RunRow): RunRecord {
  const optional = {
    scheduledFor: row.scheduled_for ?? undefined,
    missed: row.missed ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    durationMs: row.duration_ms ?? undefined,
    rowCount: row.row_count ?? undefined,
    truncated: row.truncated === null ? undefined : Boolean(row.truncated),
    columns: row.columns_json ? (JSON.parse(row.columns_json) as ColumnSpec[]) : undefined,
    source: row.source ?? undefined,
    warnings: row.warnings_json ? (JSON.parse(row.warnings_json) as string[]) : undefined,
    storedBytes: row.stored_bytes ?? undefined,
    error: row.error_json ? (JSON.parse(row.error_json) as ApiErrorBody) : undefined,
    attempt: row.attempt && row.attempt > 1 ? row.attempt : undefined,
    changes: row.changes_json ? (JSON.parse(row.changes_json) as DiffSummary) : undefined,
  };
  const defined = Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined));
  return { id: row.id, scheduleId: row.schedule_id, trigger: row.trigger, status: row.status, startedAt: row.started_at, ...defined };
}

/**
 * One NDJSON line per row: a batch decodes line by line instead of as one giant JSON value.
 * The deflate window fits the text: zlib's default (windowBits 15, memLevel 8) sets up ~256 KB of
 * state per stream (https://nodejs.org/api/zlib.html#memory-usage-tuning), most of a small batch's
 * cost (a scheduled pull of a small view, 1,000 of them at one minute: bench/team.ts CPU profile).
 * The output is the same format: inflate's default window reads any smaller one (zlib manual,
 * inflateInit2: https://www.zlib.net/manual.html#Advanced).
 */
async function encodeBatch(rows: CellValue[][]): Promise<Buffer> {
  let text = '';
  for (const row of rows) text += JSON.stringify(row) + '\n';
  const bytes = Buffer.byteLength(text);
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(bytes + 1))));
  const options = { windowBits, memLevel: Math.min(8, Math.max(1, windowBits - 7)) };
  // A small batch in the thread: ~0.03 ms, where the thread pool's round trip alone costs several
  // times that (measured with process.cpuUsage, 20 rows); a large one off the event loop.
  return bytes <= SYNC_GZIP_MAX_BYTES ? gzipSync(text, options) : gzip(text, options);
}

async function decodeBatch(data: Buffer): Promise<CellValue[][]> {
  const text = (await gunzip(data)).toString('utf8');
  const rows: CellValue[][] = [];
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
    rows.push(JSON.parse(text.slice(start, nl)) as CellValue[]);
    start = nl + 1;
  }
  return rows;
}

const INSERT_BATCH = 'INSERT INTO snapshot_batches (run_id, seq, row_count, data) VALUES (?, ?, ?, ?)';

const elapsed = (startedAt: string, finishedAt: Date) => Math.max(0, finishedAt.getTime() - Date.parse(startedAt));

export class SqlSnapshotStore implements SnapshotStore {
  /**
   * The place (seq) in its schedule's history of each run begun here and not yet trimmed: seq is
   * MAX(seq) + 1 of the runs that existed, and runs go only by trim (which keeps the newest) or with
   * their schedule, so a run with seq n has at most n − 1 runs before it. A schedule's first run
   * then needs neither the look-up of a previous success nor a trim: two statements of the ~10 a
   * scheduled run costs (bench/team.ts). Forgotten at trim; bounded.
   */
  private readonly begun = new Map<string, number>();

  /**
   * Runs begun in one turn of the event loop (the jobs of one fetch of the queue runner) in one
   * statement on PostgreSQL (beginMany); each caller gets its record or its own error.
   */
  private readonly begins = new TickBatcher<{ scheduleId: string; start: RunStart }, { run?: RunRecord; err?: unknown }>((items) =>
    this.beginMany(items),
  );

  constructor(private readonly sql: Sql) {}

  async begin(scheduleId: string, start: RunStart): Promise<RunRecord> {
    if (!this.sql.modifyingWith) return this.beginOne(scheduleId, start);
    const { run, err } = await this.begins.add({ scheduleId, start });
    if (!run) throw err;
    return run;
  }

  /**
   * One INSERT of every run asked together (the rows from a JSON array: one prepared statement for
   * any count, https://www.postgresql.org/docs/current/functions-json.html, jsonb_to_recordset),
   * each run's place taken as in beginOne. A run refused by a unique index (its schedule has a run
   * going, or another instance took the same place at once) is left out (ON CONFLICT DO NOTHING,
   * https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT) and begun alone, which
   * tells which it was; when the statement fails (a schedule deleted meanwhile), each is begun alone.
   * In the team bench's burst (bench/team.ts) a fetch of jobs began its runs with one statement each.
   */
  private async beginMany(items: { scheduleId: string; start: RunStart }[]): Promise<{ run?: RunRecord; err?: unknown }[]> {
    const alone = (item: { scheduleId: string; start: RunStart }) =>
      this.beginOne(item.scheduleId, item.start).then(
        (run) => ({ run }),
        (err: unknown) => ({ err }),
      );
    if (items.length === 1) return [await alone(items[0]!)];
    const rows = items.map(({ scheduleId, start }) => ({
      id: randomUUID(),
      schedule_id: scheduleId,
      trigger: start.trigger,
      scheduled_for: start.scheduledFor?.toISOString() ?? null,
      missed: start.missed ?? null,
      started_at: start.startedAt.toISOString(),
      job_id: start.jobId ?? null,
      attempt: start.attempt ?? null,
    }));
    let inserted: Map<string, number>;
    try {
      const answer = await this.sql.all<{ id: string; seq: number }>(
        `INSERT INTO schedule_runs (id, schedule_id, seq, trigger, status, scheduled_for, missed, started_at, job_id, attempt)
         SELECT v.id, v.schedule_id, (SELECT COALESCE(MAX(r.seq), 0) + 1 FROM schedule_runs r WHERE r.schedule_id = v.schedule_id),
                v.trigger, 'running', v.scheduled_for, v.missed, v.started_at, v.job_id, v.attempt
           FROM jsonb_to_recordset(?::jsonb) AS v(id text, schedule_id text, trigger text, scheduled_for timestamptz, missed integer,
                                                  started_at timestamptz, job_id text, attempt integer)
         ON CONFLICT DO NOTHING
         RETURNING id, seq`,
        [JSON.stringify(rows)],
      );
      inserted = new Map(answer.map((r) => [r.id, r.seq]));
    } catch {
      return Promise.all(items.map(alone));
    }
    return Promise.all(
      items.map((item, i) => {
        const seq = inserted.get(rows[i]!.id);
        if (seq === undefined) return alone(item);
        return { run: this.begunHere(rows[i]!.id, seq, item.scheduleId, item.start) };
      }),
    );
  }

  /** The record of a run this store began, its place in the history remembered (`begun`). */
  private begunHere(id: string, seq: unknown, scheduleId: string, start: RunStart): RunRecord {
    if (typeof seq === 'number') {
      this.begun.set(id, seq);
      if (this.begun.size > BEGUN_CAP) this.begun.delete(this.begun.keys().next().value!);
    }
    return begunRecord({
      id,
      scheduleId,
      trigger: start.trigger,
      startedAt: start.startedAt.toISOString(),
      scheduledFor: start.scheduledFor?.toISOString(),
      missed: start.missed,
      attempt: start.attempt,
    });
  }

  private async beginOne(scheduleId: string, start: RunStart): Promise<RunRecord> {
    const id = randomUUID();
    // RETURNING (PostgreSQL, and SQLite since 3.35: https://www.sqlite.org/lang_returning.html): the
    // run's place in the history in the same statement, one round trip per run in a burst of
    // scheduled runs. The rest of the record is what was written (not read back: 20 columns
    // described and parsed per run, bench/team.ts CPU profile).
    const insert = () =>
      this.sql.get<Pick<RunRow, 'seq'>>(
        `INSERT INTO schedule_runs (id, schedule_id, seq, trigger, status, scheduled_for, missed, started_at, job_id, attempt)
         VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM schedule_runs WHERE schedule_id = ?), ?, 'running', ?, ?, ?, ?, ?)
         RETURNING seq`,
        [
          id,
          scheduleId,
          scheduleId,
          start.trigger,
          start.scheduledFor?.toISOString() ?? null,
          start.missed ?? null,
          start.startedAt.toISOString(),
          start.jobId ?? null,
          start.attempt ?? null,
        ],
      );
    // Two server instances on one PostgreSQL can take the same next seq at once: the UNIQUE
    // (schedule_id, seq) refuses all but one, which then take the ones after. Each round one of
    // them succeeds, so the limit is the most contenders we expect for one schedule at once.
    for (let attempt = 1; ; attempt++) {
      try {
        return this.begunHere(id, (await insert())!.seq, scheduleId, start);
      } catch (err) {
        // The "one running run per schedule" index (running-runs.ts): someone else's run is going.
        if (isOneRunningViolation(err)) throw new RunInProgressError(scheduleId);
        if (attempt >= 20 || !isUniqueViolation(err)) throw err;
      }
    }
  }

  writer(runId: string, columnCount: number): SnapshotWriter {
    // Same batch size as the live stream; a batch is never larger, however the producer sliced its rows.
    const size = batchSize(columnCount);
    let pending: CellValue[][] = [];
    let batches = 0;
    let rows = 0;
    let bytes = 0;
    const store = async (batch: CellValue[][]) => {
      const data = await encodeBatch(batch);
      await this.sql.run(INSERT_BATCH, [runId, batches++, batch.length, data]);
      rows += batch.length;
      bytes += data.length;
    };
    return {
      add: async (more) => {
        for (const row of more) pending.push(row);
        while (pending.length >= size) {
          const full = pending.length === size ? pending : pending.slice(0, size);
          pending = pending.length === size ? [] : pending.slice(size);
          await store(full);
        }
      },
      finish: async () => {
        if (!pending.length) return { rows, batches, bytes };
        const last = { seq: batches, rows: pending, data: await encodeBatch(pending) };
        pending = [];
        return { rows: rows + last.rows.length, batches: batches + 1, bytes: bytes + last.data.length, last };
      },
    };
  }

  async succeed(run: BegunRun, result: SnapshotResult): Promise<RunRecord> {
    const last = result.stored.last;
    // RETURNING id: the run still exists. The record is the run as begun and what is written now.
    const update = `UPDATE schedule_runs SET status = 'succeeded', finished_at = ?, duration_ms = ?, row_count = ?, truncated = ?,
         columns_json = ?, source = ?, warnings_json = ?, changes_json = ?, batch_count = ?, stored_bytes = ? WHERE id = ?
       RETURNING id`;
    const finishedAt = result.finishedAt.toISOString();
    const durationMs = elapsed(run.startedAt, result.finishedAt);
    const values = [
      finishedAt,
      durationMs,
      result.rowCount,
      result.truncated ? 1 : 0,
      JSON.stringify(result.columns),
      result.source ?? null,
      result.warnings?.length ? JSON.stringify(result.warnings) : null,
      result.changes ? JSON.stringify(result.changes) : null,
      result.stored.batches,
      result.stored.bytes,
      run.id,
    ];
    const batch = last ? [run.id, last.seq, last.rows.length, last.data] : [];
    const history = result.history;
    const trimming = history !== undefined && this.mayTrim(run.id, history.keep);
    let row: Pick<RunRow, 'id'> | undefined;
    if (this.sql.modifyingWith && (last || trimming)) {
      // The final batch, the trim and the success in one statement (a WITH of data-modifying
      // statements, then the update). Every part sees the rows as they were before the statement
      // (https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING): the
      // run is still 'running' to the DELETE, so it neither deletes it nor needs the latest-success
      // guard of TRIM_SQL — once this update lands, the run is the latest success and the newest run.
      const parts = [...(last ? [`batch AS (${INSERT_BATCH})`] : []), ...(trimming ? [`trimmed AS (${TRIM_WITH_SUCCESS})`] : [])];
      const trimValues = trimming ? [history.scheduleId, history.scheduleId, Math.max(1, history.keep)] : [];
      row = await this.sql.get<Pick<RunRow, 'id'>>(`WITH ${parts.join(', ')} ${update}`, [...batch, ...trimValues, ...values]);
    } else {
      if (last) await this.sql.run(INSERT_BATCH, batch);
      row = await this.sql.get<Pick<RunRow, 'id'>>(update, values);
      if (row && trimming)
        await this.sql.run(TRIM_SQL, [history.scheduleId, history.scheduleId, Math.max(1, history.keep), history.scheduleId]);
    }
    if (!row) throw new Error(`Run ${run.id} no longer exists.`);
    // As toRecord reads it back (test/server/store/schedules.test.ts compares the two).
    return {
      ...begunRecord(run),
      status: 'succeeded',
      finishedAt,
      durationMs,
      rowCount: result.rowCount,
      truncated: result.truncated,
      columns: result.columns,
      ...(result.source !== undefined ? { source: result.source } : {}),
      ...(result.warnings?.length ? { warnings: result.warnings } : {}),
      storedBytes: result.stored.bytes,
      ...(result.changes ? { changes: result.changes } : {}),
    };
  }

  /**
   * Whether older runs may have to go after `after` (the run that just ended; forgotten here): not
   * when this store began it and its place in the history is `keep` or less (see `begun`).
   */
  private mayTrim(after: string, keep: number): boolean {
    const seq = this.begun.get(after);
    this.begun.delete(after);
    return !(seq !== undefined && seq <= Math.max(1, keep));
  }

  async fail(runId: string, error: ApiErrorBody, finishedAt: Date): Promise<RunRecord | undefined> {
    const run = await this.get(runId);
    if (!run) return undefined;
    await this.sql.atomically([
      ['DELETE FROM snapshot_batches WHERE run_id = ?', [runId]],
      [
        `UPDATE schedule_runs SET status = 'failed', finished_at = ?, duration_ms = ?, error_json = ?,
           batch_count = NULL, stored_bytes = NULL WHERE id = ?`,
        [finishedAt.toISOString(), elapsed(run.startedAt, finishedAt), JSON.stringify(error), runId],
      ],
    ]);
    return this.get(runId);
  }

  async failUnfinished(error: ApiErrorBody, finishedAt: Date): Promise<number> {
    const ids = (await this.sql.all<{ id: string }>(`SELECT id FROM schedule_runs WHERE status = 'running'`)).map((r) => r.id);
    for (const id of ids) await this.fail(id, error, finishedAt);
    return ids.length;
  }

  async unfinished(): Promise<UnfinishedRun[]> {
    const rows = await this.sql.all<{ id: string; schedule_id: string; job_id: string | null; started_at: string }>(
      `SELECT id, schedule_id, job_id, started_at FROM schedule_runs WHERE status = 'running' ORDER BY started_at, id`,
    );
    return rows.map((r) => ({ id: r.id, scheduleId: r.schedule_id, jobId: r.job_id, startedAt: r.started_at }));
  }

  async forJob(jobId: string): Promise<RunRecord[]> {
    return (await this.sql.all<RunRow>('SELECT * FROM schedule_runs WHERE job_id = ? ORDER BY seq', [jobId])).map(toRecord);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const row = await this.sql.get<RunRow>('SELECT * FROM schedule_runs WHERE id = ?', [runId]);
    return row && toRecord(row);
  }

  async list(scheduleId: string, limit = 1000): Promise<RunRecord[]> {
    const rows = await this.sql.all<RunRow>('SELECT * FROM schedule_runs WHERE schedule_id = ? ORDER BY seq DESC LIMIT ?', [
      scheduleId,
      limit,
    ]);
    return rows.map(toRecord);
  }

  async last(scheduleId: string): Promise<RunRecord | undefined> {
    return (await this.list(scheduleId, 1))[0];
  }

  async latestSucceeded(scheduleId: string, before?: string): Promise<RunRecord | undefined> {
    if (before !== undefined && this.begun.get(before) === 1) return undefined;
    const row = await this.sql.get<RunRow>(
      `SELECT * FROM schedule_runs WHERE schedule_id = ? AND status = 'succeeded' ORDER BY seq DESC LIMIT 1`,
      [scheduleId],
    );
    return row && toRecord(row);
  }

  async *readRows(run: RunRecord, batches?: number): AsyncGenerator<CellValue[][]> {
    const count =
      batches ??
      (await this.sql.get<{ batch_count: number | null }>('SELECT batch_count FROM schedule_runs WHERE id = ?', [run.id]))?.batch_count;
    if (count === undefined) throw new SnapshotGoneError();
    // One batch per query (no open iterator): other requests and runs keep using the database
    // between batches, and a reader is never holding a statement while the consumer is slow.
    for (let seq = 0; seq < (count ?? 0); seq++) {
      const row = await this.sql.get<{ data: Buffer }>('SELECT data FROM snapshot_batches WHERE run_id = ? AND seq = ?', [run.id, seq]);
      if (!row) throw new SnapshotGoneError();
      yield await decodeBatch(row.data);
    }
  }

  async trim(scheduleId: string, keep: number, after?: string): Promise<number> {
    if (after !== undefined && !this.mayTrim(after, keep)) return 0;
    return this.sql.run(TRIM_SQL, [scheduleId, scheduleId, Math.max(1, keep), scheduleId]);
  }
}

/** The runs beyond the newest `keep`, except the latest success (trim). */
const TRIM_SQL = `DELETE FROM schedule_runs
        WHERE schedule_id = ? AND status != 'running'
          AND id NOT IN (SELECT id FROM schedule_runs WHERE schedule_id = ? ORDER BY seq DESC LIMIT ?)
          AND id IS DISTINCT FROM (SELECT id FROM schedule_runs WHERE schedule_id = ? AND status = 'succeeded' ORDER BY seq DESC LIMIT 1)`;

/**
 * TRIM_SQL inside the statement that records a success (succeed): the run succeeding is the newest
 * (the only running run of its schedule, begun last) and so within the newest `keep` (≥ 1), and it
 * becomes the latest success, which the guard of TRIM_SQL would protect: no guard needed.
 */
const TRIM_WITH_SUCCESS = `DELETE FROM schedule_runs
        WHERE schedule_id = ? AND status != 'running'
          AND id NOT IN (SELECT id FROM schedule_runs WHERE schedule_id = ? ORDER BY seq DESC LIMIT ?)`;
