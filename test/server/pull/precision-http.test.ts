/**
 * Early dates end to end: the simulator serves a CSV data set (server/sim `csvDatasets`) with dates
 * around Excel's 1900 leap-year bug, and POST /api/connections/:cid/pull on the real server streams
 * Excel's serials (1900-01-01 → 1, 1900-02-28 → 59, 1900-03-01 → 61) and a date before 1900-01-01
 * as ISO text with one end warning, for a VDS query. Not served this way: the view CSV (the
 * simulator's sheet of a CSV data set formats dates as M/D/YYYY, server/sim/data/catalog.ts
 * `registerCsvDataset`) and numbers past 15 digits (it holds numbers as doubles, server/sim/data/datasets/csv-file.ts); unit tests in
 * precision.test.ts and precision-vds.test.ts cover those.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RunningServer } from '../../../server/main.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { apiClient, connectDemo, parseNdjson, rowsOf, tempDir } from '../http/helpers.js';
import { startTestServer } from '../http/test-server.js';

let sim: Simulator;
let server: RunningServer;
let api: ReturnType<typeof apiClient>;
let token: string;
let cid: string;

const WARNING = '1 date in "Day" is before 1900-01-01, which Excel cannot hold as a date; it was written as text (yyyy-mm-dd).';

beforeAll(async () => {
  const dir = tempDir('sim-early-');
  const file = join(dir, 'early.csv');
  writeFileSync(file, 'Day,Label\n1899-12-31,a\n1900-01-01,b\n1900-02-28,c\n1900-03-01,d\n');
  sim = await createSimulator({ csvDatasets: [file] });
  server = await startTestServer();
  api = apiClient(server.url);
  ({ token, cid } = await connectDemo(api, sim));
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

function csvDatasourceId(): string {
  for (const site of sim.state.sites()) {
    const ds = [...site.datasources.values()].find((d) => d.type === 'textscan');
    if (ds) return ds.id;
  }
  throw new Error('the CSV data set is not on the demo site');
}

async function pull(source: unknown) {
  const res = await api.call('POST', `/api/connections/${cid}/pull`, { token, body: { source } });
  expect(res.status, res.text).toBe(200);
  return parseNdjson(res.text);
}

describe('dates around 1900 through the real server', () => {
  it('a VDS query: serials 1, 59, 61 and ISO text for 1899-12-31, with one warning', async () => {
    const messages = await pull({
      kind: 'datasource',
      datasourceId: csvDatasourceId(),
      query: { fields: [{ fieldCaption: 'Day' }, { fieldCaption: 'Label' }] },
    });
    expect(messages[0]).toMatchObject({ kind: 'meta', columns: [{ name: 'Day', type: 'date' }, { name: 'Label' }] });
    const byLabel = Object.fromEntries(rowsOf(messages).map(([day, label]) => [label, day]));
    expect(byLabel).toEqual({ a: '1899-12-31', b: 1, c: 59, d: 61 });
    expect(messages.at(-1)).toMatchObject({ kind: 'end', rowCount: 4, warnings: [WARNING] });
  });
});
