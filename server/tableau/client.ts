/**
 * TableauClient: the only thing in the product that speaks HTTP to Tableau (REST, view CSV export,
 * VizQL Data Service). `connect` negotiates the version and signs in; the rest are thin methods over
 * auth.ts, paging.ts, views.ts, vds.ts and jobs.ts.
 */
import type { Readable } from 'node:stream';

import { z } from 'zod';

import type { ConnectAuth } from '../../common/api.js';
import type { DatasourceFieldsAnswer, SheetDatasourcesAnswer, ViewLineageAnswer, WorkbookDashboardsAnswer } from '../../common/metadata.js';
import { siteContentUrlSchema } from '../../common/site.js';
import { idSchema } from '../../common/source.js';
import { checkAuthSupported, negotiateVersion, signIn, signOut, switchSite, type Transport } from './auth.js';
import { AuthedTransport } from './authed.js';
import { TableauError, tryParseJson } from './errors.js';
import { compareVersions, type Feature, supportsFeature, type VdsSchemaVersion, vdsSchemaVersion } from './features.js';
import {
  type Agents,
  buildQuery,
  type Clock,
  createAxios,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_RETRY,
  type Logger,
  realClock,
  type RetryPolicy,
  sendOnce,
  sendWithRetry,
  silentLogger,
  withDefaultAgents,
} from './http.js';
import { type RefreshTarget, startRefresh, waitForJob, type WaitOptions } from './jobs.js';
import { createLeanGet, createLeanStream, proxyConfigured } from './lean-get.js';
import type { MetadataContext } from './metadata.js';
import { datasourceFields, sheetDatasources, viewLineage, workbookDashboards } from './metadata-queries.js';
import {
  checkFilterString,
  checkSortString,
  collectAllPages,
  DEFAULT_PAGE_POOL,
  MAX_PAGE_SIZE,
  type PageAnswer,
  parsePage,
  readPage,
} from './paging.js';
import { SiteWriter } from './provisioning.js';
import { type ListResource, type ResourceItem, RESOURCES } from './resources.js';
import { parseList, unwrapList } from './schemas/coerce.js';
import { type Connection, connectionSchema } from './schemas/connection.js';
import { type Datasource, datasourceSchema } from './schemas/datasource.js';
import type { Job } from './schemas/job.js';
import { type SearchHit, searchHitSchema, searchResponseSchema } from './schemas/search.js';
import type { ServerInfo } from './schemas/serverInfo.js';
import { type User, userSchema } from './schemas/user.js';
import type { VdsMetadata } from './schemas/vdsMetadata.js';
import { type View, viewSchema } from './schemas/view.js';
import {
  isWebhookEvent,
  type Webhook,
  WEBHOOK_EVENTS,
  type WebhookEvent,
  webhookResponseSchema,
  webhookSchema,
  webhookTestResultSchema,
} from './schemas/webhook.js';
import { type Workbook, workbookSchema } from './schemas/workbook.js';
import { defaultSessions, principalOf, type Session, type SessionCache } from './sessions.js';
import { openQuery, readMetadata, type VdsAnswer, type VdsContext } from './vds.js';
import type { VdsBudgetUse } from './vds-budget.js';
import {
  openExport,
  readImage,
  streamWithSlot,
  type ViewDataOptions,
  viewDataQuery,
  type ViewImage,
  type ViewImageOptions,
  viewImageQuery,
} from './views.js';

export interface ConnectOptions {
  serverUrl: string;
  /** '' = the default site (Tableau Server). */
  siteContentUrl: string;
  auth: ConnectAuth;
  logger?: Logger;
  /** Per-request timeout (socket inactivity), default 120 s. */
  timeoutMs?: number;
  /** Concurrent page requests in listAll, default 4. */
  pagePool?: number;
  sessions?: SessionCache;
  /** Injected for tests (fake timers). */
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  /**
   * A streamed body (view CSV, VDS rows) that sends no byte for this long, while we are ready for
   * more, fails as 'stream-stalled'. Default 60 s (DEFAULT_IDLE_TIMEOUT_MS).
   */
  idleTimeoutMs?: number;
  /** Injected for tests: agents with a CA to trust or a DNS `lookup` for made-up names. */
  agents?: Agents;
}

