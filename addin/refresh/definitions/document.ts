/**
 * The stored form of all refresh definitions: ONE versioned JSON document in ONE namespaced
 * custom XML part. Reading never guesses: a document that is damaged, or written by a newer
 * add-in, comes back as a refusal with plain words, so the caller can leave it untouched.
 */
import { migrate } from './migrate.js';
import { CURRENT_SCHEMA_VERSION, describeIssues, type RefreshDocument, refreshDocumentSchema } from './schema.js';
import { unwrapDocument, wrapDocument } from './xml.js';

export type UnreadableReason = 'corrupted' | 'newer-version';

type ParseResult = { ok: true; doc: RefreshDocument; migratedFrom?: number } | { ok: false; reason: UnreadableReason; message: string };

export function emptyDocument(): RefreshDocument {
  return { schemaVersion: CURRENT_SCHEMA_VERSION, definitions: [] };
}

const LEAD = "The Tableau refresh settings saved in this workbook can't be used:";
const KEPT = 'They have been left untouched.';

function corrupted(detail: string): ParseResult {
  return {
    ok: false,
    reason: 'corrupted',
    message: `${LEAD} ${detail} ${KEPT} You can import the tables again, which replaces them.`,
  };
}

export function parseDocument(xml: string): ParseResult {
  const unwrapped = unwrapDocument(xml);
  if (!unwrapped.ok) return corrupted(`they are damaged (${unwrapped.message})`);
  let raw: unknown;
  try {
    raw = JSON.parse(unwrapped.text);
  } catch {
    return corrupted('they are damaged (the text is not valid JSON).');
  }
  const result = migrate(raw);
  if (result.ok) return result;
  if (result.reason === 'newer-version') {
    return {
      ok: false,
      reason: 'newer-version',
      message: `${LEAD} ${result.message} ${KEPT} Update the add-in to refresh these tables.`,
    };
  }
  return corrupted(`they are damaged (${result.message.replace(/\.$/, '')}).`);
}

/** Thrown when a document to be saved breaks the schema: a bug or bad input, never written. */
export class InvalidDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(`The refresh definition is not valid: ${problems.join(' ')}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** Validates and serialises the current-version document into the custom XML part's text. */
export function serializeDocument(doc: RefreshDocument): string {
  const checked = refreshDocumentSchema.safeParse(doc);
  if (!checked.success) throw new InvalidDefinitionError(describeIssues(checked.error));
  return wrapDocument(JSON.stringify(checked.data));
}
