import { describe, expect, it } from 'vitest';

import { fastParse, parseList, SLOW } from '../../../server/tableau/schemas/coerce.js';
import { workbookSchema } from '../../../server/tableau/schemas/workbook.js';

/** Workbook items as servers send them, well-formed and odd (fast path ↔ zod fallback). */
const full = {
  id: 'wb-1',
  name: 'Superstore',
  description: 'Sales',
  contentUrl: 'Superstore',
  webpageUrl: 'https://x/#/workbooks/1',
  showTabs: 'true',
  size: '2',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-02-01T00:00:00Z',
  defaultViewId: 'v-1',
  project: { id: 'p1', name: 'Samples' },
  owner: { id: 'u1' },
  tags: { tag: [{ label: 'sales' }, { label: 'demo' }] },
};
const CASES: Record<string, unknown> = {
  full,
  minimal: { id: 'x', name: 'n' },
  emptyTags: { ...full, tags: {} },
  oneTagBare: { ...full, tags: { tag: { label: 'solo' } } },
  badTagItem: { ...full, tags: { tag: [{ label: 'ok' }, { nope: 1 }, 'str'] } },
  numbersAsNumbers: { ...full, size: 7, sheetCount: 3, showTabs: true, hasExtracts: 0 },
  oddValues: { ...full, size: '', sheetCount: 'abc', showTabs: ' TRUE ', hasExtracts: 'maybe', createdAt: 5, description: null },
  extraKeys: { ...full, encryptExtracts: 'false', location: { id: 'p1', type: 'Project' }, dataAccelerationConfig: {} },
  refExtras: { ...full, project: { id: 'p1', name: 'Samples', description: 'd' }, owner: { name: 'Ann', id: 7 } },
  refNull: { ...full, project: null },
  refArray: { ...full, owner: [{ id: 'u1' }] },
  refBadId: { ...full, owner: { id: { nested: true } } },
  views: { ...full, views: { view: [{ id: 'v1', name: 'Sheet 1', usage: { totalViewCount: '7' } }, { id: '' }] } },
  viewsEmpty: { ...full, views: {} },
  emptyId: { ...full, id: '' },
  numericName: { ...full, name: 42 },
  missingName: { id: 'x' },
  notAnObject: 'wb',
  array: [full],
  nullItem: null,
};

describe('fast list parse gives exactly what the zod schema gives', () => {
  it.each(Object.entries(CASES))('%s', (_name, value) => {
    const viaZod = workbookSchema.safeParse(value);
    const listed = parseList([value], workbookSchema);
    if (!viaZod.success) {
      expect(listed.items).toEqual([]);
      expect(listed.dropped).toHaveLength(1);
      return;
    }
    expect(listed.dropped).toEqual([]);
    expect(listed.items[0]).toStrictEqual(viaZod.data);
    // Same key order too (JSON and Object.keys consumers see the same object).
    expect(JSON.stringify(listed.items[0])).toBe(JSON.stringify(viaZod.data));
    expect(Object.keys(listed.items[0] as object)).toEqual(Object.keys(viaZod.data));
  });

  it('takes the fast path for well-formed items and leaves odd ones to zod', () => {
    for (const name of ['full', 'minimal', 'emptyTags', 'oneTagBare', 'badTagItem', 'extraKeys', 'refExtras', 'views']) {
      expect(fastParse(workbookSchema, CASES[name]), name).not.toBe(SLOW);
    }
    for (const name of ['refNull', 'refArray', 'refBadId', 'emptyId', 'numericName', 'missingName', 'notAnObject', 'array', 'nullItem']) {
      expect(fastParse(workbookSchema, CASES[name]), name).toBe(SLOW);
    }
  });

  it("gives zod's object for every set of present keys, past the generated builders too", () => {
    // 64 different sets of the six optional keys: more than the converter generates builders for (coerce.ts MAX_BUILDERS).
    const optional = ['description', 'contentUrl', 'size', 'createdAt', 'project', 'tags'] as const;
    for (let mask = 0; mask < 64; mask++) {
      const item: Record<string, unknown> = { id: `wb-${mask}`, name: 'n', extra: mask };
      optional.forEach((key, i) => {
        if (mask & (1 << i)) item[key] = full[key];
      });
      const [out] = parseList([item], workbookSchema).items;
      expect(fastParse(workbookSchema, item)).not.toBe(SLOW);
      expect(JSON.stringify(out)).toBe(JSON.stringify(workbookSchema.parse(item)));
      expect(Object.keys(out)).toEqual(Object.keys(workbookSchema.parse(item)));
    }
  });

  it('one malformed item never drops the page', () => {
    const r = parseList([full, { id: '' }, { ...full, id: 'wb-2' }], workbookSchema);
    expect(r.items.map((w) => w.id)).toEqual(['wb-1', 'wb-2']);
    expect(r.dropped).toEqual([expect.objectContaining({ index: 1 })]);
  });

  it('never hands back the input object itself', () => {
    const item = { ...full };
    const [out] = parseList([item], workbookSchema).items;
    expect(out).not.toBe(item);
    expect(out.project).not.toBe(item.project);
  });
});
