/** Failure webhooks against a local fastify receiver: payload, timeouts, refusals, no URL in logs. */
import Fastify, { type FastifyInstance } from 'fastify';

import type { ApiErrorBody } from '../../../common/errors.js';
import { webhookHost, webhookNotifier } from '../../../server/schedule/webhook.js';
import type { ScheduleRecord } from '../../../server/store/schedules.js';
import { captureLogger } from '../http/helpers.js';

const TOKEN_PATH = '/services/T000/B000/xoxb-webhook-credential';

let receiver: FastifyInstance;
let base: string;
const received: unknown[] = [];

beforeAll(async () => {
  receiver = Fastify();
  receiver.post('/services/*', async (request, reply) => {
    received.push(request.body);
    return reply.status(204).send();
  });
  receiver.post('/refuse', async (_request, reply) => reply.status(500).send('no'));
  // Never answers: the notifier must give up on its own.
  receiver.post('/hang', () => new Promise(() => undefined));
  await receiver.listen({ port: 0, host: '127.0.0.1' });
  const address = receiver.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  receiver.server.closeAllConnections();
  await receiver.close();
});

const schedule = (webhookUrl?: string): ScheduleRecord => ({
  id: 'sched-1',
  userId: 'user-1',
  connectionId: 'conn-1',
  definitionId: 'def-1',
  name: 'Sales by region',
  source: { kind: 'view', viewId: 'v1' },
  spec: { kind: 'hourly', minute: 0, timeZone: 'UTC' },
  historyLimit: 30,
  lastSlotAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...(webhookUrl ? { webhookUrl } : {}),
});

const error: ApiErrorBody = { code: 'bad-credentials', message: 'Tableau did not accept the sign-in.' };
const at = new Date('2026-03-02T09:00:05Z');

describe('webhookNotifier', () => {
  it('POSTs {scheduleId, name, error, at} and logs only the host', async () => {
    const { logger, text } = captureLogger();
    await webhookNotifier({ logger })(schedule(`${base}${TOKEN_PATH}`), error, at);
    expect(received.at(-1)).toEqual({ scheduleId: 'sched-1', name: 'Sales by region', error, at: '2026-03-02T09:00:05.000Z' });
    expect(text()).toContain('failure webhook delivered');
    expect(text()).not.toContain('xoxb-webhook-credential');
  });

  it('gives up after its timeout and logs it, without throwing', async () => {
    const { logger, text } = captureLogger();
    const started = Date.now();
    await expect(webhookNotifier({ logger, timeoutMs: 150 })(schedule(`${base}/hang`), error, at)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text()).toContain('no answer within 150 ms');
  });

  it('logs a refusing or unreachable receiver, without throwing', async () => {
    const { logger, text } = captureLogger();
    const notify = webhookNotifier({ logger });
    await notify(schedule(`${base}/refuse`), error, at);
    expect(text()).toContain('failure webhook refused');
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    await notify(schedule(`http://127.0.0.1:9${TOKEN_PATH}`), error, at);
    expect(text()).toContain('failure webhook not delivered');
    expect(text()).not.toContain('xoxb-webhook-credential');
  });

  it('does nothing for a schedule without a webhook', async () => {
    const calls: unknown[] = [];
    const fakeFetch = (async (...args: unknown[]) => void calls.push(args)) as unknown as typeof fetch;
    await webhookNotifier({ logger: captureLogger().logger, fetch: fakeFetch })(schedule(), error, at);
    expect(calls).toEqual([]);
  });

  it('webhookHost shows the host only', () => {
    expect(webhookHost(`https://hooks.slack.com${TOKEN_PATH}?x=1`)).toBe('hooks.slack.com');
    expect(webhookHost('not a url')).toBe('invalid URL');
  });
});
