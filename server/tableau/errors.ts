/**
 * Typed errors of the Tableau client. Every failure that leaves server/tableau is a TableauError whose
 * `code` is one of the stable ApiErrorBody codes (common/errors.ts) and whose message is plain words
 * for the analyst. Messages are built from Tableau's codes and our own text only: never from request
 * headers or bodies, so a token, password or JWT cannot leak through an error.
 */
import type { ApiErrorBody, TableauErrorCode } from '../../common/errors.js';
import { restErrorSchema, vdsErrorSchema } from './schemas/error.js';

// What Tableau said or why it could not be reached: a subset of the product's one code union.
export type { TableauErrorCode } from '../../common/errors.js';

export interface TableauErrorInit {
  code: TableauErrorCode;
  message: string;
  hint?: string;
  tableauCode?: string;
  httpStatus?: number;
  /** What went wrong underneath, for logs only (never shown to the analyst). */
  cause?: unknown;
}

export class TableauError extends Error {
  readonly code: TableauErrorCode;
  readonly hint?: string;
  readonly tableauCode?: string;
  readonly httpStatus?: number;

  constructor(init: TableauErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TableauError';
    this.code = init.code;
    this.hint = init.hint;
    this.tableauCode = init.tableauCode;
    this.httpStatus = init.httpStatus;
  }

  toApiError(): ApiErrorBody {
    const body: ApiErrorBody = { code: this.code, message: this.message };
    if (this.hint) body.hint = this.hint;
    if (this.tableauCode) body.tableauCode = this.tableauCode;
    return body;
  }
}

export function isTableauError(e: unknown): e is TableauError {
  return e instanceof TableauError;
}

interface Known {
  code: TableauErrorCode;
  message: string;
  hint?: string;
}

/**
 * One documented Tableau error code: the HTTP status and condition Tableau documents for it, what
 * we call it, the words the analyst sees, what to do, and where the code is documented.
 */
export interface TableauCodeEntry extends Known {
  /** HTTP status Tableau documents for the code (its first three digits, except 400080). */
  status: number;
  /** Tableau's own name for the condition, as on the page cited in `source`. */
  condition: string;
  /** Public page that documents the code (a URL, or "owner/repo path" for a public client's code). */
  source: string;
  /** Append Tableau's own detail text: it names what was wrong more precisely than our words can. */
  withDetail?: boolean;
}

const REST_DOCS = 'https://help.tableau.com/current/api/rest_api/en-us/REST';
/** Error tables of the methods we call, by reference page (each method's "Errors" section). */
const REST_SOURCES = {
  concepts: `${REST_DOCS}/rest_api_concepts_errors.htm`,
  auth: `${REST_DOCS}/rest_api_ref_authentication.htm`, // Sign In, Sign Out, Switch Site
  server: `${REST_DOCS}/rest_api_ref_server.htm`, // Server Info
  workbooks: `${REST_DOCS}/rest_api_ref_workbooks_and_views.htm`, // Query Workbooks/Workbook/Views/View Data/Connections, Update Workbook Now, custom views
  datasources: `${REST_DOCS}/rest_api_ref_data_sources.htm`, // Query Data Sources/Data Source, Update Data Source Now
  projects: `${REST_DOCS}/rest_api_ref_projects.htm`, // Query Projects
  users: `${REST_DOCS}/rest_api_ref_users_and_groups.htm`, // Get Users on Site, Query Groups
  jobs: `${REST_DOCS}/rest_api_ref_jobs_tasks_and_schedules.htm`, // Query Job(s), List Extract Refresh Tasks, Run Extract Refresh Task
  paging: `${REST_DOCS}/rest_api_concepts_paging.htm`,
  customViewNotFound: 'https://help.tableau.com/current/api/migration_sdk/en-us/docs/ref_download_custom_view.html',
} as const;

/** https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_error_codes.html (the whole VDS table). */
const VDS_SOURCE = 'https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_error_codes.html';

const SIGN_IN_AGAIN = 'Sign in again: connect to the server from the Connections screen.';
const ASK_PERMISSION = 'Ask the owner of the item, a project leader or a site administrator in Tableau to grant you the permission.';
const REPORT_BUG = 'This is a fault in the companion server, not in your data: report it with the server log.';

