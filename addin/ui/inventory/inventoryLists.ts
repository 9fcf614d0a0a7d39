import { splitTopLevel } from '../../../common/filter-syntax.js';
import type { InventoryResource, InventorySource } from '../../../common/source.js';

/**
 * The site lists the Inventory tab offers, the fields Tableau lets each be filtered and sorted on,
 * and the pure translation of the analyst's choices into Tableau's REST expressions
 * (`filter=field:op:value[,…]`, `sort=field:asc|desc[,…]`).
 *
 * Field names, types and operators follow Tableau's per-resource tables in "Filtering and Sorting in
 * the Tableau REST API"
 * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_concepts_filtering_and_sorting.htm;
 * docs/tableau-rest.md#filter-and-sort), which the simulator implements too (server/sim/resources/*.ts
 * `fields`, server/sim/filter.ts). Only fields an analyst would pick are offered; the advanced raw
 * box still takes any of Tableau's.
 */

type FieldType = 'string' | 'number' | 'date' | 'boolean' | 'tags';
export type Operator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'has';

export interface ListField {
  name: string;
  label: string;
  type: FieldType;
  /** Tableau's fixed values (site roles, job statuses): offered as a list instead of typed. */
  choices?: readonly string[];
  /** Operators when not the type's (see OPERATORS_BY_TYPE); e.g. jobs' title takes eq and has. */
  ops?: readonly Operator[];
  /** Offered as a filter (default true). */
  filter?: boolean;
  /** Offered as a sort field (default true; tags cannot be sorted). */
  sort?: boolean;
}

export interface InventoryList {
  resource: InventoryResource;
  label: string;
  fields: ListField[];
  /**
   * Tableau's `fields` expression asking for the names beside the ids: by default Tableau answers
   * `owner`, `project` and `workbook` with an id only on several lists (Query Views for Site:
   * `workbook.id`, `owner.id`, `project.id`), and an analyst cannot read an id. Qualified names
   * (`owner.name`) are Tableau's "Using Fields" syntax
   * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_concepts_fields.htm).
   */
  names?: string;
  /** Why there is nothing to filter on (extract refresh tasks take no filter or sort). */
  noFilter?: string;
}

/** Which operators each kind of field takes (REST reference: gt/gte/lt/lte for dates and numbers, in for lists of values). */
const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['eq', 'in'],
  number: ['eq', 'gt', 'gte', 'lt', 'lte'],
  // A date-time equal to a day's midnight is not what "on that day" means: only ranges are offered.
  date: ['gte', 'gt', 'lte', 'lt'],
  boolean: ['eq'],
  tags: ['eq', 'in'],
};

const OPERATOR_WORDS: Record<FieldType, Partial<Record<Operator, string>>> = {
  string: { eq: 'is', in: 'is one of', has: 'contains' },
  number: { eq: 'equals', gt: 'more than', gte: 'at least', lt: 'less than', lte: 'at most' },
  date: { gte: 'on or after', gt: 'after', lte: 'on or before', lt: 'before' },
  boolean: { eq: 'is' },
  tags: { eq: 'include', in: 'include one of' },
};

export function operatorsFor(field: ListField): readonly Operator[] {
  return field.ops ?? OPERATORS_BY_TYPE[field.type];
}

export function operatorLabel(field: ListField, op: Operator): string {
  return OPERATOR_WORDS[field.type][op] ?? op;
}

const SITE_ROLES = [
  'Creator',
  'Explorer',
  'ExplorerCanPublish',
  'SiteAdministratorCreator',
  'SiteAdministratorExplorer',
  'Viewer',
  'Unlicensed',
] as const;
const JOB_STATUSES = ['Success', 'Failed', 'Cancelled', 'InProgress', 'Pending'] as const;

const f = (name: string, label: string, type: FieldType, extra: Partial<ListField> = {}): ListField => ({ name, label, type, ...extra });
const owner = f('ownerName', 'Owner name', 'string');
const tags = f('tags', 'Tags', 'tags', { sort: false });
const created = f('createdAt', 'Created', 'date');
const updated = f('updatedAt', 'Updated', 'date');

