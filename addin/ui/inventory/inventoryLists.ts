import { splitTopLevel } from '../../../common/filter-syntax.js';
import type { InventoryResource, InventorySource } from '../../../common/source.js';

export const INVENTORY_LISTS: Array<{ resource: InventoryResource; label: string; filterExample: string; sortExample: string }> = [
  { resource: 'workbooks', label: 'Workbooks', filterExample: 'projectName:eq:Finance', sortExample: 'updatedAt:desc' },
  { resource: 'views', label: 'Views with usage', filterExample: 'workbookName:eq:Superstore', sortExample: 'name:asc' },
  { resource: 'datasources', label: 'Data sources', filterExample: 'hasExtracts:eq:true', sortExample: 'name:asc' },
  { resource: 'projects', label: 'Projects', filterExample: 'topLevelProject:eq:true', sortExample: 'name:asc' },
  { resource: 'users', label: 'Users', filterExample: 'siteRole:eq:Creator', sortExample: 'lastLogin:desc' },
  { resource: 'groups', label: 'Groups', filterExample: 'name:eq:Sales*', sortExample: 'name:asc' },
  { resource: 'jobs', label: 'Jobs', filterExample: 'status:eq:Failed', sortExample: 'createdAt:desc' },
  { resource: 'extractRefreshTasks', label: 'Extract refresh tasks', filterExample: '', sortExample: '' },
];

const OPERATORS = new Set(['eq', 'cieq', 'gt', 'gte', 'lt', 'lte', 'in', 'has']);

/** Filter expressions as the user typed them, split on top-level commas (see common/filter-syntax.ts). */
export function splitExpressions(text: string): string[] {
  return splitTopLevel(text)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Checks Tableau REST filter/sort syntax (docs/tableau-rest.md#filter-and-sort): `field:operator:value`
 * joined by commas; `&` cannot be expressed at all; `field:asc|desc` for sort.
 */
export function buildInventorySource(
  resource: InventoryResource,
  filter: string,
  sort: string,
): { source: InventorySource | null; errors: string[] } {
  const errors: string[] = [];
  const f = filter.trim();
  const s = sort.trim();
  if (f.includes('&')) errors.push('Tableau filters cannot contain "&".');
  for (const expr of splitExpressions(f)) {
    const [field, op, ...rest] = expr.split(':');
    if (!field || !op || rest.length === 0 || rest.join(':') === '') errors.push(`"${expr}" is not field:operator:value.`);
    else if (!OPERATORS.has(op)) errors.push(`"${op}" is not a filter operator (use eq, gt, gte, lt, lte, in, has).`);
    else if (op === 'in' && !/^\[.*\]$/.test(rest.join(':'))) errors.push(`"${expr}": list values go in brackets, e.g. ${field}:in:[a,b].`);
  }
  for (const expr of splitExpressions(s)) {
    if (!/^[A-Za-z][\w.]*:(asc|desc)$/.test(expr)) errors.push(`"${expr}" is not field:asc or field:desc.`);
  }
  if (errors.length) return { source: null, errors };
  const source: InventorySource = { kind: 'inventory', resource };
  if (f) source.filter = f;
  if (s) source.sort = s;
  return { source, errors };
}
