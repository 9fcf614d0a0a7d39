/**
 * The refresh feature as one object, created once at start-up (addin/app/compose.ts) and shared by the task
 * pane, the ribbon's "Refresh all" and the timers, so they all see the same running refreshes,
 * sign-in prompts and log. Holds the current definitions for the Tables tab and keeps the
 * startup behavior and the every-N-minutes ticker in step with them.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import type { WorkbookGateway } from '../../workbook/gateway.js';
import type { RefreshDefinition } from '../definitions/schema.js';
import { type DefinitionPatch, DefinitionStore } from '../definitions/store.js';
import { matchConnection } from './connections.js';
import { failureBody } from './failure.js';
import { createOnInserted, type Inserted } from './inserted.js';
import { AutomationLease, type AutomationLeaseOptions } from './lease.js';
import { type RefreshApi, RefreshRunner, type RunnerOptions, type SnapshotApi } from './runner.js';
import { type StartupPort, syncStartup } from './startup.js';
import { createTimedRefresh, type TimedRefresh, type TimerPorts } from './timed.js';

type DefinitionsState =
  | { status: 'loading'; definitions: RefreshDefinition[] }
  | { status: 'ok'; definitions: RefreshDefinition[] }
  | { status: 'unreadable'; definitions: RefreshDefinition[]; message: string };

interface RefreshServiceOptions {
  gateway: WorkbookGateway;
  api: RefreshApi;
  snapshots?: SnapshotApi;
  startup: StartupPort;
  timers?: TimerPorts;
  now?: () => Date;
  runner?: Partial<Pick<RunnerOptions, 'log' | 'signIn' | 'poolSize'>>;
  /** The lease that picks which co-author's copy runs the automatic refreshes (lease.ts). */
  lease?: Partial<Pick<AutomationLeaseOptions, 'holder' | 'ttlMs' | 'settleMs'>>;
}

export class RefreshService {
  readonly store: DefinitionStore;
  readonly runner: RefreshRunner;
  readonly timed: TimedRefresh;
  /** Problems the analyst should see that belong to no single table (e.g. startup behavior). */
  notice: string | null = null;
  private state: DefinitionsState = { status: 'loading', definitions: [] };
  private readonly listeners = new Set<() => void>();
  private readonly startup: StartupPort;
  /** Connections signed out of (or forgotten) in this pane: their tables' timers wait for a new sign-in. */
  private readonly paused: ConnectionInfo[] = [];
  readonly lease: AutomationLease;

  constructor(options: RefreshServiceOptions) {
    const now = options.now ?? (() => new Date());
    this.store = new DefinitionStore(options.gateway, { now });
    this.lease = new AutomationLease({
      documents: options.gateway,
      now: () => now().getTime(),
      ...(options.timers ? { timers: options.timers } : {}),
      // Kept between runs only while some table refreshes every N minutes; refresh on open needs it once.
      keepWhile: () => this.state.definitions.some((d) => (d.options.everyMinutes ?? 0) > 0),
      ...options.lease,
    });
    this.runner = new RefreshRunner({
      gateway: options.gateway,
      store: this.store,
      api: options.api,
      snapshots: options.snapshots,
      now,
      lease: this.lease,
      ...options.runner,
    });
    this.timed = createTimedRefresh(this.runner, options.timers);
    this.startup = options.startup;
    // Every finished refresh changed a lastResult: show it.
    this.runner.onRunning((_, running) => {
      if (!running) void this.reload();
    });
  }

  /** Loads the definitions, starts the timers and runs refresh on open. */
  async start(options: { refreshOnOpen?: boolean } = {}): Promise<void> {
    await this.reload();
    this.timed.start();
    if (options.refreshOnOpen && this.state.status === 'ok') await this.runner.refreshOnOpen();
  }

  /** Stops the timers and refreshes, and hands the lease back (best effort) so a co-author's copy takes over. */
  stop(): void {
    this.timed.stop();
    this.runner.cancelAll();
    void this.lease.release();
  }

  definitions(): DefinitionsState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async reload(): Promise<void> {
    const read = await this.store
      .read()
      .catch((error: unknown) => ({ status: 'unreadable' as const, message: failureBody(error).message }));
    this.state =
      read.status === 'ok'
        ? { status: 'ok', definitions: read.definitions }
        : { status: 'unreadable', definitions: [], message: read.message };
    this.timed.sync(this.state.definitions.filter((d) => !this.isPaused(d)));
    this.emit();
  }

  /**
   * The analyst signed out of (or forgot) `connection`: its tables' running refreshes are
   * cancelled and their every-N-minutes timers paused, so nothing keeps using a connection the
   * analyst ended (issue #21). Other sites' tables carry on. resumeConnection() undoes it.
   */
  pauseConnection(connection: ConnectionInfo): void {
    if (!this.paused.some((c) => c.id === connection.id)) this.paused.push(connection);
    for (const def of this.state.definitions) if (this.isPaused(def)) this.runner.cancel(def.id);
    this.timed.sync(this.state.definitions.filter((d) => !this.isPaused(d)));
    this.emit();
  }

  /** Signed in to that site again: its tables' timers run again. */
  resumeConnection(connection: ConnectionInfo): void {
    const before = this.paused.length;
    for (let i = this.paused.length - 1; i >= 0; i--) {
      const c = this.paused[i];
      if (matchConnection(c, [connection]) || matchConnection(connection, [c])) this.paused.splice(i, 1);
    }
    if (this.paused.length === before) return;
    this.timed.sync(this.state.definitions.filter((d) => !this.isPaused(d)));
    this.emit();
  }

  /** Whether the table's site is one the analyst signed out of (its timers are paused). */
  isPaused(def: Pick<RefreshDefinition, 'connection'>): boolean {
    return matchConnection(def.connection, this.paused) !== null;
  }

  /** The Services.onInserted hook: the new table becomes refreshable. */
  readonly onInserted = async (inserted: Inserted): Promise<void> => {
    await createOnInserted(this.store)(inserted);
    await this.reload();
  };

  /** Edits a definition's options (or source/target), then re-syncs startup behavior and timers. */
  async update(id: string, patch: DefinitionPatch): Promise<RefreshDefinition> {
    const updated = await this.store.update(id, patch);
    await this.reload();
    await this.syncStartup();
    return updated;
  }

  async remove(id: string): Promise<void> {
    this.runner.cancel(id);
    await this.store.remove(id);
    await this.reload();
    await this.syncStartup();
  }

  private async syncStartup(): Promise<void> {
    try {
      await syncStartup(this.startup, this.state.definitions);
      this.notice = null;
    } catch (error) {
      this.notice = `Refresh on open may not work in this version of Excel: ${failureBody(error).message}`;
    }
    this.emit();
  }

  private emit(): void {
    this.listeners.forEach((l) => l());
  }
}
