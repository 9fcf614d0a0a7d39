import { newId, toContentUrl } from './ids.js';
import type {
  SheetType,
  SimConnectedApp,
  SimConnection,
  SimCustomView,
  SimDatasource,
  SimGroup,
  SimJob,
  SimPat,
  SimProject,
  SimSite,
  SimTask,
  SimUser,
  SimView,
  SimWorkbook,
} from './model.js';

const EPOCH = '2025-06-02T08:00:00Z';

/** A Map that reports every write, so SiteContent.revision cannot miss one. */
class TrackedMap<K, V> extends Map<K, V> {
  constructor(private readonly onChange: () => void) {
    super();
  }
  override set(key: K, value: V): this {
    super.set(key, value);
    // Map's constructor may call set() before onChange is assigned (it doesn't without entries).
    this.onChange?.();
    return this;
  }
  override delete(key: K): boolean {
    const removed = super.delete(key);
    if (removed) this.onChange();
    return removed;
  }
  override clear(): void {
    super.clear();
    this.onChange();
  }
}

export interface NewView {
  id?: string;
  name: string;
  sheetType?: SheetType;
  dataKey?: string;
  tags?: string[];
  totalViewCount?: number;
  /** Dashboards: the names of the sheets on it. */
  dashboardSheets?: string[];
}

export type NewWorkbook = Partial<Omit<SimWorkbook, 'viewIds'>> & {
  name: string;
  projectId: string;
  views?: NewView[];
};
export type NewDatasource = Partial<SimDatasource> & { name: string; projectId: string };
export type NewProject = Partial<SimProject> & { name: string };
export type NewUser = Partial<SimUser> & { name: string };

/**
 * Everything one site holds. Maps keep insertion order, which is the default order of list endpoints
 * (Tableau documents no default order; clients must not rely on one).
 */
export class SiteContent {
  /**
   * Bumped by every change of this site's content: map writes count themselves (TrackedMap), in-place
   * edits of an item call touch(). Serialized list pages are reused only while it stands still.
   */
  revision = 0;
  private readonly changed = (): void => {
    this.revision++;
  };
  readonly projects = new TrackedMap<string, SimProject>(this.changed);
  readonly workbooks = new TrackedMap<string, SimWorkbook>(this.changed);
  readonly views = new TrackedMap<string, SimView>(this.changed);
  readonly datasources = new TrackedMap<string, SimDatasource>(this.changed);
  readonly users = new TrackedMap<string, SimUser>(this.changed);
  readonly groups = new TrackedMap<string, SimGroup>(this.changed);
  readonly customViews = new TrackedMap<string, SimCustomView>(this.changed);
  readonly jobs = new TrackedMap<string, SimJob>(this.changed);
  readonly tasks = new TrackedMap<string, SimTask>(this.changed);
  readonly pats: SimPat[] = [];
  /** Every call of the write endpoints of routes/provisioning.ts that reached its handler, with its answer's status. */
  readonly writes: Array<{ method: string; path: string; status: number; key: string }> = [];
  readonly connectedApps: SimConnectedApp[] = [];
  private nextLegacyUserId = 1;

  constructor(readonly site: SimSite) {}

  /** Call after editing an item in place (a refreshed workbook's updatedAt, a user's lastLogin). */
  touch(): void {
    this.changed();
  }

  /** The owner used when a test adds content without naming one: the first user of the site. */
  defaultOwnerId(): string {
    const first = this.users.keys().next();
    if (first.done) throw new Error(`site '${this.site.contentUrl}' has no users yet`);
    return first.value;
  }

