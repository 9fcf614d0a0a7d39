/**
 * After an insert, the table becomes refreshable: its definition is stored in the workbook. The
 * connection is kept as server URL + site only (never the session's connection id or a secret),
 * so a colleague who opens the workbook refreshes with their own sign-in.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import type { ColumnSpec } from '../../../common/stream.js';
import type { RefreshDefinition } from '../definitions/schema.js';
import type { DefinitionInput, DefinitionStore } from '../definitions/store.js';

/** What the insert flow reports once a table is in the workbook; stored here as a definition. */
export interface InsertedTable {
  kind?: 'table';
  tableName: string;
  sheet: string;
  address: string;
  source: PullSource;
  connection: ConnectionInfo;
  columns: ColumnSpec[];
  rowCount: number;
  /** A row limit cut the data (the table holds fewer rows than the source). */
  truncated: boolean;
  /** The view's picture placed beside the table: refreshed with it (definitions/schema.ts `picture`). */
  picture?: { name: string };
}

/** A "Picture only" insert: the view's picture alone, refreshed in place (definitions/schema.ts kind 'picture'). */
interface InsertedPicture {
  kind: 'picture';
  /** The picture's shape name on `sheet`. */
  name: string;
  sheet: string;
  source: PullSource;
  connection: ConnectionInfo;
}

export type Inserted = InsertedTable | InsertedPicture;

function definitionFromPicture(picture: InsertedPicture, now: Date): DefinitionInput {
  return {
    kind: 'picture',
    source: picture.source as RefreshDefinition['source'],
    connection: { serverUrl: picture.connection.serverUrl, siteContentUrl: picture.connection.siteContentUrl },
    target: { sheet: picture.sheet },
    picture: { name: picture.name },
    options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: null },
    columns: [],
    lastResult: { at: now.toISOString(), rows: 0, durationMs: 0, status: 'ok' },
  };
}

function definitionFromInsert(table: InsertedTable, now: Date): DefinitionInput {
  const rows = table.rowCount;
  return {
    // The store validates the source with zod (definitions/schema.ts) before anything is saved.
    source: table.source as RefreshDefinition['source'],
    connection: { serverUrl: table.connection.serverUrl, siteContentUrl: table.connection.siteContentUrl },
    target: { sheet: table.sheet, tableName: table.tableName },
    options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: null },
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    ...(table.picture ? { picture: table.picture } : {}),
    // The insert was the first pull: record it, truncation included (never silent).
    lastResult: {
      at: now.toISOString(),
      rows,
      durationMs: 0,
      status: table.truncated ? 'truncated' : 'ok',
      ...(table.truncated ? { truncated: true } : {}),
    },
  };
}

/**
 * The `onInserted` hook for Services. A table that already had a definition (same name: the
 * analyst deleted the table and inserted again) keeps its id and options but gets the new source.
 */
export function createOnInserted(store: DefinitionStore, options: { now?: () => Date; onStored?: (def: RefreshDefinition) => void } = {}) {
  const now = options.now ?? (() => new Date());
  return async (inserted: Inserted): Promise<void> => {
    if (inserted.kind === 'picture') {
      // The same picture inserted again (deleted, then inserted under its old name): one entry, kept.
      const existing = await store.findByPicture(inserted.sheet, inserted.name);
      const input = definitionFromPicture(inserted, now());
      const stored = await store.upsert(existing ? { ...input, id: existing.id, options: existing.options } : input);
      options.onStored?.(stored);
      return;
    }
    const table = inserted;
    const input = definitionFromInsert(table, now());
    const existing = await store.findByTable(table.tableName);
    // A server schedule pulled the OLD source: it no longer feeds this table.
    const kept = existing ? (({ serverScheduleId: _dropped, ...rest }) => rest)(existing.options) : null;
    const stored = await store.upsert(existing && kept ? { ...input, id: existing.id, options: kept } : input);
    options.onStored?.(stored);
  };
}