/**
 * REST API codes the product's requests can receive: every code in the error tables of Sign In, Sign
 * Out, Switch Site, Server Info, Query Workbooks for Site, Query Workbook, Query Views for Workbook,
 * Query Workbook Connections, Query Views for Site, Query View Data, Get Custom View Data, Query Data
 * Sources, Query Data Source, Query Projects, Get Users on Site, Query Groups, Query Jobs, Query Job,
 * List Extract Refresh Tasks, Update Data Source Now and Update Workbook Now, plus the codes real
 * clients report for those requests. The first three digits are the HTTP status (concepts page).
 */
export const REST_CODES: Readonly<Record<string, TableauCodeEntry>> = {
  // -- 400: the request itself ------------------------------------------------------------------
  '400000': {
    // Sign In, Switch Site, Update Data Source Now, Update Workbook Now: "missing or incomplete, or malformed".
    status: 400,
    condition: 'Bad request',
    source: REST_SOURCES.auth,
    withDetail: true,
    code: 'bad-request',
    message: 'Tableau rejected the request as malformed.',
    hint: REPORT_BUG,
  },
  '400006': {
    // Every list method (Query Workbooks/Views/Data Sources/Projects/Groups, Get Users on Site...).
    status: 400,
    condition: 'Invalid page number',
    source: REST_SOURCES.workbooks,
    code: 'bad-request',
    message: 'Tableau rejected the page number: there are fewer pages than requested.',
    hint: 'The list changed while it was being read. Try again.',
  },
  '400007': {
    status: 400,
    condition: 'Invalid page size',
    source: REST_SOURCES.workbooks,
    code: 'bad-request',
    message: 'Tableau rejected the page size of a list request.',
    hint: REPORT_BUG,
  },
  '400008': {
    // Query Views for Site / for Workbook: includeUsageStatistics other than true or false.
    status: 400,
    condition: 'Invalid parameter value',
    source: REST_SOURCES.workbooks,
    withDetail: true,
    code: 'bad-request',
    message: 'Tableau rejected a parameter of the request.',
    hint: REPORT_BUG,
  },
  '400023': {
    // Seen on Query Workbooks for Site with fields=_all_ on REST 3.12 (divinorum-webb/tableau-api-lib#38).
    status: 400,
    condition: 'Bad request (fields)',
    source: 'divinorum-webb/tableau-api-lib issue #38',
    withDetail: true,
    code: 'bad-request',
    message: 'Tableau rejected the list request (often caused by fields=_all_ on older servers).',
  },
  '400047': {
    // List Extract Refresh Tasks: "The schedule type does not represent an extract refresh task."
    status: 400,
    condition: 'Invalid schedule type',
    source: REST_SOURCES.jobs,
    code: 'bad-request',
    message: 'Tableau says the schedule is not an extract refresh schedule.',
  },
  '400065': {
    // Filter key unknown for this API version (tableau/server-client-python issues #338, #753).
    status: 400,
    condition: 'Bad request (filter)',
    source: 'tableau/server-client-python issues #338 and #753',
    withDetail: true,
    code: 'bad-request',
    message: 'Tableau does not know a field in the list filter (this server version may not support it).',
    hint: 'Remove that filter, or use it against a newer Tableau version.',
  },
  '400080': {
    // Query View Data: a 400 that means not found: "The view ID in the URI doesn't correspond to a view available on the specified site."
    status: 400,
    condition: 'Bad Request (view not on site)',
    source: REST_SOURCES.workbooks,
    code: 'not-found',
    message: 'Tableau could not find that view on this site. It may have been deleted, or you may no longer have access to it.',
    hint: 'Check in Tableau that the view still exists; if its workbook was republished, choose the view again in Edit source.',
  },
  '400113': {
    // Get / Test / Delete a Webhook: "Responses in the 4xx range mean that the webhook did not function
    // properly, or does not exist (400113)" (Test a Webhook; docs/tableau-rest.md#webhooks).
    status: 400,
    condition: 'Webhook does not exist',
    source: 'tableau/webhooks-docs README.md (Test a Webhook)',
    code: 'not-found',
    message: 'Tableau could not find that webhook. It may have been deleted.',
    hint: 'List the webhooks of the site again; a site administrator can create it anew.',
  },
  // -- 401: who is asking --------------------------------------------------------------------------
  '401000': {
    // Switch Site, Update ... Now: "No authentication credentials were provided" / token invalid or expired.
    status: 401,
    condition: 'Unauthorized access',
    source: REST_SOURCES.auth,
    code: 'session-expired',
    message: 'The Tableau session has expired. Sign in again.',
    hint: SIGN_IN_AGAIN,
  },
  '401001': {
    // Sign In: "The credentials ... are invalid for the specified site, or the site content URL is invalid."
    status: 401,
    condition: 'Login error',
    source: REST_SOURCES.auth,
    code: 'bad-credentials',
    message: 'Tableau did not accept the sign-in.',
    hint: 'Check the token name and secret (or user name and password) and the site. Personal access tokens expire after 15 days without use.',
  },
  '401002': {
    // Switch Site, Query View Data: invalid or expired token; also a PAT signed in elsewhere (TSC issue #1227).
    status: 401,
    condition: 'Unauthorized access',
    source: REST_SOURCES.auth,
    code: 'session-expired',
    message: 'The Tableau session is no longer valid (expired, signed out, or the same personal access token signed in elsewhere).',
    hint: SIGN_IN_AGAIN,
  },
  '401003': {
    // Switch Site: "There was a problem switching sites. The site might be unavailable or is not found."
    status: 401,
    condition: 'Switch site error',
    source: REST_SOURCES.auth,
    code: 'not-found',
    message: 'Tableau could not switch to that site: it may be unavailable or may not exist.',
    hint: 'Check the site ID (the part after /site/ in the address of the site in a browser).',
  },
  // -- 403: not allowed ----------------------------------------------------------------------------
  '403004': {
    // Query Views for Site/Workbook, Query Data Source, Update Workbook Now: "Read forbidden" / "Update forbidden".
    status: 403,
    condition: 'Read forbidden / Update forbidden',
    source: REST_SOURCES.workbooks,
    code: 'forbidden',
    message: 'You do not have permission for this in Tableau.',
    hint: ASK_PERMISSION,
  },
  '403014': {
    // Every list method: page size over the system-wide upper limit of 1000.
    status: 403,
    condition: 'Page size limit exceeded',
    source: REST_SOURCES.workbooks,
    code: 'bad-request',
    message: 'Tableau refused the page size of a list request (more than 1000 items a page).',
    hint: REPORT_BUG,
  },
  '403018': {
    // Query Workbooks for Site, Query Workbook: caller lacks Read.
    status: 403,
    condition: 'Read forbidden',
    source: REST_SOURCES.workbooks,
    code: 'forbidden',
    message: 'You do not have permission to see this workbook in Tableau.',
    hint: ASK_PERMISSION,
  },
  '403021': {
    // Query Workbook Connections: caller lacks Read.
    status: 403,
    condition: 'Read forbidden',
    source: REST_SOURCES.workbooks,
    code: 'forbidden',
    message: "You do not have permission to see this workbook's connections in Tableau.",
    hint: ASK_PERMISSION,
  },
  '403032': {
    // Query View Data ("Read forbidden"), Update Data Source/Workbook Now ("Update Forbidden").
    status: 403,
    condition: 'Read forbidden / Update Forbidden',
    source: REST_SOURCES.workbooks,
    code: 'forbidden',
    message: "You do not have permission for this in Tableau (reading the view's data, or refreshing the extract).",
    hint: `Downloading a view's data needs the Download Summary Data capability; a refresh needs the owner, a project leader or an administrator. ${ASK_PERMISSION}`,
  },
  '403047': {
    // Run Extract Refresh Task: "The task specified is not an extract refresh task."
    status: 403,
    condition: 'Extract refresh error',
    source: REST_SOURCES.jobs,
    code: 'bad-request',
    message: 'Tableau says that task is not an extract refresh task.',
  },
  '403070': {
    // Switch Site: the destination is the current site (TSC auth_endpoint.py treats it as a no-op).
    status: 403,
    condition: 'Cannot switch to the same site',
    source: REST_SOURCES.auth,
    code: 'conflict',
    message: 'That site is already the current site.',
  },
  '403157': {
    // Feature disabled on the server or site (tableau/tableau-mcp src/sdks/tableau/methods/viewsMethods.ts).
    status: 403,
    condition: 'Feature disabled',
    source: 'tableau/tableau-mcp src/sdks/tableau/methods/viewsMethods.ts',
    code: 'feature-unavailable',
    message: 'This feature is turned off on the Tableau server.',
    hint: 'A Tableau administrator can turn it on.',
  },
  // -- 404: something is missing -------------------------------------------------------------------
  '404000': {
    // Every site-scoped method: "The site ID in the URI doesn't correspond to an existing site."
    status: 404,
    condition: 'Site not found',
    source: REST_SOURCES.workbooks,
    code: 'not-found',
    message: 'Tableau could not find the site. It may have been deleted or renamed.',
    hint: 'Check the site ID (the part after /site/ in the address of the site in a browser) and connect again.',
  },
  '404001': {
    // Server Info on a server whose REST API lacks the endpoint: TSC server_info_endpoint.py raises EndpointUnavailableError.
    status: 404,
    condition: 'Endpoint unavailable',
    source: 'tableau/server-client-python tableauserverclient/server/endpoint/server_info_endpoint.py',
    code: 'feature-unavailable',
    message: 'This Tableau server does not offer this API request.',
    hint: 'This needs a newer version of Tableau Server.',
  },
  '404002': {
    // Sign In (user ID in the body), Users methods; the concepts page's own example.
    status: 404,
    condition: 'User not found',
    source: REST_SOURCES.concepts,
    code: 'not-found',
    message: 'Tableau could not find that user on the site.',
  },
  '404003': {
    // Unknown resource in the URI: the API version or path is newer than the server (test/fixtures/tableau-reference/tsc-assets/server_info_404.xml).
    status: 404,
    condition: 'Resource not found (unknown resource)',
    source: 'tableau/server-client-python test/assets/server_info_404.xml',
    code: 'feature-unavailable',
    message: 'This Tableau server does not know this API request (the server may be too old).',
    hint: 'This needs a newer version of Tableau Server.',
  },
  '404004': {
    // Query Data Source, Update Data Source Now: "The data source ID in the URI doesn't correspond to an existing data source."
    status: 404,
    condition: 'Data source not found',
    source: REST_SOURCES.datasources,
    code: 'not-found',
    message: 'Tableau could not find the data source. It may have been deleted, or you may no longer have access to it.',
    hint: 'Check in Tableau that the published data source still exists; if it was republished, choose it again in Edit source.',
  },
  '404005': {
    // Project methods: "The project ID ... doesn't correspond to an existing project."
    status: 404,
    condition: 'Project not found',
    source: REST_SOURCES.projects,
    code: 'not-found',
    message: 'Tableau could not find the project. It may have been deleted, or you may no longer have access to it.',
  },
  '404006': {
    // Query Workbook, Query Views for Workbook, Query Workbook Connections, Update Workbook Now.
    status: 404,
    condition: 'Workbook not found',
    source: REST_SOURCES.workbooks,
    code: 'not-found',
    message: 'Tableau could not find the workbook. It may have been deleted, or you may no longer have access to it.',
    hint: 'Check in Tableau that the workbook still exists; if it was republished, choose the view again in Edit source.',
  },
  '404011': {
    // View methods (Query View Image/Data, view permissions): "View not found".
    status: 404,
    condition: 'View not found',
    source: REST_SOURCES.workbooks,
    code: 'not-found',
    message: 'Tableau could not find the view. It may have been deleted, or you may no longer have access to it.',
    hint: 'Check in Tableau that the view still exists; if its workbook was republished, choose the view again in Edit source.',
  },
  '404012': {
    // Group methods: "Group not found".
    status: 404,
    condition: 'Group not found',
    source: REST_SOURCES.users,
    code: 'not-found',
    message: 'Tableau could not find the group. It may have been deleted.',
  },
  '404018': {
    // Query Job: "The job ID in the URI doesn't correspond to an existing job."
    status: 404,
    condition: 'Job not found',
    source: REST_SOURCES.jobs,
    code: 'not-found',
    message: 'Tableau could not find the job. Finished jobs are removed after a while.',
  },
  '404026': {
    // Get / Run Extract Refresh Task: "The task ID in the URI doesn't correspond to an existing task."
    status: 404,
    condition: 'Task not found',
    source: REST_SOURCES.jobs,
    code: 'not-found',
    message: 'Tableau could not find the extract refresh task. It may have been deleted.',
  },
  '404048': {
    // Custom view methods: "The custom view ID in the URI doesn't correspond to an existing custom view."
    status: 404,
    condition: 'Custom view not found',
    source: REST_SOURCES.customViewNotFound,
    code: 'not-found',
    message: 'Tableau could not find the custom view. Its owner may have deleted it or stopped sharing it.',
    hint: 'Choose the view again in Edit source, or ask the owner to share the custom view.',
  },
  // -- 405: wrong method or wrong address -------------------------------------------------------------
  '405000': {
    // Every method. Sign In adds: on Tableau Cloud the pod is missing from the server address, or http:// was used for an https server.
    status: 405,
    condition: 'Invalid request method',
    source: REST_SOURCES.auth,
    code: 'bad-request',
    message: 'Tableau refused the request method.',
    hint: 'Check the server address: Tableau Cloud needs the pod (for example https://10az.online.tableau.com) and the address must start with https://.',
  },
  // -- 429 / 5xx: Tableau is busy or broken -------------------------------------------------------------
  '429000': {
    // Too many requests (tableau/server-client-python issue #952, Tableau Cloud); export slots are 20 a site.
    status: 429,
    condition: 'Too many requests',
    source: 'tableau/server-client-python issue #952',
    code: 'rate-limited',
    message: 'Tableau is receiving too many requests. Try again in a minute.',
  },
  '500000': {
    // Internal Server Error (documented on schedule methods; the concepts page lists 500 as a server fault).
    status: 500,
    condition: 'Internal Server Error',
    source: REST_SOURCES.concepts,
    code: 'server-error',
    message: 'Tableau reported an internal error.',
    hint: 'Try again later; if it persists, a Tableau administrator can find the cause in the server logs.',
  },
};

