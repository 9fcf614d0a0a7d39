/**
 * Tableau webhooks in the simulator: the site's webhooks (created through routes/webhooks.ts) and the
 * deliveries of extract refresh events to them.
 *
 * Facts modelled (docs/tableau-rest.md#webhooks):
 * - Events and their two names — the `event` name (REST 3.9 / Tableau 2020.3+) and the older
 *   `webhook-source` element name — from the Trigger Events table,
 *   https://help.tableau.com/current/developer/webhooks/en-us/docs/webhooks-events-payload.html
 *   (and tableau/webhooks-docs README.md "Trigger Events" for the 2019.4–2020.3 list).
 * - The payload: `{resource, event_type, resource_name, site_luid, resource_luid, created_at}`, JSON,
 *   POSTed to the destination (webhooks-events-payload.html; tableau/webhooks-docs README.md "Payloads").
 *   `resource` for the refresh events is the "resource Name" column of the current Trigger Events
 *   table: EXTRACTS (the 2020 README showed DATASOURCE/WORKBOOK); see docs/tableau-rest.md#webhooks.
 * - "When a server that has been sent a webhook request does not reply with a HTTP success code, the
 *   webhook will retry the request three times with diminishing frequency" (tableau/webhooks-docs
 *   README.md "Tableau Webhooks Behavior"; tableau/webhooks-docs#23: 1 + 3 attempts).
 * - Destinations must be https (webhooks-get-started.html; tableau/webhooks-docs README.md "Create a
 *   Webhook": "must be https and have a valid certificate").
 *
 * Deliveries run in the background: a refresh job never waits for them. Each attempt has a timeout;
 * the outcome of the last delivery of every webhook is kept for tests (`/_sim/webhooks`).
 */
import type { Clock } from './clock.js';
import { isoSeconds } from './clock.js';
import { newId } from './state/ids.js';

/** One trigger event: the `event` name, the `webhook-source` element name, the payload's `resource`. */
interface EventDef {
  event: string;
  source: string;
  resource: string;
}

/**
 * The Trigger Events table of webhooks-events-payload.html. The simulator fires only the six extract
 * refresh events; the others can be subscribed to (Tableau accepts them) but never fire here.
 */
const EVENTS: readonly EventDef[] = [
  { event: 'AdminPromoted', source: 'webhook-event-user-promoted-admin', resource: 'USER' },
  { event: 'AdminDemoted', source: 'webhook-event-user-demoted-admin', resource: 'USER' },
  { event: 'DatasourceUpdated', source: 'webhook-source-event-datasource-updated', resource: 'DATASOURCE' },
  { event: 'DatasourceCreated', source: 'webhook-source-event-datasource-created', resource: 'DATASOURCE' },
  { event: 'DatasourceDeleted', source: 'webhook-source-event-datasource-deleted', resource: 'DATASOURCE' },
  { event: 'DatasourceRefreshStarted', source: 'webhook-source-event-datasource-refresh-started', resource: 'EXTRACTS' },
  { event: 'DatasourceRefreshSucceeded', source: 'webhook-source-event-datasource-refresh-succeeded', resource: 'EXTRACTS' },
  { event: 'DatasourceRefreshFailed', source: 'webhook-source-event-datasource-refresh-failed', resource: 'EXTRACTS' },
  { event: 'LabelCreated', source: 'webhook-source-event-label-created', resource: 'DATASOURCE/WORKBOOK' },
  { event: 'LabelUpdated', source: 'webhook-source-event-label-updated', resource: 'DATASOURCE/WORKBOOK' },
  // Spelled so in Tableau's table (not "-label-deleted").
  { event: 'LabelDeleted', source: 'webhook-source-event-label-LabelDeleted', resource: 'DATASOURCE/WORKBOOK' },
  { event: 'SiteCreated', source: 'webhook-source-event-site-created', resource: 'SITE' },
  { event: 'SiteUpdated', source: 'webhook-source-event-site-updated', resource: 'SITE' },
  { event: 'SiteDeleted', source: 'webhook-source-event-site-deleted', resource: 'SITE' },
  { event: 'UserDeleted', source: 'webhook-source-event-user-deleted', resource: 'USER' },
  { event: 'ViewDeleted', source: 'webhook-source-event-view-deleted', resource: 'VIEW' },
  { event: 'WorkbookUpdated', source: 'webhook-source-event-workbook-updated', resource: 'WORKBOOK' },
  { event: 'WorkbookCreated', source: 'webhook-source-event-workbook-created', resource: 'WORKBOOK' },
  { event: 'WorkbookDeleted', source: 'webhook-source-event-workbook-deleted', resource: 'WORKBOOK' },
  { event: 'WorkbookRefreshStarted', source: 'webhook-source-event-workbook-refresh-started', resource: 'EXTRACTS' },
  { event: 'WorkbookRefreshSucceeded', source: 'webhook-source-event-workbook-refresh-succeeded', resource: 'EXTRACTS' },
  { event: 'WorkbookRefreshFailed', source: 'webhook-source-event-workbook-refresh-failed', resource: 'EXTRACTS' },
];

const BY_EVENT = new Map(EVENTS.map((e) => [e.event, e]));
const BY_SOURCE = new Map(EVENTS.map((e) => [e.source, e]));

export const eventByName = (event: string): EventDef | undefined => BY_EVENT.get(event);
export const eventBySource = (source: string): EventDef | undefined => BY_SOURCE.get(source);
/** Element names that look like a `webhook-source` event, known or not (for "unknown event" errors). */
export const looksLikeSourceEvent = (name: string): boolean => /^webhook-(source-)?event-/.test(name);

