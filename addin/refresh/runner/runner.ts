/**
 * RefreshRunner: refreshes the workbook's Tableau tables, safely.
 *
 * One refresh = resolve the analyst's OWN connection for the definition's site, fetch the
 * COMPLETE result into memory (collect.ts), and only then hand it to
 * WorkbookGateway.replaceTableData, which validates before it changes a cell. Any failure before
 * that point leaves the table exactly as it was; the failure is stored in lastResult in plain
 * words. Guarantees:
 *  - single flight per definition: asking again while it runs returns the running refresh;
 *  - at most `poolSize` pulls/writes at once (Refresh all), one workbook write at a time;
 *  - an expired sign-in asks ONCE per site (signin.ts); the site's other tables wait for it;
 *  - Cancel aborts the pull and any write not yet started (a write in progress completes);
 *  - never silent truncation: a cut result is recorded as status 'truncated'.
 * Plain TypeScript: the pane, the ribbon command and the timers all share one instance.
 */
import type { ConnectionInfo, PullRequest } from '../../../common/api.js';
import type { DiffSummary } from '../../../common/diff/compare.js';
import type { DiffOutcome } from '../../../common/diff/results.js';
import type { ApiErrorBody, StreamMessage } from '../../../common/stream.js';
import type { ViewImageRequest } from '../../../common/view-image.js';
import type { CallOptions } from '../../api/client.js';
import { needsSignIn } from '../../api/errors.js';
import type { SnapshotStream } from '../../api/schedules.js';
import { bytesToBase64 } from '../../workbook/base64.js';
import type { DataArea, ReplaceResult, WorkbookGateway, WriteStats } from '../../workbook/gateway.js';
import { type ColumnSnapshot, displayName, type LastResult, type RefreshDefinition, tableNameOf } from '../definitions/schema.js';
import type { DefinitionStore } from '../definitions/store.js';
import { compareWithTable } from './changes.js';
import { type CollectedResult, collectStream } from './collect.js';
import { describeSite, matchConnection } from './connections.js';
import { failureBody, plainWords, REFRESH_CANCELLED, RefreshFailure, throwIfAborted } from './failure.js';
import { highlightAreas } from './highlight.js';
import type { AutomationGate } from './lease.js';
import { createRefreshLog, type LogOutcome, type RefreshLog, type RefreshTrigger } from './log.js';
import type { RefreshKind, RefreshOutcome, RefreshStatus } from './outcome.js';
import { Semaphore } from './semaphore.js';
import { createSignInGate, type SignInGate } from './signin.js';
import { describeOutcome, describeTruncatedCells, formatDuration, SKIPPED_FOR_COAUTHOR } from './words.js';

/** The parts of ApiClient (addin/api/client.ts) a refresh uses. */
export interface RefreshApi {
  listConnections(opts?: CallOptions): Promise<ConnectionInfo[]>;
  pull(connectionId: string, request: PullRequest, opts?: CallOptions): AsyncIterable<StreamMessage>;
  /** The view's picture as PNG bytes (common/view-image.ts); needed only by definitions with a picture. */
  viewImage?(connectionId: string, request: ViewImageRequest, opts?: CallOptions): Promise<Uint8Array>;
}

/** The part of SchedulesClient (addin/api/schedules.ts) "Load latest snapshot" uses. */
export interface SnapshotApi {
  latestSnapshot(scheduleId: string, opts?: CallOptions): Promise<SnapshotStream>;
}

type TablePhase = 'queued' | 'signing-in' | 'pulling' | 'comparing' | 'writing';

export interface TableActivity {
  definitionId: string;
  table: string;
  kind: RefreshKind;
  phase: TablePhase;
  rowsReceived: number;
  rowsWritten: number;
  totalRows?: number;
  note?: string;
}

interface RefreshRequest {
  kind?: RefreshKind;
  trigger?: RefreshTrigger;
  /** Aborts this refresh (in addition to cancel()). */
  signal?: AbortSignal;
}

