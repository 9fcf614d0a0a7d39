/**
 * Publishing a table back to Tableau (issue #22): an Excel table that describes users, group
 * memberships, groups or projects; a dry run that compares it with the site; an apply that makes
 * the planned calls and says, per row, what happened. Both sides share this contract: the add-in
 * sends a `PublishTable`, the server (server/publish) answers with a `PublishPlan` or a
 * `PublishResult`. The Tableau facts behind it are in docs/publish.md.
 *
 * Routes (session auth, like the pull routes: common/api.ts)
 *   POST /api/connections/:cid/publish/dry-run  PublishTable        -> PublishPlan   (nothing is sent to Tableau but reads)
 *   POST /api/connections/:cid/publish/apply    PublishApplyRequest -> PublishResult
 *
 * The apply is stateless: it plans the table again against the site as it is now and runs that
 * plan, refusing (409 `plan-changed`, with the new plan) when it differs from the one the user
 * confirmed (`planId`). So a row whose calls succeeded is `unchanged` in any later plan: an apply
 * resumed after a failure, or the same table run again, never repeats a call that succeeded.
 */
import { z } from 'zod';

import type { ApiErrorBody } from './errors.js';

/** What a table describes. */
export const PUBLISH_KINDS = [
  'users',
  'group-memberships',
  'groups',
  'projects',
  'remove-users-from-site',
  'remove-users-from-group',
] as const;
export type PublishKind = (typeof PUBLISH_KINDS)[number];

export const PUBLISH_KIND_LABELS: Record<PublishKind, string> = {
  users: 'Users (add or update, with site role)',
  'group-memberships': 'Group memberships (add users to groups)',
  groups: 'Groups (with minimum site role)',
  projects: 'Projects (with parent and description)',
  'remove-users-from-site': 'Remove users from the site',
  'remove-users-from-group': 'Remove users from groups',
};

/** True for the kinds whose every planned call removes something: their apply needs `confirmRemovals`. */
export function isRemovalKind(kind: PublishKind): boolean {
  return kind === 'remove-users-from-site' || kind === 'remove-users-from-group';
}

/**
 * Site roles Add User to Site and Update User accept (REST API reference, Users and Groups,
 * https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_users_and_groups.htm#add_user_to_site).
 * Also the values of a group's minimum site role (Create Group, same page).
 */
export const SITE_ROLES = [
  'Creator',
  'Explorer',
  'ExplorerCanPublish',
  'SiteAdministratorCreator',
  'SiteAdministratorExplorer',
  'Unlicensed',
  'Viewer',
] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/** authSetting values of Add User to Site / Update User (same page as SITE_ROLES). */
export const AUTH_SETTINGS = ['ServerDefault', 'SAML', 'OpenID', 'TableauIDWithMFA'] as const;
export type AuthSetting = (typeof AUTH_SETTINGS)[number];

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** "Site Administrator Creator", "site_administrator_creator" → 'SiteAdministratorCreator'; undefined when it names no role. */
export function parseSiteRole(text: string): SiteRole | undefined {
  const s = squash(text);
  return SITE_ROLES.find((r) => squash(r) === s);
}

/** "server default", "SAML" → the authSetting; undefined when it names none. */
export function parseAuthSetting(text: string): AuthSetting | undefined {
  const s = squash(text);
  return AUTH_SETTINGS.find((a) => squash(a) === s);
}

/** The logical fields a table may have, whatever its headers say. */
export type PublishField =
  | 'userName'
  | 'siteRole'
  | 'authSetting'
  | 'fullName'
  | 'email'
  | 'groupName'
  | 'minimumSiteRole'
  | 'projectName'
  /** The parent project: a path of names from the top, separated by "/" ("Finance/Reports"), or the parent's LUID. Empty: a top-level project. */
  | 'parentProject'
  | 'description';

/** The fields of each kind, required first. */
export const PUBLISH_FIELDS: Record<PublishKind, { required: PublishField[]; optional: PublishField[] }> = {
  // groupName: the user is also added to that (existing) group, after every user of the table is added.
  users: { required: ['userName', 'siteRole'], optional: ['authSetting', 'fullName', 'email', 'groupName'] },
  'group-memberships': { required: ['groupName', 'userName'], optional: [] },
  groups: { required: ['groupName'], optional: ['minimumSiteRole'] },
  projects: { required: ['projectName'], optional: ['parentProject', 'description'] },
  'remove-users-from-site': { required: ['userName'], optional: [] },
  'remove-users-from-group': { required: ['groupName', 'userName'], optional: [] },
};

export const PUBLISH_FIELD_LABELS: Record<PublishField, string> = {
  userName: 'User name',
  siteRole: 'Site role',
  authSetting: 'Authentication',
  fullName: 'Display name',
  email: 'Email',
  groupName: 'Group',
  minimumSiteRole: 'Minimum site role',
  projectName: 'Project',
  parentProject: 'Parent project',
  description: 'Description',
};

