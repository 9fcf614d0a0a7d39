import { afterEach, describe, expect, it } from 'vitest';

import { applyFilter, applySort, type FieldTable, parseFilter, splitTopLevel } from '../../../server/sim/filter.js';
import { type Harness, harness } from './helpers.js';

interface Item {
  name: string;
  size: number;
  createdAt: string;
  tags: string[];
  flag: boolean;
}
const T: FieldTable<Item> = {
  name: { type: 'string', get: (i) => i.name },
  size: { type: 'number', get: (i) => i.size },
  createdAt: { type: 'date', get: (i) => i.createdAt },
  tags: { type: 'list', get: (i) => i.tags },
  flag: { type: 'boolean', get: (i) => i.flag },
};
const ITEMS: Item[] = [
  { name: 'Superstore', size: 3, createdAt: '2025-01-01T00:00:00Z', tags: ['sales'], flag: true },
  { name: 'Superstore, Large', size: 9, createdAt: '2025-06-01T00:00:00Z', tags: [], flag: false },
  { name: 'Finance', size: 3, createdAt: '2024-01-01T00:00:00Z', tags: ['finance', 'sales'], flag: true },
  { name: 'marketing', size: 1, createdAt: '2026-01-01T00:00:00Z', tags: [], flag: false },
];
const names = (raw: string, sort?: string) => applySort(applyFilter(ITEMS, raw, T), sort, T).map((i) => i.name);

describe('filter expressions (pure)', () => {
  it('splits on top-level commas only', () => {
    expect(splitTopLevel('name:in:[a,b],size:gt:1')).toEqual(['name:in:[a,b]', 'size:gt:1']);
  });

  it('supports eq, gt, gte, lt, lte, in, has, cieq', () => {
    expect(names('name:eq:Finance')).toEqual(['Finance']);
    expect(names('size:gt:3')).toEqual(['Superstore, Large']);
    expect(names('size:gte:3')).toEqual(['Superstore', 'Superstore, Large', 'Finance']);
    expect(names('size:lt:3')).toEqual(['marketing']);
    expect(names('size:lte:1')).toEqual(['marketing']);
    expect(names('createdAt:gte:2025-06-01T00:00:00Z')).toEqual(['Superstore, Large', 'marketing']);
    expect(names('name:in:[Finance,marketing]')).toEqual(['Finance', 'marketing']);
    expect(names('name:has:store')).toEqual(['Superstore', 'Superstore, Large']);
    expect(names('name:cieq:MARKETING')).toEqual(['marketing']);
    expect(names('tags:eq:sales')).toEqual(['Superstore', 'Finance']);
    expect(names('tags:in:[finance,nothing]')).toEqual(['Finance']);
    expect(names('flag:eq:true')).toEqual(['Superstore', 'Finance']);
  });

  it('ANDs expressions, is case-sensitive, and expands * wildcards in eq', () => {
    expect(names('name:eq:Super*,size:gt:3')).toEqual(['Superstore, Large']);
    expect(names('name:eq:*ance')).toEqual(['Finance']);
    expect(names('name:eq:M*')).toEqual([]);
    expect(names('name:eq:super*')).toEqual([]);
    expect(names('name:eq:Super.tore')).toEqual([]); // dots are literal, not regex
  });

  it('keeps only the last expression of a repeated field', () => {
    expect(names('size:gt:1,size:lt:3')).toEqual(['marketing']);
  });

  it('rejects unknown fields (400065), unknown or unsupported operators and bad values (400000)', () => {
    expect(() => parseFilter('owner:eq:x', T)).toThrow(expect.objectContaining({ code: '400065', status: 400 }));
    expect(() => parseFilter('name:like:x', T)).toThrow(expect.objectContaining({ code: '400000' }));
    expect(() => parseFilter('flag:gt:true', T)).toThrow(expect.objectContaining({ code: '400000' }));
    expect(() => parseFilter('size:gt:big', T)).toThrow(expect.objectContaining({ code: '400000' }));
    expect(() => parseFilter('name:in:a,b', T)).toThrow(expect.objectContaining({ code: '400000' }));
    expect(() => parseFilter('nonsense', T)).toThrow(expect.objectContaining({ code: '400000' }));
  });

  it('sorts by several keys, stable', () => {
    expect(names('', 'size:desc,name:asc')).toEqual(['Superstore, Large', 'Finance', 'Superstore', 'marketing']);
    expect(names('', 'createdAt:asc')).toEqual(['Finance', 'Superstore', 'Superstore, Large', 'marketing']);
    expect(() => names('', 'name:up')).toThrow(expect.objectContaining({ code: '400000' }));
    expect(() => names('', 'color:asc')).toThrow(expect.objectContaining({ code: '400000' }));
  });

  it('re-sorts when content changed since the same sort was last asked for (the order is cached per page run)', () => {
    const items = ITEMS.map((i) => ({ ...i }));
    const sorted = () => applySort(items, 'createdAt:asc,name:asc', T).map((i) => i.name);
    expect(sorted()).toEqual(['Finance', 'Superstore', 'Superstore, Large', 'marketing']);
    const first = applySort(items, 'createdAt:asc,name:asc', T);
    first.reverse(); // callers own what they get back
    expect(sorted()).toEqual(['Finance', 'Superstore', 'Superstore, Large', 'marketing']);
    items[0].createdAt = '2027-01-01T00:00:00Z'; // touched in place
    expect(sorted()).toEqual(['Finance', 'Superstore, Large', 'marketing', 'Superstore']);
    items.push({ name: 'Archive', size: 2, createdAt: '2020-01-01T00:00:00Z', tags: [], flag: false });
    expect(sorted()[0]).toBe('Archive');
    items.splice(0, 1, { ...items[0] }); // same values, another object: still a correct order
    expect(sorted()).toEqual(['Archive', 'Finance', 'Superstore, Large', 'marketing', 'Superstore']);
  });
});