export interface RunnerOptions {
  gateway: WorkbookGateway;
  store: DefinitionStore;
  api: RefreshApi;
  snapshots?: SnapshotApi;
  signIn?: SignInGate;
  log?: RefreshLog;
  now?: () => Date;
  /** Tables pulled at once by Refresh all (default 2: each holds its whole result in memory). */
  poolSize?: number;
  /**
   * Asked before every automatic refresh (on open, timers): only the instance holding the lease
   * in the document runs them (lease.ts). Without it every automatic refresh runs.
   */
  lease?: AutomationGate;
}

interface Running {
  promise: Promise<RefreshOutcome>;
  controller: AbortController;
  trigger: RefreshTrigger;
}

type RunningListener = (definitionId: string, running: boolean, trigger: RefreshTrigger) => void;

export class RefreshRunner {
  readonly signIn: SignInGate;
  readonly log: RefreshLog;
  private readonly running = new Map<string, Running>();
  private readonly activities = new Map<string, TableActivity>();
  private readonly listeners = new Set<() => void>();
  private readonly runningListeners = new Set<RunningListener>();
  private readonly pool: Semaphore;
  private readonly writeLock = new Semaphore(1);
  private readonly now: () => Date;
  private allController: AbortController | null = null;
  private snapshot: TableActivity[] = [];
  /** Timed tables whose skip is already in the log (one entry per table until this instance runs again). */
  private readonly skipLogged = new Set<string>();

  constructor(private readonly options: RunnerOptions) {
    this.signIn = options.signIn ?? createSignInGate();
    this.log = options.log ?? createRefreshLog();
    this.now = options.now ?? (() => new Date());
    this.pool = new Semaphore(Math.max(1, options.poolSize ?? 2));
  }

  get store(): DefinitionStore {
    return this.options.store;
  }

  /** Refreshes one table. While it runs, asking again returns the same refresh. */
  refresh(definitionId: string, request: RefreshRequest = {}): Promise<RefreshOutcome> {
    const current = this.running.get(definitionId);
    if (current) return current.promise;
    const controller = new AbortController();
    const trigger = request.trigger ?? 'manual';
    const onOuterAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    if (request.signal?.aborted) controller.abort();
    const promise = this.run(definitionId, request.kind ?? 'live', trigger, controller.signal).finally(() => {
      request.signal?.removeEventListener('abort', onOuterAbort);
      this.running.delete(definitionId);
      this.activities.delete(definitionId);
      this.emit();
      this.runningListeners.forEach((l) => l(definitionId, false, trigger));
    });
    this.running.set(definitionId, { promise, controller, trigger });
    this.runningListeners.forEach((l) => l(definitionId, true, trigger));
    return promise;
  }

  /**
   * Refreshes every table (or the given ones), `poolSize` at a time, in workbook order. Tables
   * already refreshing are joined, not restarted. Cancel with cancelAll().
   */
  async refreshAll(request: { trigger?: RefreshTrigger; ids?: string[]; kind?: RefreshKind } = {}): Promise<RefreshOutcome[]> {
    const definitions = await this.options.store.list();
    const chosen = request.ids ? definitions.filter((d) => request.ids!.includes(d.id)) : definitions;
    const controller = new AbortController();
    this.allController = controller;
    try {
      return await Promise.all(
        chosen.map((d) => this.refresh(d.id, { trigger: request.trigger ?? 'all', kind: request.kind, signal: controller.signal })),
      );
    } finally {
      if (this.allController === controller) this.allController = null;
    }
  }

  /**
   * Refresh on open: the tables whose definition asks for it, if this instance holds the lease
   * (a co-author's copy may be the one that runs them; then each is logged as skipped).
   */
  async refreshOnOpen(): Promise<RefreshOutcome[]> {
    const definitions = await this.options.store.list();
    const chosen = definitions.filter((d) => d.options.refreshOnOpen);
    if (!chosen.length || !(await this.mayRunAutomatically('open', chosen))) return [];
    return this.refreshAll({ trigger: 'open', ids: chosen.map((d) => d.id) });
  }

