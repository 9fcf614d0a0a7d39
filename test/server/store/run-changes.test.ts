/**
 * A schedule's history keeps what each run changed against the run before: the same comparison
 * and counts as a refresh in the pane (common/diff), read from the stored snapshots batch by batch.
 */
import type { CellValue } from '../../../common/stream.js';
import { recordSnapshot } from '../../../server/schedule/record.js';
import { COLUMNS, makeRows, rowsPull } from '../schedule/fixtures.js';
import { describeEachStore, type StoreBackend, storeWithSchedule } from './backends.js';

async function setup(backend: StoreBackend) {
  const { clock, schedule, snapshots } = await storeWithSchedule(backend);
  const record = async (rows: CellValue[][]) => {
    clock.advance(60_000);
    const run = await snapshots.begin(schedule.id, { trigger: 'manual', startedAt: clock.now() });
    const outcome = await recordSnapshot(rowsPull(rows, 700)(schedule), {
      snapshots,
      run,
      now: () => clock.now(),
      signal: new AbortController().signal,
    });
    return outcome.run!;
  };
  return { snapshots, schedule, record };
}

describeEachStore('what a scheduled run changed', (backend) => {
  it('counts 3 changed, 2 added and 1 removed against the run before, by the guessed key, and keeps them in the history', async () => {
    const { snapshots, schedule, record } = await setup(backend);
    const before = makeRows(6000);
    const first = await record(before);
    expect(first.status).toBe('succeeded');
    expect(first.changes).toBeUndefined();
    const after = before.filter((_, i) => i !== 4000).map((r, i) => (i === 1 || i === 2000 || i === 5000 ? [r[0], 9999, r[2]] : r));
    after.push(['new-1', 1, 45000], ['new-2', 2, 45001]);
    const second = await record(after);
    expect(second.changes).toEqual({
      compared: true,
      keys: [COLUMNS[0].name],
      keyGuessed: true,
      added: 2,
      removed: 1,
      changed: 3,
      unchanged: 5996,
      notes: [],
    });
    const history = await snapshots.list(schedule.id);
    expect(history[0].changes).toEqual(second.changes);
  });

  it('says why there are no counts when the guessed key repeats in the run before', async () => {
    const { record } = await setup(backend);
    await record([
      ['West', 1, 45000],
      ['West', 2, 45001],
    ]);
    const second = await record([
      ['West', 1, 45000],
      ['East', 2, 45001],
    ]);
    expect(second.status).toBe('succeeded');
    expect(second.changes).toMatchObject({ compared: false, reason: 'key-not-unique', keys: ['Region'] });
  });
});
