/** Public API of the Tableau client: everything else in the product imports from here. */
export { type SearchResult, TableauClient } from './client.js';
export { describeTableauCode, TableauError } from './errors.js';
export { compareVersions, parseProductVersion, supportsFeature, vdsSchemaVersion } from './features.js';
export { type Clock, type Logger, silentLogger } from './http.js';
export { Limiter } from './limiter.js';
export { buildFilter } from './paging.js';
export type { ResourceItem } from './resources.js';
export type { Job } from './schemas/job.js';
export type { Project } from './schemas/project.js';
export type { View } from './schemas/view.js';
export { SessionCache } from './sessions.js';
export { MemoryVdsBudget, type VdsBudgetUse } from './vds-budget.js';
export { viewDataQuery } from './views.js';