export const INVENTORY_LISTS: InventoryList[] = [
  {
    resource: 'workbooks',
    label: 'Workbooks',
    fields: [
      f('name', 'Name', 'string'),
      f('projectName', 'Project name', 'string'),
      owner,
      tags,
      created,
      updated,
      f('hasExtracts', 'Has extracts', 'boolean'),
      f('sheetCount', 'Sheet count', 'number'),
      f('size', 'Size', 'number'),
    ],
    names: '_default_,owner.name',
  },
  {
    resource: 'views',
    label: 'Views with usage',
    fields: [
      f('name', 'Name', 'string'),
      f('workbookName', 'Workbook name', 'string'),
      f('projectName', 'Project name', 'string'),
      owner,
      f('sheetType', 'Sheet type', 'string', { choices: ['sheet', 'dashboard', 'story'] }),
      tags,
      created,
      updated,
      f('hitsTotal', 'Total views', 'number'),
      f('favoritesTotal', 'Favorites', 'number'),
    ],
    // Naming fields replaces the default set, and with it the usage Tableau adds for
    // includeUsageStatistics=true: the view count is named too.
    names: '_default_,owner.name,project.name,workbook.name,usage.totalViewCount',
  },
  {
    resource: 'datasources',
    label: 'Data sources',
    fields: [
      f('name', 'Name', 'string'),
      f('projectName', 'Project name', 'string'),
      owner,
      f('type', 'Type', 'string'),
      f('isCertified', 'Certified', 'boolean'),
      f('hasExtracts', 'Has extracts', 'boolean'),
      tags,
      created,
      updated,
    ],
    names: '_default_,owner.name',
  },
  {
    resource: 'projects',
    label: 'Projects',
    fields: [
      f('name', 'Name', 'string'),
      owner,
      f('topLevelProject', 'Top-level project', 'boolean'),
      f('parentProjectId', 'Parent project id', 'string', { sort: false }),
      created,
      updated,
    ],
    names: '_default_,owner.name',
  },
  {
    resource: 'users',
    label: 'Users',
    fields: [
      f('name', 'User name', 'string'),
      f('friendlyName', 'Display name', 'string'),
      f('email', 'Email', 'string'),
      f('siteRole', 'Site role', 'string', { choices: SITE_ROLES }),
      f('lastLogin', 'Last sign-in', 'date'),
    ],
  },
  {
    resource: 'groups',
    label: 'Groups',
    fields: [
      f('name', 'Name', 'string'),
      f('domainName', 'Domain', 'string'),
      f('isLocal', 'Local group', 'boolean'),
      f('userCount', 'User count', 'number'),
      f('minimumSiteRole', 'Minimum site role', 'string', { choices: SITE_ROLES }),
    ],
  },
  {
    resource: 'jobs',
    label: 'Jobs',
    fields: [
      f('status', 'Status', 'string', { choices: JOB_STATUSES }),
      f('jobType', 'Job type', 'string'),
      f('title', 'Title', 'string', { ops: ['eq', 'has'] }),
      f('notes', 'Notes', 'string', { ops: ['has'], sort: false }),
      created,
      f('startedAt', 'Started', 'date'),
      f('completedAt', 'Completed', 'date'),
      f('priority', 'Priority', 'number'),
    ],
  },
  {
    resource: 'extractRefreshTasks',
    label: 'Extract refresh tasks',
    fields: [],
    // List Extract Refresh Tasks in Site takes no filter or sort parameters (REST reference, Jobs,
    // Tasks, and Schedules methods; TSC tasks_endpoint.get has no request options).
    noFilter: 'Tableau lists every extract refresh task of the site; this list cannot be filtered or sorted.',
  },
];

export function listOf(resource: InventoryResource): InventoryList {
  return INVENTORY_LISTS.find((l) => l.resource === resource) ?? INVENTORY_LISTS[0];
}

