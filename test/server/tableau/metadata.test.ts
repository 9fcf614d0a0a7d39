import { afterEach, describe, expect, it } from 'vitest';

import { SessionCache, TableauClient, TableauError } from '../../../server/tableau/index.js';
import { type Fake, fakeClock, PAT, startFake } from './fake.js';

/**
 * The Metadata API client (server/tableau/metadata.ts) against a fake Tableau answering each GraphQL
 * request as a test says: Tableau's errors arrive at HTTP 200 in the body (meta_api_errors.html), so
 * the client reads the body — FEATURE_DISABLED, ACCESS_DENIED, warnings beside data, an old server.
 */
const DS = '2d935df8-fe7e-4fd8-bb14-35eb4ba31d45';

let fakes: Fake[] = [];
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

async function setup(answer: (body: { query: string; variables: Record<string, unknown> }) => { status?: number; body: unknown }) {
  const calls: Array<{ query: string; variables: Record<string, unknown> }> = [];
  const f = await startFake({}, (x) =>
    x.app.post('/api/metadata/graphql', async (req, reply) => {
      if (!x.authed(req, reply)) return;
      const body = req.body as { query: string; variables: Record<string, unknown> };
      calls.push(body);
      const a = answer(body);
      return reply.code(a.status ?? 200).send(a.body);
    }),
  );
  fakes.push(f);
  const c = await TableauClient.connect({
    serverUrl: f.url,
    siteContentUrl: '',
    auth: PAT,
    sessions: new SessionCache(),
    clock: fakeClock(),
    retry: { maxAttempts: 1 },
  });
  return { f, c, calls };
}

const fieldsAnswer = {
  data: {
    publishedDatasources: [
      {
        luid: DS,
        name: 'Orders',
        description: null,
        projectName: 'Sales',
        isCertified: true,
        upstreamTables: [
          { name: 'Orders', schema: 'public', fullName: '[public].[Orders]', database: { name: 'shop', connectionType: 'postgres' } },
        ],
        fields: [
          {
            __typename: 'ColumnField',
            name: 'Sales',
            description: 'Revenue',
            isHidden: false,
            dataType: 'REAL',
            role: 'MEASURE',
            dataCategory: 'QUANTITATIVE',
            upstreamTables: [{ name: 'Orders' }],
          },
          {
            __typename: 'CalculatedField',
            name: 'Ratio',
            description: null,
            isHidden: null,
            dataType: 'REAL',
            role: 'MEASURE',
            formula: 'SUM([A])/SUM([B])',
            upstreamTables: null,
          },
          { __typename: 'CombinedSetField', name: 'Combo', description: '', upstreamTables: [null] },
          null,
        ],
      },
    ],
  },
};

describe('Metadata API client', () => {
  it('sends the luid as a GraphQL variable and reads fields with their meanings', async () => {
    const { c, calls } = await setup(() => ({ body: fieldsAnswer }));
    const r = await c.metadataDatasourceFields(DS);
    expect(calls).toHaveLength(1);
    expect(calls[0].variables).toEqual({ luid: DS });
    expect(calls[0].query).not.toContain(DS);
    expect(r.partial).toBe(false);
    expect(r.datasource).toMatchObject({ luid: DS, name: 'Orders', description: '', isCertified: true });
    expect(r.datasource.tables).toEqual([
      { name: 'Orders', schema: 'public', fullName: '[public].[Orders]', database: { name: 'shop', connectionType: 'postgres' } },
    ]);
    expect(r.datasource.fields).toEqual([
      {
        name: 'Sales',
        description: 'Revenue',
        dataType: 'REAL',
        role: 'MEASURE',
        dataCategory: 'QUANTITATIVE',
        kind: 'ColumnField',
        isHidden: false,
        upstreamTables: ['Orders'],
      },
      {
        name: 'Ratio',
        description: '',
        dataType: 'REAL',
        role: 'MEASURE',
        dataCategory: null,
        kind: 'CalculatedField',
        isHidden: false,
        upstreamTables: [],
        formula: 'SUM([A])/SUM([B])',
      },
      {
        name: 'Combo',
        description: '',
        dataType: null,
        role: null,
        dataCategory: null,
        kind: 'CombinedSetField',
        isHidden: false,
        upstreamTables: [],
      },
    ]);
  });

  it('turns FEATURE_DISABLED at HTTP 200 into metadata-disabled, by code or by its words alone', async () => {
    const byCode = await setup(() => ({
      body: { data: null, errors: [{ message: 'whatever', extensions: { code: 'FEATURE_DISABLED' } }] },
    }));
    const e1 = await byCode.c.metadataDatasourceFields(DS).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TableauError);
    expect(e1).toMatchObject({ code: 'metadata-disabled', tableauCode: 'FEATURE_DISABLED' });
    expect((e1 as TableauError).hint).toMatch(/metadata-services enable/);
    const byWords = await setup(() => ({
      body: {
        data: null,
        errors: [{ message: "Can't run the query because the Metadata API has not been enabled yet.", path: null, extensions: null }],
      },
    }));
    await expect(byWords.c.metadataViewLineage(DS)).rejects.toMatchObject({ code: 'metadata-disabled' });
  });

  it('ACCESS_DENIED is forbidden; an error without data is a server error in Tableau’s words', async () => {
    const denied = await setup(() => ({
      body: { data: null, errors: [{ message: 'You are not authorized', extensions: { code: 'ACCESS_DENIED', severity: 'ERROR' } }] },
    }));
    await expect(denied.c.metadataDatasourceFields(DS)).rejects.toMatchObject({ code: 'forbidden', tableauCode: 'ACCESS_DENIED' });
    const broken = await setup(() => ({ body: { data: null, errors: [{ message: 'Validation error of type FieldUndefined' }] } }));
    const e = await broken.c.metadataDatasourceFields(DS).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'server-error' });
    expect((e as Error).message).toContain('FieldUndefined');
  });

  it('keeps data beside warnings and marks it partial (the time limit, as TSC recorded it)', async () => {
    const { c } = await setup(() => ({
      body: { ...fieldsAnswer, errors: [{ message: 'Reached time limit of PT5S for query execution.', path: null, extensions: null }] },
    }));
    const r = await c.metadataDatasourceFields(DS);
    expect(r.partial).toBe(true);
    expect(r.datasource.fields.map((f) => f.name)).toEqual(['Sales', 'Ratio', 'Combo']);
  });

  it('an item the Metadata API does not know is not-found', async () => {
    const { c } = await setup(() => ({ body: { data: { publishedDatasources: [] } } }));
    await expect(c.metadataDatasourceFields(DS)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('a 404 at the path (no Metadata API there) is feature-unavailable', async () => {
    const missing = await setup(() => ({ status: 404, body: '<html>Not Found</html>' }));
    await expect(missing.c.metadataDatasourceFields(DS)).rejects.toMatchObject({ code: 'feature-unavailable' });
  });

  it('refuses an id that is not one before sending anything', async () => {
    const { c, calls } = await setup(() => ({ body: fieldsAnswer }));
    await expect(c.metadataDatasourceFields('") { x } #')).rejects.toBeInstanceOf(TableauError);
    expect(calls).toHaveLength(0);
  });
});
