/**
 * Content of a simulated Tableau site. Plain records (numbers/booleans typed); the serializers turn
 * them into Tableau's JSON, where most of them become strings.
 */
export type SheetType = 'view' | 'dashboard' | 'story';
export type SiteRole =
  'SiteAdministratorCreator' | 'SiteAdministratorExplorer' | 'Creator' | 'Explorer' | 'ExplorerCanPublish' | 'Viewer' | 'Unlicensed';

export interface SimSite {
  id: string;
  name: string;
  contentUrl: string;
}

export interface SimUser {
  id: string;
  /** Numeric id used by content search (`ownerId`), which predates LUIDs. */
  legacyId: number;
  name: string;
  fullName: string;
  email: string;
  siteRole: SiteRole;
  /** Add User to Site / Update User `authSetting`; absent = ServerDefault. */
  authSetting?: string;
  lastLogin?: string;
  /** Only for username/password sign-in; never serialized. */
  password?: string;
}

export interface SimGroup {
  id: string;
  name: string;
  domainName: string;
  minimumSiteRole?: SiteRole;
  /** With a minimum site role: onLogin (local groups, Create Group) or onSync (imported groups). */
  grantLicenseMode?: 'onLogin' | 'onSync';
  userIds: string[];
}

export interface SimProject {
  id: string;
  name: string;
  description: string;
  parentProjectId?: string;
  ownerId: string;
  contentPermissions: 'ManagedByOwner' | 'LockedToProject' | 'LockedToProjectWithoutNested';
  createdAt: string;
  updatedAt: string;
}

export interface SimConnection {
  id: string;
  type: string;
  serverAddress: string;
  serverPort?: string;
  userName: string;
  embedPassword: boolean;
  /** Workbook connections point at the (published or embedded) data source they use. */
  datasourceId?: string;
  datasourceName?: string;
}

export interface SimWorkbook {
  id: string;
  name: string;
  description: string;
  contentUrl: string;
  projectId: string;
  ownerId: string;
  showTabs: boolean;
  size: number;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  hasExtracts: boolean;
  /** View ids in sheet order. */
  viewIds: string[];
  connections: SimConnection[];
  /** Extract refreshes of this workbook end with finishCode 1. */
  refreshFails?: boolean;
}

export interface SimView {
  id: string;
  name: string;
  /** `Workbook/sheets/ViewUrlName` */
  contentUrl: string;
  viewUrlName: string;
  workbookId: string;
  ownerId: string;
  sheetType: SheetType;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  totalViewCount: number;
  favoritesTotal: number;
  /** Catalog key of the view's summary data (server/sim/data/catalog.ts). */
  dataKey?: string;
  /** A dashboard's sheets, by name, in the workbook's order (the Metadata API's Dashboard.sheets). */
  dashboardSheets?: string[];
}

export interface SimDatasource {
  id: string;
  name: string;
  description: string;
  contentUrl: string;
  type: string;
  projectId: string;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  size: number;
  hasExtracts: boolean;
  isCertified: boolean;
  encryptExtracts: boolean;
  connections: SimConnection[];
  dataKey?: string;
  /** False = the signed-in user lacks "API Access" (VDS answers 403800). */
  apiAccess: boolean;
  refreshFails?: boolean;
  hitsTotal: number;
  favoritesTotal: number;
}

export interface SimCustomView {
  id: string;
  name: string;
  viewId: string;
  ownerId: string;
  shared: boolean;
  createdAt: string;
  updatedAt: string;
  lastAccessedAt: string;
  filters: Record<string, string>;
}

type JobStatus = 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'Cancelled';

export interface SimJob {
  id: string;
  /** REST `type` of Query Job, e.g. RefreshExtract. */
  type: string;
  /** `jobType` of the jobs list, e.g. refresh_extracts. */
  jobType: string;
  priority: number;
  createdAt: number;
  target?: { kind: 'datasource' | 'workbook'; id: string; name: string };
  /** Jobs created by refresh calls move on (see jobs.ts); seeded history jobs are frozen. */
  live: boolean;
  fails: boolean;
  /** Frozen state of history jobs, and the settled state of live ones. */
  status: JobStatus;
  startedAt?: number;
  endedAt?: number;
  polls: number;
  notes?: string;
}

interface SimSchedule {
  id: string;
  name: string;
  frequency: 'Hourly' | 'Daily' | 'Weekly' | 'Monthly';
  nextRunAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimTask {
  id: string;
  priority: number;
  consecutiveFailedCount: number;
  target: { kind: 'datasource' | 'workbook'; id: string };
  schedule: SimSchedule;
}

export interface SimPat {
  name: string;
  secret: string;
  userId: string;
}

export interface SimConnectedApp {
  clientId: string;
  secretId: string;
  secretValue: string;
}
