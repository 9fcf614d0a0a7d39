/**
 * The apply: a plan's steps run one at a time in their order (steps.ts `ordered`: users before
 * memberships, parents before children), and every row's true result.
 *
 * - A step whose row already failed, or whose referenced row (a parent project, a user the table
 *   adds) was not done, is skipped, never guessed.
 * - A call Tableau may have acted on without saying so (its answer lost: a 5xx, a cut connection, an
 *   unreadable 2xx) is not repeated blindly: the site is read again and the step counts as done when
 *   its effect is there; only when it is not is the call sent once more (docs/publish.md#apply).
 * - A refusal that would hit every later call too (not a site administrator, the sign-in gone,
 *   Tableau out of reach) stops the run: the rest is reported as not attempted.
 * Calls that succeeded are never sent again: within a run by construction, across runs because the
 * next plan is made from the site as it then is (they are `unchanged`).
 */
import type { ApiErrorBody } from '../../common/errors.js';
import type { PlannedRow, PublishResult, ResultCounts, RowResult } from '../../common/publish.js';
import type { Planned } from './builder.js';
import { nameKey, type SiteSnapshot } from './site.js';
import { type Op, ordered, type Ref, rowOf, type Step } from './steps.js';

/** The writes the apply makes (server/tableau/provisioning.ts SiteWriter has them). */
export interface Writer {
  addUser(u: { name: string; siteRole: string; authSetting?: string }): Promise<{ id: string; siteRole?: string }>;
  updateUser(id: string, changes: Record<string, string>): Promise<{ siteRole?: string }>;
  removeUser(id: string): Promise<void>;
  createGroup(g: { name: string; minimumSiteRole?: string }): Promise<{ id: string }>;
  updateGroup(id: string, g: { name: string; minimumSiteRole?: string }): Promise<unknown>;
  addUserToGroup(groupId: string, userId: string): Promise<unknown>;
  removeUserFromGroup(groupId: string, userId: string): Promise<void>;
  createProject(p: { name: string; description?: string; parentProjectId?: string }): Promise<{ id: string }>;
  updateProject(id: string, p: { description: string }): Promise<unknown>;
}

export interface ApplyPorts {
  writer: Writer;
  /** The site as it is now, with the members of these groups (after a call whose answer was lost). */
  readSite(groupIds: string[]): Promise<SiteSnapshot>;
  /** When the run finished (injected for tests). */
  now?: () => Date;
}

/** What a failure tells the apply: the error to report, whether Tableau may have acted, whether to stop. */
export interface FailureView {
  error: ApiErrorBody;
  /** No answer, a 5xx, or an unreadable 2xx: Tableau may have done it. */
  uncertain: boolean;
  /** Every later call would fail the same way (permission, sign-in). */
  fatal: boolean;
}

/** How errors are read is the caller's (server/services/publish.ts knows TableauError). */
export type ReadFailure = (e: unknown) => FailureView;

interface RowState {
  done: number;
  failed?: ApiErrorBody;
  skipped?: string;
}

const refId = (ref: Ref, created: Map<number, string>): string | undefined => ('id' in ref ? ref.id : created.get(ref.row));

function refOf(op: Op): Ref | undefined {
  switch (op.kind) {
    case 'updateUser':
    case 'addMember':
      return op.user;
    case 'createProject':
      return op.parent;
    default:
      return undefined;
  }
}

/**
 * The call succeeded but the user did not get the role asked for: a site without a free licence for
 * it gives Unlicensed (docs/publish.md#site-roles-and-licences). The row is not what the table says.
 */
class RoleNotGranted extends Error {
  constructor(name: string, asked: string, granted: string) {
    super(
      `Tableau added or kept "${name}" as ${granted}, not ${asked}: the site has no free licence for ${asked}. Free one (or pick another role) and run the table again.`,
    );
  }
}

function checkGranted(name: string, asked: string, granted: string | undefined): void {
  if (granted && granted !== asked) throw new RoleNotGranted(name, asked, granted);
}

/** Sends the step's call; the id of what it created, if it created something. */
async function send(op: Op, w: Writer, created: Map<number, string>): Promise<string | undefined> {
  switch (op.kind) {
    case 'addUser': {
      const user = await w.addUser({ name: op.name, siteRole: op.siteRole, ...(op.authSetting ? { authSetting: op.authSetting } : {}) });
      checkGranted(op.name, op.siteRole, user.siteRole);
      return user.id;
    }
    case 'updateUser': {
      const user = await w.updateUser(refId(op.user, created)!, { ...op.changes });
      if (op.changes.siteRole) checkGranted(op.name, op.changes.siteRole, user.siteRole);
      return undefined;
    }
    case 'removeUser':
      await w.removeUser(op.userId);
      return undefined;
    case 'createGroup':
      return (await w.createGroup({ name: op.name, ...(op.minimumSiteRole ? { minimumSiteRole: op.minimumSiteRole } : {}) })).id;
    case 'updateGroup':
      await w.updateGroup(op.groupId, { name: op.name, ...(op.minimumSiteRole ? { minimumSiteRole: op.minimumSiteRole } : {}) });
      return undefined;
    case 'addMember':
      await w.addUserToGroup(op.groupId, refId(op.user, created)!);
      return undefined;
    case 'removeMember':
      await w.removeUserFromGroup(op.groupId, op.userId);
      return undefined;
    case 'createProject': {
      const parentProjectId = op.parent ? refId(op.parent, created) : undefined;
      return (
        await w.createProject({
          name: op.name,
          ...(op.description ? { description: op.description } : {}),
          ...(parentProjectId ? { parentProjectId } : {}),
        })
      ).id;
    }
    case 'updateProject':
      await w.updateProject(op.projectId, { description: op.description });
      return undefined;
  }
}

