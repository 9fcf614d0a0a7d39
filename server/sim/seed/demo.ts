import { stableId } from '../state/ids.js';
import type { SimConnectedApp } from '../state/model.js';
import { SiteContent } from '../state/site.js';
import type { SimState } from '../state/store.js';

/**
 * The seeded demo server: the default site "" and the named site `superstore-demo` with a
 * Superstore-like content tree. Ids are stable across restarts (md5 of names). The credentials below are
 * fixtures of a local simulator, not secrets.
 */
const DEMO_SITE_CONTENT_URL = 'superstore-demo';

const DEMO_CONNECTED_APP: SimConnectedApp & { username: string } = {
  clientId: 'sim-connected-app-client',
  secretId: 'sim-connected-app-secret-id',
  secretValue: 'sim-connected-app-secret-value-0123456789abcdef',
  username: 'ada.admin',
};

export const DEMO = {
  siteContentUrl: DEMO_SITE_CONTENT_URL,
  patName: 'sim-pat',
  patSecret: 'sim-pat-secret-2Zq8Jk4Lw0Rt',
  /** A second PAT of another user, for tests that need two independent PAT sessions. */
  otherPatName: 'sim-pat-carl',
  otherPatSecret: 'sim-pat-secret-Carl7Xy3',
  username: 'ada.admin',
  password: 'sim-password',
  connectedApp: DEMO_CONNECTED_APP,
} as const;

/** View data keys the data half implements (server/sim/data/catalog.ts). */
export const VIEW_DATA_KEYS = ['orders-by-region', 'orders-by-month', 'measure-names', 'customers', 'product-detail', 'umsatz-de'] as const;
export const DATASOURCE_DATA_KEYS = ['superstore-orders', 'superstore-large'] as const;

const id = (kind: string, name: string) => stableId('demo', kind, name);
const day = (d: string, t = '09:30:00') => `${d}T${t}Z`;

function addPeople(site: SiteContent): void {
  const s = site.site.contentUrl;
  site.addUser({
    id: id('user', `${s}/ada`),
    name: 'ada.admin',
    fullName: 'Ada Admin',
    email: 'ada.admin@superstore.example',
    siteRole: 'SiteAdministratorCreator',
    password: DEMO.password,
    lastLogin: day('2026-01-30'),
  });
  site.addUser({
    id: id('user', `${s}/carl`),
    name: 'carl.creator',
    fullName: 'Carl Creator',
    email: 'carl.creator@superstore.example',
    siteRole: 'Creator',
    password: 'sim-password-carl',
    lastLogin: day('2026-01-29'),
  });
  site.addUser({
    id: id('user', `${s}/erin`),
    name: 'erin.explorer',
    fullName: 'Erin Explorer',
    email: 'erin.explorer@superstore.example',
    siteRole: 'Explorer',
    lastLogin: day('2026-01-12'),
  });
  site.addUser({
    id: id('user', `${s}/vera`),
    name: 'vera.viewer',
    fullName: 'Vera Viewer',
    email: 'vera.viewer@superstore.example',
    siteRole: 'Viewer',
  });
  const [ada, carl] = [...site.users.values()];
  site.pats.push({ name: DEMO.patName, secret: DEMO.patSecret, userId: ada.id });
  site.pats.push({ name: DEMO.otherPatName, secret: DEMO.otherPatSecret, userId: carl.id });
  site.connectedApps.push({
    clientId: DEMO_CONNECTED_APP.clientId,
    secretId: DEMO_CONNECTED_APP.secretId,
    secretValue: DEMO_CONNECTED_APP.secretValue,
  });
}

function seedDefaultSite(site: SiteContent): void {
  addPeople(site);
  const users = [...site.users.keys()];
  site.addGroup({ id: id('group', 'default/all'), name: 'All Users', userIds: users });
  const def = site.addProject({
    id: id('project', 'default/default'),
    name: 'default',
    description: 'The default project that was automatically created by Tableau.',
  });
  site.addWorkbook({
    id: id('workbook', 'default/getting-started'),
    name: 'Getting Started',
    projectId: def.id,
    views: [{ id: id('view', 'default/welcome'), name: 'Welcome', totalViewCount: 3 }],
  });
}

