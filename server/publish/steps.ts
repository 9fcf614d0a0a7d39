/**
 * The calls a plan makes, as data: what the apply (apply.ts) executes and the dry run describes.
 * A `Ref` names an item that exists, or the one an earlier-phase call of another row creates.
 */
import type { AuthSetting, PlannedCall, SiteRole } from '../../common/publish.js';

export type Ref = { id: string } | { row: number };

export interface UserChanges {
  siteRole?: SiteRole;
  authSetting?: AuthSetting;
  fullName?: string;
  email?: string;
}

export type Op =
  | { kind: 'addUser'; name: string; siteRole: SiteRole; authSetting?: AuthSetting }
  | { kind: 'updateUser'; user: Ref; name: string; changes: UserChanges }
  | { kind: 'removeUser'; userId: string; name: string }
  | { kind: 'createGroup'; name: string; minimumSiteRole?: SiteRole }
  | { kind: 'updateGroup'; groupId: string; name: string; minimumSiteRole?: SiteRole }
  | { kind: 'addMember'; groupId: string; user: Ref; userName: string; groupName: string }
  | { kind: 'removeMember'; groupId: string; userId: string; userName: string; groupName: string }
  | { kind: 'createProject'; name: string; description: string; parent?: Ref }
  | { kind: 'updateProject'; projectId: string; name: string; description: string };

export interface Step {
  row: number;
  /** Steps run by phase, then in table order: users before memberships, parents before children. */
  phase: number;
  op: Op;
  /** How the dry run shows it. */
  call: PlannedCall;
}

/** The row whose creating call a ref waits for, if any. */
export const rowOf = (ref: Ref | undefined): number | undefined => (ref && 'row' in ref ? ref.row : undefined);

/** Steps in the order the apply runs them. */
export function ordered(steps: readonly Step[]): Step[] {
  return steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.phase - b.s.phase || a.i - b.i)
    .map(({ s }) => s);
}
