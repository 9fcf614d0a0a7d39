import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { REST_CODES, restError, type TableauErrorCode, VDS_CODES, vdsError } from '../../../server/tableau/errors.js';
import { describeTableauCode } from '../../../server/tableau/index.js';

/**
 * One row per documented code: Tableau's HTTP status and code → our code, the words (a pattern the
 * message must match), the hint (a pattern, or null for none) and whether Tableau's own text is shown.
 * Written out here, not derived from the tables, so a wrong mapping fails a row.
 */
type Row = [tableauCode: string, status: number, code: TableauErrorCode, words: RegExp, hint: RegExp | null, withTableauText: boolean];

// REST API per-method error tables (rest_api_ref_*.htm) and codes real clients report for our requests.
const REST_ROWS: Row[] = [
  ['400000', 400, 'bad-request', /malformed/, /fault in the companion server/, true],
  ['400006', 400, 'bad-request', /page number/, /list changed/, false],
  ['400007', 400, 'bad-request', /page size/, /fault in the companion server/, false],
  ['400008', 400, 'bad-request', /parameter/, /fault in the companion server/, true],
  ['400023', 400, 'bad-request', /fields=_all_/, null, true],
  ['400047', 400, 'bad-request', /not an extract refresh schedule/, null, false],
  ['400065', 400, 'bad-request', /field in the list filter/, /newer Tableau/, true],
  ['400080', 400, 'not-found', /could not find that view on this site/, /Edit source/, false],
  ['400113', 400, 'not-found', /could not find that webhook/, /List the webhooks/, false],
  ['401000', 401, 'session-expired', /session has expired/, /Sign in again/, false],
  ['401001', 401, 'bad-credentials', /did not accept the sign-in/, /token name and secret/, false],
  ['401002', 401, 'session-expired', /no longer valid/, /Sign in again/, false],
  ['401003', 401, 'not-found', /could not switch to that site/, /site ID/, false],
  ['403004', 403, 'forbidden', /do not have permission/, /grant you the permission/, false],
  ['403014', 403, 'bad-request', /more than 1000/, /fault in the companion server/, false],
  ['403018', 403, 'forbidden', /see this workbook/, /grant you the permission/, false],
  ['403021', 403, 'forbidden', /connections/, /grant you the permission/, false],
  ['403032', 403, 'forbidden', /view's data, or refreshing the extract/, /Download Summary Data/, false],
  ['403047', 403, 'bad-request', /not an extract refresh task/, null, false],
  ['403070', 403, 'conflict', /already the current site/, null, false],
  ['403157', 403, 'feature-unavailable', /turned off/, /administrator can turn it on/, false],
  ['404000', 404, 'not-found', /could not find the site/, /site ID/, false],
  ['404001', 404, 'feature-unavailable', /does not offer this API request/, /newer version/, false],
  ['404002', 404, 'not-found', /could not find that user/, null, false],
  ['404003', 404, 'feature-unavailable', /too old/, /newer version/, false],
  ['404004', 404, 'not-found', /could not find the data source/, /Edit source/, false],
  ['404005', 404, 'not-found', /could not find the project/, null, false],
  ['404006', 404, 'not-found', /could not find the workbook/, /Edit source/, false],
  ['404011', 404, 'not-found', /could not find the view/, /Edit source/, false],
  ['404012', 404, 'not-found', /could not find the group/, null, false],
  ['404018', 404, 'not-found', /could not find the job/, null, false],
  ['404026', 404, 'not-found', /extract refresh task/, null, false],
  ['404048', 404, 'not-found', /custom view/, /share the custom view/, false],
  ['405000', 405, 'bad-request', /request method/, /pod .*https:\/\//, false],
  ['429000', 429, 'rate-limited', /too many requests/, null, false],
  ['500000', 500, 'server-error', /internal error/, /Try again later/, false],
];

// vds_error_codes.html, the whole table.
const VDS_ROWS: Row[] = [
  ['400000', 400, 'vds-invalid-query', /not valid JSON/, /fault in the companion server/, true],
  ['400800', 400, 'vds-invalid-query', /not a valid Tableau formula/, /calculated field/, true],
  ['400802', 400, 'vds-invalid-query', /VizQL Data Service format/, null, true],
  ['400803', 400, 'vds-invalid-query', /rejected the query/, /fields, filters and calculations/, true],
  ['400804', 400, 'vds-response-too-large', /too large/, /filter or a row limit/, false],
  ['401001', 401, 'bad-credentials', /sign-in for VizQL Data Service/, /token name and secret/, false],
  ['401002', 401, 'session-expired', /no longer valid/, /Sign in again/, false],
  ['403157', 403, 'vds-disabled', /turned off on this Tableau site/, /administrator must turn on/, false],
  ['403800', 403, 'vds-no-api-access', /"API Access" permission/, /Allowed/, true],
  ['404934', 404, 'vds-unknown-field', /field that the data source does not have/, /pick the fields again/, true],
  ['404935', 404, 'vds-invalid-query', /same name/, /rename one/, true],
  ['404950', 404, 'feature-unavailable', /does not offer this request/, /newer version/, false],
  ['408000', 408, 'timeout', /timed out/, /Add a filter/, false],
  ['409000', 409, 'conflict', /conflict/, /Try again/, false],
  ['429000', 429, 'rate-limited', /query budget/, /100 queries an hour/, false],
  ['500000', 500, 'server-error', /internal error/, /Try again later/, false],
  ['500810', 500, 'server-error', /empty answer/, /Try again later/, false],
  ['500811', 500, 'server-error', /no metadata/, /Try again later/, false],
  ['500812', 500, 'server-error', /while reporting an error/, /Try again later/, false],
  ['501000', 501, 'server-error', /no answer from the service behind it/, /Try again later/, false],
  ['503800', 503, 'server-unavailable', /data engine is unavailable/, /few minutes/, false],
  ['503801', 503, 'server-unavailable', /could not find the service/, /few minutes/, false],
  ['504000', 504, 'timeout', /timed out/, /Add a filter/, false],
];

const TABLEAU_TEXT = 'Text from Tableau about it.';

describe('REST error codes, one by one', () => {
  it.each(REST_ROWS)('%s (HTTP %i) → %s', (tableauCode, status, code, words, hint, withText) => {
    const body = JSON.stringify({ error: { summary: 'Summary', detail: TABLEAU_TEXT, code: tableauCode } });
    const e = restError(status, body);
    expect(e).toMatchObject({ code, tableauCode, httpStatus: status });
    expect(e.message).toMatch(words);
    expect(e.message).toMatch(/^[A-Z]/);
    if (hint) expect(e.hint).toMatch(hint);
    else expect(e.hint).toBeUndefined();
    expect(e.message.includes(`Tableau says: ${TABLEAU_TEXT}`)).toBe(withText);
    expect(describeTableauCode(tableauCode, 'rest')).toMatchObject({ code });
  });

  it('covers every code of the table, and the table every code tested', () => {
    expect(Object.keys(REST_CODES).sort()).toEqual(REST_ROWS.map((r) => r[0]).sort());
  });

  it('keeps the status of an HTML gateway page and never parses it', () => {
    const e = restError(502, '<html><body><h1>502 Bad Gateway</h1></body></html>');
    expect(e).toMatchObject({ code: 'server-unavailable', httpStatus: 502, tableauCode: undefined });
    expect(e.message).not.toContain('<html>');
  });

  it("adds Tableau's detail for codes we have no words for", () => {
    const e = restError(
      400,
      JSON.stringify({ error: { code: '400074', summary: 'Bad Request', detail: 'The sort expression is invalid.' } }),
    );
    expect(e).toMatchObject({ code: 'bad-request', tableauCode: '400074' });
    expect(e.message).toContain('The sort expression is invalid.');
  });

  it('names a bare 405 as a wrong address, not a conflict', () => {
    expect(restError(405, '')).toMatchObject({ code: 'bad-request', hint: expect.stringMatching(/https:\/\//) });
  });

  it('serialises to ApiErrorBody with hint and Tableau code only when present', () => {
    expect(restError(404, '').toApiError()).toEqual({ code: 'not-found', message: expect.any(String) });
    expect(restError(401, JSON.stringify({ error: { code: '401001' } })).toApiError()).toMatchObject({
      code: 'bad-credentials',
      tableauCode: '401001',
      hint: expect.any(String),
    });
  });
});

describe('VizQL Data Service error codes, one by one', () => {
  it.each(VDS_ROWS)('%s (HTTP %i) → %s', (tableauCode, status, code, words, hint, withText) => {
    const body = JSON.stringify({ errorCode: tableauCode, message: TABLEAU_TEXT, datetime: '2026-01-01T00:00:00Z' });
    const e = vdsError(status, body);
    expect(e).toMatchObject({ code, tableauCode, httpStatus: status });
    expect(e.message).toMatch(words);
    if (hint) expect(e.hint).toMatch(hint);
    else expect(e.hint).toBeUndefined();
    expect(e.message.includes(`Tableau says: ${TABLEAU_TEXT}`)).toBe(withText);
    expect(describeTableauCode(tableauCode, 'vds')).toMatchObject({ code });
  });

  it('covers every code of the table, and the table every code tested', () => {
    expect(Object.keys(VDS_CODES).sort()).toEqual(VDS_ROWS.map((r) => r[0]).sort());
  });

  it('reads the VDS shape, also with a numeric errorCode', () => {
    expect(vdsError(400, JSON.stringify({ errorCode: 400804, message: 'too big' }))).toMatchObject({
      code: 'vds-response-too-large',
      tableauCode: '400804',
    });
  });

  it('names 400803 "Unknown Field" as an unknown field, other validation failures as an invalid query', () => {
    const unknown = vdsError(400, JSON.stringify({ errorCode: '400803', message: 'Unknown Field: Foobar.' }));
    expect(unknown).toMatchObject({ code: 'vds-unknown-field', tableauCode: '400803' });
    expect(unknown.message).toContain('Unknown Field: Foobar.');
    expect(vdsError(400, JSON.stringify({ errorCode: '400803', message: 'Filter on Region must not be empty.' }))).toMatchObject({
      code: 'vds-invalid-query',
    });
  });

  it("shows Tableau's text for 403800, which also means a switched-off feature (tableau-mcp PR #916)", () => {
    const e = vdsError(403, JSON.stringify({ errorCode: '403800', message: 'The VDSForWorkbookDatasources feature is not enabled.' }));
    expect(e).toMatchObject({ code: 'vds-no-api-access' });
    expect(e.message).toContain('VDSForWorkbookDatasources feature is not enabled');
  });

  it('an HTML 429 is rate limited', () => {
    expect(vdsError(429, '<html>Too Many Requests</html>')).toMatchObject({ code: 'rate-limited', httpStatus: 429 });
  });
});

describe('a VDS 404: data source gone, service off, or endpoint missing', () => {
  const luid = '8d0a3c52-3a1c-4c44-a0b5-3d0a6e4c2f10';

  it('a VDS error naming the data source (404000) is "data source not found", not "VDS disabled"', () => {
    const e = vdsError(
      404,
      JSON.stringify({ errorCode: '404000', message: `Datasource not found: ${luid}.`, datetime: '2026-01-01T00:00:00Z' }),
    );
    expect(e).toMatchObject({ code: 'not-found', tableauCode: '404000', httpStatus: 404 });
    expect(e.message).toMatch(/could not find the data source/);
    expect(e.message).toMatch(/deleted/);
    expect(e.message).not.toMatch(/VizQL Data Service/);
    expect(e.hint).toMatch(/still exists/);
  });

  it('any other undocumented 404 in the VDS shape is a missing resource too: the service answered', () => {
    expect(vdsError(404, JSON.stringify({ errorCode: '404999', message: 'Not here.' }))).toMatchObject({
      code: 'not-found',
      tableauCode: '404999',
    });
  });

  it.each([
    ['an HTML page', '<html><body>Not Found</body></html>', undefined],
    ['an empty body', '', undefined],
    [
      "REST's unknown-resource answer",
      JSON.stringify({
        error: {
          summary: 'Resource Not Found',
          detail: "Unknown resource '/v1/vizql-data-service/read-metadata' specified in URI.",
          code: '404003',
        },
      }),
      '404003',
    ],
  ])('a 404 that is not a VDS answer (%s) means VDS is not enabled', (_label, body, tableauCode) => {
    const e = vdsError(404, body);
    expect(e).toMatchObject({ code: 'vds-disabled', tableauCode, message: 'VizQL Data Service is not enabled on this server.' });
    expect(e.hint).toMatch(/TSM/);
  });

  it('404950 means the service runs but lacks this endpoint (an older version), not that it is off', () => {
    expect(vdsError(404, JSON.stringify({ errorCode: '404950', message: "The request endpoint doesn't exist." }))).toMatchObject({
      code: 'feature-unavailable',
    });
  });
});

describe('the code tables', () => {
  const all = [
    ...Object.entries(REST_CODES).map(([c, e]) => ['rest', c, e] as const),
    ...Object.entries(VDS_CODES).map(([c, e]) => ['vds', c, e] as const),
  ];

  it.each(all)('%s %s cites a public source and the status Tableau documents', (_api, tableauCode, entry) => {
    expect(entry.source).toMatch(/^https:\/\/help\.tableau\.com\/|^[\w-]+\/[\w.-]+ /);
    expect(entry.condition.length).toBeGreaterThan(3);
    // The first three digits are the HTTP status (rest_api_concepts_errors.htm), except Query View Data's 400080.
    if (tableauCode !== '400080') expect(entry.status).toBe(Number(tableauCode.slice(0, 3)));
  });

  it('describes a code by API when the two APIs differ, REST first otherwise', () => {
    expect(describeTableauCode('401001', 'vds')?.message).toMatch(/VizQL Data Service/);
    expect(describeTableauCode('401001')?.message).toBe(REST_CODES['401001'].message);
    expect(describeTableauCode('404000')?.message).toMatch(/site/);
    expect(describeTableauCode('404934')).toMatchObject({ code: 'vds-unknown-field' });
    expect(describeTableauCode('999999')).toBeUndefined();
  });

  it('docs/tableau-errors.md lists every code with its source', () => {
    const doc = readFileSync(new URL('../../../docs/tableau-errors.md', import.meta.url), 'utf8');
    for (const [api, tableauCode, entry] of all) {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${api === 'rest' ? 'REST' : 'VDS'} | ${tableauCode} |`));
      expect(row, `${api} ${tableauCode}`).toBeDefined();
      expect(row).toContain(`\`${entry.code}\``);
    }
  });
});