/** How hard to try when signing out. */
export interface SignOutOptions {
  /**
   * One attempt, no retries, abandoned after this many ms (wall clock, connecting included): the
   * server's shutdown signs out best-effort and must not wait on an unreachable Tableau.
   * Default: the client's normal retry policy (an analyst's explicit sign-out).
   */
  deadlineMs?: number;
  /**
   * The server is stopping: a session shared with other instances (PostgreSQL) is left signed in,
   * since they go on using it (a sign-out would end it for all; it idles out on Tableau by itself).
   */
  stopping?: boolean;
}

export interface ListOptions {
  /** `field:op:value[,...]` — see buildFilter. */
  filter?: string;
  /** `field:asc|desc[,...]`; defaults to the resource's stable sort (resources.ts). */
  sort?: string;
  fields?: string;
  pageSize?: number;
  /** views only: includeUsageStatistics=true. */
  usage?: boolean;
}

export interface PageOptions extends ListOptions {
  pageNumber: number;
}

export interface ListPage<T> {
  items: T[];
  pageNumber: number;
  pageSize: number;
  totalAvailable: number;
}

export interface SearchOptions {
  /** 0-based (tableau-mcp always sends page 0 first). */
  page?: number;
  limit?: number;
  types?: string[];
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  page: number;
  limit: number;
}

/** Create a Webhook (docs/tableau-rest.md#webhooks). */
export interface NewWebhook {
  name: string;
  /** A trigger event (schemas/webhook.ts WEBHOOK_EVENTS), e.g. DatasourceRefreshSucceeded. */
  event: WebhookEvent;
  /** The destination: Tableau POSTs to https URLs only. */
  url: string;
  /** Default true; servers before REST 3.8 have no flag (every webhook is enabled). */
  enabled?: boolean;
}

/** REST versions of the webhook methods (3.6), the isEnabled flag (3.8) and the `event` attribute (3.9). */
const WEBHOOK_VERSIONS = { methods: [3, 6], enabledFlag: [3, 8], eventAttribute: [3, 9] } as const;

const optionsSchema = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }),
  siteContentUrl: siteContentUrlSchema,
});

function checkId(id: string, what: string): string {
  if (!idSchema.safeParse(id).success)
    throw new TableauError({ code: 'invalid-input', message: `"${id.slice(0, 80)}" is not a valid ${what} id.` });
  return encodeURIComponent(id);
}

/** Numbers the clients of this process (slotOwner). */
let clientCount = 0;

export class TableauClient {
  private constructor(
    private readonly t: AuthedTransport,
    private readonly transport: Transport,
    private readonly info: ServerInfo,
    private readonly opts: {
      serverUrl: string;
      auth: ConnectAuth;
      sessions: SessionCache;
      pagePool: number;
      /** A transport that tries once and gives up after `deadlineMs` (signOut). */
      oneShot: (deadlineMs: number) => Transport;
    },
  ) {}

