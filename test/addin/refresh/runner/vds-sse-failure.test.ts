/**
 * A VDS answer over Server-Sent Events that fails after some rows (an ERROR event, or a stream cut
 * short) reaches the add-in as the same `error` message as any failed pull, so the refresh leaves the
 * table as it was: the messages here are the ones server/pull/vds-sse.ts makes of such a stream.
 */
import { describe, expect, it } from 'vitest';

import type { StreamMessage } from '../../../../common/stream.js';
import type { VdsColumn } from '../../../../server/pull/vds-columns.js';
import { vdsSseToTyped } from '../../../../server/pull/vds-sse.js';
import { bench } from './fixtures.js';

/** Typed exactly as the bench table's columns (Region text, Sales decimal). */
const COLUMNS: VdsColumn[] = [
  { key: 'Region', caption: 'Region', dataType: 'STRING' },
  { key: 'SUM(Sales)', caption: 'Sales', dataType: 'REAL', function: 'SUM' },
];
const event = (json: unknown) => `data: ${JSON.stringify(json)}\n\n`;
const rowsEvent = (n: number) => event({ event: 'DATA', data: Array.from({ length: n }, (_, i) => [`R${i}`, i]) });

async function messagesOf(body: string): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  async function* bytes() {
    yield Buffer.from(body);
  }
  for await (const m of vdsSseToTyped(bytes(), { columns: COLUMNS, returnFormat: 'ARRAYS' })) out.push(m);
  return out;
}

describe('refresh runner: a VDS event stream that fails changes no cell', () => {
  it.each([
    [
      'an ERROR event after 6,000 rows',
      event({ event: 'METADATA', data: { rowCount: 9_000 } }) + rowsEvent(6_000) + event({ event: 'ERROR', data: { errorCode: '500000' } }),
      'vds-error',
    ],
    [
      'a stream cut after 6,000 of 9,000 rows',
      event({ event: 'METADATA', data: { rowCount: 9_000 } }) + rowsEvent(6_000),
      'stream-interrupted',
    ],
  ])('%s: table unchanged, the error says why', async (_, body, code) => {
    const messages = await messagesOf(body);
    // Rows went out before the failure was known: the runner must still drop them.
    expect(messages.some((m) => m.kind === 'rows')).toBe(true);
    const b = await bench();
    b.api.script('v1', messages);
    const before = b.cells();
    const outcome = await b.runner.refresh(b.ids.Sales);
    expect(outcome).toMatchObject({ status: 'error', error: { code } });
    expect(outcome.error?.message).toMatch(/^Tableau .* 6,000 of 9,000 rows/);
    expect(b.cells()).toBe(before);
  });
});
