import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parsePage } from '../../../server/tableau/paging.js';
import { RESOURCES } from '../../../server/tableau/resources.js';
import { bool, num } from '../../../server/tableau/schemas/coerce.js';
import { credentialsSchema } from '../../../server/tableau/schemas/credentials.js';
import { jobResponseSchema } from '../../../server/tableau/schemas/job.js';
import { searchHitSchema } from '../../../server/tableau/schemas/search.js';
import { serverInfoSchema } from '../../../server/tableau/schemas/serverInfo.js';
import { vdsMetadataSchema } from '../../../server/tableau/schemas/vdsMetadata.js';
import { workbookSchema } from '../../../server/tableau/schemas/workbook.js';
import { TABLEAU_REFERENCE } from '../../fixtures/reference.js';

const fixtures = JSON.parse(readFileSync(`${TABLEAU_REFERENCE}/json-fixtures-from-tests.json`, 'utf8'));

describe('coercion', () => {
  it('reads "false" as false (never z.coerce.boolean)', () => {
    expect(bool.parse('false')).toBe(false);
    expect(bool.parse('FALSE')).toBe(false);
    expect(bool.parse('true')).toBe(true);
    expect(bool.parse(false)).toBe(false);
    expect(bool.parse('0')).toBe(false);
    expect(bool.parse('maybe')).toBeUndefined();
    expect(bool.parse(undefined)).toBeUndefined();
  });

  it('reads numbers from strings and ignores junk', () => {
    expect(num.parse('50')).toBe(50);
    expect(num.parse(7)).toBe(7);
    expect(num.parse('')).toBeUndefined();
    expect(num.parse('n/a')).toBeUndefined();
  });
});

describe('list pages', () => {
  it('accepts the empty list as {} with string pagination (tableau-mcp jobsApi.test.ts)', () => {
    const page = parsePage(RESOURCES.jobs, fixtures.rest_jobs_empty_list);
    expect(page).toEqual({ items: [], dropped: [], totalAvailable: 0 });
  });

  it('parses string pagination and coerces job numbers', () => {
    const page = parsePage<{ id: string; priority?: number; progress?: number }>(RESOURCES.jobs, fixtures.rest_jobs_pagination_strings);
    expect(page.totalAvailable).toBe(120);
    expect(page.items[0]).toMatchObject({ id: 'j1', priority: 50, progress: 100 });
  });

  it('wraps a single object into a one-element list', () => {
    const page = parsePage(RESOURCES.users, {
      pagination: { pageNumber: '1', pageSize: '100', totalAvailable: '1' },
      users: { user: { id: 'u1', name: 'alice' } },
    });
    expect(page.items).toEqual([expect.objectContaining({ id: 'u1', name: 'alice' })]);
  });

  it('keeps the page when one item is malformed and reports the dropped one', () => {
    const page = parsePage(RESOURCES.workbooks, {
      pagination: { pageNumber: '1', pageSize: '3', totalAvailable: '3' },
      workbooks: { workbook: [{ id: 'w1', name: 'A' }, { id: 'w2' }, { id: 'w3', name: 'C', showTabs: 'false', size: '26' }] },
    });
    expect(page.items.map((w) => (w as { id: string }).id)).toEqual(['w1', 'w3']);
    expect(page.items[1]).toMatchObject({ showTabs: false, size: 26 });
    expect(page.dropped).toEqual([{ index: 1, id: 'w2', issues: [expect.stringContaining('name')] }]);
  });

  it('accepts a list given directly as an array ({tasks:[...]}) and flattens tasks', () => {
    const page = parsePage(RESOURCES.extractRefreshTasks, {
      tasks: [
        { extractRefresh: { id: 't1', priority: '50', consecutiveFailedCount: '0', type: 'RefreshExtractTask', workbook: { id: 'wb' } } },
      ],
    });
    expect(page.items).toEqual([expect.objectContaining({ id: 't1', priority: 50, consecutiveFailedCount: 0, workbook: { id: 'wb' } })]);
  });

  it('rejects a non-object body as invalid-response', () => {
    expect(() => parsePage(RESOURCES.projects, 'oops')).toThrow(expect.objectContaining({ code: 'invalid-response' }));
  });
});