  addUser(u: NewUser): SimUser {
    const user: SimUser = {
      id: u.id ?? newId(),
      legacyId: u.legacyId ?? this.nextLegacyUserId++,
      fullName: u.fullName ?? u.name,
      email: u.email ?? `${u.name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
      siteRole: u.siteRole ?? 'Viewer',
      ...u,
    } as SimUser;
    this.users.set(user.id, user);
    return user;
  }

  addGroup(g: Partial<SimGroup> & { name: string }): SimGroup {
    const group: SimGroup = { id: g.id ?? newId(), domainName: 'local', userIds: [], ...g } as SimGroup;
    this.groups.set(group.id, group);
    return group;
  }

  addProject(p: NewProject): SimProject {
    const project: SimProject = {
      id: p.id ?? newId(),
      description: '',
      ownerId: p.ownerId ?? this.defaultOwnerId(),
      contentPermissions: 'ManagedByOwner',
      createdAt: EPOCH,
      updatedAt: EPOCH,
      ...p,
    } as SimProject;
    if (project.parentProjectId && !this.projects.has(project.parentProjectId)) {
      throw new Error(`parent project ${project.parentProjectId} does not exist`);
    }
    this.projects.set(project.id, project);
    return project;
  }

  addWorkbook(w: NewWorkbook): SimWorkbook {
    if (!this.projects.has(w.projectId)) throw new Error(`project ${w.projectId} does not exist`);
    const { views = [], ...rest } = w;
    const contentUrl = rest.contentUrl ?? toContentUrl(w.name);
    const workbook: SimWorkbook = {
      id: rest.id ?? newId(),
      description: '',
      contentUrl,
      ownerId: rest.ownerId ?? this.defaultOwnerId(),
      showTabs: true,
      size: 1,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      tags: [],
      hasExtracts: false,
      connections: [],
      ...rest,
      viewIds: [],
    };
    this.workbooks.set(workbook.id, workbook);
    for (const v of views) this.addView(workbook, v);
    return workbook;
  }

  addView(workbook: SimWorkbook, v: NewView): SimView {
    const viewUrlName = toContentUrl(v.name);
    const view: SimView = {
      id: v.id ?? newId(),
      name: v.name,
      viewUrlName,
      contentUrl: `${workbook.contentUrl}/sheets/${viewUrlName}`,
      workbookId: workbook.id,
      ownerId: workbook.ownerId,
      sheetType: v.sheetType ?? 'view',
      createdAt: workbook.createdAt,
      updatedAt: workbook.updatedAt,
      tags: v.tags ?? [],
      totalViewCount: v.totalViewCount ?? 0,
      favoritesTotal: 0,
      dataKey: v.dataKey,
      ...(v.dashboardSheets ? { dashboardSheets: v.dashboardSheets } : {}),
    };
    this.views.set(view.id, view);
    workbook.viewIds.push(view.id);
    return view;
  }

  removeWorkbook(id: string): boolean {
    const wb = this.workbooks.get(id);
    if (!wb) return false;
    for (const viewId of wb.viewIds) this.removeView(viewId);
    return this.workbooks.delete(id);
  }

  removeView(id: string): boolean {
    const view = this.views.get(id);
    if (!view) return false;
    for (const cv of [...this.customViews.values()]) if (cv.viewId === id) this.customViews.delete(cv.id);
    const wb = this.workbooks.get(view.workbookId);
    if (wb) wb.viewIds = wb.viewIds.filter((v) => v !== id);
    return this.views.delete(id);
  }

  addDatasource(d: NewDatasource): SimDatasource {
    if (!this.projects.has(d.projectId)) throw new Error(`project ${d.projectId} does not exist`);
    const ds: SimDatasource = {
      id: d.id ?? newId(),
      description: '',
      contentUrl: d.contentUrl ?? toContentUrl(d.name),
      type: 'hyper',
      ownerId: d.ownerId ?? this.defaultOwnerId(),
      createdAt: EPOCH,
      updatedAt: EPOCH,
      tags: [],
      size: 1,
      hasExtracts: true,
      isCertified: false,
      encryptExtracts: false,
      connections: [],
      apiAccess: true,
      hitsTotal: 0,
      favoritesTotal: 0,
      ...d,
    };
    this.datasources.set(ds.id, ds);
    return ds;
  }

  removeDatasource(id: string): boolean {
    return this.datasources.delete(id);
  }

  addCustomView(c: Partial<SimCustomView> & { name: string; viewId: string }): SimCustomView {
    if (!this.views.has(c.viewId)) throw new Error(`view ${c.viewId} does not exist`);
    const cv: SimCustomView = {
      id: c.id ?? newId(),
      ownerId: c.ownerId ?? this.defaultOwnerId(),
      shared: false,
      createdAt: EPOCH,
      updatedAt: EPOCH,
      lastAccessedAt: EPOCH,
      filters: {},
      ...c,
    };
    this.customViews.set(cv.id, cv);
    return cv;
  }

  addJob(j: Partial<SimJob> & { type: string; jobType: string; createdAt: number }): SimJob {
    const job: SimJob = { id: j.id ?? newId(), priority: 50, live: false, fails: false, status: 'Success', polls: 0, ...j };
    this.jobs.set(job.id, job);
    return job;
  }

  addTask(t: Partial<SimTask> & Pick<SimTask, 'target' | 'schedule'>): SimTask {
    const task: SimTask = { id: t.id ?? newId(), priority: 50, consecutiveFailedCount: 0, ...t };
    this.tasks.set(task.id, task);
    return task;
  }

  /** A published-data-source connection as a workbook that uses `ds` shows it. */
  static connectionTo(ds: SimDatasource, id: string = newId()): SimConnection {
    return {
      id,
      type: 'sqlproxy',
      serverAddress: 'localhost',
      serverPort: '8060',
      userName: '',
      embedPassword: false,
      datasourceId: ds.id,
      datasourceName: ds.name,
    };
  }
}
