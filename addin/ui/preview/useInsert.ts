import { useCallback, useEffect, useRef, useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { MetaField } from '../../../common/metadata.js';
import type { PullSource } from '../../../common/source.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import { useServices } from '../../app/services.js';
import type { InsertedTable } from '../../refresh/runner/inserted.js';
import { describeTruncatedCells } from '../../refresh/runner/words.js';
import { bytesToBase64 } from '../../workbook/base64.js';
import { type PictureInfo, WorkbookError, type WriteProgress, type WriteTarget } from '../../workbook/gateway.js';
import { pictureNameFor } from '../../workbook/picture-placement.js';
import { errorBody } from '../shared/errorBody.js';
import { headerNotes } from '../shared/fieldMeaning.js';
import { latestEvery } from '../shared/latestEvery.js';
import { splitPull } from './pullRows.js';

/** How often the row count re-renders while rows go in: a few times a second reads as live. */
const PROGRESS_MS = 250;

/**
 * Field meanings as notes on the header cells: how many were written, 'unsupported' on an Excel
 * without notes (ExcelApi 1.18), or null when there was nothing to write.
 */
type NotesOutcome = number | 'unsupported' | null;

type InsertPhase =
  | { phase: 'idle' }
  | { phase: 'checking' }
  | { phase: 'collision'; message: string; conflict: string; suggestion: WriteTarget }
  | { phase: 'writing'; rowsWritten: number; totalRows?: number; note?: string }
  | { phase: 'done'; table: InsertedTable; warnings: string[]; followUpError: ApiErrorBody | null; notes: NotesOutcome }
  | { phase: 'pictureDone'; picture: PictureInfo; saveError?: ApiErrorBody }
  | { phase: 'cancelled' }
  | { phase: 'error'; error: ApiErrorBody };

interface InsertRequest {
  where: 'newSheet' | 'cell';
  tableName: string;
  columnCount: number;
  /** Data rows when known from the preview (the whole result fit in it). */
  knownRows?: number;
  /** A place the analyst accepted after a collision: used as-is. */
  target?: WriteTarget;
  /** A view's picture: beside the table, or the picture alone at the selected cell (no table). */
  picture?: PictureChoice;
}

export type PictureChoice = 'none' | 'beside' | 'only';

/** Said where Excel lacks the shapes API (ExcelApi 1.9) that pictures need. */
export const PICTURES_UNSUPPORTED =
  'Pictures of views need a newer Excel (ExcelApi 1.9: Microsoft 365, Excel 2021 or later, or Excel on the web).';

/** What the live region says while rows go in: changes per tenth of the total, not per batch. */
export function spokenProgress(rowsWritten: number, totalRows?: number): string {
  if (!totalRows) return 'Writing rows…';
  return `Writing rows: ${Math.floor(Math.min(1, rowsWritten / totalRows) * 10) * 10} % done.`;
}

export function describeTarget(target: WriteTarget): string {
  return target.kind === 'newSheet'
    ? `a new sheet${target.sheetName ? ` (${target.sheetName})` : ''}`
    : `${target.sheet}!${target.address}`;
}

/**
 * Insert = check the place, then stream the full pull into WorkbookGateway.writeTable batch by
 * batch. One AbortController cancels both the HTTP stream and the workbook writes.
 */
export function useInsert(connection: ConnectionInfo, source: PullSource, meanings?: ReadonlyMap<string, MetaField>) {
  const { api, workbook, onInserted } = useServices();
  const [state, setState] = useState<InsertPhase>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  /** The view's picture as base64 PNG; refused up front where this Excel cannot show pictures. */
  const viewPicture = useCallback(
    async (choice: PictureChoice, signal: AbortSignal): Promise<string | null> => {
      if (choice === 'none' || source.kind !== 'view') return null;
      if (!workbook.supportsPictures()) throw new WorkbookError('unsupported', PICTURES_UNSUPPORTED);
      return bytesToBase64(await api.viewImage(connection.id, { source }, { signal }));
    },
    [api, workbook, connection, source],
  );

  const insert = useCallback(
    async (req: InsertRequest): Promise<InsertedTable | null> => {
      const own = new AbortController();
      let streamFailure: () => unknown = () => null;
      // The writer reports per batch; the pane re-renders with the latest count a few times a second.
      const progress = latestEvery<WriteProgress>(PROGRESS_MS, (p) =>
        setState((s) => (s.phase === 'writing' ? { ...s, rowsWritten: p.rowsWritten, totalRows: p.totalRows ?? s.totalRows } : s)),
      );
      controller.current = own;
      const signal = own.signal;
      try {
        setState({ phase: 'checking' });
        const picture = source.kind === 'view' ? (req.picture ?? 'none') : 'none';
        // The picture is fetched before anything is written: if Tableau cannot give it, nothing changes.
        const image = picture !== 'none' ? await viewPicture(picture, signal) : null;
        if (picture === 'only' && image) {
          const selection = await workbook.getSelection();
          const placed = await workbook.insertPicture({
            sheet: selection.sheet,
            name: pictureNameFor(req.tableName),
            base64: image,
            where: { kind: 'at', address: selection.address },
          });
          // Saved for refresh like a table (refresh/runner/inserted.ts); the picture stays if that fails.
          let saveError: ApiErrorBody | undefined;
          try {
            await onInserted?.({ kind: 'picture', name: placed.name, sheet: placed.sheet, source, connection });
          } catch (error) {
            const body = errorBody(error);
            saveError = { ...body, message: `The picture is in place, but it could not be saved for refresh: ${body.message}` };
          }
          setState({ phase: 'pictureDone', picture: placed, ...(saveError ? { saveError } : {}) });
          return null;
        }
        let target = req.target;
        if (!target) {
          if (req.where === 'newSheet') target = { kind: 'newSheet', sheetName: req.tableName };
          else {
            const selection = await workbook.getSelection();
            target = { kind: 'cell', sheet: selection.sheet, address: selection.address };
          }
        }
        const check = await workbook.checkTarget(target, { rows: req.knownRows ?? 1, columns: req.columnCount });
        if (!check.ok) {
          setState({ phase: 'collision', message: check.message, conflict: check.conflict, suggestion: check.suggestion });
          return null;
        }
        if (signal.aborted) throw new DOMException('Cancelled', 'AbortError');
        setState({ phase: 'writing', rowsWritten: 0, totalRows: req.knownRows });
        // A count up front (VDS 2026.1+: "Tableau is sending 48,213 rows") becomes the progress bar's
        // total ("Writing rows… 12,000 of 48,213"); any other progress is shown as it is said.
        const pull = await splitPull(api.pull(connection.id, { source }, { signal }), (p) =>
          setState((s) =>
            s.phase !== 'writing'
              ? s
              : p.totalRows !== undefined
                ? { ...s, totalRows: p.totalRows, note: undefined }
                : { ...s, note: p.message },
          ),
        );
        streamFailure = pull.failure;
        const written = await workbook.writeTable(target, pull.columns, pull.batches, {
          tableName: req.tableName,
          totalRows: req.knownRows,
          signal,
          onProgress: progress.push,
        });
        progress.cancel();
        const end = pull.end();
        const table: InsertedTable = {
          tableName: written.name,
          sheet: written.sheet,
          address: written.address,
          source,
          connection,
          columns: pull.columns,
          rowCount: written.rowCount,
          truncated: end?.truncated ?? false,
        };
        let followUpError: ApiErrorBody | null = null;
        if (image) {
          const name = pictureNameFor(written.name);
          try {
            await workbook.insertPicture({ sheet: written.sheet, name, base64: image, where: { kind: 'beside', table: written.name } });
            table.picture = { name };
          } catch (error) {
            const body = errorBody(error);
            followUpError = { ...body, message: `The table is in place, but its picture could not be placed: ${body.message}` };
          }
        }
        // Show the analyst their data, as Excel's own imports do; a failure here changes nothing.
        await workbook.activateTable(written.name).catch(() => undefined);
        // What each column means, on its header cell, where this Excel has notes; an extra: a failure changes nothing.
        const wanted = headerNotes(pull.columns, meanings);
        let notes: NotesOutcome = null;
        if (wanted.length) {
          notes = workbook.supportsNotes() ? await workbook.setHeaderNotes(written.name, wanted).catch(() => null) : 'unsupported';
        }
        try {
          await onInserted?.(table);
        } catch (error) {
          const body = errorBody(error);
          followUpError ??= { ...body, message: `The table is in place, but it could not be saved for refresh: ${body.message}` };
        }
        // Text cut to Excel's cell limit is named here, with the pull's own warnings (refresh/runner/words.ts).
        const cut = describeTruncatedCells(written.stats);
        const warnings = [...(end?.warnings ?? []), ...(cut ? [cut] : [])];
        setState({ phase: 'done', table, warnings, followUpError, notes });
        return table;
      } catch (error) {
        const body = errorBody(streamFailure() ?? error);
        setState(signal.aborted || body.code === 'cancelled' ? { phase: 'cancelled' } : { phase: 'error', error: body });
        return null;
      } finally {
        progress.cancel();
        if (controller.current === own) controller.current = null;
      }
    },
    [api, workbook, onInserted, connection, source, viewPicture, meanings],
  );

  const cancel = useCallback(() => controller.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, insert, cancel, reset };
}