describe('resource schemas', () => {
  it('turns tags {} into [] and tag lists into labels; embedded views survive', () => {
    const wb = workbookSchema.parse({
      id: 'w',
      name: 'Safari',
      tags: { tag: [{ label: 'Safari' }, { label: 'Sample' }] },
      views: { view: { id: 'v1', name: 'ENDANGERED SAFARI', contentUrl: 'SafariSample/sheets/ENDANGEREDSAFARI' } },
    });
    expect(wb.tags).toEqual(['Safari', 'Sample']);
    expect(wb.views).toHaveLength(1);
    expect(workbookSchema.parse({ id: 'w', name: 'x', tags: {} }).tags).toEqual([]);
  });

  it('parses server info, both JSON forms', () => {
    expect(serverInfoSchema.parse({ serverInfo: { productVersion: { value: '2025.3.0', build: 'b' }, restApiVersion: '3.27' } })).toEqual({
      productVersion: '2025.3.0',
      build: 'b',
      restApiVersion: '3.27',
    });
    expect(serverInfoSchema.parse({ serverInfo: { productVersion: 'main', restApiVersion: 3.28 } }).restApiVersion).toBe('3.28');
  });

  it('parses credentials and requires a token', () => {
    expect(credentialsSchema.parse({ credentials: { token: 't', site: { id: 's', contentUrl: 'Samples' }, user: { id: 'u' } } })).toEqual({
      token: 't',
      siteId: 's',
      siteContentUrl: 'Samples',
      userId: 'u',
    });
    expect(credentialsSchema.safeParse({ credentials: { site: { id: 's' }, user: { id: 'u' } } }).success).toBe(false);
  });

  it('reads a failed job with status notes', () => {
    const { job } = jobResponseSchema.parse({
      job: { id: 'j', finishCode: '1', progress: '100', statusNotes: { statusNote: { type: 'ErrorInfo', text: 'Login failed' } } },
    });
    expect(job).toMatchObject({ finishCode: 1, progress: 100, statusNotes: [{ text: 'Login failed' }] });
  });

  it('flattens content search hits', () => {
    const hits = fixtures.content_search_items.hits.items.map((h: unknown) => searchHitSchema.parse(h));
    expect(hits[0]).toMatchObject({
      type: 'workbook',
      id: 'workbook-1-luid',
      title: 'Sales Dashboard',
      projectName: 'Finance',
      ownerName: 'John Doe',
    });
  });

  it('reads VDS metadata of 20251 and 20252 style and infers roles', () => {
    const m = vdsMetadataSchema.parse(fixtures.vds_read_metadata_20251_style);
    expect(m.fields.map((f) => [f.fieldCaption, f.dataType, f.role])).toEqual([
      ['Order Profitable?', 'BOOLEAN', 'DIMENSION'],
      ['Profit Ratio', 'REAL', 'MEASURE'],
      ['Category', 'STRING', 'DIMENSION'],
    ]);
    const p = vdsMetadataSchema.parse(fixtures.vds_read_metadata_with_parameters);
    expect(p.parameters).toEqual([expect.objectContaining({ parameterCaption: 'Top Customers', dataType: 'INTEGER', value: 5, min: 5 })]);
    expect(p.fields[0].defaultAggregation).toBe('COUNT');
  });

  it('takes the 2026.1 fieldRole over the guess, and maps unknown types to UNKNOWN', () => {
    const m = vdsMetadataSchema.parse({
      data: [
        { fieldName: 'Id', fieldCaption: 'Row ID', dataType: 'INTEGER', fieldRole: 'DIMENSION' },
        { fieldCaption: 'Geo', dataType: 'HYPERCUBE' },
        { nope: 1 },
      ],
    });
    expect(m.fields.map((f) => [f.fieldCaption, f.dataType, f.role])).toEqual([
      ['Row ID', 'INTEGER', 'DIMENSION'],
      ['Geo', 'UNKNOWN', 'DIMENSION'],
    ]);
    expect(m.dropped).toBe(1);
  });
});