  static async connect(opts: ConnectOptions): Promise<TableauClient> {
    const valid = optionsSchema.safeParse(opts);
    if (!valid.success) {
      throw new TableauError({
        code: 'invalid-input',
        message: `Invalid connection settings: ${valid.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
    }
    const serverUrl = opts.serverUrl.replace(/\/+$/, '');
    const logger = opts.logger ?? silentLogger;
    const clock = opts.clock ?? realClock;
    const policy = { ...DEFAULT_RETRY, ...opts.retry };
    const sessions = opts.sessions ?? defaultSessions;
    const timeoutMs = opts.timeoutMs ?? 120_000;
    // One pair of agents for axios and the lean GET path: one socket pool, one team-mode guard.
    const agents = withDefaultAgents(opts.agents);
    const ax = createAxios(timeoutMs, agents);
    const lean = proxyConfigured() ? undefined : createLeanGet(timeoutMs, agents);
    const leanStream = proxyConfigured() ? undefined : createLeanStream(timeoutMs, agents);
    const guard = { idleTimeoutMs: opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, logger };
    const transport: Transport = (req) =>
      sendWithRetry(() => sendOnce(ax, req, guard, lean, leanStream), {
        policy,
        clock,
        logger,
        label: `${req.method} ${new URL(req.url).pathname}`,
        url: req.url,
        write: req.write,
      });
    // Credentials and the token go only to this origin (or a Cloud pod of it): auth.ts redirectVerdict.
    const given = new URL(serverUrl);
    const oneShot = (deadlineMs: number): Transport => {
      // Its own axios instance: the abort signal must not touch the shared instance's requests.
      // AbortSignal.timeout covers the TCP connect too (axios' `timeout` is socket inactivity only).
      const quick = createAxios(deadlineMs, opts.agents);
      quick.interceptors.request.use((config) => ({ ...config, signal: AbortSignal.timeout(deadlineMs) }));
      const once = { ...policy, maxAttempts: 1, deadlineMs };
      return (req) =>
        sendWithRetry(() => sendOnce(quick, req, guard), {
          policy: once,
          clock,
          logger,
          label: `${req.method} ${new URL(req.url).pathname}`,
          url: req.url,
        });
    };

    const info = await negotiateVersion(transport, serverUrl, logger);
    if (info.baseUrl !== serverUrl) logger.info({ given: serverUrl, server: info.baseUrl }, 'tableau server answered from another address');
    checkAuthSupported(info, opts.auth);
    const key = sessions.keyFor(serverUrl, opts.siteContentUrl, opts.auth);
    const doSignIn = async (): Promise<Session> => {
      const s = await signIn(transport, info.baseUrl, info.restApiVersion, opts.siteContentUrl, opts.auth, given, logger);
      logger.info({ server: new URL(serverUrl).host, site: opts.siteContentUrl, principal: principalOf(opts.auth) }, 'tableau signed in');
      return s;
    };
    const session = await sessions.acquire(key, doSignIn);
    logger.debug({ productVersion: info.productVersion, restApiVersion: info.restApiVersion }, 'tableau connected');
    const t = new AuthedTransport({ transport, sessions, key, session, signIn: doSignIn, logger, clock, given });
    return new TableauClient(
      t,
      transport,
      { productVersion: info.productVersion, build: info.build, restApiVersion: info.restApiVersion },
      {
        serverUrl,
        auth: opts.auth,
        sessions,
        pagePool: opts.pagePool ?? DEFAULT_PAGE_POOL,
        oneShot,
      },
    );
  }

  get serverInfo(): ServerInfo {
    return { ...this.info };
  }

  /**
   * The server this client really talks to: the address the user gave, or where an allowed redirect
   * led (a Tableau Cloud pod, a moved server). Connections show it (auth.ts redirectVerdict).
   */
  get serverUrl(): string {
    return this.t.session.baseUrl;
  }

  get siteId(): string {
    return this.t.session.siteId;
  }

  get userId(): string {
    return this.t.session.userId;
  }

  get siteContentUrl(): string {
    return this.t.session.siteContentUrl;
  }

  supports(feature: Feature): boolean {
    return supportsFeature(this.info, feature);
  }

  /** The VDS OpenAPI schema version this server speaks, or undefined (no VDS before 2025.1). */
  get vdsSchemaVersion(): VdsSchemaVersion | undefined {
    return this.supports('vds') ? vdsSchemaVersion(this.info.productVersion) : undefined;
  }

  private get siteUrl(): string {
    const s = this.t.session;
    return `${s.baseUrl}/api/${this.info.restApiVersion}/sites/${s.siteId}`;
  }

  // ---- lists -----------------------------------------------------------------------------------

  private listQuery(resource: ListResource, o: ListOptions, pageNumber: number, pageSize: number): string {
    const def = RESOURCES[resource];
    return buildQuery({
      pageSize: def.paged ? pageSize : undefined,
      pageNumber: def.paged ? pageNumber : undefined,
      filter: o.filter ? checkFilterString(o.filter) : undefined,
      sort: def.paged ? checkSortString(o.sort ?? def.defaultSort!) : undefined,
      fields: o.fields,
      includeUsageStatistics: resource === 'views' && o.usage ? 'true' : undefined,
    });
  }

  private checkResource(resource: ListResource): void {
    if (resource === 'customViews' && !this.supports('customViews')) {
      throw new TableauError({
        code: 'feature-unavailable',
        message: `Custom views can be listed from REST API 3.18; this server has ${this.info.restApiVersion}.`,
      });
    }
  }

  private async fetchPage<R extends ListResource>(resource: R, o: ListOptions, pageNumber: number, pageSize: number) {
    return readPage(await this.requestPage(resource, o, pageNumber, pageSize));
  }

  /** One page's request; the answer is parsed when read, `onAnswered` told when Tableau has answered (paging.ts FetchPage). */
  private async requestPage<R extends ListResource>(
    resource: R,
    o: ListOptions,
    pageNumber: number,
    pageSize: number,
    onAnswered?: () => void,
  ): Promise<PageAnswer<ResourceItem<R>>> {
    const def = RESOURCES[resource];
    try {
      const res = await this.t.send({
        method: 'GET',
        url: `${this.siteUrl}/${def.path}`,
        query: this.listQuery(resource, o, pageNumber, pageSize),
        onAnswered,
      });
      return () => parsePage<ResourceItem<R>>(def, parseJsonBody(res.body));
    } catch (e) {
      // 400006: page past the end (TSC query.py) — the list shrank while we paged.
      if (e instanceof TableauError && e.tableauCode === '400006') return { items: [], dropped: [], totalAvailable: undefined };
      throw e;
    }
  }

  /** Every item of a resource, each exactly once (paging.ts explains how). */
  async listAll<R extends ListResource>(resource: R, o: ListOptions = {}): Promise<ResourceItem<R>[]> {
    const pageSize = checkPageSize(o.pageSize ?? MAX_PAGE_SIZE);
    const def = RESOURCES[resource];
    this.checkResource(resource);
    if (!def.paged) return (await this.fetchPage(resource, o, 1, pageSize)).items;
    const sort = o.sort ?? def.defaultSort ?? '';
    // How long this list was last time, for this principal (sessions.ts listSize).
    const sizeKey = `${resource}?${o.filter ?? ''}`;
    const known = this.opts.sessions.listSize(this.t.key, sizeKey);
    const result = await collectAllPages<ResourceItem<R> & { id: string }>(
      (n, size, answered) => this.requestPage(resource, o, n, size, answered),
      {
        pageSize,
        pool: this.opts.pagePool,
        appendStable: sort.startsWith('createdAt:asc'),
        expectedPages: known === undefined ? undefined : Math.ceil(known / pageSize),
        logger: this.t.logger,
        label: resource,
      },
    );
    this.opts.sessions.rememberListSize(this.t.key, sizeKey, result.totalAvailable);
    this.t.logger.debug(
      { list: resource, items: result.items.length, requests: result.requests, rechecked: result.rechecked },
      'tableau list complete',
    );
    return result.items;
  }

  /** One page, for page-by-page browsing in the pane. */
  async listPage<R extends ListResource>(resource: R, o: PageOptions): Promise<ListPage<ResourceItem<R>>> {
    const pageSize = checkPageSize(o.pageSize ?? 100);
    if (!Number.isInteger(o.pageNumber) || o.pageNumber < 1)
      throw new TableauError({ code: 'invalid-input', message: 'pageNumber starts at 1.' });
    this.checkResource(resource);
    const page = await this.fetchPage(resource, o, o.pageNumber, pageSize);
    if (page.dropped.length)
      this.t.logger.warn(
        { list: resource, page: o.pageNumber, dropped: page.dropped },
        'tableau list items failed validation and were skipped',
      );
    return { items: page.items, pageNumber: o.pageNumber, pageSize, totalAvailable: page.totalAvailable ?? page.items.length };
  }

  async getWorkbook(id: string): Promise<Workbook> {
    const r = await this.t.json(
      { method: 'GET', url: `${this.siteUrl}/workbooks/${checkId(id, 'workbook')}` },
      z.object({ workbook: workbookSchema }),
    );
    return r.workbook;
  }

  /**
   * Get View (REST 3.0+): one view with its `workbook.id`
   * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm#get_view).
   */
  async getView(id: string): Promise<View> {
    const r = await this.t.json({ method: 'GET', url: `${this.siteUrl}/views/${checkId(id, 'view')}` }, z.object({ view: viewSchema }));
    return r.view;
  }

  async listWorkbookViews(id: string, o: { usage?: boolean } = {}): Promise<View[]> {
    const res = await this.t.send({
      method: 'GET',
      url: `${this.siteUrl}/workbooks/${checkId(id, 'workbook')}/views`,
      query: buildQuery({ includeUsageStatistics: o.usage ? 'true' : undefined }),
    });
    return this.nested(parseJsonBody(res.body), 'views', 'view', viewSchema);
  }

  async listWorkbookConnections(id: string): Promise<Connection[]> {
    const res = await this.t.send({ method: 'GET', url: `${this.siteUrl}/workbooks/${checkId(id, 'workbook')}/connections` });
    return this.nested(parseJsonBody(res.body), 'connections', 'connection', connectionSchema);
  }

  async getDatasource(id: string): Promise<Datasource> {
    const r = await this.t.json(
      { method: 'GET', url: `${this.siteUrl}/datasources/${checkId(id, 'data source')}` },
      z.object({ datasource: datasourceSchema }),
    );
    return r.datasource;
  }

  /** Content exploration search (GET {server}/api/-/search; docs/tableau-rest.md#endpoints-we-browse). */
  async search(terms: string, o: SearchOptions = {}): Promise<SearchResult> {
    const types = (o.types ?? []).filter((x) => /^[a-z]+$/.test(x));
    const page = Math.max(0, Math.floor(o.page ?? 0));
    const limit = Math.min(Math.max(1, Math.floor(o.limit ?? 20)), 2000);
    const r = await this.t.json(
      {
        method: 'GET',
        url: `${this.t.session.baseUrl}/api/-/search`,
        query: buildQuery({ terms, page, limit, filter: types.length ? `type:in:[${types.join(',')}]` : undefined }),
      },
      searchResponseSchema,
    );
    const items = this.nestedRaw(r.hits.items, 'item', searchHitSchema, 'search');
    return { items, total: r.hits.total ?? items.length, page, limit };
  }

  private nested<T>(raw: unknown, listKey: string, itemKey: string, schema: z.ZodType<T>): T[] {
    const wrapper = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[listKey] : undefined;
    return this.nestedRaw(wrapper, itemKey, schema, listKey);
  }

  private nestedRaw<T>(wrapper: unknown, itemKey: string, schema: z.ZodType<T>, label: string): T[] {
    const list = parseList(unwrapList(wrapper, itemKey), schema);
    if (list.dropped.length)
      this.t.logger.warn({ list: label, dropped: list.dropped }, 'tableau list items failed validation and were skipped');
    return list.items;
  }

  // ---- users and groups ----------------------------------------------------------------------------

  /**
   * Query User On Site (GET users/{id},
   * https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_users_and_groups.htm#query_user_on_site).
   */
  async getUser(id: string): Promise<User> {
    return (await this.t.json({ method: 'GET', url: `${this.siteUrl}/users/${checkId(id, 'user')}` }, z.object({ user: userSchema }))).user;
  }

  /** Get Users in Group (GET groups/{id}/users, paged like every list): each member once. */
  async listGroupUsers(groupId: string): Promise<User[]> {
    const def = { path: `groups/${checkId(groupId, 'group')}/users`, listKey: 'users', itemKey: 'user', schema: userSchema, paged: true };
    const result = await collectAllPages<User>(
      async (pageNumber, pageSize, onAnswered) => {
        const res = await this.t.send({
          method: 'GET',
          url: `${this.siteUrl}/${def.path}`,
          query: buildQuery({ pageSize, pageNumber }),
          onAnswered,
        });
        return () => parsePage<User>(def, parseJsonBody(res.body));
      },
      { pageSize: MAX_PAGE_SIZE, pool: this.opts.pagePool, appendStable: false, logger: this.t.logger, label: 'group users' },
    );
    return result.items;
  }

  /** Writing users, groups, memberships and projects (provisioning.ts; site administrators only). */
  get writer(): SiteWriter {
    return new SiteWriter(this.t, () => this.siteUrl);
  }

  // ---- data --------------------------------------------------------------------------------------

  /** The site, as the export slots and the VDS budget count it (every instance computes the same). */
  private get siteKey(): string {
    return `${this.t.session.baseUrl}|${this.t.session.siteId}`;
  }

  /** This client (one connection) as the site's export slots tell their users apart (fair share, limiter.ts). */
  private readonly slotOwner = `client-${++clientCount}`;

  /** Every export (view and custom view data) and every VDS call holds one of the site's slots. */
  private get exportLimiter() {
    return this.opts.sessions.limiter(this.siteKey);
  }

  /** CSV of the view's summary data (formatted values), BOM stripped, streamed. */
  /** `signal`: the caller gave up; a wait for the site's export slot ends without one (views.ts streamWithSlot). */
  async streamViewData(viewId: string, o: ViewDataOptions = {}, signal?: AbortSignal): Promise<Readable> {
    const url = `${this.siteUrl}/views/${checkId(viewId, 'view')}/data`;
    const query = viewDataQuery(o);
    return streamWithSlot(this.exportLimiter, this.slotOwner, () => openExport(this.t, url, query), signal);
  }

  async streamCustomViewData(customViewId: string, o: Pick<ViewDataOptions, 'filters'> = {}, signal?: AbortSignal): Promise<Readable> {
    const url = `${this.siteUrl}/customviews/${checkId(customViewId, 'custom view')}/data`;
    const query = viewDataQuery({ filters: o.filters });
    return streamWithSlot(this.exportLimiter, this.slotOwner, () => openExport(this.t, url, query), signal);
  }

  /**
   * Query View Image (PNG): the view's picture with the same filters, parameters and maxAge as its
   * data export, holding one export slot (images count against Tableau Cloud's 20 concurrent
   * exports, exports.ts in the simulator), read whole up to `maxBytes`.
   */
  async viewImage(viewId: string, o: ViewImageOptions & { maxBytes: number }): Promise<ViewImage> {
    const url = `${this.siteUrl}/views/${checkId(viewId, 'view')}/image`;
    return this.imageWithSlot(url, o);
  }

  /** Query Custom View Image: the custom view's saved filters, then `vf_` filters (REST 3.18+ like its data). */
  async customViewImage(customViewId: string, o: ViewImageOptions & { maxBytes: number }): Promise<ViewImage> {
    const url = `${this.siteUrl}/customviews/${checkId(customViewId, 'custom view')}/image`;
    return this.imageWithSlot(url, o);
  }

  private async imageWithSlot(url: string, o: ViewImageOptions & { maxBytes: number }): Promise<ViewImage> {
    // A server before 3.29 would ignore format=SVG and answer a PNG the caller did not ask for.
    if (o.format === 'SVG' && !this.supports('viewImageSvg'))
      throw new TableauError({ code: 'feature-unavailable', message: 'SVG view images need Tableau 2026.2 (REST API 3.29) or later.' });
    const release = await this.exportLimiter.acquire();
    try {
      return await readImage(this.t, url, viewImageQuery(o), o.maxBytes);
    } finally {
      release();
    }
  }

  private get vdsContext(): VdsContext {
    const siteKey = this.siteKey;
    return {
      t: this.t,
      takeCall: () => this.opts.sessions.takeVdsCall(siteKey),
      baseUrl: this.t.session.baseUrl,
      schemaVersion: this.vdsSchemaVersion,
      capabilities: {
        rowLimit: this.supports('vdsRowLimit'),
        conditionFilter: this.supports('vdsConditionFilter'),
        datasourceModel: this.supports('vdsDatasourceModel'),
      },
    };
  }

  async vdsReadMetadata(datasourceLuid: string, signal?: AbortSignal): Promise<VdsMetadata> {
    checkId(datasourceLuid, 'data source');
    const release = await this.exportLimiter.acquire(signal, this.slotOwner);
    try {
      signal?.throwIfAborted();
      return await readMetadata(this.vdsContext, datasourceLuid);
    } finally {
      release();
    }
  }

  /**
   * Raw JSON bytes of query-datasource; validated first (invalid → 'vds-invalid-query', nothing sent).
   * The stream carries the site's VDS budget after this query (`budget`), so a pull can warn before
   * it runs out; the bytes are what every caller reads, the budget only a pull.
   */
  async vdsQuery(body: unknown, signal?: AbortSignal): Promise<VdsAnswer> {
    let budget: VdsBudgetUse | undefined;
    const stream = await streamWithSlot(
      this.exportLimiter,
      this.slotOwner,
      async () => {
        const opened = await openQuery(this.vdsContext, body);
        budget = opened.budget;
        return opened.stream;
      },
      signal,
    );
    return budget ? Object.assign(stream, { budget }) : stream;
  }

  // ---- Metadata API (GraphQL) --------------------------------------------------------------------

  private get metadataContext(): MetadataContext {
    return { t: this.t, baseUrl: this.t.session.baseUrl, available: this.supports('metadataApi') };
  }

  /** A published data source's fields with descriptions, types and roles, and its upstream tables. */
  async metadataDatasourceFields(datasourceLuid: string): Promise<DatasourceFieldsAnswer> {
    return datasourceFields(this.metadataContext, checkId(datasourceLuid, 'data source'));
  }

  /** A view's (sheet's or dashboard's) upstream published data sources and tables, and the fields it uses. */
  async metadataViewLineage(viewLuid: string): Promise<ViewLineageAnswer> {
    return viewLineage(this.metadataContext, checkId(viewLuid, 'view'));
  }

  /** The published data sources a sheet draws on, each with all its fields, and the fields the sheet uses. */
  async metadataSheetDatasources(viewLuid: string): Promise<SheetDatasourcesAnswer> {
    return sheetDatasources(this.metadataContext, checkId(viewLuid, 'view'));
  }

  /** A workbook's dashboards, each with its sheets (their view ids). */
  async metadataWorkbookDashboards(workbookLuid: string): Promise<WorkbookDashboardsAnswer> {
    return workbookDashboards(this.metadataContext, checkId(workbookLuid, 'workbook'));
  }

  // ---- extract refresh -----------------------------------------------------------------------------

  async refreshExtract(target: RefreshTarget): Promise<string> {
    checkId(target.id, target.kind === 'datasource' ? 'data source' : 'workbook');
    if (target.incremental && !this.supports('incrementalRefresh')) {
      throw new TableauError({ code: 'feature-unavailable', message: 'Incremental extract refresh needs REST API 3.25 or later.' });
    }
    return startRefresh(this.t, this.siteUrl, target);
  }

  async waitForJob(jobId: string, o: WaitOptions = {}): Promise<Job> {
    checkId(jobId, 'job');
    return waitForJob(this.t, this.siteUrl, jobId, o);
  }

  // ---- webhooks (site administrators only) ----------------------------------------------------------

  private restAtLeast(version: readonly number[]): boolean {
    const m = /^(\d+)\.(\d+)$/.exec(this.info.restApiVersion.trim());
    return !!m && compareVersions([Number(m[1]), Number(m[2])], [...version]) >= 0;
  }

  private checkWebhooks(): void {
    if (!this.restAtLeast(WEBHOOK_VERSIONS.methods)) {
      throw new TableauError({
        code: 'feature-unavailable',
        message: `Webhooks need REST API 3.6 (Tableau 2019.4) or later; this server has ${this.info.restApiVersion}.`,
      });
    }
  }

  /** The site's webhooks (List Webhooks: not paged, TSC webhooks_endpoint.py). */
  async listWebhooks(): Promise<Webhook[]> {
    this.checkWebhooks();
    const res = await this.t.send({ method: 'GET', url: `${this.siteUrl}/webhooks` });
    return this.nested(parseJsonBody(res.body), 'webhooks', 'webhook', webhookSchema);
  }

  async getWebhook(id: string): Promise<Webhook> {
    this.checkWebhooks();
    return (await this.t.json({ method: 'GET', url: `${this.siteUrl}/webhooks/${checkId(id, 'webhook')}` }, webhookResponseSchema)).webhook;
  }

  /**
   * Create a Webhook. The event goes in the `event` attribute from REST 3.9, before that as the
   * `webhook-source` element (tableau/webhooks-docs Postman collection, "Create a webhook" and
   * "Create a webhook (2020.3+)").
   */
  async createWebhook(w: NewWebhook): Promise<Webhook> {
    this.checkWebhooks();
    const name = w.name.trim();
    if (!name || name.length > 255)
      throw new TableauError({ code: 'invalid-input', message: 'A webhook needs a name (at most 255 characters).' });
    if (!isWebhookEvent(w.event))
      throw new TableauError({ code: 'invalid-input', message: `"${String(w.event).slice(0, 80)}" is not a Tableau webhook event.` });
    let url: URL;
    try {
      url = new URL(w.url);
    } catch {
      throw new TableauError({ code: 'invalid-input', message: 'The webhook destination is not a valid URL.' });
    }
    // "The webhook destination URL must be https and have a valid certificate" (webhooks-get-started.html).
    if (url.protocol !== 'https:')
      throw new TableauError({ code: 'invalid-input', message: 'Tableau sends webhooks only to https addresses.' });
    if (w.enabled === false && !this.restAtLeast(WEBHOOK_VERSIONS.enabledFlag)) {
      throw new TableauError({ code: 'feature-unavailable', message: 'Disabled webhooks need REST API 3.8 or later.' });
    }
    const webhook: Record<string, unknown> = {
      name,
      ...(this.restAtLeast(WEBHOOK_VERSIONS.eventAttribute) ? { event: w.event } : { 'webhook-source': { [WEBHOOK_EVENTS[w.event]]: {} } }),
      ...(w.enabled !== undefined && this.restAtLeast(WEBHOOK_VERSIONS.enabledFlag) ? { isEnabled: w.enabled } : {}),
      'webhook-destination': { 'webhook-destination-http': { method: 'POST', url: w.url } },
    };
    return (await this.t.json({ method: 'POST', url: `${this.siteUrl}/webhooks`, data: { webhook } }, webhookResponseSchema)).webhook;
  }

  /** Test a Webhook: Tableau POSTs an empty body to the destination and tells its answer (2xx = working). */
  async testWebhook(id: string): Promise<{ status: number; body: string }> {
    this.checkWebhooks();
    const r = await this.t.json({ method: 'GET', url: `${this.siteUrl}/webhooks/${checkId(id, 'webhook')}/test` }, webhookTestResultSchema);
    return { status: r.webhookTestResult.status, body: r.webhookTestResult.body };
  }

  async deleteWebhook(id: string): Promise<void> {
    this.checkWebhooks();
    await this.t.send({ method: 'DELETE', url: `${this.siteUrl}/webhooks/${checkId(id, 'webhook')}` });
  }

  // ---- session -------------------------------------------------------------------------------------

  async signOut(options: SignOutOptions = {}): Promise<void> {
    if (options.stopping && this.opts.sessions.sharedAcrossInstances) return;
    const s = this.t.session;
    const send = options.deadlineMs === undefined ? this.transport : this.opts.oneShot(options.deadlineMs);
    try {
      await signOut(send, s, this.info.restApiVersion);
    } finally {
      await this.opts.sessions.drop(this.t.key, s.token);
    }
  }

  /** Switch this client to another site of the same server (new token; TSC auth_endpoint.py). */
  async switchSite(siteContentUrl: string): Promise<void> {
    const valid = optionsSchema.shape.siteContentUrl.safeParse(siteContentUrl);
    if (!valid.success) throw new TableauError({ code: 'invalid-input', message: 'Invalid site content URL.' });
    const old = this.t.session;
    const oldKey = this.t.key;
    const next = await switchSite(this.transport, old, this.info.restApiVersion, siteContentUrl);
    if (next === old) return;
    const key = this.opts.sessions.keyFor(this.opts.serverUrl, siteContentUrl, this.opts.auth);
    this.t.rebind(key, next, () =>
      signIn(
        this.transport,
        old.baseUrl,
        this.info.restApiVersion,
        siteContentUrl,
        this.opts.auth,
        new URL(this.opts.serverUrl),
        this.t.logger,
      ),
    );
    // The old token was replaced by the switch (TSC re-parses credentials and drops the old token).
    await this.opts.sessions.drop(oldKey, old.token);
  }
}

function checkPageSize(n: number): number {
  // pageSize is 1..1000 (tableau-mcp paginationParameters.ts, MAX_PAGE_SIZE).
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)
    throw new TableauError({ code: 'invalid-input', message: `pageSize must be between 1 and ${MAX_PAGE_SIZE}.` });
  return n;
}

function parseJsonBody(body: string): unknown {
  const raw = tryParseJson(body);
  if (raw === undefined) throw new TableauError({ code: 'invalid-response', message: 'Tableau answered with something that is not JSON.' });
  return raw;
}
