export * from './schema.js';
export { migrate, splitV1Connection, type MigrationResult } from './migrate.js';
export { emptyDocument, parseDocument, serializeDocument, InvalidDefinitionError, type ParseResult, type UnreadableReason } from './document.js';
export {
  DefinitionStore,
  DefinitionNotFoundError,
  UnreadableDocumentError,
  type DefinitionInput,
  type DefinitionPatch,
  type DocumentPort,
  type ReadResult,
  type WriteOptions,
} from './store.js';
export { describeProvenance, provenanceRows, type ProvenanceOptions, type ProvenanceRow } from './provenance.js';
export { REFRESH_NAMESPACE, BACKUP_NAMESPACE, wrapDocument, unwrapDocument } from './xml.js';
