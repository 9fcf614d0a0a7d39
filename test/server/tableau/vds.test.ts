import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';
import { type Fake, fakeClock, PAT, readAll, startFake } from './fake.js';

const fixtures = JSON.parse(readFileSync(`${TABLEAU_REFERENCE}/json-fixtures-from-tests.json`, 'utf8'));
const LUID = '2d935df8-fe7e-4fd8-bb14-35eb4ba31d45';
const QUERY = {
  datasource: { datasourceLuid: LUID },
  query: { fields: [{ fieldCaption: 'Category' }, { fieldCaption: 'Profit', function: 'SUM' }] },
};

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** Fake with VDS endpoints answering `answer(op)`; counts calls. */
async function setup(productVersion: string, answer: (op: string, body: unknown) => { status: number; body: unknown }) {
  const calls: Array<{ op: string; body: unknown }> = [];
  const f = await startFake({ productVersion }, (x) =>
    x.app.post('/api/v1/vizql-data-service/:op', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      const op = (req.params as { op: string }).op;
      calls.push({ op, body: req.body });
      const a = answer(op, req.body);
      return reply.code(a.status).send(a.body);
    }),
  );
  fakes.push(f);
  const c = await TableauClient.connect({
    serverUrl: f.url,
    siteContentUrl: '',
    auth: PAT,
    sessions: new SessionCache(),
    clock: fakeClock(),
  });
  return { f, c, calls };
}

describe('vdsQuery', () => {
  it('streams the raw JSON bytes of a valid query', async () => {
    const { c, calls } = await setup('2025.1.0', () => ({ status: 200, body: { data: fixtures.vds_query_success_OBJECTS.data } }));
    const text = await readAll(await c.vdsQuery(QUERY));
    expect(JSON.parse(text).data[0]).toEqual({ Category: 'Technology', 'SUM(Profit)': 146543.37559999965 });
    expect(calls).toEqual([{ op: 'query-datasource', body: QUERY }]);
  });

  it('rejects an invalid query as vds-invalid-query WITHOUT calling Tableau', async () => {
    const { c, calls } = await setup('2026.1.0', () => ({ status: 200, body: {} }));
    const err = await c
      .vdsQuery({ datasource: { datasourceLuid: LUID }, query: { fields: [{ fieldCaption: 'Sales', function: 'SUMM' }] } })
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'vds-invalid-query', httpStatus: 400 });
    expect(err.message).toMatch(/SUMM|function/);
    expect(calls).toHaveLength(0);
  });

  it('does not silently drop rowLimit on servers before 2026.1', async () => {
    const { c, calls } = await setup('2025.3.0', () => ({ status: 200, body: { data: [] } }));
    expect(c.supports('vdsRowLimit')).toBe(false);
    await expect(c.vdsQuery({ ...QUERY, options: { rowLimit: 10 } })).rejects.toMatchObject({ code: 'feature-unavailable' });
    expect(calls).toHaveLength(0);
    const newer = await setup('2026.1.0', () => ({ status: 200, body: { data: [] } }));
    await readAll(await newer.c.vdsQuery({ ...QUERY, options: { rowLimit: 10 } }));
    expect(newer.calls).toHaveLength(1);
  });

  it('refuses VDS on servers before 2025.1', async () => {
    const { c, calls } = await setup('2024.2.0', () => ({ status: 200, body: {} }));
    await expect(c.vdsQuery(QUERY)).rejects.toMatchObject({ code: 'feature-unavailable' });
    expect(calls).toHaveLength(0);
  });

  it.each([
    [404, { message: 'Not Found' }, 'vds-disabled', undefined],
    [400, { errorCode: '400804', message: 'Response too large' }, 'vds-response-too-large', '400804'],
    [403, { errorCode: '403800', message: 'Access denied' }, 'vds-no-api-access', '403800'],
    [400, fixtures.vds_query_error, 'vds-unknown-field', '400803'],
    [404, { errorCode: '404934', message: 'Unknown field' }, 'vds-unknown-field', '404934'],
    [500, { errorCode: '500000', message: 'boom' }, 'server-error', '500000'],
  ])('maps HTTP %i %j to %s', async (status, body, code, tableauCode) => {
    const { c } = await setup('2026.1.0', () => ({ status, body }));
    const err = await c.vdsQuery(QUERY).catch((e) => e);
    expect(err).toMatchObject({ code, httpStatus: status, tableauCode });
    if (code === 'vds-disabled') expect(err.message).toBe('VizQL Data Service is not enabled on this server.');
    if (code === 'vds-response-too-large') expect(err.hint).toMatch(/filter or a row limit/);
  });

  it('retries a 429 from VDS, then maps a persistent one to rate-limited', async () => {
    let n = 0;
    const { c } = await setup('2026.1.0', () =>
      n++ < 1 ? { status: 429, body: { errorCode: '429000', message: 'slow down' } } : { status: 200, body: { data: [] } },
    );
    await readAll(await c.vdsQuery(QUERY));
    expect(n).toBe(2);
    const always = await setup('2026.1.0', () => ({ status: 429, body: { errorCode: '429000', message: 'slow down' } }));
    await expect(always.c.vdsQuery(QUERY)).rejects.toMatchObject({ code: 'rate-limited' });
  });
});

describe('vdsReadMetadata', () => {
  it('returns fields, parameters and the capabilities of the server', async () => {
    const { c, calls } = await setup('2025.3.0', () => ({ status: 200, body: fixtures.vds_read_metadata_with_parameters }));
    const m = await c.vdsReadMetadata(LUID);
    expect(calls[0]).toEqual({ op: 'read-metadata', body: { datasource: { datasourceLuid: LUID } } });
    expect(m.fields.map((f) => f.fieldCaption)).toEqual(['Returned', 'Category']);
    expect(m.parameters[0]).toMatchObject({ parameterCaption: 'Top Customers' });
    expect(m.capabilities).toEqual({ rowLimit: false, conditionFilter: false, datasourceModel: true });
  });

  it('re-signs in on a VDS 401 with errorCode 401002', async () => {
    let first = true;
    const { f, c } = await setup('2026.1.0', () => {
      if (first) {
        first = false;
        return { status: 401, body: { errorCode: '401002', message: 'Invalid authorization credentials' } };
      }
      return { status: 200, body: fixtures.vds_read_metadata_20251_style };
    });
    expect((await c.vdsReadMetadata(LUID)).fields).toHaveLength(3);
    expect(f.signIns).toHaveLength(2);
  });
});
