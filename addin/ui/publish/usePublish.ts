import { useEffect, useRef, useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import {
  guessColumns,
  type PublishColumns,
  type PublishKind,
  type PublishPlan,
  type PublishResult,
  type PublishTable,
} from '../../../common/publish.js';
import type { ApiErrorBody, CellValue } from '../../../common/stream.js';
import { toApiError } from '../../api/errors.js';
import { useServices } from '../../app/services.js';
import { type ResultColumn, WorkbookError } from '../../workbook/gateway.js';
import { errorBody } from '../shared/errorBody.js';
import { useAsync } from '../shared/useAsync.js';
import {
  columnsFor,
  firstDataRow,
  mappableHeaders,
  mappedHeaders,
  RESULT_HEADER,
  resultTexts,
  sameRows,
  toPublishTable,
} from './publishRows.js';

const withHint = (error: ApiErrorBody, more: string): ApiErrorBody => ({ ...error, hint: [error.hint, more].filter(Boolean).join(' ') });

/** Where the flow is: choosing, a plan shown (and waiting for the user's confirmation), or a run's results. */
export type PublishStage =
  | { name: 'choose' }
  | { name: 'planned'; plan: PublishPlan; sent: PublishTable; table: string; firstRow: number }
  | {
      name: 'applied';
      plan: PublishPlan;
      sent: PublishTable;
      table: string;
      firstRow: number;
      result: PublishResult;
      written: ResultColumn | null;
      writeError: ApiErrorBody | null;
    };

/**
 * The Publish flow's state and its three actions: dry run (read the table through the gateway, ask
 * the server what would change — nothing is sent), apply (only a plan the user confirmed, the
 * removals only with their own confirmation) and writing each row's result next to the table.
 */
export function usePublish(connection: ConnectionInfo | null) {
  const { api, workbook } = useServices();
  const listed = useAsync(() => workbook.listTables(), [workbook]);
  const tables = listed.data ?? null;
  const [tableName, setTableName] = useState('');
  const [kind, setKind] = useState<PublishKind>('users');
  // The user's own choices for one table and kind; until then (or for another table or kind) the guess from the headers.
  const [edited, setEdited] = useState<{ table: string; kind: PublishKind; columns: PublishColumns } | null>(null);
  const [stage, setStage] = useState<PublishStage>({ name: 'choose' });
  const [busy, setBusy] = useState<'dry-run' | 'apply' | null>(null);
  const [error, setError] = useState<ApiErrorBody | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => void (alive.current = false);
  }, []);

  // The chosen table while it exists (a reload keeps it), otherwise the first.
  const table = tables?.find((t) => t.name === tableName) ?? tables?.[0] ?? null;
  const headers = table ? mappableHeaders(table.headers) : [];
  const columns =
    table && edited && edited.table === table.name && edited.kind === kind
      ? columnsFor(kind, edited.columns, headers)
      : guessColumns(headers, kind);

  /** Any change to what is published makes the plan shown stale. */
  const changed = () => {
    setStage({ name: 'choose' });
    setNotice(null);
    setError(null);
  };

  const setColumn = (field: keyof PublishColumns, header: string | undefined) => {
    if (!table) return;
    setEdited({ table: table.name, kind, columns: { ...columns, [field]: header } });
    changed();
  };

  async function plan(sent: PublishTable, name: string, firstRow: number) {
    const answer = await api.publishDryRun(connection!.id, sent);
    if (alive.current) setStage({ name: 'planned', plan: answer, sent, table: name, firstRow });
  }

  const dryRun = async () => {
    if (!connection || !table) return;
    setBusy('dry-run');
    setError(null);
    setNotice(null);
    try {
      const mapping = columns;
      const read = mappedHeaders(mapping, headers);
      const rows: CellValue[][] = [];
      await workbook.readTableRows(table.name, read, (chunk) => rows.push(...chunk));
      if (rows.length === 0) {
        throw toApiError({
          code: 'invalid-input',
          message: `The table ${table.name} has no rows to publish.`,
          hint: 'Add rows to it first.',
        });
      }
      await plan(toPublishTable(kind, mapping, read, rows), table.name, firstDataRow(table.address));
    } catch (e) {
      if (alive.current) {
        setStage({ name: 'choose' });
        // A refusal before any change (not a site administrator, a Tableau version without the feature) says so.
        setError(withHint(errorBody(e), 'Nothing was changed on the site.'));
      }
    } finally {
      if (alive.current) setBusy(null);
    }
  };

  const apply = async (confirmRemovals: boolean) => {
    if (!connection || stage.name !== 'planned') return;
    const { plan: confirmed, sent, table: name, firstRow } = stage;
    setBusy('apply');
    setError(null);
    setNotice(null);
    try {
      let result: PublishResult;
      try {
        result = await api.publishApply(connection.id, {
          table: sent,
          planId: confirmed.planId,
          confirm: true,
          ...(confirmed.needsRemovalConfirmation ? { confirmRemovals } : {}),
        });
      } catch (e) {
        if (toApiError(e).body.code !== 'plan-changed') throw e;
        // The site moved since the dry run: nothing was sent; the user reviews the new plan.
        await plan(sent, name, firstRow);
        if (alive.current)
          setNotice(
            'The site changed since your dry run, so nothing was sent. Here is the plan as the site is now: check it and apply again.',
          );
        return;
      }
      let written: ResultColumn | null = null;
      let writeError: ApiErrorBody | null = null;
      try {
        const now: CellValue[][] = [];
        await workbook.readTableRows(name, sent.headers, (chunk) => now.push(...chunk));
        if (!sameRows(sent, now)) {
          throw new WorkbookError(
            'invalid-input',
            `${name} changed while Tableau was being updated (rows edited, sorted or moved), so the results were not written next to it.`,
            'They are listed below. Run the dry run again to compare the table with the site.',
          );
        }
        written = await workbook.writeResultColumn(name, RESULT_HEADER, resultTexts(result, sent.rows.length));
      } catch (e) {
        writeError = errorBody(e);
      }
      if (alive.current) setStage({ name: 'applied', plan: confirmed, sent, table: name, firstRow, result, written, writeError });
    } catch (e) {
      // Some calls may have been made before the failure: a new dry run shows what is left to do.
      if (alive.current)
        setError(withHint(errorBody(e), 'Run the dry run again to see what is left: rows already done show as unchanged.'));
    } finally {
      if (alive.current) setBusy(null);
    }
  };

  return {
    tables,
    table,
    headers,
    kind,
    columns,
    stage,
    busy,
    error,
    notice,
    tablesError: listed.error,
    loadingTables: listed.loading,
    reloadTables: () => {
      listed.reload();
      changed();
    },
    chooseTable: (name: string) => {
      setTableName(name);
      changed();
    },
    chooseKind: (next: PublishKind) => {
      setKind(next);
      changed();
    },
    setColumn,
    dryRun,
    apply,
    startOver: () => setStage({ name: 'choose' }),
  };
}
