/**
 * "When Tableau refreshes the data" on a team server (docs/tableau-events.md): two instances on one
 * PostgreSQL. Tableau's POST may reach either instance, and may come twice: the store's claim lets
 * one delivery through, and the queue makes one job of one event for a schedule, whichever
 * instances enqueue it. The registrations table on PostgreSQL: one per connection and event, the
 * token checked against its hash.
 */
import { jobIdFor, tableauEventKey } from '../../../server/schedule/queue-runner.js';
import { newReceiverToken } from '../../../server/store/tableau-webhooks.js';
import { makeRows, rowsPull } from '../schedule/fixtures.js';
import { ManualSchedulerClock } from '../schedule/manual-clock.js';
import { adminUrl, skipReason, teamDatabase, until } from './support.js';

const T0 = Date.parse('2026-03-02T08:10:00Z');
const EVENT = 'site-1|DatasourceRefreshSucceeded|ds-1|2026-03-02T08:11:00Z';

describe.skipIf(!adminUrl)(`Tableau refresh events on PostgreSQL${adminUrl ? '' : ` (skipped: ${skipReason})`}`, () => {
  it('one event enqueued by two instances at once runs its schedule once; a later event runs it again', async () => {
    expect(jobIdFor(tableauEventKey('s1', EVENT))).toBe(jobIdFor(tableauEventKey('s1', EVENT)));
    expect(jobIdFor(tableauEventKey('s1', EVENT))).not.toBe(jobIdFor(tableauEventKey('s2', EVENT)));

    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const [a, b] = await Promise.all([db.instance(rowsPull(makeRows(4))), db.instance(rowsPull(makeRows(4)))]);
    await Promise.all([a.runner.start(), b.runner.start()]);
    const s = await db.schedules.create(db.session, db.newSchedule({ spec: { kind: 'on-tableau-refresh' } }));
    await Promise.all([a.runner.upsert(s), b.runner.upsert(s)]);
    expect(await a.runner.nextRunAt(s.id)).toBeNull();

    const sent = await Promise.all([a.runner.runForTableauEvent(s.id, EVENT), b.runner.runForTableauEvent(s.id, EVENT)]);
    expect(sent.filter(Boolean)).toHaveLength(1);
    const runs = () => db.snapshots.list(s.id);
    await until(async () => (await runs()).some((r) => r.status === 'succeeded'), 20_000, 'the event run');
    // Days pass: an untimed schedule is never due, and a duplicate would have shown up by now.
    clock.advanceTo('2026-03-05T09:00:00Z');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await runs()).toHaveLength(1);
    expect((await runs())[0]).toMatchObject({ trigger: 'tableau-event', status: 'succeeded', rowCount: 4 });
    expect(a.pulls() + b.pulls()).toBe(1);

    // The same event again (a late retry): its job exists already, nothing new.
    expect(await b.runner.runForTableauEvent(s.id, EVENT)).toBe(false);
    const later = EVENT.replace('08:11:00', '09:30:00');
    expect(await a.runner.runForTableauEvent(s.id, later)).toBe(true);
    await until(async () => (await runs()).filter((r) => r.status === 'succeeded').length === 2, 20_000, 'the second event run');
    expect(a.pulls() + b.pulls()).toBe(2);
  });

  it('registrations: one per connection and event, found by token, a delivery claimed once across instances', async () => {
    const clock = new ManualSchedulerClock(T0);
    const db = await teamDatabase(clock);
    const [a, b] = await Promise.all([db.instance(rowsPull(makeRows(1))), db.instance(rowsPull(makeRows(1)))]);
    const connectionId = (await a.store.connections.list(db.session))[0].id;
    const id = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
    const { token, tokenHash } = newReceiverToken(id);
    const registration = { id, userId: db.session, connectionId, siteLuid: 'site-1', event: 'DatasourceRefreshSucceeded' as const };
    expect(await a.store.tableauWebhooks.add({ ...registration, webhookId: 'wh-1', tokenHash })).toBe(true);
    // Another instance registering the same (connection, event) loses, whatever its id.
    const other = newReceiverToken('7f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e');
    expect(
      await b.store.tableauWebhooks.add({ ...registration, id: '7f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e', webhookId: 'wh-2', ...other }),
    ).toBe(false);
    expect(await b.store.tableauWebhooks.byToken(token)).toMatchObject({ id, webhookId: 'wh-1', siteLuid: 'site-1' });
    expect(await b.store.tableauWebhooks.byToken(other.token)).toBeUndefined();
    expect(await b.store.tableauWebhooks.byToken(`${id}.${'A'.repeat(43)}`)).toBeUndefined();

    const claims = await Promise.all([a.store.tableauWebhooks.claimEvent(id, EVENT), b.store.tableauWebhooks.claimEvent(id, EVENT)]);
    expect(claims.sort()).toEqual([false, true]);
    // Deleting the connection deletes its registrations.
    await a.store.connections.delete(db.session, connectionId);
    expect(await b.store.tableauWebhooks.byToken(token)).toBeUndefined();
  });
});
