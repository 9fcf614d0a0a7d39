import { describe, expect, it } from 'vitest';
import { restError, vdsError } from '../../../server/tableau/errors.js';
import { describeTableauCode } from '../../../server/tableau/index.js';

describe('REST errors', () => {
  it.each([
    ['401001', 'bad-credentials'],
    ['401000', 'session-expired'],
    ['401002', 'session-expired'],
    ['403157', 'feature-unavailable'],
    ['404001', 'not-found'],
    ['429000', 'rate-limited'],
    ['400006', 'bad-request'],
  ])('names Tableau code %s as %s with plain words', (tableauCode, code) => {
    expect(describeTableauCode(tableauCode)).toMatchObject({ code, message: expect.stringMatching(/^[A-Z].+\.$/) });
  });

  it('keeps the status of an HTML gateway page and never parses it', () => {
    const e = restError(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    expect(e).toMatchObject({ code: 'server-unavailable', httpStatus: 502, tableauCode: undefined });
    expect(e.message).not.toContain('<html>');
  });

  it("adds Tableau's detail for codes we have no words for", () => {
    const e = restError(400, JSON.stringify({ error: { code: '400074', summary: 'Bad Request', detail: 'The sort expression is invalid.' } }));
    expect(e).toMatchObject({ code: 'bad-request', tableauCode: '400074' });
    expect(e.message).toContain('The sort expression is invalid.');
  });

  it('serialises to ApiErrorBody with hint and Tableau code only when present', () => {
    expect(restError(404, '').toApiError()).toEqual({ code: 'not-found', message: expect.any(String) });
    expect(restError(401, JSON.stringify({ error: { code: '401001' } })).toApiError()).toMatchObject({ code: 'bad-credentials', tableauCode: '401001', hint: expect.any(String) });
  });
});

describe('VDS errors', () => {
  it('reads the VDS shape, also with a numeric errorCode', () => {
    expect(vdsError(400, JSON.stringify({ errorCode: 400804, message: 'too big' }))).toMatchObject({ code: 'vds-response-too-large', tableauCode: '400804' });
  });

  it('treats any bare 404 as VDS switched off, and an HTML 429 as rate limited', () => {
    expect(vdsError(404, '<html>Not Found</html>')).toMatchObject({ code: 'vds-disabled' });
    expect(vdsError(429, '<html>Too Many Requests</html>')).toMatchObject({ code: 'rate-limited', httpStatus: 429 });
  });
});
