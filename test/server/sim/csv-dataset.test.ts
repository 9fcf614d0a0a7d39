/**
 * `--dataset file.csv` (server/sim/README.md): the file is a published data source AND a one-sheet
 * workbook whose view exports its data (it used to answer 404011), with empty and repeated headers
 * named as Tableau's text connector names them (server/sim/data/datasets/csv-file.ts fieldNames).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fieldNames } from '../../../server/sim/data/datasets/csv-file.js';
import { tempDir } from '../http/helpers.js';
import { type Harness, harness } from './helpers.js';

describe('field names of a CSV header', () => {
  it('names an empty header F<position> and a repeated one "<name> (2)"', () => {
    expect(fieldNames(['Region', '', 'Sales', 'Sales', ' ', 'sales'])).toEqual(['Region', 'F2', 'Sales', 'Sales (2)', 'F5', 'sales (3)']);
    // A header literally called F2 does not take the generated name of the empty second column.
    expect(fieldNames(['F2', ''])).toEqual(['F2 (2)', 'F2']);
  });
});

describe('a --dataset CSV served as a data source and a view', () => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    const file = join(tempDir('sim-csv-'), 'shops.csv');
    writeFileSync(file, 'Shop,,Sales,Sales\nNorth,x,10,1\nSouth,y,5,2\nNorth,x,7,3\n');
    h = await harness({ csvDatasets: [file] });
    token = await h.signIn();
  });
  afterAll(async () => h.app.close());

  const csvView = async () => {
    const views = (await h.get('views?pageSize=1000', token)).body.views.view as Array<{ id: string; name: string }>;
    return views.find((v) => v.name === 'shops')!;
  };

  it("exports the view's data: dimensions grouped, measures summed, the generated names as headers", async () => {
    const view = await csvView();
    expect(view).toBeDefined();
    const res = await h.raw('GET', `/api/3.28/sites/${h.siteId}/views/${view.id}/data`, token);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.text.trim().split('\n')).toEqual(['Shop,F2,Sales,Sales (2)', 'North,x,17,4', 'South,y,5,2']);
  });

  it('honours vf_ filters on the named fields', async () => {
    const view = await csvView();
    const res = await h.raw('GET', `/api/3.28/sites/${h.siteId}/views/${view.id}/data?vf_F2=y`, token);
    expect(res.text.trim().split('\n')).toEqual(['Shop,F2,Sales,Sales (2)', 'South,y,5,2']);
  });

  it('serves the data source with the same field names through VDS read-metadata', async () => {
    const ds = [...h.demoSite.datasources.values()].find((d) => d.name === 'shops')!;
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/vizql-data-service/read-metadata',
      headers: { 'x-tableau-auth': token, 'content-type': 'application/json' },
      payload: { datasource: { datasourceLuid: ds.id } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const captions = (JSON.parse(res.body) as { data: Array<{ fieldCaption: string }> }).data.map((f) => f.fieldCaption);
    expect(captions).toEqual(['Shop', 'F2', 'Sales', 'Sales (2)']);
  });
});