/** Which column (by its header) holds each field. A field without a column is empty in every row. */
export type PublishColumns = Partial<Record<PublishField, string>>;

/**
 * Header words for each field, squashed (lowercase, letters and digits only). Required fields are
 * matched first, by `strong` words then `weak` ones; optional fields after them, the same way (so
 * "Name" beside "Username" is the display name, and "Email" alone is the user name, as user names
 * on Tableau Cloud are email addresses).
 */
const HEADER_WORDS: Record<PublishField, { strong: string[]; weak: string[] }> = {
  userName: { strong: ['username', 'user', 'login', 'account', 'userid', 'member'], weak: ['email', 'emailaddress', 'mail', 'name'] },
  siteRole: { strong: ['siterole', 'role', 'license', 'licence', 'licenselevel'], weak: [] },
  authSetting: { strong: ['authsetting', 'auth', 'authentication', 'authmethod', 'signin'], weak: [] },
  fullName: { strong: ['fullname', 'displayname'], weak: ['name'] },
  email: { strong: ['email', 'emailaddress', 'mail'], weak: [] },
  groupName: { strong: ['groupname', 'group', 'team'], weak: ['name'] },
  minimumSiteRole: { strong: ['minimumsiterole', 'minsiterole', 'minimumrole', 'grantrole'], weak: ['siterole', 'role'] },
  projectName: { strong: ['projectname', 'project'], weak: ['name', 'title', 'folder'] },
  parentProject: { strong: ['parentproject', 'parent', 'parentprojectname', 'parentpath', 'parentprojectid'], weak: [] },
  description: { strong: ['description', 'desc', 'about'], weak: ['notes', 'comment'] },
};

/** Guesses which header holds each field of `kind` (each header used once); the user can change it. */
export function guessColumns(headers: readonly string[], kind: PublishKind): PublishColumns {
  const { required, optional } = PUBLISH_FIELDS[kind];
  const squashed = headers.map(squash);
  const taken = new Set<number>();
  const columns: PublishColumns = {};
  for (const fields of [required, optional]) {
    for (const strength of ['strong', 'weak'] as const) {
      for (const field of fields) {
        if (columns[field] !== undefined) continue;
        for (const word of HEADER_WORDS[field][strength]) {
          const at = squashed.findIndex((h, i) => h === word && !taken.has(i));
          if (at < 0) continue;
          taken.add(at);
          columns[field] = headers[at];
          break;
        }
      }
    }
  }
  return columns;
}

/** The required fields of `kind` that have no column (or a header not in `headers`). */
export function missingColumns(columns: PublishColumns, headers: readonly string[], kind: PublishKind): PublishField[] {
  return PUBLISH_FIELDS[kind].required.filter((f) => columns[f] === undefined || !headers.includes(columns[f]));
}

/** What one cell holds, as the add-in reads it from Excel (an empty cell is null or ''). */
export type PublishCell = string | number | boolean | null;

export interface PublishRow {
  /** The row's 0-based index among the table's data rows: results come back by it. */
  index: number;
  /** One cell per header, in the order of `PublishTable.headers`. */
  cells: PublishCell[];
}

/** Sizes the server accepts (413/400 beyond them); the add-in checks them before sending. */
export const PUBLISH_LIMITS = { rows: 5000, columns: 50, cellChars: 1000, headerChars: 255 } as const;

const cellSchema = z.union([z.string().max(PUBLISH_LIMITS.cellChars), z.number(), z.boolean(), z.null()]);
const headerSchema = z.string().max(PUBLISH_LIMITS.headerChars);
const publishFieldSchema = z.enum([
  'userName',
  'siteRole',
  'authSetting',
  'fullName',
  'email',
  'groupName',
  'minimumSiteRole',
  'projectName',
  'parentProject',
  'description',
]);

/** The table sent for a dry run (and again with an apply). */
export const publishTableSchema = z
  .object({
    kind: z.enum(PUBLISH_KINDS),
    headers: z.array(headerSchema).min(1).max(PUBLISH_LIMITS.columns),
    columns: z.partialRecord(publishFieldSchema, headerSchema),
    rows: z
      .array(z.object({ index: z.number().int().min(0), cells: z.array(cellSchema).max(PUBLISH_LIMITS.columns) }).strict())
      .max(PUBLISH_LIMITS.rows),
  })
  .strict();
export type PublishTable = z.infer<typeof publishTableSchema>;

