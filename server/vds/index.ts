/** VizQL Data Service request validation (product code; also used by the simulator). */
export { validateVdsRequest, type VdsValidation } from './validate.js';
export { schemaVersionFor, operationsOf, VDS_SCHEMA_VERSIONS, type VdsSchemaVersion, type VdsOperation } from './version.js';
export { describePath } from './messages.js';
export { calculationDepth, calculationProblem, type CalculationLimits } from './calculation-limits.js';
