import { WorkbookError } from '../gateway.js';

/** The one wording for a table that was deleted or renamed since we last saw it. */
export function tableGone(tableName: string): WorkbookError {
  return new WorkbookError(
    'not-found',
    `The table "${tableName}" is not in this workbook any more.`,
    'It may have been deleted or renamed.',
  );
}