/** One filter condition as the form holds it; `value` is what the control holds (a date as YYYY-MM-DD). */
export interface Condition {
  field: string;
  op: Operator | '';
  value: string;
}

export interface InventoryChoices {
  conditions: Condition[];
  sortField: string;
  sortDir: 'asc' | 'desc';
}

export const emptyChoices = (): InventoryChoices => ({ conditions: [], sortField: '', sortDir: 'asc' });

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Values of an "is one of": one per line or comma-separated. */
function splitValues(text: string): string[] {
  return text
    .split(/\r?\n|,/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/**
 * A day as the date-time Tableau compares with (`2016-05-04T21:24:49Z`, UTC): "after the 31st" and
 * "on or before the 31st" mean after its last second, the others its first.
 */
function dateValue(day: string, op: Operator): string {
  return `${day}T${op === 'gt' || op === 'lte' ? '23:59:59' : '00:00:00'}Z`;
}

/**
 * The analyst's choices → Tableau's filter and sort expressions, or what to fix in plain words.
 * Values may hold neither `,` nor `&` (Tableau splits on them, even encoded), and a field may be
 * named once: Tableau keeps only its last condition.
 */
export function buildExpressions(list: InventoryList, choices: InventoryChoices): { filter: string; sort: string; errors: string[] } {
  const errors: string[] = [];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const c of choices.conditions) {
    const field = list.fields.find((x) => x.name === c.field);
    if (!field) {
      errors.push('Choose a field for each filter, or remove the filter.');
      continue;
    }
    const op = c.op && operatorsFor(field).includes(c.op) ? c.op : operatorsFor(field)[0];
    if (seen.has(field.name)) {
      errors.push(`${field.label} is filtered twice; Tableau keeps only one condition per field.`);
      continue;
    }
    seen.add(field.name);
    const raw = c.value.trim();
    if (!raw) {
      errors.push(`${field.label}: give a value.`);
      continue;
    }
    if (op === 'in') {
      const values = splitValues(raw);
      if (values.some((v) => v.includes('&'))) errors.push(`${field.label}: Tableau filters cannot contain "&".`);
      else parts.push(`${field.name}:in:[${values.join(',')}]`);
      continue;
    }
    if (raw.includes(',') || raw.includes('&')) {
      errors.push(`${field.label}: Tableau filters cannot contain "," or "&".`);
      continue;
    }
    if (field.type === 'number' && !Number.isFinite(Number(raw))) {
      errors.push(`${field.label}: use a plain number like 10.`);
      continue;
    }
    if (field.type === 'date') {
      if (!ISO_DAY.test(raw)) {
        errors.push(`${field.label}: pick a date.`);
        continue;
      }
      parts.push(`${field.name}:${op}:${dateValue(raw, op)}`);
      continue;
    }
    parts.push(`${field.name}:${op}:${raw}`);
  }
  const sortField = list.fields.find((x) => x.name === choices.sortField && x.sort !== false);
  const sort = sortField ? `${sortField.name}:${choices.sortDir}` : '';
  return { filter: parts.join(','), sort, errors };
}

const RAW_OPERATORS = new Set(['eq', 'cieq', 'gt', 'gte', 'lt', 'lte', 'in', 'has']);

/** Filter expressions as the user typed them, split on top-level commas (see common/filter-syntax.ts). */
export function splitExpressions(text: string): string[] {
  return splitTopLevel(text)
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * Checks Tableau REST filter/sort syntax (docs/tableau-rest.md#filter-and-sort), as typed in the
 * advanced box or built by buildExpressions: `field:operator:value` joined by commas; `&` cannot be
 * expressed at all; `field:asc|desc` for sort.
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
    else if (!RAW_OPERATORS.has(op)) errors.push(`"${op}" is not a filter operator (use eq, gt, gte, lt, lte, in, has).`);
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

/** The source with Tableau asked for names beside ids, on the lists where it has them (InventoryList.names). */
export function withNames(source: InventorySource): InventorySource {
  const names = listOf(source.resource).names;
  return names && !source.fields ? { ...source, fields: names } : source;
}
