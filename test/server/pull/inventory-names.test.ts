/**
 * Names beside ids in inventory lists (issue #21): the pane asks Tableau for them with a `fields`
 * expression (addin/ui/inventory/inventoryLists.ts `names`), since Query Views for Site answers
 * `workbook`, `owner` and `project` with an id only. Against the simulator, which answers `fields`
 * as Tableau documents it (server/sim/fields.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { INVENTORY_LISTS } from '../../../addin/ui/inventory/inventoryLists.js';
import type { StreamMessage } from '../../../common/stream.js';
import { inventoryToTyped } from '../../../server/pull/inventory-typed.js';
import { createSimulator, type Simulator } from '../../../server/sim/index.js';
import { SessionCache, TableauClient } from '../../../server/tableau/index.js';
import { collect } from './helpers.js';

let sim: Simulator;
let client: TableauClient;

beforeAll(async () => {
  sim = await createSimulator();
  client = await TableauClient.connect({
    serverUrl: sim.url,
    siteContentUrl: sim.demo.siteContentUrl,
    auth: { kind: 'pat', patName: sim.demo.patName, patSecret: sim.demo.patSecret },
    sessions: new SessionCache(),
  });
});
afterAll(async () => {
  await sim?.close();
});

const columnsOf = (out: StreamMessage[]) => (out[0].kind === 'meta' ? out[0].columns.map((c) => c.name) : []);

describe('inventory lists with names', () => {
  it('views: without fields only ids; with the pane’s fields the owner, project and workbook names and the view count', async () => {
    const bare = columnsOf(await collect(inventoryToTyped(await client.listAll('views', { usage: true }), { resource: 'views' })));
    expect(bare).toEqual(expect.arrayContaining(['workbook.id', 'owner.id', 'project.id']));
    expect(bare).not.toContain('owner.name');

    const fields = INVENTORY_LISTS.find((l) => l.resource === 'views')!.names;
    const out = await collect(inventoryToTyped(await client.listAll('views', { fields, usage: true }), { resource: 'views' }));
    expect(columnsOf(out)).toEqual(
      expect.arrayContaining([
        'workbook.id',
        'workbook.name',
        'owner.id',
        'owner.name',
        'project.id',
        'project.name',
        'usage.totalViewCount',
      ]),
    );
    const rows = out.filter((m) => m.kind === 'rows').flatMap((m) => (m.kind === 'rows' ? m.rows : []));
    const ownerName = columnsOf(out).indexOf('owner.name');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => typeof r[ownerName] === 'string' && r[ownerName] !== '')).toBe(true);
  });

  it('every list the pane asks names for accepts its fields expression', async () => {
    for (const list of INVENTORY_LISTS.filter((l) => l.names)) {
      const out = await collect(
        inventoryToTyped(await client.listAll(list.resource, { fields: list.names, usage: list.resource === 'views' }), {
          resource: list.resource,
        }),
      );
      expect(out.at(-1)?.kind, list.resource).toBe('end');
      if (list.resource !== 'views') expect(columnsOf(out), list.resource).toContain('owner.name');
    }
  });
});
