import { newReceiverToken, SqlTableauWebhookStore } from '../../../server/store/tableau-webhooks.js';
import { describeEachStore } from './backends.js';

const ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const OTHER_ID = '7f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const EVENT_KEY = 'site-1|DatasourceRefreshSucceeded|ds-1|2026-03-02T08:11:00Z';

describeEachStore('Tableau webhook registrations', (backend) => {
  /** A store with one user and one connection, and a registration for it. */
  async function withConnection(now?: () => Date) {
    const opened = await backend.open();
    const userId = (await opened.store.sessions.create()).session.userId;
    const connection = await opened.store.connections.save(userId, {
      label: 'Demo',
      serverUrl: 'https://tableau.example.com',
      siteContentUrl: 'demo',
      auth: { kind: 'pat', patName: 'analyst', patSecret: 'not-a-real-secret' },
    });
    const webhooks = now ? new SqlTableauWebhookStore(opened.sql, now) : opened.store.tableauWebhooks;
    const { token, tokenHash } = newReceiverToken(ID);
    const registration = {
      id: ID,
      userId,
      connectionId: connection.id,
      siteLuid: 'site-1',
      event: 'DatasourceRefreshSucceeded' as const,
      webhookId: 'wh-1',
    };
    expect(await webhooks.add({ ...registration, tokenHash })).toBe(true);
    return { ...opened, userId, connection, webhooks, token, registration };
  }

  it('stores the SHA-256 of the token secret only, and finds a registration by its whole token', async () => {
    const { webhooks, sql, token, registration } = await withConnection();
    const [id, secret] = token.split('.');
    expect(id).toBe(ID);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const stored = await sql.get<{ token_hash: string }>('SELECT token_hash FROM tableau_webhooks WHERE id = ?', [ID]);
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(secret);
    expect(await webhooks.byToken(token)).toMatchObject({ ...registration, createdAt: expect.any(String) });
    for (const wrong of [`${ID}.${'A'.repeat(43)}`, `${OTHER_ID}.${secret}`, secret, '', `${ID}.${secret}x`]) {
      expect(await webhooks.byToken(wrong), wrong).toBeUndefined();
    }
  });

  it('keeps one registration per connection and event', async () => {
    const { webhooks, registration, connection } = await withConnection();
    const again = newReceiverToken(OTHER_ID);
    expect(await webhooks.add({ ...registration, id: OTHER_ID, webhookId: 'wh-2', tokenHash: again.tokenHash })).toBe(false);
    expect(await webhooks.byToken(again.token)).toBeUndefined();
    const workbook = newReceiverToken(OTHER_ID);
    expect(
      await webhooks.add({
        ...registration,
        id: OTHER_ID,
        event: 'WorkbookRefreshSucceeded',
        webhookId: 'wh-2',
        tokenHash: workbook.tokenHash,
      }),
    ).toBe(true);
    expect((await webhooks.forConnection(connection.id)).map((r) => r.event)).toEqual([
      'DatasourceRefreshSucceeded',
      'WorkbookRefreshSucceeded',
    ]);
    expect(await webhooks.remove(OTHER_ID)).toBe(true);
    expect(await webhooks.remove(OTHER_ID)).toBe(false);
    expect(await webhooks.forConnection(connection.id)).toHaveLength(1);
  });

  it('claims a delivered event once, and forgets it after a day', async () => {
    let now = new Date('2026-03-02T08:11:05Z');
    const { webhooks } = await withConnection(() => now);
    expect(await webhooks.claimEvent(ID, EVENT_KEY)).toBe(true);
    expect(await webhooks.claimEvent(ID, EVENT_KEY)).toBe(false);
    expect(await webhooks.claimEvent(ID, EVENT_KEY.replace('08:11:00', '09:00:00'))).toBe(true);
    now = new Date('2026-03-03T08:12:00Z');
    expect(await webhooks.claimEvent(ID, EVENT_KEY)).toBe(true);
  });

  it("goes with its connection, and the connection's handled events with it", async () => {
    const { store, webhooks, token, userId, connection, sql } = await withConnection();
    await webhooks.claimEvent(ID, EVENT_KEY);
    await store.connections.delete(userId, connection.id);
    expect(await webhooks.byToken(token)).toBeUndefined();
    expect(await sql.all('SELECT * FROM tableau_events_seen')).toEqual([]);
  });
});
