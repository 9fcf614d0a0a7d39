/**
 * Shared CSV checks for the streaming and the in-memory path: header cleanup, ragged rows and
 * papaparse errors in plain words.
 */
import type Papa from 'papaparse';

import { PullDataError } from './errors.js';

/** Tableau's export may start with a UTF-8 BOM (a BOM is unverified, docs/tableau-rest.md#view-data-csv). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A line that held nothing. In a table of several columns it is not a row (skipped); in a one-column
 * table it has the right width and is a row whose value is empty (null).
 */
export function isBlankRow(row: string[]): boolean {
  return row.length === 1 && row[0] === '';
}

export function raggedRowError(rowNumber: number, got: number, want: number): PullDataError {
  return new PullDataError(
    'bad-csv',
    `The CSV is damaged: row ${rowNumber} has ${got} value${got === 1 ? '' : 's'} but the header has ${want} columns`,
  );
}

export function parseErrorMessage(err: Papa.ParseError): PullDataError {
  const where = typeof err.row === 'number' ? ` near row ${err.row + 1}` : '';
  const what =
    err.code === 'MissingQuotes'
      ? 'a quoted value is never closed'
      : err.code === 'InvalidQuotes'
        ? 'a value has a stray quote'
        : err.message;
  return new PullDataError('bad-csv', `The CSV could not be read${where}: ${what}`);
}

export function emptyCsvError(): PullDataError {
  return new PullDataError('bad-csv', 'The CSV is empty: it has no header row');
}
