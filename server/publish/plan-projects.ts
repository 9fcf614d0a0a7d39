/**
 * Plans for projects. A project is named by its parent and its name: names are unique among the
 * children of one parent (Create Project answers 409006 otherwise; docs/publish.md#projects). The
 * parent cell is a path of names from the top ("Finance/Reports") or the parent's LUID; a parent may
 * be created by another row of the same table, in any order: the apply creates parents first.
 */
import type { RowProblem } from '../../common/publish.js';
import type { PlanBuilder } from './builder.js';
import { missing } from './plan-people.js';
import { nameKey, type SiteProject, type SiteSnapshot } from './site.js';
import type { Ref } from './steps.js';
import type { TableRow } from './table.js';

const MAX_NAME = 255;
/** A parent: '' (top level), an existing project's id, or `row:<index>` for the project a row creates. */
type ParentKey = string;
const rowNode = (index: number) => `row:${index}`;
const childKey = (parent: ParentKey, name: string) => `${parent}\n${nameKey(name)}`;

export function planProjects(rows: readonly TableRow[], site: SiteSnapshot, b: PlanBuilder): void {
  const byId = new Map(site.projects.map((p) => [p.id, p]));
  const existing = new Map<string, SiteProject>(site.projects.map((p) => [childKey(p.parentProjectId ?? '', p.name), p]));
  const problems = new Map<number, RowProblem>();
  const pending: TableRow[] = [];
  for (const row of rows) {
    const name = row.values.projectName;
    if (!name) problems.set(row.index, missing('projectName'));
    else if (name.length > MAX_NAME)
      problems.set(row.index, {
        code: 'invalid-value',
        field: 'projectName',
        message: `Project name is longer than ${MAX_NAME} characters.`,
      });
    else if (name.includes('/'))
      problems.set(row.index, {
        code: 'invalid-value',
        field: 'projectName',
        message: `Project name "${name}" has a "/": parent paths use it, so this table cannot name it.`,
      });
    else pending.push(row);
  }

  // The projects the table creates, by parent and name; resolved until no parent path resolves any more.
  const created = new Map<string, number>();
  const parentOf = new Map<number, ParentKey>();
  const resolve = (cell: string): ParentKey | undefined => {
    if (!cell) return '';
    if (byId.has(cell)) return cell;
    let at: ParentKey = '';
    for (const part of cell
      .split('/')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const key = childKey(at, part);
      const found = existing.get(key);
      if (found) at = found.id;
      else if (created.has(key)) at = rowNode(created.get(key)!);
      else return undefined;
    }
    return at;
  };
  for (let progress = true; progress;) {
    progress = false;
    for (const row of pending) {
      if (parentOf.has(row.index)) continue;
      const parent = resolve(row.values.parentProject);
      if (parent === undefined) continue;
      parentOf.set(row.index, parent);
      progress = true;
      const key = childKey(parent, row.values.projectName);
      if (existing.has(key)) continue;
      const other = created.get(key);
      // The row higher in the table is the one that counts, whichever resolved first.
      if (other === undefined || row.index < other) created.set(key, row.index);
    }
  }

  const depth = (index: number): number => {
    const parent = parentOf.get(index) ?? '';
    return parent.startsWith('row:') ? depth(Number(parent.slice(4))) + 1 : 0;
  };
  for (const { index, values: v } of rows) {
    const problem = problems.get(index);
    if (problem) {
      b.error(index, problem);
      continue;
    }
    const parent = parentOf.get(index);
    if (parent === undefined) {
      b.error(index, {
        code: 'parent-not-found',
        field: 'parentProject',
        message: `Parent project "${v.parentProject}" is not on the site and no row of this table creates it.`,
      });
      continue;
    }
    const key = childKey(parent, v.projectName);
    const where = parent === '' ? 'at the top level' : `in "${v.parentProject}"`;
    const found = existing.get(key);
    if (found) {
      if (v.description && v.description !== found.description) {
        b.act(index, 'update', `Change the description of "${found.name}" ${where}.`, [
          {
            phase: 0,
            op: { kind: 'updateProject', projectId: found.id, name: found.name, description: v.description },
            call: { method: 'PUT', endpoint: `projects/${found.id}`, description: `Set the description of project "${found.name}"` },
          },
        ]);
      } else b.unchanged(index, `Project "${found.name}" exists ${where}.`);
      continue;
    }
    const first = created.get(key)!;
    if (first !== index) {
      b.error(index, {
        code: 'duplicate-in-table',
        field: 'projectName',
        message: `Project "${v.projectName}" ${where} is already in row ${first + 1}: only that row counts.`,
      });
      continue;
    }
    const parentRef: Ref | undefined =
      parent === '' ? undefined : parent.startsWith('row:') ? { row: Number(parent.slice(4)) } : { id: parent };
    const dependsOn = parentRef && 'row' in parentRef ? parentRef.row : undefined;
    b.act(
      index,
      'create',
      `Create project "${v.projectName}" ${where}${dependsOn === undefined ? '' : ` (after row ${dependsOn + 1} creates its parent)`}.`,
      [
        {
          // Parents before children: a project's phase is its depth among the projects the table creates.
          phase: depth(index),
          op: { kind: 'createProject', name: v.projectName, description: v.description, ...(parentRef ? { parent: parentRef } : {}) },
          call: {
            method: 'POST',
            endpoint: 'projects',
            description: `Create project "${v.projectName}" ${where}`,
          },
        },
      ],
      dependsOn,
    );
  }
}