  /** A timed refresh (the every-N-minutes ticker): runs only where the lease is held; null when skipped. */
  async refreshTimed(definitionId: string): Promise<RefreshOutcome | null> {
    const running = this.running.get(definitionId);
    if (running) return running.promise;
    if (this.options.lease) {
      // The table's name for the log; a definition that cannot be read fails in refresh() below.
      const def = await this.options.store.get(definitionId).catch(() => null);
      if (def && !(await this.mayRunAutomatically('timer', [def]))) return null;
    }
    return this.refresh(definitionId, { trigger: 'timer' });
  }

  cancel(definitionId: string): void {
    this.running.get(definitionId)?.controller.abort();
  }

  cancelAll(): void {
    this.allController?.abort();
    for (const r of this.running.values()) r.controller.abort();
  }

  isRunning(definitionId: string): boolean {
    return this.running.has(definitionId);
  }

  /** What is refreshing now (stable array between changes, for useSyncExternalStore). */
  activity(): TableActivity[] {
    return this.snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Running state changes (the timed-refresh ticker skips tables refreshing for another reason). */
  onRunning(listener: RunningListener): () => void {
    this.runningListeners.add(listener);
    return () => this.runningListeners.delete(listener);
  }

  /** Asks the lease; a failing lease never blocks (the run goes ahead as it did before there was one). */
  private async mayRunAutomatically(trigger: 'open' | 'timer', definitions: readonly RefreshDefinition[]): Promise<boolean> {
    const lease = this.options.lease;
    if (!lease) return true;
    const answer = await lease.claim().catch(() => ({ run: true as const }));
    if (answer.run) {
      this.skipLogged.clear();
      return true;
    }
    for (const def of definitions) {
      if (trigger === 'timer' && this.skipLogged.has(def.id)) continue;
      if (trigger === 'timer') this.skipLogged.add(def.id);
      this.addLog(def.id, displayName(def), trigger, 'skipped', 0, SKIPPED_FOR_COAUTHOR);
    }
    return false;
  }

  private emit(): void {
    this.snapshot = [...this.activities.values()];
    this.listeners.forEach((l) => l());
  }

  private setActivity(def: RefreshDefinition, kind: RefreshKind, patch: Partial<TableActivity>): void {
    const prev = this.activities.get(def.id) ?? {
      definitionId: def.id,
      table: displayName(def),
      kind,
      phase: 'queued' as const,
      rowsReceived: 0,
      rowsWritten: 0,
    };
    this.activities.set(def.id, { ...prev, ...patch });
    this.emit();
  }

  private async run(id: string, kind: RefreshKind, trigger: RefreshTrigger, signal: AbortSignal): Promise<RefreshOutcome> {
    const started = this.now().getTime();
    let def: RefreshDefinition | null;
    try {
      def = await this.options.store.get(id);
    } catch (error) {
      return this.fail(null, id, trigger, started, failureBody(error));
    }
    if (!def)
      return this.fail(null, id, trigger, started, {
        code: 'not-found',
        message: 'This table has no refresh settings any more (they were removed).',
      });
    this.setActivity(def, kind, { phase: 'queued' });
    try {
      const written =
        def.kind === 'picture'
          ? await this.refreshPictureOnly(def, kind, signal)
          : kind === 'snapshot'
            ? await this.loadSnapshot(def, signal)
            : await this.pullLive(def, signal);
      return await this.succeed(def, trigger, started, written);
    } catch (error) {
      const body = failureBody(error);
      return this.fail(def, id, trigger, started, body);
    }
  }

  /** Live pull: connection → complete result → write. Retries once after a sign-in. */
  private async pullLive(def: RefreshDefinition, signal: AbortSignal): Promise<Written> {
    let connection = await this.connectionFor(def, signal);
    for (let attempt = 0; ; attempt++) {
      const release = await this.pool.acquire(signal);
      let result: CollectedResult;
      try {
        this.setActivity(def, 'live', { phase: 'pulling', rowsReceived: 0 });
        const request: PullRequest = {
          source: def.source,
          ...(def.options.refreshExtractFirst ? { options: { refreshExtractFirst: true } } : {}),
        };
        result = await collectStream(this.options.api.pull(connection.id, request, { signal }), signal, (p) =>
          this.setActivity(def, 'live', { rowsReceived: p.rowsReceived, ...(p.note ? { note: p.note } : {}) }),
        );
        // The picture comes before anything is written: if Tableau cannot give it, the refresh fails
        // and the table and its picture stay exactly as they were.
        const picture = await this.pictureOf(def, connection, signal);
        return await this.write(def, result, signal, picture);
      } catch (error) {
        const body = failureBody(error);
        if (attempt > 0 || !needsSignIn(body)) throw error;
      } finally {
        release();
      }
      // The sign-in expired: wait (outside the pool) for the analyst to connect again.
      connection = await this.waitForSignIn(def, 'expired', signal);
    }
  }

  /**
   * A "Picture only" insert: the new image is fetched first, then replaces the picture in place
   * (same name, position, size, z-order: gateway.replacePicture). A failed fetch leaves the old
   * picture exactly as it was. A picture the analyst deleted is not put back somewhere arbitrary:
   * the refresh fails and says so, as for a deleted table.
   */
  private async refreshPictureOnly(def: RefreshDefinition, kind: RefreshKind, signal: AbortSignal): Promise<Written> {
    if (kind === 'snapshot' || def.source.kind !== 'view' || !this.options.api.viewImage)
      throw new RefreshFailure({ code: 'unsupported', message: 'A picture is refreshed only from Tableau, live.' });
    if (!this.options.gateway.supportsPictures())
      throw new RefreshFailure({
        code: 'unsupported',
        message: 'This version of Excel cannot update pictures (it needs the shapes API, ExcelApi 1.9).',
        hint: 'Refresh it in Excel on the web or a current Excel for Windows or Mac.',
      });
    let connection = await this.connectionFor(def, signal);
    for (let attempt = 0; ; attempt++) {
      const release = await this.pool.acquire(signal);
      try {
        this.setActivity(def, 'live', { phase: 'pulling', note: 'Getting the view’s picture…' });
        const bytes = await this.options.api.viewImage(connection.id, { source: def.source }, { signal });
        throwIfAborted(signal);
        await this.putPicture(def, bytesToBase64(bytes), signal);
        const result: CollectedResult = { columns: [], rows: [], rowCount: 0, truncated: false, warnings: [] };
        return { result, rowsWritten: 0, addedColumns: [], removedColumns: [], snapshot: false };
      } catch (error) {
        if (attempt > 0 || !needsSignIn(failureBody(error))) throw error;
      } finally {
        release();
      }
      connection = await this.waitForSignIn(def, 'expired', signal);
    }
  }

  private async putPicture(def: RefreshDefinition, base64: string, signal: AbortSignal): Promise<void> {
    const release = await this.writeLock.acquire(signal);
    try {
      throwIfAborted(signal);
      this.setActivity(def, 'live', { phase: 'writing' });
      const name = def.picture!.name;
      const replaced = await this.options.gateway.replacePicture({ sheet: def.target.sheet, name, base64 });
      if (!replaced)
        throw new RefreshFailure({
          code: 'not-found',
          message: `The picture "${name}" is not on the sheet "${def.target.sheet}" any more (it was deleted or renamed).`,
          hint: 'Insert the view’s picture again, or remove this entry from the list.',
        });
    } finally {
      release();
    }
  }

  private async loadSnapshot(def: RefreshDefinition, signal: AbortSignal): Promise<Written> {
    const scheduleId = def.options.serverScheduleId;
    if (!scheduleId || !this.options.snapshots) {
      throw new RefreshFailure({
        code: 'no-schedule',
        message: 'This table has no server schedule, so there is no snapshot to load.',
        hint: 'Refresh it from Tableau instead.',
      });
    }
    const release = await this.pool.acquire(signal);
    try {
      this.setActivity(def, 'snapshot', { phase: 'pulling', rowsReceived: 0 });
      let stream: SnapshotStream;
      try {
        stream = await this.options.snapshots.latestSnapshot(scheduleId, { signal });
      } catch (error) {
        throw new RefreshFailure(failureBody(error));
      }
      const result = await collectStream(stream.messages, signal, (p) =>
        this.setActivity(def, 'snapshot', { rowsReceived: p.rowsReceived }),
      );
      return { ...(await this.write(def, result, signal)), snapshot: true, ...(stream.dataAsOf ? { dataAsOf: stream.dataAsOf } : {}) };
    } finally {
      release();
    }
  }

  /** The session's connection to the definition's site; none → ask the analyst to connect. */
  private async connectionFor(def: RefreshDefinition, signal: AbortSignal): Promise<ConnectionInfo> {
    // Another table of this site is already waiting for a sign-in: wait with it (one prompt).
    if (this.signIn.isPending(def.connection)) return this.waitForSignIn(def, 'expired', signal);
    let connections: ConnectionInfo[];
    try {
      connections = await this.options.api.listConnections({ signal });
    } catch (error) {
      const body = failureBody(error);
      if (!needsSignIn(body)) throw new RefreshFailure(body);
      connections = [];
    }
    throwIfAborted(signal);
    return matchConnection(def.connection, connections) ?? this.waitForSignIn(def, 'not-connected', signal);
  }

  private async waitForSignIn(def: RefreshDefinition, reason: 'expired' | 'not-connected', signal: AbortSignal): Promise<ConnectionInfo> {
    this.setActivity(def, 'live', { phase: 'signing-in' });
    const connection = await this.signIn.request(def.connection, reason, displayName(def), signal);
    throwIfAborted(signal);
    if (!connection) {
      throw new RefreshFailure({
        code: 'sign-in-needed',
        message: `Not refreshed: sign in to ${describeSite(def.connection)} to refresh this table.`,
        hint: 'Use Connect with your own Tableau sign-in, then refresh again.',
      });
    }
    this.setActivity(def, 'live', { phase: 'queued' });
    return connection;
  }

  /** The new picture (base64 PNG) for a definition that has one, or null. */
  private async pictureOf(def: RefreshDefinition, connection: ConnectionInfo, signal: AbortSignal): Promise<string | null> {
    // An Excel without the shapes API (ExcelApi 1.9) could not show it: the table alone is refreshed.
    if (!def.picture || def.source.kind !== 'view' || !this.options.api.viewImage || !this.options.gateway.supportsPictures()) return null;
    this.setActivity(def, 'live', { phase: 'pulling', note: 'Getting the view’s picture…' });
    const bytes = await this.options.api.viewImage(connection.id, { source: def.source }, { signal });
    throwIfAborted(signal);
    return bytesToBase64(bytes);
  }

  /**
   * Puts the new picture where the old one is (same size, position, z-order); a picture the analyst
   * deleted comes back beside the table. A note, never a failure: the table's new data is in place.
   */
  private async replacePicture(def: RefreshDefinition, base64: string): Promise<string | undefined> {
    const name = def.picture!.name;
    const { sheet } = def.target;
    const tableName = tableNameOf(def);
    try {
      const replaced = await this.options.gateway.replacePicture({ sheet, name, base64, table: tableName });
      if (!replaced) await this.options.gateway.insertPicture({ sheet, name, base64, where: { kind: 'beside', table: tableName } });
      return undefined;
    } catch (error) {
      return `The table is refreshed, but its picture could not be updated: ${plainWords(failureBody(error))}`;
    }
  }

  private async write(
    def: RefreshDefinition,
    result: CollectedResult,
    signal: AbortSignal,
    picture: string | null = null,
  ): Promise<Written> {
    const release = await this.writeLock.acquire(signal);
    try {
      throwIfAborted(signal);
      this.setActivity(def, 'live', { phase: 'comparing' });
      const changes = await compareWithTable(this.options.gateway, def, result, signal);
      throwIfAborted(signal);
      this.setActivity(def, 'live', { phase: 'writing', rowsWritten: 0, totalRows: result.rows.length });
      const replaced = await this.options.gateway.replaceTableData(tableNameOf(def), result.columns, result.rows, {
        mode: def.options.mode,
        ...(def.options.mode === 'append' && def.options.timestampColumn ? { timestampColumn: def.options.timestampColumn } : {}),
        previousColumns: def.columns.map((c) => c.name),
        ...(def.picture ? { ownPicture: def.picture.name } : {}),
        now: this.now(),
        signal,
        onProgress: (p) => this.setActivity(def, 'live', { rowsWritten: p.rowsWritten }),
      });
      const marked = await this.markChanges(def, result, changes, replaced);
      const pictureNote = picture ? await this.replacePicture(def, picture) : undefined;
      const notes = [marked.note, pictureNote].filter((n): n is string => n !== undefined);
      return {
        result,
        rowsWritten: replaced.rowsWritten,
        addedColumns: replaced.addedColumns,
        removedColumns: replaced.removedColumns,
        stats: replaced.stats,
        snapshot: false,
        ...(changes ? { changes: changes.summary } : {}),
        ...(notes.length ? { markNote: notes.join(' ') } : {}),
        ...(marked.highlighted ? { highlighted: true } : {}),
      };
    } finally {
      release();
    }
  }

  /**
   * Highlights what the refresh changed when the definition asks for it, after removing the last
   * refresh's highlight (always: "until the next refresh", also when the option was turned off).
   * Returns a note when it could not; a highlight never fails a refresh whose data is in place.
   */
  private async markChanges(
    def: RefreshDefinition,
    result: CollectedResult,
    changes: DiffOutcome | null,
    replaced: ReplaceResult,
  ): Promise<{ note?: string; highlighted: boolean }> {
    const wanted = def.options.highlightChanges === true && def.options.mode === 'replace';
    // Nothing to place and nothing of ours left from the last refresh: no request at all.
    if (!wanted && !def.lastResult?.highlighted) return { highlighted: false };
    let areas: DataArea[] = [];
    let note: string | undefined;
    if (wanted && changes?.summary.compared) {
      const found = replaced.sorted ? null : highlightAreas(changes.positions, result.columns, replaced.table.headers);
      if (found) areas = found;
      else
        note = replaced.sorted
          ? 'Not highlighted: the table is sorted in Excel, so its rows are not in the order they arrived.'
          : 'Not highlighted: too many changes to mark one by one.';
    }
    try {
      await this.options.gateway.markChanges(tableNameOf(def), areas);
    } catch (error) {
      return { note: `The changes could not be highlighted: ${plainWords(failureBody(error))}`, highlighted: false };
    }
    return { ...(note ? { note } : {}), highlighted: areas.length > 0 };
  }

  private async succeed(def: RefreshDefinition, trigger: RefreshTrigger, started: number, written: Written): Promise<RefreshOutcome> {
    const finished = this.now();
    const durationMs = Math.max(0, Math.round(finished.getTime() - started));
    const { result } = written;
    const cut = describeTruncatedCells(written.stats);
    // A snapshot that was cut keeps status 'snapshot' with truncated: true (provenance says both).
    const status: RefreshStatus = written.snapshot ? 'snapshot' : result.truncated ? 'truncated' : 'ok';
    const outcome: RefreshOutcome = {
      definitionId: def.id,
      table: displayName(def),
      status,
      rows: result.rowCount,
      durationMs,
      addedColumns: written.addedColumns,
      removedColumns: written.removedColumns,
      warnings: [...result.warnings, ...(cut ? [cut] : []), ...(written.markNote ? [written.markNote] : [])],
      ...(written.dataAsOf ? { dataAsOf: written.dataAsOf } : {}),
      ...(result.truncated ? { truncated: true } : {}),
      ...(written.changes ? { changes: written.changes } : {}),
    };
    const last: LastResult = {
      at: finished.toISOString(),
      rows: result.rowCount,
      durationMs,
      status,
      ...(result.truncated ? { truncated: true } : {}),
      ...(written.dataAsOf ? { dataAsOf: written.dataAsOf } : {}),
      ...(written.changes ? { changes: written.changes } : {}),
      ...(written.highlighted ? { highlighted: true } : {}),
    };
    const columns: ColumnSnapshot[] = result.columns.map((c) => ({ name: c.name, type: c.type }));
    try {
      await this.options.store.recordResult(def.id, last, columns);
    } catch (error) {
      // The data is in place; only its status could not be saved. Say so rather than hide it.
      outcome.warnings = [
        ...outcome.warnings,
        `The table was refreshed, but its refresh status could not be saved: ${failureBody(error).message}`,
      ];
    }
    // A picture has no rows: "0 rows" would read as an empty result.
    const message = def.kind === 'picture' ? `Picture replaced in place in ${formatDuration(durationMs)}.` : describeOutcome(outcome);
    this.addLog(def.id, displayName(def), trigger, status, durationMs, message, result.rowCount);
    return outcome;
  }

  private async fail(
    def: RefreshDefinition | null,
    id: string,
    trigger: RefreshTrigger,
    started: number,
    body: ApiErrorBody,
  ): Promise<RefreshOutcome> {
    const finished = this.now();
    const durationMs = Math.max(0, Math.round(finished.getTime() - started));
    const cancelled = body.code === 'cancelled';
    const table = def ? displayName(def) : '(unknown table)';
    const outcome: RefreshOutcome = {
      definitionId: id,
      table,
      status: cancelled ? 'cancelled' : 'error',
      rows: 0,
      durationMs,
      addedColumns: [],
      removedColumns: [],
      warnings: [],
      error: cancelled ? REFRESH_CANCELLED : body,
    };
    // A cancel is the analyst's choice, and a snapshot the server has not made yet is not the table's
    // failure either (it was not touched): lastResult keeps the last real outcome.
    if (def && !cancelled && body.code !== 'no-snapshot') {
      const last: LastResult = { at: finished.toISOString(), rows: 0, durationMs, status: 'error', error: plainWords(body) };
      await this.options.store.recordResult(def.id, last).catch(() => undefined);
    }
    this.addLog(id, table, trigger, outcome.status, durationMs, describeOutcome(outcome));
    return outcome;
  }

  private addLog(
    definitionId: string,
    table: string,
    trigger: RefreshTrigger,
    outcome: LogOutcome,
    durationMs: number,
    message: string,
    rows?: number,
  ): void {
    this.log.add({
      at: this.now().toISOString(),
      table,
      definitionId,
      trigger,
      outcome,
      durationMs,
      message,
      ...(rows !== undefined ? { rows } : {}),
    });
  }
}

interface Written {
  result: CollectedResult;
  rowsWritten: number;
  addedColumns: string[];
  removedColumns: string[];
  /** The write's statistics: cells cut to Excel's cell limit become a warning. */
  stats?: WriteStats;
  snapshot: boolean;
  dataAsOf?: string;
  /** What changed since the last refresh (absent: not compared: the first refresh, append mode). */
  changes?: DiffSummary;
  /** Why the changes are not highlighted, when they should have been; why the picture is not updated. */
  markNote?: string;
  /** The table holds this refresh's highlight (the next refresh removes it). */
  highlighted?: boolean;
}