const VDS_LIMITS = 'https://help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_limitations.html';

/**
 * VizQL Data Service codes: the whole table of vds_error_codes.html (also mirrored in tableau/tableau-mcp
 * src/tools/web/queryDatasource/queryDatasourceErrorHandler.ts). VDS answers its own shape
 * `{errorCode, message, datetime, debug}` (TableauError in the VDS OpenAPI schema), not REST's.
 */
export const VDS_CODES: Readonly<Record<string, TableauCodeEntry>> = {
  '400000': {
    status: 400,
    condition: 'Bad request',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-invalid-query',
    message: 'Tableau rejected the query: the request is not valid JSON or is incomplete.',
    hint: REPORT_BUG,
  },
  '400800': {
    status: 400,
    condition: 'Invalid formula for calculation',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-invalid-query',
    message: 'A calculation in the query is not a valid Tableau formula.',
    hint: 'Fix the calculation: it uses the same syntax as a calculated field in Tableau.',
  },
  '400802': {
    status: 400,
    condition: 'Invalid API request',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-invalid-query',
    message: 'The query does not match the VizQL Data Service format of this Tableau version.',
  },
  '400803': {
    // "The incoming request isn't valid per the validation rules." An unknown field caption is the common case
    // ("Unknown Field: Foobar.", tableau-mcp queryDatasource.test.ts); vdsError refines on that text.
    status: 400,
    condition: 'Validation failed',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-invalid-query',
    message: 'Tableau rejected the query.',
    hint: 'Check the fields, filters and calculations of the query against the data source.',
  },
  '400804': {
    status: 400,
    condition: 'Response too large',
    source: VDS_SOURCE,
    code: 'vds-response-too-large',
    // vds_limitations.html: 1 GB per response; lifted in 2026.1, which streams results (vds_create_queries.html).
    message: 'The query result is too large for Tableau to return: before version 2026.1, Tableau sends at most 1 GB per answer.',
    hint: 'Add a filter or a row limit.',
  },
  '401001': {
    status: 401,
    condition: 'Log-in error',
    source: VDS_SOURCE,
    code: 'bad-credentials',
    message: 'Tableau did not accept the sign-in for VizQL Data Service.',
    hint: 'Check the token name and secret (or user name and password) and the site, then connect again.',
  },
  '401002': {
    status: 401,
    condition: 'Invalid authorization credentials',
    source: VDS_SOURCE,
    code: 'session-expired',
    message: 'The Tableau session is no longer valid. Sign in again.',
    hint: SIGN_IN_AGAIN,
  },
  '403157': {
    status: 403,
    condition: 'Feature disabled',
    source: VDS_SOURCE,
    code: 'vds-disabled',
    message: 'VizQL Data Service is turned off on this Tableau site.',
    hint: 'A Tableau administrator must turn on VizQL Data Service for the site.',
  },
  '403800': {
    // Also answered when querying a workbook's embedded data source on a site without VDSForWorkbookDatasources
    // (tableau/tableau-mcp pull request #916), so Tableau's own text is shown too.
    status: 403,
    condition: 'API access permission denied',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-no-api-access',
    message: 'You do not have the "API Access" permission on this data source.',
    hint: 'Ask the data source owner or a site administrator to set the API Access capability to Allowed for you.',
  },
  '404934': {
    status: 404,
    condition: 'Unknown field',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-unknown-field',
    message: 'The query names a field that the data source does not have.',
    hint: 'The field may have been renamed or removed: open the query and pick the fields again.',
  },
  '404935': {
    status: 404,
    condition: 'Duplicate field caption',
    source: VDS_SOURCE,
    withDetail: true,
    code: 'vds-invalid-query',
    message: 'The data source has two or more fields with the same name, so Tableau cannot tell which one the query means.',
    hint: 'Ask the data source owner to rename one of them.',
  },
  '404950': {
    // The request reached VizQL Data Service, which does not have this endpoint: the service is on, the operation is not.
    status: 404,
    condition: 'API endpoint not found',
    source: VDS_SOURCE,
    code: 'feature-unavailable',
    message: "This Tableau server's VizQL Data Service does not offer this request.",
    hint: 'It needs a newer version of Tableau Server.',
  },
  '408000': {
    status: 408,
    condition: 'Request timeout',
    source: VDS_SOURCE,
    code: 'timeout',
    message: 'The VizQL Data Service query timed out.',
    hint: 'Add a filter to make the query smaller.',
  },
  '409000': {
    status: 409,
    condition: 'User already on site',
    source: VDS_SOURCE,
    code: 'conflict',
    message: 'Tableau reported a conflict while running the query.',
    hint: 'Try again; if it persists, a Tableau administrator can check the server logs.',
  },
  '429000': {
    status: 429,
    condition: 'Too many requests',
    source: VDS_SOURCE,
    code: 'rate-limited',
    message: "The site's VizQL Data Service query budget is used up for now.",
    hint: `Try again later: each Creator licence on the site adds 100 queries an hour (${VDS_LIMITS}).`,
  },
  '500000': {
    status: 500,
    condition: 'Internal server error',
    source: VDS_SOURCE,
    code: 'server-error',
    message: 'Tableau could not complete the query (internal error).',
    hint: 'Try again later.',
  },
  '500810': {
    status: 500,
    condition: 'VDS empty table response',
    source: VDS_SOURCE,
    code: 'server-error',
    message: "Tableau's data engine returned an empty answer for the query.",
    hint: 'Try again later.',
  },
  '500811': {
    status: 500,
    condition: 'VDS missing table',
    source: VDS_SOURCE,
    code: 'server-error',
    message: "Tableau's data engine returned no metadata for the data source.",
    hint: 'Try again later.',
  },
  '500812': {
    status: 500,
    condition: 'Error while processing an error',
    source: VDS_SOURCE,
    code: 'server-error',
    message: 'Tableau failed while reporting an error about the query.',
    hint: 'Try again later.',
  },
  '501000': {
    status: 501,
    condition: 'Not implemented',
    source: VDS_SOURCE,
    code: 'server-error',
    message: 'VizQL Data Service got no answer from the service behind it.',
    hint: 'Try again later.',
  },
  '503800': {
    status: 503,
    condition: 'VDS unavailable',
    source: VDS_SOURCE,
    code: 'server-unavailable',
    message: "Tableau's data engine is unavailable for VizQL Data Service.",
    hint: 'Try again in a few minutes.',
  },
  '503801': {
    status: 503,
    condition: 'VDS discovery error',
    source: VDS_SOURCE,
    code: 'server-unavailable',
    message: 'VizQL Data Service could not find the service it needs to run the query.',
    hint: 'Try again in a few minutes.',
  },
  '504000': {
    status: 504,
    condition: 'Gateway timeout',
    source: VDS_SOURCE,
    code: 'timeout',
    message: 'Tableau timed out while answering the query.',
    hint: 'Add a filter to make the query smaller, or try again later.',
  },
};

