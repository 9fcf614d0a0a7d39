/**
 * Site inventory (workbooks, views, users, jobs ...) as data: REST list items → typed result stream.
 * Columns are the union of all items' flattened keys in a stable order (id, name first, then as first
 * seen) or exactly `fields` when given; types come from all values (inventory-types.ts). Inventory
 * lists are small (pages of ≤ 1000 items), so items are gathered before `meta` is sent.
 */
import { z } from 'zod';

import { INVENTORY_RESOURCES, type InventoryResource } from '../../common/source.js';
import type { CellValue, StreamMessage } from '../../common/stream.js';
import { PullDataError, toStreamError } from './errors.js';
import { flattenItem, type FlatValue } from './inventory-flatten.js';
import { inventoryColumn } from './inventory-types.js';
import { precisionWarnings } from './precision.js';
import { batchSize, RowBatcher } from './row-batcher.js';

const OptionsSchema = z.object({
  resource: z.enum(INVENTORY_RESOURCES),
  fields: z.array(z.string().min(1)).optional(),
  source: z.string().optional(),
  limit: z.number().int().nonnegative().optional(),
});

export interface InventoryToTypedOptions {
  resource: InventoryResource;
  /** Flattened column names to keep, in this order (e.g. ['name', 'project.name', 'updatedAt']). */
  fields?: string[];
  source?: string;
  limit?: number;
}

const FIRST = ['id', 'name'];

export async function* inventoryToTyped(
  items: AsyncIterable<Record<string, unknown>> | Iterable<unknown>,
  opts: InventoryToTypedOptions,
): AsyncGenerator<StreamMessage> {
  try {
    yield* typeInventory(items, opts);
  } catch (err) {
    yield toStreamError(err);
  }
}

async function* typeInventory(
  items: AsyncIterable<Record<string, unknown>> | Iterable<unknown>,
  rawOpts: InventoryToTypedOptions,
): AsyncGenerator<StreamMessage> {
  const parsed = OptionsSchema.safeParse(rawOpts);
  if (!parsed.success) throw new PullDataError('invalid-input', 'The inventory request is not valid: unknown list or field names');
  const opts = parsed.data;
  const limit = opts.limit ?? Infinity;
  const flat: Map<string, FlatValue>[] = [];
  const seen = new Set<string>();
  const order: string[] = [];
  let truncated = false;
  for await (const item of items as AsyncIterable<unknown>) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw new PullDataError('bad-response', `Tableau sent a ${opts.resource} list entry that is not an object`);
    }
    if (flat.length >= limit) {
      truncated = true;
      break;
    }
    const f = flattenItem(item as Record<string, unknown>);
    flat.push(f);
    for (const k of f.keys()) {
      if (!seen.has(k)) {
        seen.add(k);
        order.push(k);
      }
    }
  }
  const names = opts.fields ?? [...FIRST.filter((k) => seen.has(k)), ...order.filter((k) => !FIRST.includes(k))];
  const columns = names.map((name) =>
    inventoryColumn(
      name,
      flat.map((f) => f.get(name) ?? null),
    ),
  );
  yield {
    kind: 'meta',
    columns: columns.map((c) => c.spec),
    source: opts.source ?? `Site inventory: ${opts.resource}`,
  };
  const batcher = new RowBatcher(batchSize(names.length));
  for (const f of flat) {
    const row: CellValue[] = columns.map((c, j) => c.convert(f.get(names[j]) ?? null));
    const full = batcher.push(row);
    if (full) yield { kind: 'rows', rows: full };
  }
  const last = batcher.flush();
  if (last) yield { kind: 'rows', rows: last };
  const warnings = precisionWarnings(
    columns.map((c, j) => ({ name: names[j], count: c.longNumbers })),
    columns.map((c, j) => ({ name: names[j], count: c.earlyDates })),
  );
  yield { kind: 'end', rowCount: flat.length, truncated, ...(warnings.length ? { warnings } : {}) };
}