function seedDemoSite(site: SiteContent): void {
  addPeople(site);
  const [ada, carl, erin, vera] = [...site.users.values()];
  site.addGroup({ id: id('group', 'all'), name: 'All Users', userIds: [ada.id, carl.id, erin.id, vera.id] });
  site.addGroup({ id: id('group', 'sales'), name: 'Sales', userIds: [carl.id, erin.id] });
  site.addGroup({ id: id('group', 'finance'), name: 'Finance', userIds: [ada.id] });
  site.addGroup({
    id: id('group', 'analysts'),
    name: 'Analysts',
    minimumSiteRole: 'Explorer',
    domainName: 'superstore.example',
    userIds: [erin.id],
  });

  const p = (key: string, name: string, parent?: string, description = '', ownerId = ada.id, createdAt = day('2025-03-01')) =>
    site.addProject({
      id: id('project', key),
      name,
      description,
      parentProjectId: parent && id('project', parent),
      ownerId,
      createdAt,
      updatedAt: createdAt,
    });
  p('default', 'default', undefined, 'The default project that was automatically created by Tableau.');
  p('samples', 'Samples', undefined, 'Superstore sample content.');
  p('sales', 'Sales', 'samples', 'Sales reporting.', carl.id, day('2025-03-02'));
  p('emea', 'EMEA', 'sales', 'Europe, Middle East and Africa.', carl.id, day('2025-03-03'));
  p('americas', 'Americas', 'sales', '', carl.id, day('2025-03-03'));
  p('finance', 'Finance', 'samples', 'Finance dashboards.', ada.id, day('2025-03-04'));
  p('marketing', 'Marketing', 'samples', '', erin.id, day('2025-03-05'));
  p('datasources', 'Data Sources', undefined, 'Certified published data sources.', ada.id, day('2025-02-20'));
  p('archive', 'Archive', undefined, 'Old content, kept empty.', ada.id, day('2025-01-15'));
  const pid = (key: string) => id('project', key);

  const ds = (key: string, name: string, extra: Partial<Parameters<SiteContent['addDatasource']>[0]>) =>
    site.addDatasource({
      id: id('datasource', key),
      name,
      projectId: pid('datasources'),
      ownerId: ada.id,
      createdAt: day('2025-02-21'),
      updatedAt: day('2026-01-31', '02:00:00'),
      ...extra,
    });
  const conn = (key: string, type: string, serverAddress: string) => ({
    id: id('connection', key),
    type,
    serverAddress,
    serverPort: '5432',
    userName: 'reporting',
    embedPassword: true,
  });
  const orders = ds('orders', 'Superstore Orders', {
    description: 'Orders, 10,000 rows.',
    dataKey: 'superstore-orders',
    isCertified: true,
    size: 2_400_000,
    tags: ['sales', 'certified'],
    hitsTotal: 412,
    favoritesTotal: 7,
    connections: [conn('orders', 'postgres', 'db.superstore.example')],
  });
  const large = ds('large', 'Superstore Large', {
    description: 'Orders at scale, 1,000,000 rows.',
    dataKey: 'superstore-large',
    size: 240_000_000,
    hitsTotal: 38,
    connections: [conn('large', 'postgres', 'warehouse.superstore.example')],
  });
  ds('legacy', 'Legacy Sales Extract', {
    description: 'Its extract refresh fails (the source database is gone).',
    dataKey: 'superstore-orders',
    refreshFails: true,
    hitsTotal: 3,
    connections: [conn('legacy', 'sqlserver', 'old-sql.superstore.example')],
  });
  ds('restricted', 'Superstore Orders (Restricted)', {
    description: 'No API Access for anyone: VDS answers 403800.',
    dataKey: 'superstore-orders',
    apiAccess: false,
    connections: [conn('restricted', 'postgres', 'db.superstore.example')],
  });
  ds('cube', 'Finance Cube', {
    description: 'A cube: not queryable through VDS.',
    type: 'msolap',
    hasExtracts: false,
    projectId: pid('finance'),
    connections: [conn('cube', 'msolap', 'olap.superstore.example')],
  });

  type V = {
    name: string;
    dataKey?: string;
    sheetType?: 'view' | 'dashboard' | 'story';
    totalViewCount?: number;
    tags?: string[];
    dashboardSheets?: string[];
  };
  const wb = (key: string, name: string, project: string, views: V[], extra: Partial<Parameters<SiteContent['addWorkbook']>[0]> = {}) =>
    site.addWorkbook({
      id: id('workbook', key),
      name,
      projectId: pid(project),
      ownerId: carl.id,
      createdAt: day('2025-04-01'),
      updatedAt: day('2026-01-20'),
      hasExtracts: false,
      views: views.map((v) => ({ ...v, id: id('view', `${key}/${v.name}`) })),
      ...extra,
    });
  wb(
    'superstore',
    'Superstore',
    'sales',
    [
      { name: 'Orders by Region', dataKey: 'orders-by-region', totalViewCount: 1520, tags: ['regional'] },
      { name: 'Orders by Month', dataKey: 'orders-by-month', totalViewCount: 980 },
      { name: 'Measure Overview', dataKey: 'measure-names', totalViewCount: 210 },
      { name: 'Customers', dataKey: 'customers', totalViewCount: 640 },
      { name: 'Product Detail', dataKey: 'product-detail', totalViewCount: 455 },
      {
        name: 'Sales Overview',
        dataKey: 'orders-by-region',
        sheetType: 'dashboard',
        totalViewCount: 2210,
        dashboardSheets: ['Orders by Region', 'Orders by Month'],
      },
      { name: 'Sales Story', sheetType: 'story', totalViewCount: 77 },
    ],
    {
      description: 'The classic Superstore sample.',
      tags: ['sales', 'sample'],
      size: 3,
      connections: [SiteContent.connectionTo(orders, id('connection', 'superstore/orders'))],
    },
  );
  wb(
    'emea',
    'Regional Sales EMEA',
    'emea',
    [
      { name: 'Umsatz nach Region', dataKey: 'umsatz-de', totalViewCount: 320, tags: ['de-DE'] },
      { name: 'EMEA Orders by Region', dataKey: 'orders-by-region', totalViewCount: 150 },
      {
        name: 'EMEA Dashboard',
        dataKey: 'umsatz-de',
        sheetType: 'dashboard',
        totalViewCount: 260,
        dashboardSheets: ['Umsatz nach Region', 'EMEA Orders by Region'],
      },
    ],
    {
      description: 'Formatted for de-DE.',
      tags: ['emea'],
      connections: [SiteContent.connectionTo(orders, id('connection', 'emea/orders'))],
    },
  );
  wb(
    'americas',
    'Americas Sales',
    'americas',
    [
      { name: 'Orders by Region', dataKey: 'orders-by-region', totalViewCount: 95 },
      { name: 'Customers', dataKey: 'customers', totalViewCount: 41 },
    ],
    { showTabs: false, connections: [SiteContent.connectionTo(orders, id('connection', 'americas/orders'))] },
  );
  wb(
    'finance',
    'Finance Overview',
    'finance',
    [
      { name: 'Profit by Month', dataKey: 'orders-by-month', totalViewCount: 300 },
      {
        name: 'Finance KPIs',
        dataKey: 'orders-by-month',
        sheetType: 'dashboard',
        totalViewCount: 510,
        dashboardSheets: ['Profit by Month', 'Cube Summary'],
      },
      { name: 'Cube Summary', totalViewCount: 12 },
    ],
    {
      ownerId: ada.id,
      hasExtracts: true,
      tags: ['finance'],
      connections: [
        SiteContent.connectionTo(orders, id('connection', 'finance/orders')),
        {
          id: id('connection', 'finance/cube'),
          type: 'msolap',
          serverAddress: 'olap.superstore.example',
          userName: '',
          embedPassword: false,
          datasourceId: id('datasource', 'cube'),
          datasourceName: 'Finance Cube',
        },
      ],
    },
  );
  wb(
    'marketing',
    'Marketing Campaigns',
    'marketing',
    [
      { name: 'Campaign Customers', dataKey: 'customers', totalViewCount: 64 },
      { name: 'Product Mix', dataKey: 'product-detail', totalViewCount: 58 },
    ],
    { ownerId: erin.id, connections: [SiteContent.connectionTo(orders, id('connection', 'marketing/orders'))] },
  );
  wb('large', 'Large Orders Explorer', 'sales', [{ name: 'All Orders', dataKey: 'product-detail', totalViewCount: 19 }], {
    hasExtracts: true,
    connections: [SiteContent.connectionTo(large, id('connection', 'large/large'))],
  });
  wb('welcome', 'Getting Started', 'default', [{ name: 'Welcome', totalViewCount: 5 }], { ownerId: ada.id, showTabs: false });

  const view = (key: string, name: string) => id('view', `${key}/${name}`);
  site.addCustomView({
    id: id('customview', 'west'),
    name: 'West only',
    viewId: view('superstore', 'Orders by Region'),
    ownerId: carl.id,
    shared: true,
    filters: { Region: 'West' },
  });
  site.addCustomView({
    id: id('customview', 'furniture'),
    name: 'Furniture',
    viewId: view('superstore', 'Product Detail'),
    ownerId: erin.id,
    filters: { Category: 'Furniture' },
  });
  site.addCustomView({ id: id('customview', 'mine'), name: 'My customers', viewId: view('superstore', 'Customers'), ownerId: erin.id });

  const at = (iso: string) => Date.parse(iso);
  site.addJob({
    id: id('job', 'ok'),
    type: 'RefreshExtract',
    jobType: 'refresh_extracts',
    createdAt: at('2026-01-31T02:00:00Z'),
    startedAt: at('2026-01-31T02:00:04Z'),
    endedAt: at('2026-01-31T02:03:10Z'),
    status: 'Success',
    target: { kind: 'datasource', id: orders.id, name: orders.name },
  });
  site.addJob({
    id: id('job', 'failed'),
    type: 'RefreshExtract',
    jobType: 'refresh_extracts',
    createdAt: at('2026-01-31T03:00:00Z'),
    startedAt: at('2026-01-31T03:00:02Z'),
    endedAt: at('2026-01-31T03:00:40Z'),
    status: 'Failed',
    fails: true,
    notes: 'Unable to connect to the server old-sql.superstore.example.',
    target: { kind: 'datasource', id: id('datasource', 'legacy'), name: 'Legacy Sales Extract' },
  });
  site.addJob({
    id: id('job', 'subscription'),
    type: 'SubscriptionNotify',
    jobType: 'single_subscription_notify',
    createdAt: at('2026-02-01T07:00:00Z'),
    startedAt: at('2026-02-01T07:00:01Z'),
    endedAt: at('2026-02-01T07:00:09Z'),
    status: 'Success',
    priority: 60,
  });

  const schedule = (key: string, name: string, frequency: 'Hourly' | 'Daily' | 'Weekly', nextRunAt: string) => ({
    id: id('schedule', key),
    name,
    frequency,
    nextRunAt,
    createdAt: day('2025-02-01'),
    updatedAt: day('2025-02-01'),
  });
  site.addTask({
    id: id('task', 'orders'),
    target: { kind: 'datasource', id: orders.id },
    schedule: schedule('daily', 'Daily at 02:00', 'Daily', '2026-02-03T02:00:00Z'),
  });
  site.addTask({
    id: id('task', 'legacy'),
    consecutiveFailedCount: 4,
    target: { kind: 'datasource', id: id('datasource', 'legacy') },
    schedule: schedule('hourly', 'Every hour', 'Hourly', '2026-02-02T10:00:00Z'),
  });
  site.addTask({
    id: id('task', 'finance'),
    priority: 70,
    target: { kind: 'workbook', id: id('workbook', 'finance') },
    schedule: schedule('weekly', 'Weekly on Monday', 'Weekly', '2026-02-09T05:00:00Z'),
  });
}

