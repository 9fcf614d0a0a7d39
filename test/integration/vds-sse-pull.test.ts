/**
 * Issue #20, "first rows early on new servers", end to end: TableauClient → simulator → pullMessages.
 * 2026.1 is asked for Server-Sent Events, 2025.3 for the JSON body (the version gate), and both give
 * the same typed result; an ERROR event mid-stream and a stream cut short fail the pull in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PullRequest } from '../../common/api.js';
import type { VdsQuery } from '../../common/source.js';
import type { StreamMessage } from '../../common/stream.js';
import { withTerminal } from '../../server/http/stream.js';
import { pullMessages } from '../../server/pull/pull-messages.js';
import { createSimulator, type Simulator } from '../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../server/tableau/index.js';

interface Side {
  sim: Simulator;
  client: TableauClient;
  datasourceId: string;
  /** `options` of every query-datasource the client sent. */
  sent: Array<Record<string, unknown>>;
}

async function side(productVersion: string): Promise<Side> {
  const sim = await createSimulator({ productVersion });
  const client = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
  const sent: Side['sent'] = [];
  const query = client.vdsQuery.bind(client);
  client.vdsQuery = (body: unknown) => {
    sent.push((body as { options: Record<string, unknown> }).options);
    return query(body);
  };
  const datasourceId = (await client.listAll('datasources')).find((d) => d.name === 'Superstore Orders')!.id;
  return { sim, client, datasourceId, sent };
}

let sse: Side;
let json: Side;
beforeAll(async () => {
  [sse, json] = await Promise.all([side('2026.1.0'), side('2025.3.0')]);
});
afterAll(async () => {
  await Promise.all([sse?.sim.close(), json?.sim.close()]);
});

const ROWS_QUERY: VdsQuery = {
  fields: [{ fieldCaption: 'Row ID', sortPriority: 1 }, { fieldCaption: 'Order Date' }, { fieldCaption: 'Sales' }],
};
const request = (s: Side, query: VdsQuery): PullRequest => ({ source: { kind: 'datasource', datasourceId: s.datasourceId, query } });

async function pull(s: Side, query = ROWS_QUERY): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  for await (const m of withTerminal(pullMessages(s.client, request(s, query)))) out.push(m);
  return out;
}
const rowsOf = (messages: StreamMessage[]) => messages.flatMap((m) => (m.kind === 'rows' ? m.rows : []));

describe('VDS pulls by server version', () => {
  it('reads 2026.1 as server-sent events and 2025.3 as JSON, into the same typed rows', async () => {
    const [a, b] = await Promise.all([pull(sse), pull(json)]);
    expect(sse.sent.at(-1)).toMatchObject({ returnServerSentEvents: true });
    expect(json.sent.at(-1)).not.toHaveProperty('returnServerSentEvents');
    expect(a.at(-1)).toMatchObject({ kind: 'end', rowCount: 10_000, truncated: false });
    expect(a[0]).toEqual(b[0]);
    expect(rowsOf(a)).toEqual(rowsOf(b));
    expect(a.at(-1)).toEqual(b.at(-1));
  });

  it('fails the pull, naming Tableau and counting the rows, on an ERROR event mid-stream', async () => {
    sse.sim.faults.add({ kind: 'vdsStreamError', afterRows: 2_500, path: '/query-datasource', count: 1 });
    const out = await pull(sse);
    expect(out.some((m) => m.kind === 'end')).toBe(false);
    expect(out.at(-1)).toEqual({
      kind: 'error',
      error: {
        code: 'vds-error',
        tableauCode: '500000',
        message: 'Tableau failed while sending the result after 2,500 of 10,000 rows; the previous data in your table is kept.',
      },
    });
  });

  it('fails the pull when the stream is closed before all announced rows came', async () => {
    sse.sim.faults.add({ kind: 'vdsStreamCut', afterRows: 4_000, path: '/query-datasource', count: 1 });
    const out = await pull(sse);
    expect(out.at(-1)).toMatchObject({
      kind: 'error',
      error: { code: 'stream-interrupted', message: expect.stringMatching(/^Tableau cut the data stream after 4,000 of 10,000 rows/) },
    });
  });

  it('a cut JSON body (2025.3) fails too, as before', async () => {
    json.sim.faults.add({ kind: 'vdsStreamCut', afterRows: 10, path: '/query-datasource', count: 1 });
    const out = await pull(json);
    expect(out.at(-1)).toMatchObject({ kind: 'error', error: { code: 'bad-response' } });
  });

  it('refuses a calculation in a set filter before sending it to 2025.3 (a refused query costs quota too); 2026.1 runs it', async () => {
    const query: VdsQuery = {
      fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM' }],
      filters: [{ field: { calculation: 'UPPER([Region])' }, filterType: 'SET', values: ['EAST'] }],
    };
    // A no-op fault counts the requests that reach the simulator's query-datasource.
    const probe = json.sim.faults.add({ kind: 'latency', ms: 0, path: '/query-datasource' });
    const refused = await pull(json, query);
    expect(refused.at(-1)).toMatchObject({
      kind: 'error',
      error: { code: 'vds-invalid-query', message: expect.stringContaining("can't have functions or calculations (UPPER([Region]))") },
    });
    expect(json.sim.faults.list().find((f) => f.id === probe)?.seen).toBe(0);
    json.sim.faults.remove(probe);
    const ran = await pull(sse, query);
    expect(rowsOf(ran).map((r) => r[0])).toEqual(['East']);
  });
});
