import type { ProjectItem } from '../../../common/api.js';

export interface ProjectNode {
  project: ProjectItem;
  children: ProjectNode[];
}

/**
 * Flat project list → forest, sorted by name. A project whose parent is not visible to this user
 * (Tableau lists only what you may see) becomes a root instead of disappearing; cycles cannot
 * hang it because every project is attached exactly once.
 */
export function buildProjectTree(projects: ProjectItem[]): ProjectNode[] {
  const nodes = new Map(projects.map((p) => [p.id, { project: p, children: [] as ProjectNode[] }]));
  const roots: ProjectNode[] = [];
  for (const node of nodes.values()) {
    const parentId = node.project.parentProjectId;
    const parent = parentId && parentId !== node.project.id ? nodes.get(parentId) : undefined;
    if (parent && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: ProjectNode[]) => {
    list.sort((a, b) => a.project.name.localeCompare(b.project.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

function isAncestor(node: ProjectNode, candidate: ProjectNode, nodes: Map<string, ProjectNode>): boolean {
  // Would attaching node under candidate close a loop? Walk candidate's parents looking for node.
  const seen = new Set<string>();
  let cur: ProjectNode | undefined = candidate;
  while (cur && !seen.has(cur.project.id)) {
    if (cur === node) return true;
    seen.add(cur.project.id);
    const pid: string | undefined = cur.project.parentProjectId;
    cur = pid ? nodes.get(pid) : undefined;
  }
  return false;
}
