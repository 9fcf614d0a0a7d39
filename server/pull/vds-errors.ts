/**
 * A VDS error body (`{errorCode, message, datetime, debug}` — TableauError, docs/tableau-rest.md#errors; not
 * the REST `{error:{code,summary,detail}}` shape) or a `{data, error}` QueryOutput → PullDataError.
 * Only Tableau's own short message is passed on (never `debug`, which can hold query internals).
 */
import type { ApiErrorCode } from '../../common/errors.js';
import { PullDataError } from './errors.js';

const HINTS: Record<string, { code: ApiErrorCode; hint?: string }> = {
  '400803': { code: 'invalid-query' },
  // 1 GB per answer before 2026.1 (vds_limitations.html).
  '400804': { code: 'result-too-large', hint: 'Add a filter or a row limit so the result is smaller than the 1 GB Tableau sends at most' },
  '403800': { code: 'forbidden', hint: 'Ask a Tableau admin for the API Access capability on this data source' },
  '403157': { code: 'vds-disabled', hint: 'A Tableau Server admin must enable VizQL Data Service' },
  '404934': { code: 'invalid-query' },
  '408000': { code: 'timeout', hint: 'Add a filter so the query runs faster' },
  '429000': { code: 'rate-limited', hint: 'Wait a moment and try again' },
};

/** Tableau's own message on one line, at most 300 characters ('' when it sent none). */
export function plainMessage(message: unknown): string {
  const text = typeof message === 'string' ? message.replace(/\s+/g, ' ').trim() : '';
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

export function vdsErrorFromBody(body: Record<string, unknown>, sawData: boolean): PullDataError | null {
  const nested = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : null;
  const source = nested ?? (body.errorCode !== undefined ? body : null);
  if (source) {
    const tableauCode = source.errorCode === undefined ? undefined : String(source.errorCode);
    const known = tableauCode ? HINTS[tableauCode] : undefined;
    const message = plainMessage(source.message) || 'Tableau could not run the query';
    return new PullDataError(known?.code ?? 'vds-error', `Tableau could not run the query: ${message}`, known?.hint, tableauCode);
  }
  if (!sawData) return new PullDataError('bad-response', 'The data source response has no data');
  return null;
}
