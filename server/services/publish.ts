/**
 * Publishing a table to Tableau (issue #22, docs/publish.md): the dry run and the apply of
 * server/publish over a connection's signed-in client. Both first prove the user may write to the
 * site (a site administrator) before reading or changing anything else; the apply plans again against
 * the site as it is now and runs only the plan the user confirmed.
 */
import type { PublishApplyRequest, PublishPlan, PublishResult, PublishTable } from '../../common/publish.js';
import { ApiError } from '../errors.js';
import { applyPlan, type FailureView } from '../publish/apply.js';
import { groupNamesOf, planTable } from '../publish/plan.js';
import { nameKey, type SiteSnapshot } from '../publish/site.js';
import type { ExclusiveLocks } from '../store/exclusive-locks.js';
import { TableauError } from '../tableau/index.js';
import type { ConnectionService } from './connections.js';
import type { Tableau } from './tableau.js';

/** The plan the user confirmed is not the plan the site gives now: they review the new one. */
export class PlanChangedError extends ApiError {
  constructor(readonly plan: PublishPlan) {
    super({
      code: 'plan-changed',
      message: 'The site changed since the dry run: nothing was sent. Review the new plan and confirm it again.',
    });
  }
}

const isAdminRole = (role: string | undefined) =>
  !!role && (role.startsWith('SiteAdministrator') || role.startsWith('ServerAdministrator'));

function notSiteAdmin(who?: { name: string; siteRole?: string }): ApiError {
  const you = who ? `"${who.name}" is ${who.siteRole || 'not a site administrator'} on this site` : 'this sign-in may not manage users';
  return new ApiError({
    code: 'not-site-admin',
    message: `Only a site administrator can add or change users, groups and projects, and ${you}. Nothing was changed.`,
    hint: "Connect with a site administrator's token, or ask a site administrator to run this table.",
  });
}

/** Query User On Site for the signed-in user: a site administrator, or 403 not-site-admin before anything else. */
async function requireSiteAdmin(client: Tableau): Promise<void> {
  let me;
  try {
    me = await client.getUser(client.userId);
  } catch (e) {
    if (e instanceof TableauError && e.code === 'forbidden') throw notSiteAdmin();
    throw e;
  }
  if (!isAdminRole(me.siteRole)) throw notSiteAdmin({ name: me.name, siteRole: me.siteRole });
}

const MEMBER_READS_AT_ONCE = 4;

/** What the planner compares the table with, through the client's paged lists; only what the kind needs. */
async function readSite(client: Tableau, table: PublishTable, groupIds?: string[]): Promise<SiteSnapshot> {
  const kind = table.kind;
  const needsUsers = kind !== 'groups' && kind !== 'projects';
  const needsGroups =
    kind === 'groups' || kind === 'group-memberships' || kind === 'remove-users-from-group' || table.columns.groupName !== undefined;
  const needsProjects = kind === 'projects' || kind === 'remove-users-from-site';
  const [users, groups, projects] = await Promise.all([
    // fields=_all_: authSetting is not among the default fields of Get Users on Site (docs/publish.md).
    needsUsers ? client.listAll('users', { fields: '_all_' }) : [],
    needsGroups ? client.listAll('groups') : [],
    needsProjects ? client.listAll('projects') : [],
  ]);
  const siteGroups = groups.map((g) => ({
    id: g.id,
    name: g.name,
    local: (g.domain?.name ?? 'local') === 'local',
    minimumSiteRole: g.import?.siteRole ?? g.minimumSiteRole,
  }));
  const named = new Set(groupNamesOf(table).map(nameKey));
  const memberIds = groupIds ?? siteGroups.filter((g) => named.has(nameKey(g.name))).map((g) => g.id);
  const members = new Map<string, Set<string>>();
  // A few groups at a time: each list pages on its own, and the site's rate limit is shared.
  for (let i = 0; i < memberIds.length; i += MEMBER_READS_AT_ONCE) {
    const ids = memberIds.slice(i, i + MEMBER_READS_AT_ONCE);
    const lists = await Promise.all(ids.map((id) => client.listGroupUsers(id)));
    ids.forEach((id, k) => members.set(id, new Set(lists[k].map((u) => u.id))));
  }
  return {
    me: client.userId,
    users: users.map((u) => ({
      id: u.id,
      name: u.name,
      siteRole: u.siteRole ?? '',
      authSetting: u.authSetting,
      fullName: u.fullName,
      email: u.email,
    })),
    groups: siteGroups,
    members,
    projects: projects.map((p) => ({
      id: p.id,
      name: p.name,
      parentProjectId: p.parentProjectId || undefined,
      description: p.description ?? '',
      ownerId: p.owner?.id,
    })),
  };
}