describe('filter and sort over HTTP', () => {
  let h: Harness;
  afterEach(async () => h?.app.close());

  it('filters workbooks with in:[...] (URL-encoded) and wildcards, sorts by name', async () => {
    h = await harness();
    const token = await h.signIn();
    const f = encodeURIComponent('name:in:[Superstore,Finance Overview]');
    const res = await h.get(`workbooks?filter=${f}&sort=name:desc`, token);
    expect(res.body.workbooks.workbook.map((w: { name: string }) => w.name)).toEqual(['Superstore', 'Finance Overview']);
    const wild = await h.get(`workbooks?filter=${encodeURIComponent('name:eq:*Sales*')}&sort=name:asc`, token);
    expect(wild.body.workbooks.workbook.map((w: { name: string }) => w.name)).toEqual(['Americas Sales', 'Regional Sales EMEA']);
  });

  it('filters projects by topLevelProject and parentProjectId', async () => {
    h = await harness();
    const token = await h.signIn();
    const top = await h.get('projects?filter=topLevelProject:eq:true&sort=name:asc', token);
    expect(top.body.projects.project.map((p: { name: string }) => p.name)).toEqual(['Archive', 'Data Sources', 'Samples', 'default']);
    const samples = top.body.projects.project.find((p: { name: string }) => p.name === 'Samples');
    const kids = await h.get(`projects?filter=parentProjectId:eq:${samples.id}&sort=name:asc`, token);
    expect(kids.body.projects.project.map((p: { name: string; parentProjectId: string }) => [p.name, p.parentProjectId])).toEqual([
      ['Finance', samples.id],
      ['Marketing', samples.id],
      ['Sales', samples.id],
    ]);
    expect((await h.get('projects?filter=parentProjectId:gt:x', token)).status).toBe(400);
  });

  it('filters views by sheetType and workbookName, jobs by status', async () => {
    h = await harness();
    const token = await h.signIn();
    const dash = await h.get('views?filter=sheetType:eq:dashboard&sort=name:asc', token);
    expect(dash.body.views.view.map((v: { name: string }) => v.name)).toEqual(['EMEA Dashboard', 'Finance KPIs', 'Sales Overview']);
    const story = await h.get('views?filter=sheetType:eq:story,workbookName:eq:Superstore', token);
    expect(story.body.views.view).toHaveLength(1);
    const failed = await h.get('jobs?filter=status:eq:Failed', token);
    expect(failed.body.backgroundJobs.backgroundJob).toHaveLength(1);
  });

  it('answers 400065 for an unknown filter field', async () => {
    h = await harness();
    const token = await h.signIn();
    const res = await h.get('workbooks?filter=color:eq:red', token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('400065');
  });
});
