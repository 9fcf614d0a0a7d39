/**
 * The list endpoints as data: path under /sites/{site}, JSON wrapper keys, item schema, and the
 * default sort that keeps offset paging stable (docs/tableau-rest.md#paging).
 * `createdAt:asc` first means content added during a crawl lands on the LAST page instead of
 * shifting earlier pages (paging.ts relies on that: `appendStable`).
 */
import type { z } from 'zod';

import { customViewSchema } from './schemas/customView.js';
import { datasourceSchema } from './schemas/datasource.js';
import { extractRefreshTaskSchema } from './schemas/extractRefreshTask.js';
import { groupSchema } from './schemas/group.js';
import { jobSchema } from './schemas/job.js';
import { projectSchema } from './schemas/project.js';
import { userSchema } from './schemas/user.js';
import { viewSchema } from './schemas/view.js';
import { workbookSchema } from './schemas/workbook.js';

export interface ResourceDef<S extends z.ZodType = z.ZodType> {
  path: string;
  listKey: string;
  itemKey: string;
  schema: S;
  /** undefined = the endpoint does not page (tasks/extractRefreshes). */
  defaultSort?: string;
  paged: boolean;
}

function def<S extends z.ZodType>(d: ResourceDef<S>): ResourceDef<S> {
  return d;
}

export const RESOURCES = {
  projects: def({
    path: 'projects',
    listKey: 'projects',
    itemKey: 'project',
    schema: projectSchema,
    defaultSort: 'createdAt:asc,name:asc',
    paged: true,
  }),
  workbooks: def({
    path: 'workbooks',
    listKey: 'workbooks',
    itemKey: 'workbook',
    schema: workbookSchema,
    defaultSort: 'createdAt:asc,name:asc',
    paged: true,
  }),
  views: def({ path: 'views', listKey: 'views', itemKey: 'view', schema: viewSchema, defaultSort: 'createdAt:asc,name:asc', paged: true }),
  datasources: def({
    path: 'datasources',
    listKey: 'datasources',
    itemKey: 'datasource',
    schema: datasourceSchema,
    defaultSort: 'createdAt:asc,name:asc',
    paged: true,
  }),
  // Users and groups have no createdAt filter/sort field (REST filtering doc): name is the stable key.
  users: def({ path: 'users', listKey: 'users', itemKey: 'user', schema: userSchema, defaultSort: 'name:asc', paged: true }),
  groups: def({ path: 'groups', listKey: 'groups', itemKey: 'group', schema: groupSchema, defaultSort: 'name:asc', paged: true }),
  jobs: def({
    path: 'jobs',
    listKey: 'backgroundJobs',
    itemKey: 'backgroundJob',
    schema: jobSchema,
    defaultSort: 'createdAt:asc',
    paged: true,
  }),
  customViews: def({
    path: 'customviews',
    listKey: 'customViews',
    itemKey: 'customView',
    schema: customViewSchema,
    defaultSort: 'createdAt:asc,name:asc',
    paged: true,
  }),
  extractRefreshTasks: def({
    path: 'tasks/extractRefreshes',
    listKey: 'tasks',
    itemKey: 'task',
    schema: extractRefreshTaskSchema,
    paged: false,
  }),
};

export type ListResource = keyof typeof RESOURCES;
export type ResourceItem<R extends ListResource> = z.infer<(typeof RESOURCES)[R]['schema']>;