export const publishApplyRequestSchema = z
  .object({
    table: publishTableSchema,
    /** The `planId` of the dry run the user confirmed: the apply refuses (409 plan-changed) when the site changed the plan since. */
    planId: z.string().min(1).max(128),
    /** The user confirmed the plan. */
    confirm: z.literal(true),
    /** A plan with removals runs only with this second, explicit confirmation (400 confirmation-needed otherwise). */
    confirmRemovals: z.boolean().optional(),
  })
  .strict();
export type PublishApplyRequest = z.infer<typeof publishApplyRequestSchema>;

/** What the dry run plans for a row. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'remove' | 'error';
export const PLAN_ACTIONS: readonly PlanAction[] = ['create', 'update', 'unchanged', 'remove', 'error'];

/** Why a row cannot be published as it is: the user fixes the table. */
export type RowProblemCode =
  /** A required field is empty. */
  | 'missing-value'
  /** A site role, minimum site role or auth setting Tableau does not know. */
  | 'invalid-role'
  | 'invalid-auth-setting'
  /** A value Tableau would refuse (too long, not text). */
  | 'invalid-value'
  /** Not on the site (and not created by an earlier row of the table). */
  | 'unknown-user'
  | 'unknown-group'
  | 'parent-not-found'
  /** The same user / group / project (or membership) again in the table: only the first row counts. */
  | 'duplicate-in-table'
  /** Something Tableau does not allow (the site's own All Users group, removing oneself). */
  | 'not-allowed';

export interface RowProblem {
  code: RowProblemCode;
  /** Plain words naming the cell's value, e.g. "Site role 'Admin' is not one of Creator, Explorer, …". */
  message: string;
  /** The field at fault, so the pane can point at its column. */
  field?: PublishField;
}

/** One Tableau call the apply will make, described for the user. */
export interface PlannedCall {
  method: 'POST' | 'PUT' | 'DELETE';
  /** The endpoint, relative to the site: "users", "users/{id}", "groups/{id}/users", "projects/{id}". */
  endpoint: string;
  /** "Add user ann@example.com to the site as Explorer". */
  description: string;
}

export interface PlannedRow {
  index: number;
  action: PlanAction;
  /** What will happen, or what is wrong, in plain words. */
  message: string;
  /** The calls for this row, in order; empty for unchanged and error rows. */
  calls: PlannedCall[];
  problem?: RowProblem;
  /** The index of an earlier row whose calls this row waits for (a parent project, a user created above). */
  dependsOn?: number;
}

export type PlanCounts = Record<PlanAction, number>;

export interface PublishPlan {
  /** Identifies exactly these planned calls; the apply sends it back. */
  planId: string;
  kind: PublishKind;
  /** Every row of the table, in table order. */
  rows: PlannedRow[];
  counts: PlanCounts;
  /** How many calls the apply will make, in total. */
  callCount: number;
  /** True when the plan removes something: the apply needs `confirmRemovals: true`. */
  needsRemovalConfirmation: boolean;
  /** When the site was read for this plan (ISO). */
  plannedAt: string;
}

/** What became of a row. `unchanged` (nothing to do) and `skipped` (an error row, or one whose dependency failed) made no call. */
export type RowOutcome = 'done' | 'failed' | 'skipped' | 'unchanged';

export interface RowResult {
  index: number;
  outcome: RowOutcome;
  /** Plain words: "Added as Explorer", "Tableau refused: …", "Skipped: its parent project was not created". */
  message: string;
  /** The planned action this outcome belongs to. */
  action: PlanAction;
  /** Failed rows: Tableau's (or the network's) error, with Tableau's own code when it sent one. */
  error?: ApiErrorBody;
  /** Calls of this row that succeeded (a failed row may have made some, e.g. the user was added but its email not set). */
  callsDone: number;
}

export type ResultCounts = Record<RowOutcome, number>;

export interface PublishResult {
  planId: string;
  kind: PublishKind;
  /** Every row of the table, in table order. */
  rows: RowResult[];
  summary: ResultCounts;
  /** Calls made (each counted once, retries of a 429 not counted again). */
  callsMade: number;
  finishedAt: string;
}

/** The body of a 409 `plan-changed`: the site moved since the dry run; the user reviews the new plan. */
export interface PlanChangedBody {
  error: ApiErrorBody;
  plan: PublishPlan;
}

/** "3 to create, 1 to update, 2 unchanged, 1 error": the counts the pane shows above the plan. */
export function describeCounts(counts: PlanCounts): string {
  const words: Record<PlanAction, string> = {
    create: 'to create',
    update: 'to update',
    unchanged: 'unchanged',
    remove: 'to remove',
    error: 'with an error',
  };
  const parts = PLAN_ACTIONS.filter((a) => counts[a] > 0).map((a) => `${counts[a]} ${words[a]}`);
  return parts.length > 0 ? parts.join(', ') : 'No rows';
}