/**
 * A 404 in the VDS shape whose code is none of the three documented 404s (404934, 404935, 404950).
 * vds_error_codes.html documents no code for a data source that is gone; the answer is a VDS error
 * (so the service is running and answered) about a missing resource, and Tableau's 404xxx codes
 * name a missing resource (rest_api_concepts_errors.htm) — the simulator sends 404000.
 */
const VDS_DATASOURCE_NOT_FOUND: Known = {
  code: 'not-found',
  message: 'Tableau could not find the data source. It may have been deleted or replaced, or you may no longer have access to it.',
  hint: 'Check in Tableau that the published data source still exists and that you can open it; if it was republished, choose it again in Edit source.',
};

/**
 * A 404 from a VDS endpoint that is not a VDS answer at all (an HTML page, an empty body, REST's
 * shape): nothing at that address speaks VizQL Data Service. Tableau Server answers so when VDS is
 * not enabled with TSM (tableau/tableau-mcp vizqlDataServiceMethods.ts maps every such 404 to
 * "feature-disabled"; getVizqlDataServiceDisabledError.ts).
 */
const VDS_NOT_DEPLOYED: Known = {
  code: 'vds-disabled',
  message: 'VizQL Data Service is not enabled on this server.',
  hint: 'Tableau answered HTTP 404 without a VizQL Data Service error. A Tableau Server administrator can enable it with TSM (features.VizqlDataServiceDeployWithTSM).',
};

