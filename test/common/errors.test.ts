import { describe, expect, it } from 'vitest';

import { needsSignIn } from '../../addin/api/errors.js';
import { CANCELLED, HTTP_STATUS, httpStatusOf, type TableauErrorCode, throwIfAborted } from '../../common/errors.js';
import { ApiError } from '../../server/errors.js';
import { toErrorReply } from '../../server/http/errors.js';
import { PullDataError } from '../../server/pull/errors.js';
import { TableauError } from '../../server/tableau/errors.js';

describe('the error-code union (common/errors.ts)', () => {
  it('gives every code the server sends a 4xx or 5xx status', () => {
    for (const [code, status] of Object.entries(HTTP_STATUS)) expect(status >= 400 && status < 600, code).toBe(true);
    expect(httpStatusOf('not-a-code', 422)).toBe(422);
    expect(httpStatusOf('toString', 422)).toBe(422);
  });

  it('one status per code, whoever throws it', () => {
    const codes: TableauErrorCode[] = ['session-expired', 'rate-limited', 'stream-stalled'];
    for (const code of codes) expect(toErrorReply(new TableauError({ code, message: 'x' })).status).toBe(HTTP_STATUS[code]);
    expect(toErrorReply(new PullDataError('bad-csv', 'x')).status).toBe(422);
    expect(toErrorReply(new PullDataError('incomplete', 'x')).status).toBe(HTTP_STATUS.incomplete);
    expect(toErrorReply({ toApiError: () => ({ code: 'schedule-busy', message: 'busy' }) }).status).toBe(409);
  });

  it("the server's ApiError takes (body, status?) like the add-in's, the status defaulting to the code's", () => {
    expect(new ApiError({ code: 'no-snapshot', message: 'none' }).status).toBe(404);
    expect(new ApiError({ code: 'invalid-input', message: 'URL too long' }, 414).status).toBe(414);
  });

  it('an ended companion session and an expired Tableau sign-in both ask the analyst to connect again', () => {
    expect(['unauthorized', 'session-expired', 'bad-credentials'].map((code) => needsSignIn({ code, message: '' } as never))).toEqual([
      true,
      true,
      true,
    ]);
    expect(needsSignIn({ code: 'forbidden', message: '' })).toBe(false);
  });

  it('one throwIfAborted: each caller names its own error', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal, () => new Error('never'))).not.toThrow();
    controller.abort();
    expect(() => throwIfAborted(controller.signal, () => new Error(CANCELLED.message))).toThrow('Cancelled');
  });
});
