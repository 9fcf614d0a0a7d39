/**
 * Tableau REST errors. JSON shape `{"error":{"summary","detail","code"}}` with `code` a STRING whose
 * first three digits are the HTTP status (docs/tableau-rest.md#error-format; tableau/Logshark#117, tableau-api-lib#50).
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly summary: string,
    readonly detail: string,
  ) {
    super(`${code} ${summary}: ${detail}`);
  }

  body(): { error: { summary: string; detail: string; code: string } } {
    return { error: { summary: this.summary, detail: this.detail, code: this.code } };
  }
}

/**
 * The codes real servers send for the situations the simulator models. Sources: docs/tableau-rest.md#sessions, docs/tableau-errors.md,
 * TSC docstrings (400006/400007/403014 in users_endpoint.py), TSC#338/#753 (400065). Not-found codes per
 * resource are those of the REST reference's per-method error tables
 * (help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_*.htm): site 404000, user 404002,
 * data source 404004 (Query Data Source), project 404005, workbook 404006 (Query Workbook), view 404011,
 * group 404012, job 404018 (Query Job), task 404026 (Get/Run Extract Refresh Task), custom view 404048
 * (migration_sdk/en-us/docs/ref_download_custom_view.html).
 */
export const errors = {
  badRequest: (detail: string) => new SimError(400, '400000', 'Bad Request', detail),
  invalidPageNumber: () =>
    new SimError(
      400,
      '400006',
      'Invalid page number',
      'The page number is not an integer, is less than one, or is greater than the final page number for the requested page size.',
    ),
  invalidPageSize: () => new SimError(400, '400007', 'Invalid page size', 'The page size parameter is not an integer, is less than one.'),
  pageSizeLimit: () =>
    new SimError(403, '403014', 'Page size limit exceeded', 'The specified page size is larger than the maximum page size'),
  unknownFilterKey: (key: string) =>
    new SimError(400, '400065', 'Bad Request', `The filter query contains a key which is not recognized for this api version: '${key}'.`),
  noCredentials: () => new SimError(401, '401000', 'Unauthorized Access', 'No authentication credentials were provided.'),
  signinError: () => new SimError(401, '401001', 'Signin Error', 'Error signing in to Tableau Server'),
  invalidCredentials: () => new SimError(401, '401002', 'Unauthorized Access', 'Invalid authentication credentials were provided.'),
  switchSiteError: (detail: string) => new SimError(403, '403070', 'Switch site error', detail),
  switchSiteFailed: (detail: string) => new SimError(401, '401003', 'Switch site error', `There was a problem switching sites. ${detail}`),
  /**
   * Webhook methods are for site administrators only (webhooks-get-started.html "Prerequisites"). The
   * code is **unverified** for webhooks: 403004 is the code the REST reference gives a caller without
   * the permission a method needs (rest_api_ref_workbooks_and_views.htm); docs/tableau-rest.md#webhooks.
   */
  webhooksForbidden: () =>
    new SimError(403, '403004', 'Forbidden', 'Only server and site administrators can create, view, test or delete webhooks.'),
  /**
   * "Responses in the 4xx range mean that the webhook did not function properly, or does not exist
   * (400113)" (tableau/webhooks-docs README.md "Test a Webhook"); Get and Delete answer the same here.
   */
  webhookNotFound: (id: string) => new SimError(400, '400113', 'Bad Request', `The webhook '${id}' does not exist.`),
  // ---- writing users, groups and projects (routes/provisioning.ts) ----
  /**
   * Users, groups and projects are written by site administrators only (REST reference "Permissions"
   * of Add User to Site, Create Group, Create Project: rest_api_ref_users_and_groups.htm,
   * rest_api_ref_projects.htm). The code is **unverified** here as for webhooks: 403004 is the code
   * the reference gives a caller without the permission a method needs.
   */
  adminOnly: (what: string) => new SimError(403, '403004', 'Forbidden', `Only site or server administrators can ${what}.`),
  /** Add User to Site / Update User (TSC users_endpoint.py docstring of `add`: 400013). */
  invalidSiteRole: (role: string) =>
    new SimError(
      400,
      '400013',
      'Invalid site role',
      `'${role}' is not a site role: the value of the siteRole attribute must be Creator, Explorer, ExplorerCanPublish, SiteAdministratorCreator, SiteAdministratorExplorer, Unlicensed, or Viewer.`,
    ),
  /**
   * A user name already on the site. 409017 is what current servers send (TSC samples/create_group.py
   * handles "409017" for it); TSC's older docstring of users.add names 409000 "User conflict".
   */
  userConflict: (name: string) => new SimError(409, '409017', 'User conflict', `The user '${name}' already exists on the site.`),
  /** Create Group / Update Group with a name the site has (TSC samples/create_group.py: 409009). */
  groupConflict: (name: string) =>
    new SimError(409, '409009', 'Group name conflict', `A group named '${name}' already exists on the site.`),
  /** Add User to Group for a member (TSC samples/create_group.py: 409011). */
  memberConflict: () => new SimError(409, '409011', 'User conflict', 'The specified user is already a member of the specified group.'),
  /** Create / Update Project: the same name under the same parent (REST reference, Create Project errors: 409006). */
  projectConflict: (name: string) =>
    new SimError(409, '409006', 'Project name conflict', `A project named '${name}' already exists in the same parent project.`),
  /**
   * Remove User from Site for a user who still owns content: Tableau only sets the user's site role to
   * Unlicensed and answers 409 Conflict (Okta Workflows' Tableau Cloud connector, "Remove User from
   * Site", https://help.okta.com/wf/en-us/content/topics/workflows/connector-reference/tableaucloud/actions/removeuserfromsite.htm).
   * The code after 409 is **unverified**.
   */
  userOwnsContent: (name: string) =>
    new SimError(
      409,
      '409000',
      'Conflict',
      `The user '${name}' owns content and cannot be removed; their site role was set to Unlicensed. Hand the content to another user (mapAssetsTo).`,
    ),
  unknownResource: (path: string) => new SimError(404, '404003', 'Resource Not Found', `Unknown resource '${path}' specified in URI.`),
  notFound: (what: NotFoundKind, id: string) => {
    const [code, label] = NOT_FOUND[what];
    return new SimError(
      404,
      code,
      `${label} not found`,
      `The ${label.toLowerCase()} ID '${id}' doesn't correspond to an existing ${label.toLowerCase()}.`,
    );
  },
};

export type NotFoundKind = keyof typeof NOT_FOUND;
const NOT_FOUND = {
  site: ['404000', 'Site'],
  user: ['404002', 'User'],
  datasource: ['404004', 'Datasource'],
  project: ['404005', 'Project'],
  workbook: ['404006', 'Workbook'],
  view: ['404011', 'View'],
  group: ['404012', 'Group'],
  job: ['404018', 'Job'],
  task: ['404026', 'Task'],
  customView: ['404048', 'Custom view'],
} as const satisfies Record<string, readonly [string, string]>;
