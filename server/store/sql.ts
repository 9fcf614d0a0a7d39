/**
 * The one door the stores use to their database: asynchronous queries with `?` placeholders.
 * Every store (sessions, connections, schedules, snapshots) is written once against it, so the
 * embedded SQLite file and a shared PostgreSQL run the same code and the same SQL; only the
 * adapters below and the migrations (db.ts, postgres.ts) differ.
 *
 * Values cross it as the SQLite rows always had them: timestamps as ISO-8601 strings, JSON as
 * text, blobs as Buffers, booleans as 1/0 on the way in (PostgreSQL's boolean input accepts
 * them: https://www.postgresql.org/docs/15/datatype-boolean.html) and truthy on the way out.
 */
import type { Statement } from 'better-sqlite3';

import type { Db } from './db.js';

/** No JS booleans: better-sqlite3 refuses them; write 1 or 0. */
export type SqlParam = string | number | null | Buffer;

export interface Sql {
  all<Row>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
  get<Row>(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined>;
  /** Runs a statement; resolves with the number of rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
  /** Runs the statements in one transaction: all or none. */
  atomically(statements: ReadonlyArray<readonly [sql: string, params: readonly SqlParam[]]>): Promise<void>;
  /**
   * The database runs an INSERT inside WITH of another statement (PostgreSQL:
   * https://www.postgresql.org/docs/15/queries-with.html#QUERIES-WITH-MODIFYING), so two writes
   * can go in one round trip; SQLite has no such WITH (https://www.sqlite.org/lang_with.html), and
   * being in-process needs none.
   */
  readonly modifyingWith?: boolean;
}

/** better-sqlite3 is synchronous: each call completes before its promise is returned. */
export function sqliteSql(db: Db): Sql {
  const statements = new Map<string, Statement<SqlParam[]>>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare<SqlParam[]>(sql)));
    return statement;
  };
  return {
    all: async <Row>(sql: string, params: readonly SqlParam[] = []) => prepare(sql).all(...(params as SqlParam[])) as Row[],
    get: async <Row>(sql: string, params: readonly SqlParam[] = []) => prepare(sql).get(...(params as SqlParam[])) as Row | undefined,
    run: async (sql, params = []) => prepare(sql).run(...(params as SqlParam[])).changes,
    atomically: async (list) => {
      db.transaction(() => {
        for (const [sql, params] of list) prepare(sql).run(...(params as SqlParam[]));
      })();
    },
  };
}

/** PostgreSQL's unique_violation (https://www.postgresql.org/docs/15/errcodes-appendix.html) or SQLite's. */
export const isUniqueViolation = (err: unknown): boolean =>
  ['23505', 'SQLITE_CONSTRAINT_UNIQUE'].includes((err as { code?: string } | undefined)?.code ?? '');
