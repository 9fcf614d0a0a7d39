/**
 * DefinitionStore: list/get/upsert/remove refresh definitions kept in the workbook.
 *
 * Every change is read-modify-write of the whole document, queued one after another, so two
 * refreshes finishing together both land (no lost update). The document is re-read for each
 * change rather than cached, because the user may have undone, or a co-author changed, the part.
 * A document that cannot be read is never overwritten unless the caller says so explicitly
 * (`overwriteUnreadable: true`, e.g. after the user chose "Start over"); even then the old text
 * is first copied to a backup part.
 */
import { emptyDocument, InvalidDefinitionError, parseDocument, serializeDocument, type UnreadableReason } from './document.js';
import {
  type ColumnSnapshot,
  describeIssues,
  displayName,
  identityKey,
  type LastResult,
  type RefreshDefinition,
  refreshDefinitionSchema,
  type RefreshDocument,
} from './schema.js';
import { BACKUP_NAMESPACE, REFRESH_NAMESPACE } from './xml.js';

/** The part of WorkbookGateway (addin/workbook/gateway.ts) the store needs. */
interface DocumentPort {
  readDocument(namespace: string): Promise<string | null>;
  writeDocument(namespace: string, xml: string): Promise<void>;
}

export class UnreadableDocumentError extends Error {
  constructor(
    readonly reason: UnreadableReason,
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableDocumentError';
  }
}

export class DefinitionNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`There is no refresh definition with id ${id} in this workbook (it may have been removed).`);
    this.name = 'DefinitionNotFoundError';
  }
}

type ReadResult =
  | { status: 'ok'; definitions: RefreshDefinition[]; migratedFrom?: number }
  | { status: 'unreadable'; reason: UnreadableReason; message: string };

/** What a caller supplies; the store assigns id (when new), createdAt and updatedAt. */
export type DefinitionInput = Omit<RefreshDefinition, 'id' | 'createdAt' | 'updatedAt' | 'lastResult' | 'columns'> & {
  id?: string;
  lastResult?: RefreshDefinition['lastResult'];
  columns?: RefreshDefinition['columns'];
};

export type DefinitionPatch = Partial<Pick<RefreshDefinition, 'source' | 'connection' | 'target'>> & {
  options?: Partial<RefreshDefinition['options']>;
};

interface WriteOptions {
  /** Replace a damaged or newer-version document (after backing it up) instead of refusing. */
  overwriteUnreadable?: boolean;
}

interface DefinitionStoreOptions {
  now?: () => Date;
  newId?: () => string;
}