/** Adds the default site and the demo site to `state`; returns the demo site. */
export function seedDemo(state: SimState): SiteContent {
  seedDefaultSite(state.addSite({ id: stableId('demo', 'site', ''), name: 'Default', contentUrl: '' }));
  const demo = state.addSite({
    id: stableId('demo', 'site', DEMO_SITE_CONTENT_URL),
    name: 'Superstore Demo',
    contentUrl: DEMO_SITE_CONTENT_URL,
  });
  seedDemoSite(demo);
  return demo;
}

/** A `--dataset file.csv`: one published data source and a one-sheet workbook over it, in "Data Sources". */
export function addCsvDataset(site: SiteContent, info: { dataKey: string; name: string }): void {
  const projectId = [...site.projects.values()].find((p) => p.name === 'Data Sources')?.id ?? site.addProject({ name: 'Data Sources' }).id;
  const ds = site.addDatasource({
    id: stableId('csv', 'datasource', info.dataKey),
    name: info.name,
    projectId,
    dataKey: info.dataKey,
    description: `Loaded from ${info.name}.`,
    type: 'textscan',
  });
  site.addWorkbook({
    id: stableId('csv', 'workbook', info.dataKey),
    name: info.name,
    projectId,
    views: [{ id: stableId('csv', 'view', info.dataKey), name: info.name, dataKey: info.dataKey }],
    connections: [SiteContent.connectionTo(ds, stableId('csv', 'connection', info.dataKey))],
  });
}