export interface SimWebhook {
  id: string;
  siteId: string;
  name: string;
  /** The `event` name (DatasourceRefreshSucceeded ...). */
  event: string;
  url: string;
  isEnabled: boolean;
  statusChangeReason: string;
  ownerId: string;
  ownerName: string;
  createdAt: number;
  lastDelivery?: WebhookDelivery;
}

/** The simulator's record of one delivery (all its attempts); not a Tableau shape. */
export interface WebhookDelivery {
  webhookId: string;
  event: string;
  url: string;
  payload: WebhookPayload;
  startedAt: string;
  finishedAt?: string;
  /** `pending` while attempts remain, then `delivered` (a 2xx) or `failed`. */
  state: 'pending' | 'delivered' | 'failed';
  attempts: Array<{ at: string; status?: number; error?: string; ms: number }>;
}

/** The JSON body Tableau POSTs (webhooks-events-payload.html). */
export interface WebhookPayload {
  resource: string;
  event_type: string;
  resource_name: string;
  site_luid: string;
  resource_luid: string;
  created_at: string;
}

export interface WebhookSettings {
  /** Per attempt (connect + answer), default 10 s. Tableau's own timeout is not documented. */
  timeoutMs: number;
  /** Waits before the 3 retries ("diminishing frequency"), default 1 s, 5 s, 25 s. */
  retryDelaysMs: number[];
  /**
   * SIMULATOR-ONLY ALLOWANCE, off by default: accept `http://` destinations on a loopback address
   * (127.0.0.0/8, ::1, localhost), so tests can receive deliveries on a plain local server. Tableau
   * accepts https destinations only.
   */
  allowHttpLoopbackForTests: boolean;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  timeoutMs: 10_000,
  retryDelaysMs: [1_000, 5_000, 25_000],
  allowHttpLoopbackForTests: false,
};

const DELIVERY_LOG = 200;

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Why `url` cannot be a destination, or undefined when it can. */
export function destinationProblem(url: string, settings: WebhookSettings): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `The webhook destination URL '${url}' is not a valid URL.`;
  }
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && settings.allowHttpLoopbackForTests && isLoopbackHost(u.hostname)) return undefined;
  return `The webhook destination URL must use https: '${url}'.`;
}

export type RefreshEvent = 'Started' | 'Succeeded' | 'Failed';

export class WebhookHub {
  readonly webhooks = new Map<string, SimWebhook>();
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    public settings: WebhookSettings,
  ) {}

  add(w: Omit<SimWebhook, 'id' | 'createdAt'>): SimWebhook {
    const hook: SimWebhook = { ...w, id: newId(), createdAt: this.clock.now() };
    this.webhooks.set(hook.id, hook);
    return hook;
  }

  ofSite(siteId: string): SimWebhook[] {
    return [...this.webhooks.values()].filter((w) => w.siteId === siteId);
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  /**
   * An extract refresh of a data source or workbook started, succeeded or failed: POST the payload to
   * every enabled webhook of the site subscribed to that event. Returns at once.
   */
  refreshEvent(
    siteId: string,
    target: { kind: 'datasource' | 'workbook'; id: string; name: string },
    what: RefreshEvent,
    at: number,
  ): void {
    const event = `${target.kind === 'datasource' ? 'Datasource' : 'Workbook'}Refresh${what}`;
    const def = BY_EVENT.get(event)!;
    const payload: WebhookPayload = {
      resource: def.resource,
      event_type: event,
      resource_name: target.name,
      site_luid: siteId,
      resource_luid: target.id,
      created_at: isoSeconds(at),
    };
    for (const hook of this.ofSite(siteId)) {
      if (hook.isEnabled && hook.event === event) this.track(this.deliver(hook, payload));
    }
  }

  /**
   * Test a Webhook: one POST with an empty body, answered with the destination's status and body
   * (tableau/webhooks-docs README.md "Test a Webhook"). Status 0 = no HTTP answer (simulator's choice).
   */
  async test(hook: SimWebhook): Promise<{ status: number; body: string }> {
    const res = await this.post(hook.url, '');
    return { status: res.status ?? 0, body: res.body ?? res.error ?? '' };
  }

  /** Resolves when every delivery started so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) c.abort();
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async deliver(hook: SimWebhook, payload: WebhookPayload): Promise<void> {
    const delivery: WebhookDelivery = {
      webhookId: hook.id,
      event: payload.event_type,
      url: hook.url,
      payload,
      startedAt: isoSeconds(Date.now()),
      state: 'pending',
      attempts: [],
    };
    hook.lastDelivery = delivery;
    this.log.push(delivery);
    if (this.log.length > DELIVERY_LOG) this.log.shift();
    const body = JSON.stringify(payload);
    const delays = this.settings.retryDelaysMs.slice(0, 3);
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0 && !(await this.sleep(delays[attempt - 1]))) break;
      if (this.closed) break;
      const t0 = Date.now();
      const res = await this.post(hook.url, body);
      delivery.attempts.push({ at: isoSeconds(t0), status: res.status, error: res.error, ms: Date.now() - t0 });
      if (res.status !== undefined && res.status >= 200 && res.status < 300) {
        delivery.state = 'delivered';
        break;
      }
    }
    if (delivery.state === 'pending') delivery.state = 'failed';
    delivery.finishedAt = isoSeconds(Date.now());
  }

  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(false);
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve(!this.closed);
      }, ms);
      this.timers.add(t);
    });
  }

  private async post(url: string, body: string): Promise<{ status?: number; body?: string; error?: string }> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.settings.timeoutMs} ms`)), this.settings.timeoutMs);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = (await res.text()).slice(0, 4096);
      return { status: res.status, body: text };
    } catch (e) {
      const reason = controller.signal.aborted ? controller.signal.reason : e;
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return { error: reason instanceof Error ? (cause ? `${reason.message} (${cause})` : reason.message) : String(reason) };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }
}