export class DefinitionStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly port: DocumentPort,
    options: DefinitionStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** The stored definitions, or why they cannot be read (for the pane to explain). */
  async read(): Promise<ReadResult> {
    const xml = await this.port.readDocument(REFRESH_NAMESPACE);
    if (xml === null) return { status: 'ok', definitions: [] };
    const parsed = parseDocument(xml);
    if (!parsed.ok) return { status: 'unreadable', reason: parsed.reason, message: parsed.message };
    return parsed.migratedFrom === undefined
      ? { status: 'ok', definitions: parsed.doc.definitions }
      : { status: 'ok', definitions: parsed.doc.definitions, migratedFrom: parsed.migratedFrom };
  }

  /** All definitions; throws UnreadableDocumentError when the stored document can't be read. */
  async list(): Promise<RefreshDefinition[]> {
    const result = await this.read();
    if (result.status === 'unreadable') throw new UnreadableDocumentError(result.reason, result.message);
    return result.definitions;
  }

  async get(id: string): Promise<RefreshDefinition | null> {
    return (await this.list()).find((d) => d.id === id) ?? null;
  }

  async findByTable(tableName: string): Promise<RefreshDefinition | null> {
    const key = tableName.toLowerCase();
    return (await this.list()).find((d) => d.target.tableName?.toLowerCase() === key) ?? null;
  }

  /** The picture-only definition of the picture `name` on `sheet`, if any. */
  async findByPicture(sheet: string, name: string): Promise<RefreshDefinition | null> {
    const key = identityKey({ kind: 'picture', target: { sheet }, picture: { name } });
    return (await this.list()).find((d) => d.kind === 'picture' && identityKey(d) === key) ?? null;
  }

  /** Adds a definition, or replaces the one with `input.id` (keeping its createdAt). */
  upsert(input: DefinitionInput, options: WriteOptions = {}): Promise<RefreshDefinition> {
    return this.change(options, (doc) => {
      const at = this.now().toISOString();
      const existing = input.id === undefined ? undefined : doc.definitions.find((d) => d.id === input.id);
      const next = this.validate({
        ...input,
        lastResult: input.lastResult ?? existing?.lastResult ?? null,
        columns: input.columns ?? existing?.columns ?? [],
        id: input.id ?? this.newId(),
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      });
      const clash = doc.definitions.find((d) => d.id !== next.id && identityKey(d) === identityKey(next));
      if (clash) {
        throw new InvalidDefinitionError([
          `${next.kind === 'picture' ? '' : 'Table '}${displayName(next)} already has a refresh definition; remove that one first.`,
        ]);
      }
      doc.definitions = existing ? doc.definitions.map((d) => (d.id === next.id ? next : d)) : [...doc.definitions, next];
      return next;
    });
  }

  /** Changes some fields of an existing definition; `options` are merged. */
  update(id: string, patch: DefinitionPatch, options: WriteOptions = {}): Promise<RefreshDefinition> {
    return this.change(options, (doc) => {
      const current = this.require(doc, id);
      const next = this.validate({
        ...current,
        ...patch,
        options: { ...current.options, ...patch.options },
        updatedAt: this.now().toISOString(),
      });
      const clash = doc.definitions.find((d) => d.id !== id && identityKey(d) === identityKey(next));
      if (clash)
        throw new InvalidDefinitionError([
          `${next.kind === 'picture' ? '' : 'Table '}${displayName(next)} already has a refresh definition.`,
        ]);
      doc.definitions = doc.definitions.map((d) => (d.id === id ? next : d));
      return next;
    });
  }

  /** Stores the outcome of a refresh (and the columns it wrote, when it wrote any). */
  recordResult(id: string, result: LastResult, columns?: ColumnSnapshot[], options: WriteOptions = {}): Promise<RefreshDefinition> {
    return this.change(options, (doc) => {
      const current = this.require(doc, id);
      // updatedAt tracks edits of the definition, not refreshes (those are lastResult.at).
      const next = this.validate({ ...current, lastResult: result, columns: columns ?? current.columns });
      doc.definitions = doc.definitions.map((d) => (d.id === id ? next : d));
      return next;
    });
  }

  /** Removes a definition; false when there was none with that id. */
  remove(id: string, options: WriteOptions = {}): Promise<boolean> {
    return this.change(options, (doc) => {
      const before = doc.definitions.length;
      doc.definitions = doc.definitions.filter((d) => d.id !== id);
      return doc.definitions.length !== before;
    });
  }

  private require(doc: RefreshDocument, id: string): RefreshDefinition {
    const found = doc.definitions.find((d) => d.id === id);
    if (!found) throw new DefinitionNotFoundError(id);
    return found;
  }

  private validate(candidate: unknown): RefreshDefinition {
    const checked = refreshDefinitionSchema.safeParse(candidate);
    if (!checked.success) throw new InvalidDefinitionError(describeIssues(checked.error));
    return checked.data;
  }

  /** Queues one read-modify-write; `mutate` edits `doc` in place and returns the caller's answer. */
  private change<T>(options: WriteOptions, mutate: (doc: RefreshDocument) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const xml = await this.port.readDocument(REFRESH_NAMESPACE);
      let doc = emptyDocument();
      if (xml !== null) {
        const parsed = parseDocument(xml);
        if (parsed.ok) {
          doc = parsed.doc;
        } else if (!options.overwriteUnreadable) {
          throw new UnreadableDocumentError(parsed.reason, parsed.message);
        } else {
          await this.port.writeDocument(BACKUP_NAMESPACE, backupXml(xml));
        }
      }
      const answer = mutate(doc);
      await this.port.writeDocument(REFRESH_NAMESPACE, serializeDocument(doc));
      return answer;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The unreadable part's text, kept verbatim (as escaped text) inside a backup part. */
function backupXml(original: string): string {
  const escaped = original.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<tableauRefreshBackup xmlns="${BACKUP_NAMESPACE}">${escaped}</tableauRefreshBackup>`;
}
