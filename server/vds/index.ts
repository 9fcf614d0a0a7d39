/** VizQL Data Service request validation (product code; also used by the simulator). */
export { filterFieldProblem, filterFieldsRelaxed, queryFilterProblems } from './filter-rules.js';
export { validateVdsRequest } from './validate.js';
export { operationsOf, schemaAtLeast, schemaVersionFor, VDS_SCHEMA_VERSIONS, type VdsOperation, type VdsSchemaVersion } from './version.js';