/** Fallback by HTTP status when the body carries no code we know (HTML gateway pages, bare 429s). */
function byStatus(status: number): Known {
  if (status === 400) return { code: 'bad-request', message: 'Tableau rejected the request as invalid.' };
  if (status === 401) return { code: 'session-expired', message: 'Tableau did not accept the session. Sign in again.' };
  if (status === 403) return { code: 'forbidden', message: 'You do not have permission for this in Tableau.' };
  if (status === 404)
    return { code: 'not-found', message: 'Tableau could not find that item. It may have been deleted or you may lack access.' };
  if (status === 405) return { code: 'bad-request', message: 'Tableau refused the request method.', hint: REST_CODES['405000'].hint };
  if (status === 409) return { code: 'conflict', message: 'Tableau refused the request in the current state.' };
  if (status === 408 || status === 504) return { code: 'timeout', message: 'Tableau took too long to answer.' };
  if (status === 429) return { code: 'rate-limited', message: 'Tableau is receiving too many requests. Try again in a minute.' };
  if (status === 502 || status === 503) return { code: 'server-unavailable', message: 'Tableau is temporarily unavailable.' };
  if (status >= 500) return { code: 'server-error', message: `Tableau reported an internal error (HTTP ${status}).` };
  return { code: 'invalid-response', message: `Tableau answered with an unexpected HTTP status ${status}.` };
}

