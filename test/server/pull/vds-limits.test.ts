/**
 * VDS's documented limits told at a pull's end (server/pull/vds-limits.ts): the operator's budget
 * from 80% on, and the 1 GB answer cap of servers before 2026.1 from a byte threshold (injected
 * small here: the real one is 800 MB).
 */
import type { StreamEnd, StreamMessage } from '../../../common/stream.js';
import { budgetWarning, withVdsLimits } from '../../../server/pull/vds-limits.js';
import { vdsToTyped } from '../../../server/pull/vds-typed.js';
import { chunks, collect, rowsOf } from './helpers.js';

const COLUMNS = [{ key: 'Category', caption: 'Category', dataType: 'STRING' as const }];
const BODY = JSON.stringify({ data: Array.from({ length: 50 }, (_, i) => [`Category ${i}`]) });
const FREES = new Date('2026-01-05T14:05:30Z');

const endOf = (messages: StreamMessage[]) => messages.find((m): m is StreamEnd => m.kind === 'end')!;

function pull(opts: Parameters<typeof withVdsLimits>[2], limit?: number) {
  const typing = { columns: COLUMNS, returnFormat: 'ARRAYS' as const, ...(limit === undefined ? {} : { limit }) };
  return collect(withVdsLimits(chunks(BODY, 64), (b) => vdsToTyped(b, typing), opts));
}

describe('the VDS budget warning', () => {
  it('starts at 80% of the budget, names the setting and when the oldest query leaves the hour', () => {
    expect(budgetWarning(undefined)).toBeUndefined();
    expect(budgetWarning({ used: 79, perHour: 100, oldestFreesAt: FREES })).toBeUndefined();
    expect(budgetWarning({ used: 85, perHour: 100, oldestFreesAt: FREES })).toBe(
      'This site has used 85 of its 100 VizQL Data Service queries for this hour (VDS_QUERIES_PER_HOUR_PER_SITE); ' +
        'at 100 the companion server stops sending queries until the oldest is an hour old (about 14:05 UTC).',
    );
    expect(budgetWarning({ used: 4, perHour: 5, oldestFreesAt: FREES })).toMatch(/used 4 of its 5 .*at 5 the companion/);
    expect(budgetWarning({ used: 5, perHour: 5, oldestFreesAt: FREES })).toMatch(
      /used 5 of its 5 .*sends no more queries for this site until the oldest is an hour old \(about 14:05 UTC\)\.$/,
    );
  });

  it('rides on the end of the pull, after the rows, and leaves the rows alone', async () => {
    const quiet = await pull({ budget: { used: 3, perHour: 10, oldestFreesAt: FREES } });
    expect(endOf(quiet).warnings).toBeUndefined();
    const near = await pull({ budget: { used: 9, perHour: 10, oldestFreesAt: FREES } });
    expect(rowsOf(near)).toEqual(rowsOf(quiet));
    expect(endOf(near).warnings).toEqual([expect.stringMatching(/^This site has used 9 of its 10 /)]);
  });
});

describe('the 1 GB answer cap before 2026.1', () => {
  it('warns once the bytes read pass the threshold, with the size and what to change', async () => {
    const bytes = Buffer.byteLength(BODY);
    expect(endOf(await pull({ nearCapBytes: bytes + 1 })).warnings).toBeUndefined();
    const warned = endOf(await pull({ nearCapBytes: bytes }));
    expect(warned.rowCount).toBe(50);
    expect(warned.warnings).toEqual([
      expect.stringMatching(/^This answer was 0 MB\. Before version 2026\.1, Tableau cuts .* at 1 GB .*add a filter or take fewer fields/),
    ]);
    // Both limits at once: the budget first, then the size.
    const both = endOf(await pull({ nearCapBytes: 10, budget: { used: 5, perHour: 5, oldestFreesAt: FREES } }));
    expect(both.warnings).toEqual([expect.stringMatching(/^This site has used 5/), expect.stringMatching(/^This answer was/)]);
  });

  it('counts only bytes actually read: a preview that stops at its row limit does not guess the whole size', async () => {
    // 5 rows are a few hundred bytes of the body's chunks; the whole body would pass the threshold.
    const preview = endOf(await pull({ nearCapBytes: Buffer.byteLength(BODY) }, 5));
    expect(preview.truncated).toBe(true);
    expect(preview.warnings).toBeUndefined();
  });

  it('is off for servers that stream without a cap (no threshold)', async () => {
    expect(endOf(await pull({})).warnings).toBeUndefined();
  });
});
