import { readFileSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import { readXmlElements, xmlToTsRequest } from '../../../server/sim/xml.js';
import { toTsResponseXml, wantsXml } from '../../../server/sim/xml-out.js';
import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';
import { type Harness, harness } from './helpers.js';

describe('XML request bodies', () => {
  it('reads tsRequest attributes with prefixes and entities', () => {
    const el = readXmlElements(
      `<ts:tsRequest><ts:credentials name="a&amp;b" password='p"w'><ts:site contentUrl=""/></ts:credentials></ts:tsRequest>`,
    );
    expect(el.get('credentials')).toEqual({ name: 'a&b', password: 'p"w' });
    expect(xmlToTsRequest('<tsRequest><site contentUrl="other"/></tsRequest>')).toEqual({ site: { contentUrl: 'other' } });
  });
});

describe('XML responses', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('renders attributes, children, repeated arrays, empty lists and text elements like Tableau', () => {
    const xml = toTsResponseXml({
      pagination: { pageNumber: '1', pageSize: '100', totalAvailable: '2' },
      workbooks: {
        workbook: [
          { id: '1', name: 'A & B', tags: {} },
          { id: '2', name: 'C', tags: { tag: [{ label: 'x' }] } },
        ],
      },
    });
    expect(xml).toContain('<pagination pageNumber="1" pageSize="100" totalAvailable="2"/>');
    expect(xml).toContain(
      '<workbooks><workbook id="1" name="A &amp; B"><tags/></workbook><workbook id="2" name="C"><tags><tag label="x"/></tags></workbook></workbooks>',
    );
    expect(toTsResponseXml({ error: { summary: 'S', detail: 'D', code: '401001' } })).toContain(
      '<error code="401001"><summary>S</summary><detail>D</detail></error>',
    );
    expect(toTsResponseXml({ serverInfo: { productVersion: { value: '2026.1.0', build: 'b' }, restApiVersion: '3.28' } })).toContain(
      '<serverInfo><productVersion build="b">2026.1.0</productVersion><restApiVersion>3.28</restApiVersion></serverInfo>',
    );
  });

  it('negotiates by Accept; defaultFormat decides when Accept names neither', () => {
    expect(wantsXml('application/json', 'xml')).toBe(false);
    expect(wantsXml('application/xml', 'json')).toBe(true);
    expect(wantsXml('*/*', 'json')).toBe(false);
    expect(wantsXml(undefined, 'xml')).toBe(true);
  });

  it('answers XML to a TSC-style client, in the recorded asset layout', async () => {
    h = await harness({ defaultFormat: 'xml' });
    const signin = await h.app.inject({
      method: 'POST',
      url: '/api/3.28/auth/signin',
      headers: { 'content-type': 'text/xml' },
      payload:
        '<tsRequest><credentials name="ada.admin" password="sim-password"><site contentUrl="superstore-demo"/></credentials></tsRequest>',
    });
    expect(signin.headers['content-type']).toMatch(/^application\/xml/);
    const creds = readXmlElements(signin.body);
    const token = creds.get('credentials')!.token;
    expect(creds.get('site')).toEqual({ id: h.siteId, contentUrl: 'superstore-demo' });
    const list = await h.app.inject({ url: `/api/3.28/sites/${h.siteId}/workbooks?pageSize=1`, headers: { 'x-tableau-auth': token } });
    const el = readXmlElements(list.body);
    expect(el.get('pagination')).toEqual({ pageNumber: '1', pageSize: '1', totalAvailable: '7' });
    const asset = readXmlElements(readFileSync(`${TABLEAU_REFERENCE}/tsc-assets/workbook_get.xml`, 'utf8'));
    expect(Object.keys(el.get('workbook')!)).toEqual(expect.arrayContaining(Object.keys(asset.get('workbook')!)));
    const json = await h.app.inject({
      url: `/api/3.28/sites/${h.siteId}/workbooks?pageSize=1`,
      headers: { 'x-tableau-auth': token, accept: 'application/json' },
    });
    expect(json.json().pagination.totalAvailable).toBe('7');
  });
});