/** Tableau's own text is safe to show (it never echoes credentials) but can be long; keep it short. */
function clip(text: string | undefined, max = 300): string | undefined {
  if (!text) return undefined;
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function tryParseJson(text: string): unknown {
  const t = text.replace(/^\uFEFF/, '').trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** REST error body `{error:{code,summary,detail}}` → code, or undefined (HTML page, empty body...). */
export function restErrorCode(body: string): string | undefined {
  const parsed = restErrorSchema.safeParse(tryParseJson(body));
  return parsed.success ? parsed.data.error.code : undefined;
}

export function vdsErrorCode(body: string): string | undefined {
  const parsed = vdsErrorSchema.safeParse(tryParseJson(body));
  return parsed.success ? parsed.data.errorCode : restErrorCode(body);
}

/** Build the error for a non-2xx REST answer. The HTML of a gateway page is never parsed as JSON. */
export function restError(status: number, body: string): TableauError {
  const parsed = restErrorSchema.safeParse(tryParseJson(body));
  const tableauCode = parsed.success ? parsed.data.error.code : undefined;
  const entry = tableauCode ? REST_CODES[tableauCode] : undefined;
  const known = entry ?? byStatus(status);
  // Tableau's detail is added for codes we have no words for, and for codes whose detail says more than ours.
  const detail = parsed.success && (!entry || entry.withDetail) ? clip(parsed.data.error.detail ?? parsed.data.error.summary) : undefined;
  return new TableauError({
    code: known.code,
    message: detail ? `${known.message} Tableau says: ${detail}` : known.message,
    hint: known.hint,
    tableauCode,
    httpStatus: status,
  });
}

/** 400803 "Validation failed" covers many rules; an unknown field caption is the one the analyst can fix by name. */
function refineVds(entry: TableauCodeEntry, tableauText: string | undefined): Known {
  if (entry === VDS_CODES['400803'] && tableauText && /unknown field/i.test(tableauText)) return VDS_CODES['404934'];
  return entry;
}

/**
 * VDS errors have their own shape `{errorCode, message, datetime, debug}` (TableauError in the VDS
 * OpenAPI schema). A 404 is read by what answered it:
 * - a VDS error with 404934 / 404935 / 404950: that documented condition (unknown field, duplicate
 *   caption, no such endpoint) — the service is running;
 * - a VDS error with any other code (the simulator's 404000): the data source is gone or out of reach;
 * - no VDS error at all (HTML, empty, REST shape): VizQL Data Service is not deployed at that server.
 */
export function vdsError(status: number, body: string): TableauError {
  const parsed = vdsErrorSchema.safeParse(tryParseJson(body));
  const tableauCode = parsed.success ? parsed.data.errorCode : restErrorCode(body);
  const tableauText = parsed.success ? clip(parsed.data.message) : undefined;
  const entry = parsed.success ? VDS_CODES[parsed.data.errorCode] : undefined;
  let known: Known & { withDetail?: boolean };
  if (status === 404 && !parsed.success) known = VDS_NOT_DEPLOYED;
  else if (entry) known = refineVds(entry, tableauText);
  else if (status === 404) known = VDS_DATASOURCE_NOT_FOUND;
  else known = status === 429 ? VDS_CODES['429000'] : byStatus(status);
  const withDetail = known.withDetail ?? (!entry && parsed.success);
  return new TableauError({
    code: known.code,
    message: withDetail && tableauText ? `${known.message} Tableau says: ${tableauText}` : known.message,
    hint: known.hint,
    tableauCode,
    httpStatus: status,
  });
}

export type TableauApi = 'rest' | 'vds';

/**
 * Our words for a Tableau code (used by tests and by callers building their own errors). A code can
 * mean different things in the two APIs (REST 401001 is the sign-in, VDS 401001 the VDS log-in);
 * without `api` the REST meaning wins, then VDS's.
 */
export function describeTableauCode(
  tableauCode: string,
  api?: TableauApi,
): { code: TableauErrorCode; message: string; hint?: string } | undefined {
  const k =
    api === 'vds' ? VDS_CODES[tableauCode] : api === 'rest' ? REST_CODES[tableauCode] : (REST_CODES[tableauCode] ?? VDS_CODES[tableauCode]);
  return k ? { code: k.code, message: k.message, hint: k.hint } : undefined;
}
