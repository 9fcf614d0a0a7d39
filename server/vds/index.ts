/** VizQL Data Service request validation (product code; also used by the simulator). */
export { validateVdsRequest } from './validate.js';
export { schemaVersionFor, operationsOf, VDS_SCHEMA_VERSIONS, type VdsSchemaVersion, type VdsOperation } from './version.js';
