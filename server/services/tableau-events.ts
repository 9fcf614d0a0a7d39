/**
 * Event-driven refresh (issue #17; docs/tableau-events.md): schedules that run "when Tableau
 * refreshes the data".
 *
 * Registration: a schedule with the on-tableau-refresh spec needs Tableau webhooks on its
 * connection's site for the refresh events its source depends on (tableau-trigger.ts). One webhook
 * per (connection, event), shared by that connection's schedules, pointing at
 * `PUBLIC_URL/hooks/tableau/<token>`; the last schedule that needs it gone, it is deleted.
 * Creating webhooks is for site administrators only (webhooks-get-started.html "Prerequisites",
 * https://help.tableau.com/current/developer/webhooks/en-us/docs/webhooks-get-started.html).
 *
 * Receiving: Tableau POSTs the event (common/tableau-webhook.ts) to the token's URL; the route
 * (http/routes/tableau-hooks.ts) answers at once and hands it here. The schedules of the
 * registration's connection that depend on the refreshed data source or workbook
 * (on-tableau-event.ts) are started through the runner with trigger `tableau-event`; the runner
 * makes that once across instances (queue-runner.ts), the store claim once per delivery.
 */
import type { PullSource } from '../../common/source.js';
import type { TableauWebhookPayload } from '../../common/tableau-webhook.js';
import { ApiError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import { schedulesAffectedBy, type ScheduleSourceRef } from '../schedule/on-tableau-event.js';
import type { ScheduleRunner } from '../schedule/runner.js';
import { runsOnTableauRefresh, type ScheduleSpec } from '../schedule/spec.js';
import { eventKeyOf, refreshEventsFor } from '../schedule/tableau-trigger.js';
import type { ScheduleRecord, ScheduleStore } from '../store/schedules.js';
import {
  newReceiverToken,
  newRegistrationId,
  type RefreshEvent,
  type TableauWebhookRegistration,
  type TableauWebhookStore,
  type WebhookHealth,
} from '../store/tableau-webhooks.js';
import { isTableauError } from '../tableau/errors.js';
import type { ConnectionService } from './connections.js';
import type { Tableau } from './tableau.js';
import { TtlMemo } from './ttl-memo.js';

/** A webhook as Tableau's List Webhooks answers it. */
type Webhook = Awaited<ReturnType<Tableau['listWebhooks']>>[number];

/** Where Tableau POSTs: under the server's public origin, outside /api (no bearer token: app.ts). */
export const TABLEAU_HOOK_PATH = '/hooks/tableau';

interface TableauEventOptions {
  logger: Logger;
  /** PUBLIC_URL: the server's public https origin, as Tableau reaches it. Unset: the trigger is refused. */
  publicUrl?: string;
  /** How long a view's workbook and a workbook's data sources are remembered. Default 5 minutes. */
  contentMemoMs?: number;
  /** The clock of the webhook checks' "at" (the scheduler's). */
  now?: () => Date;
}

interface TableauEventDeps {
  store: TableauWebhookStore;
  schedules: ScheduleStore;
  connections: ConnectionService;
  runner: ScheduleRunner;
}

/** Why a schedule cannot have this trigger, as the 400 the analyst sees. */
function refusal(source: PullSource, publicUrl: string | undefined): ApiError | undefined {
  if (!refreshEventsFor(source)) {
    return invalidInput(
      'An inventory list cannot run "when Tableau refreshes the data": it depends on no one data source or workbook. Pick a timed schedule (hourly, daily, weekly or cron).',
    );
  }
  if (!publicUrl) {
    return invalidInput(
      'This companion server cannot hear from Tableau yet: its operator has not set PUBLIC_URL, the public https address of the server that Tableau must be able to reach. Ask them to set it, or pick a timed schedule.',
    );
  }
  return undefined;
}

/** A non-admin's 403 from Tableau's webhook methods, in words that say what to do. */
function adminOnly(err: unknown): ApiError | undefined {
  if (!isTableauError(err) || err.code !== 'forbidden') return undefined;
  return new ApiError(
    {
      code: 'forbidden',
      message:
        'Only a Tableau site administrator can let Tableau tell the companion server when data is refreshed (Tableau webhooks). Ask your site administrator to create this schedule, or use a timed schedule.',
      ...(err.tableauCode ? { tableauCode: err.tableauCode } : {}),
    },
    403,
  );
}

export class TableauEventService {
  private readonly log: Logger;
  /** "connection|view" → the view's workbook; "connection|workbook" → the data sources it connects to. */
  private readonly workbookOfView: TtlMemo<string>;
  private readonly datasourcesOfWorkbook: TtlMemo<string[]>;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: TableauEventDeps,
    private readonly options: TableauEventOptions,
  ) {
    this.log = options.logger.child({ component: 'tableau-events' });
    const memoMs = options.contentMemoMs ?? 5 * 60_000;
    this.workbookOfView = new TtlMemo(memoMs);
    this.datasourcesOfWorkbook = new TtlMemo(memoMs);
  }

  /** Throws the 400 that says why `source` cannot run on Tableau's refreshes here; nothing for timed specs. */
  check(source: PullSource, spec: ScheduleSpec): void {
    if (!runsOnTableauRefresh(spec)) return;
    const refused = refusal(source, this.options.publicUrl);
    if (refused) throw refused;
  }

  /**
   * Makes sure the connection's site has the webhooks `source` needs. Throws (and registers
   * nothing more) when Tableau refuses: a non-admin gets a 403 that says so.
   */
  async ensure(userId: string, connectionId: string, source: PullSource): Promise<void> {
    const needed = refreshEventsFor(source) ?? [];
    const have = new Set((await this.deps.store.forConnection(connectionId)).map((r) => r.event));
    const missing = needed.filter((event) => !have.has(event));
    if (!missing.length) return;
    const { client } = await this.deps.connections.client(userId, connectionId);
    for (const event of missing) await this.register(client, userId, connectionId, event);
  }

  /** Creates the webhook at Tableau for registration `id`, with a new receiver token. */
  private async createAtTableau(client: Tableau, id: string, event: RefreshEvent): Promise<{ webhookId: string; tokenHash: string }> {
    const { token, tokenHash } = newReceiverToken(id);
    const url = `${this.options.publicUrl!.replace(/\/$/, '')}${TABLEAU_HOOK_PATH}/${token}`;
    try {
      // The name shows in Tableau's webhook list: say whose it is, never the token.
      const webhook = await client.createWebhook({ name: `Tableau to Excel companion: ${event} (${id.slice(0, 8)})`, event, url });
      return { webhookId: webhook.id, tokenHash };
    } catch (err) {
      throw adminOnly(err) ?? err;
    }
  }

  /**
   * The periodic check (docs/tableau-events.md "Webhooks deleted at Tableau"): each connection's
   * webhooks against Tableau's List Webhooks. One deleted at Tableau (by a site administrator) is
   * created again, with a new receiver token; one Tableau lists as disabled is left as it is (a site
   * administrator disabled it, or Tableau did: its statusChangeReason says why) and reported. What
   * was found is recorded on the registration and shown on its schedules. The caller makes sure one
   * instance checks at a time (ScheduleService.checkTableauWebhooks). Never rejects.
   */
  async reconcile(): Promise<void> {
    let registrations: TableauWebhookRegistration[];
    try {
      registrations = await this.deps.store.all();
    } catch (err) {
      this.log.warn({ err }, 'Tableau webhooks could not be checked');
      return;
    }
    const byConnection = new Map<string, TableauWebhookRegistration[]>();
    for (const r of registrations) byConnection.set(r.connectionId, [...(byConnection.get(r.connectionId) ?? []), r]);
    for (const [connectionId, list] of byConnection) {
      let client: Tableau;
      let atTableau: Map<string, Webhook>;
      try {
        client = (await this.deps.connections.client(list[0]!.userId, connectionId)).client;
        atTableau = new Map((await client.listWebhooks()).map((w) => [w.id, w]));
      } catch (err) {
        // Nothing is known about them now (Tableau down, credentials revoked): the next check looks again.
        this.log.warn({ err, connectionId }, "the connection's Tableau webhooks could not be listed; checked again later");
        continue;
      }
      for (const r of list) {
        try {
          await this.checkOne(client, r, atTableau.get(r.webhookId));
        } catch (err) {
          this.log.warn({ err, registration: r.id }, 'a Tableau webhook could not be checked');
        }
      }
    }
  }

  private async checkOne(client: Tableau, r: TableauWebhookRegistration, found: Webhook | undefined): Promise<void> {
    const at = (this.options.now ?? (() => new Date()))().toISOString();
    const failed = (message: string): WebhookHealth => ({ state: 'failed', at, message });
    if (found?.enabled) {
      if (r.health?.state === 'failed') await this.deps.store.setHealth(r.id, undefined);
      return;
    }
    if (found) {
      const why = found.statusChangeReason ? ` (${found.statusChangeReason})` : '';
      const health = failed(
        `Tableau webhook disabled at Tableau${why}: this schedule does not run on refreshes until a site administrator enables it again.`,
      );
      if (r.health?.message !== health.message) this.log.warn({ registration: r.id, webhookId: r.webhookId }, 'Tableau webhook disabled');
      await this.deps.store.setHealth(r.id, health);
      return;
    }
    if (!this.options.publicUrl) {
      await this.deps.store.setHealth(
        r.id,
        failed('Tableau webhook missing — could not re-create: PUBLIC_URL is no longer set on the server.'),
      );
      return;
    }
    try {
      const made = await this.createAtTableau(client, r.id, r.event);
      await this.deps.store.replaced(r.id, made.webhookId, made.tokenHash, {
        state: 'recreated',
        at,
        message: `Tableau webhook missing — re-created at ${at}.`,
      });
      this.log.warn(
        { registration: r.id, event: r.event, webhookId: made.webhookId },
        'Tableau webhook was missing at Tableau: re-created',
      );
    } catch (err) {
      const reason =
        err instanceof ApiError ? err.body.message : isTableauError(err) ? err.message : 'an unexpected error (see the server log)';
      this.log.warn({ err, registration: r.id }, 'Tableau webhook was missing at Tableau and could not be re-created');
      await this.deps.store.setHealth(r.id, failed(`Tableau webhook missing — could not re-create: ${reason}`));
    }
  }

  private async register(client: Tableau, userId: string, connectionId: string, event: RefreshEvent): Promise<void> {
    const id = newRegistrationId();
    const { webhookId, tokenHash } = await this.createAtTableau(client, id, event);
    const added = await this.deps.store.add({ id, userId, connectionId, siteLuid: client.siteId, event, webhookId, tokenHash });
    if (added) {
      this.log.info({ connectionId, event, registration: id, webhookId }, 'Tableau webhook registered');
      return;
    }
    // Another request (or instance) registered the same one meanwhile: theirs stays, ours goes.
    await client
      .deleteWebhook(webhookId)
      .catch((err: unknown) => this.log.warn({ err, webhookId }, 'a duplicate Tableau webhook could not be deleted'));
  }

  /**
   * Deletes the connection's webhooks that no on-tableau-refresh schedule of it needs any more: at
   * Tableau (best effort, logged) and here. Never rejects: a schedule change must not fail on it.
   */
  async release(userId: string, connectionId: string): Promise<void> {
    try {
      const needed = new Set(
        (await this.deps.schedules.list(userId))
          .filter((s) => s.connectionId === connectionId && runsOnTableauRefresh(s.spec))
          .flatMap((s) => refreshEventsFor(s.source) ?? []),
      );
      const unneeded = (await this.deps.store.forConnection(connectionId)).filter((r) => !needed.has(r.event));
      for (const r of unneeded) {
        // Whoever removes the row deletes the webhook (two instances releasing at once: one does).
        if (await this.deps.store.remove(r.id)) await this.deleteAtTableau(r);
      }
    } catch (err) {
      this.log.warn({ err, connectionId }, 'unneeded Tableau webhooks could not be released');
    }
  }

  /**
   * The user's connection is about to be deleted (and its schedules with it): its webhooks go at
   * Tableau while its credentials still exist, best effort. Never rejects.
   */
  async forgetConnection(userId: string, connectionId: string): Promise<void> {
    try {
      for (const r of await this.deps.store.forConnection(connectionId)) {
        if (r.userId === userId && (await this.deps.store.remove(r.id))) await this.deleteAtTableau(r);
      }
    } catch (err) {
      this.log.warn({ err, connectionId }, "the connection's Tableau webhooks could not be deleted");
    }
  }

  private async deleteAtTableau(r: TableauWebhookRegistration): Promise<void> {
    try {
      const { client } = await this.deps.connections.client(r.userId, r.connectionId);
      await client.deleteWebhook(r.webhookId);
      this.log.info({ connectionId: r.connectionId, event: r.event, webhookId: r.webhookId }, 'Tableau webhook deleted');
    } catch (err) {
      // Left at Tableau it POSTs to a token we no longer know: 404s, which Tableau stops retrying.
      this.log.warn({ err, webhookId: r.webhookId }, 'Tableau webhook could not be deleted at Tableau');
    }
  }

  /** The registration a receiver token belongs to, or undefined (the route's 404). */
  registrationOf(token: string): Promise<TableauWebhookRegistration | undefined> {
    return this.deps.store.byToken(token);
  }

  /**
   * A delivery: claimed once per registration and event (a second delivery of it returns false and
   * does nothing), then handled in the background — Tableau waits for our answer, not for the runs.
   */
  async accept(registration: TableauWebhookRegistration, payload: TableauWebhookPayload): Promise<boolean> {
    const key = eventKeyOf(payload);
    if (!(await this.deps.store.claimEvent(registration.id, key))) {
      this.log.info({ registration: registration.id, event: payload.event_type }, 'Tableau event delivered again: already handled');
      return false;
    }
    const work = this.handle(registration, payload, key).catch((err: unknown) =>
      this.log.error({ err, registration: registration.id, event: payload.event_type }, 'Tableau event could not be handled'),
    );
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return true;
  }

  /** Resolves when no accepted event is still being handled (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async handle(registration: TableauWebhookRegistration, payload: TableauWebhookPayload, key: string): Promise<void> {
    const log = this.log.child({ registration: registration.id, event: payload.event_type, resource: payload.resource_luid });
    // The token is for one site and one event: anything else did not come from that webhook.
    if (payload.site_luid !== registration.siteLuid || payload.event_type !== registration.event) {
      log.warn({ site: payload.site_luid }, 'Tableau event ignored: not the site or event of its webhook');
      return;
    }
    const schedules = (await this.deps.schedules.list(registration.userId)).filter(
      (s) => s.connectionId === registration.connectionId && runsOnTableauRefresh(s.spec),
    );
    if (!schedules.length) return;
    const refs: ScheduleSourceRef[] = schedules.map((s) => ({ scheduleId: s.id, siteLuid: registration.siteLuid, source: s.source }));
    const index = await this.siteIndex(registration, schedules, payload);
    const impact = schedulesAffectedBy(payload, refs, index);
    if (impact.unresolved.length) log.warn({ schedules: impact.unresolved }, 'views of these schedules could not be looked up in Tableau');
    for (const { scheduleId, via } of impact.affected) {
      try {
        const started = await this.deps.runner.runForTableauEvent(scheduleId, key);
        log.info({ scheduleId, via, started }, 'schedule run on a Tableau refresh');
      } catch (err) {
        log.warn({ err, scheduleId }, 'schedule could not be started on a Tableau refresh');
      }
    }
  }

  /**
   * What schedulesAffectedBy needs to know of the site: the workbooks of the schedules' views and,
   * for a data source event, the data sources those workbooks connect to. Looked up with the
   * connection's client only when a view schedule needs it, remembered for a few minutes.
   */
  private async siteIndex(registration: TableauWebhookRegistration, schedules: ScheduleRecord[], payload: TableauWebhookPayload) {
    const viewIds = [...new Set(schedules.flatMap((s) => (s.source.kind === 'view' ? [s.source.viewId] : [])))];
    const viewWorkbooks = new Map<string, string>();
    const workbookDatasources = new Map<string, string[]>();
    if (!viewIds.length) return { viewWorkbooks };
    const { client } = await this.deps.connections.client(registration.userId, registration.connectionId);
    const memo = (id: string) => `${registration.connectionId}|${id}`;
    for (const viewId of viewIds) {
      try {
        const workbookId = await this.workbookOfView.get(memo(viewId), async () => (await client.getView(viewId)).workbook?.id ?? '');
        if (workbookId) viewWorkbooks.set(viewId, workbookId);
      } catch (err) {
        this.log.warn({ err, viewId }, 'view could not be looked up in Tableau');
      }
    }
    if (!payload.event_type.startsWith('Datasource')) return { viewWorkbooks };
    for (const workbookId of new Set(viewWorkbooks.values())) {
      try {
        const ids = await this.datasourcesOfWorkbook.get(memo(workbookId), async () =>
          (await client.listWorkbookConnections(workbookId)).flatMap((c) => (c.datasource?.id ? [c.datasource.id] : [])),
        );
        workbookDatasources.set(workbookId, ids);
      } catch (err) {
        this.log.warn({ err, workbookId }, "workbook's connections could not be looked up in Tableau");
      }
    }
    return { viewWorkbooks, workbookDatasources };
  }
}