/** A failed write as the apply sees it (server/publish/apply.ts). */
function readFailure(e: unknown): FailureView {
  if (e instanceof TableauError) {
    const status = e.httpStatus;
    return {
      error: e.toApiError(),
      // No HTTP answer, a 5xx, or a 2xx we could not read: Tableau may have done it.
      uncertain: status === undefined || status >= 500 || e.code === 'invalid-response',
      // Every later call would get the same: no permission, no sign-in, or still limited after the retries
      // (the rest waits for the next run, which plans only what is missing).
      fatal: ['forbidden', 'bad-credentials', 'session-expired', 'target-not-allowed', 'rate-limited'].includes(e.code),
    };
  }
  if (e instanceof ApiError) return { error: e.body, uncertain: false, fatal: true };
  return { error: { code: 'internal', message: 'Something went wrong in the companion server.' }, uncertain: false, fatal: true };
}

/**
 * What one apply at a time is held for. A single analyst's server (SQLite): the connection, in this
 * process. Instances sharing PostgreSQL (a team): the Tableau site, whichever user or instance applies,
 * since two plans applied to one site at once race on its users, groups and projects.
 */
type PublishLockScope = 'connection' | 'site';

export class PublishService {
  constructor(
    private readonly connections: ConnectionService,
    private readonly locks: ExclusiveLocks,
    private readonly scope: PublishLockScope = 'connection',
  ) {}

  async dryRun(userId: string, connectionId: string, table: PublishTable): Promise<PublishPlan> {
    const { client } = await this.connections.client(userId, connectionId);
    await requireSiteAdmin(client);
    return planTable(table, await readSite(client, table)).plan;
  }

  async apply(userId: string, connectionId: string, request: PublishApplyRequest): Promise<PublishResult> {
    const { client, connection } = await this.connections.client(userId, connectionId);
    const perSite = this.scope === 'site';
    const release = await this.locks.tryHold(
      perSite ? `publish|${client.serverUrl}|${client.siteId}` : `publish|connection|${connection.info.id}`,
    );
    if (!release) {
      throw new ApiError({
        code: 'publish-busy',
        message: perSite
          ? 'A table is still being applied to this Tableau site (by you or a colleague): wait for its results, then run a dry run again.'
          : 'A table is still being applied with this connection: wait for its results, then run a dry run again.',
      });
    }
    try {
      return await this.applyWith(client, request);
    } finally {
      await release();
    }
  }

  private async applyWith(client: Tableau, request: PublishApplyRequest): Promise<PublishResult> {
    await requireSiteAdmin(client);
    const planned = planTable(request.table, await readSite(client, request.table));
    if (planned.plan.planId !== request.planId) throw new PlanChangedError(planned.plan);
    if (planned.plan.needsRemovalConfirmation && request.confirmRemovals !== true) {
      throw new ApiError({
        code: 'confirmation-needed',
        message: `This plan removes ${planned.plan.counts.remove} item${planned.plan.counts.remove === 1 ? '' : 's'} from the site: confirm the removals too. Nothing was sent.`,
      });
    }
    return applyPlan(
      planned,
      {
        writer: client.writer,
        readSite: (groupIds) => readSite(client, request.table, groupIds),
      },
      readFailure,
    );
  }
}
