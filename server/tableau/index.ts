/** Public API of the Tableau client: everything else in the product imports from here. */
export { TableauClient, type SearchResult } from './client.js';
export { TableauError, describeTableauCode } from './errors.js';
export { supportsFeature, vdsSchemaVersion, parseProductVersion, compareVersions } from './features.js';
export { SessionCache } from './sessions.js';
export { Limiter } from './limiter.js';
export { buildFilter } from './paging.js';
export type { ResourceItem } from './resources.js';
export { silentLogger, type Clock, type Logger } from './http.js';
export { viewDataQuery, stripBom } from './views.js';
export type { Project } from './schemas/project.js';
export type { View } from './schemas/view.js';
export type { Job } from './schemas/job.js';