/** Is the step's effect on the site? With the id of what it created. */
function landed(op: Op, site: SiteSnapshot, created: Map<number, string>): { landed: boolean; id?: string } {
  const user = (id: string | undefined) => site.users.find((u) => u.id === id);
  const members = (groupId: string) => site.members.get(groupId) ?? new Set<string>();
  switch (op.kind) {
    case 'addUser': {
      const found = site.users.find((u) => nameKey(u.name) === nameKey(op.name));
      return { landed: !!found, id: found?.id };
    }
    case 'updateUser': {
      const u = user(refId(op.user, created));
      const c = op.changes;
      const same =
        !!u &&
        (c.siteRole === undefined || u.siteRole === c.siteRole) &&
        (c.authSetting === undefined || (u.authSetting || 'ServerDefault') === c.authSetting) &&
        (c.fullName === undefined || u.fullName === c.fullName) &&
        (c.email === undefined || u.email === c.email);
      return { landed: same };
    }
    case 'removeUser':
      return { landed: !user(op.userId) };
    case 'createGroup': {
      const found = site.groups.find((g) => nameKey(g.name) === nameKey(op.name));
      return { landed: !!found, id: found?.id };
    }
    case 'updateGroup':
      return { landed: site.groups.some((g) => g.id === op.groupId && g.minimumSiteRole === op.minimumSiteRole) };
    case 'addMember': {
      const id = refId(op.user, created);
      return { landed: id !== undefined && members(op.groupId).has(id) };
    }
    case 'removeMember':
      return { landed: !members(op.groupId).has(op.userId) };
    case 'createProject': {
      const parent = op.parent ? refId(op.parent, created) : undefined;
      const found = site.projects.find((p) => (p.parentProjectId ?? undefined) === parent && nameKey(p.name) === nameKey(op.name));
      return { landed: !!found, id: found?.id };
    }
    case 'updateProject':
      return { landed: site.projects.some((p) => p.id === op.projectId && p.description === op.description) };
  }
}

/** A call whose answer was lost and whose effect is not on the site is sent at most this often. */
const MAX_SENDS = 2;

const groupIdsOf = (op: Op): string[] => (op.kind === 'addMember' || op.kind === 'removeMember' ? [op.groupId] : []);

export async function applyPlan(planned: Planned, ports: ApplyPorts, readFailure: ReadFailure): Promise<PublishResult> {
  const created = new Map<number, string>();
  const states = new Map<number, RowState>();
  const state = (row: number) => states.get(row) ?? (states.set(row, { done: 0 }).get(row) as RowState);
  let callsMade = 0;
  let stopped: string | undefined;

  const attempt = async (step: Step): Promise<{ ok: true; id?: string } | { ok: false; failure: FailureView; callDone?: true }> => {
    callsMade++;
    try {
      return { ok: true, id: await send(step.op, ports.writer, created) };
    } catch (e) {
      if (e instanceof RoleNotGranted) {
        // Tableau did the call: it is not sent again, but the row is not what the table asks.
        return { ok: false, failure: { error: { code: 'conflict', message: e.message }, uncertain: false, fatal: false }, callDone: true };
      }
      return { ok: false, failure: readFailure(e) };
    }
  };

  for (const step of ordered(planned.steps)) {
    const st = state(step.row);
    if (st.failed || st.skipped) continue;
    if (stopped) {
      st.skipped = stopped;
      continue;
    }
    const waitsFor = rowOf(refOf(step.op));
    if (waitsFor !== undefined && !created.has(waitsFor)) {
      st.skipped = `Skipped: row ${waitsFor + 1}, which this row needs, was not done.`;
      continue;
    }
    let outcome = await attempt(step);
    // Tableau may have done it: look before sending it again, and once more after the second try.
    for (let sends = 1; !outcome.ok && outcome.failure.uncertain; sends++) {
      let site: SiteSnapshot;
      try {
        site = await ports.readSite(groupIdsOf(step.op));
      } catch (e) {
        stopped = `Not attempted: ${readFailure(e).error.message}`;
        break;
      }
      const seen = landed(step.op, site, created);
      if (seen.landed) outcome = { ok: true, id: seen.id };
      else if (sends < MAX_SENDS) outcome = await attempt(step);
      else break;
    }
    if (outcome.ok) {
      if (outcome.id) created.set(step.row, outcome.id);
      st.done++;
      continue;
    }
    if (outcome.callDone) st.done++;
    st.failed = outcome.failure.error;
    if (outcome.failure.fatal) stopped = `Not attempted: the run stopped at row ${step.row + 1} (${outcome.failure.error.message})`;
  }

  const rows = planned.plan.rows.map((r) => resultOf(r, states.get(r.index)));
  const summary: ResultCounts = { done: 0, failed: 0, skipped: 0, unchanged: 0 };
  for (const r of rows) summary[r.outcome]++;
  return {
    planId: planned.plan.planId,
    kind: planned.plan.kind,
    rows,
    summary,
    callsMade,
    finishedAt: (ports.now?.() ?? new Date()).toISOString(),
  };
}

function resultOf(row: PlannedRow, st: RowState | undefined): RowResult {
  const base = { index: row.index, action: row.action, callsDone: st?.done ?? 0 };
  if (row.action === 'error') return { ...base, outcome: 'skipped', message: `Skipped: ${row.message}` };
  if (row.action === 'unchanged') return { ...base, outcome: 'unchanged', message: row.message };
  if (st?.failed) return { ...base, outcome: 'failed', message: `Failed: ${st.failed.message}`, error: st.failed };
  if (st && st.done === row.calls.length) return { ...base, outcome: 'done', message: `Done: ${row.message}` };
  return { ...base, outcome: 'skipped', message: st?.skipped ?? 'Skipped: not attempted.' };
}
