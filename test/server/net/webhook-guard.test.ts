/**
 * Failure webhooks of a team server (server/schedule/webhook.ts with a TargetGuard): sent through
 * the guarded agents, so the address is checked at send time — a name that now resolves to
 * 10.0.0.5 is not sent to, whatever it resolved to when the schedule was saved.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiErrorBody } from '../../../common/errors.js';
import { webhookNotifier } from '../../../server/schedule/webhook.js';
import type { ScheduleRecord } from '../../../server/store/schedules.js';
import { captureLogger } from '../http/helpers.js';
import { PLAYS_PUBLIC, testGuard } from './test-guard.js';

let receiver: FastifyInstance;
let port: number;
const received: unknown[] = [];

beforeAll(async () => {
  receiver = Fastify();
  receiver.post('/hook/:secret', async (request, reply) => {
    received.push(request.body);
    return reply.status(204).send();
  });
  receiver.post('/hang', () => new Promise(() => undefined));
  await receiver.listen({ port: 0, host: PLAYS_PUBLIC });
  const address = receiver.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  receiver.server.closeAllConnections();
  await receiver.close();
});

const schedule = (webhookUrl: string): ScheduleRecord => ({
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
  webhookUrl,
});

const error: ApiErrorBody = { code: 'bad-credentials', message: 'Tableau did not accept the sign-in.' };
const at = new Date('2026-03-02T09:00:05Z');
const settings = { ALLOWED_TABLEAU_SERVERS: 'tableau.test', ALLOWED_WEBHOOK_HOSTS: 'hooks.test,moving.test' };

describe('failure webhooks of a team server', () => {
  it('are delivered to an allowed host at a public address', async () => {
    const { logger, text } = captureLogger();
    const guard = testGuard(settings, { 'hooks.test': PLAYS_PUBLIC });
    await webhookNotifier({ logger, guard })(schedule(`http://hooks.test:${port}/hook/credential-in-path`), error, at);
    expect(received.at(-1)).toEqual({ scheduleId: 'sched-1', name: 'Sales by region', error, at: '2026-03-02T09:00:05.000Z' });
    expect(text()).toContain('failure webhook delivered');
  });

  it('are not sent when the name now resolves to a private address (checked at send time), nor to an unlisted host', async () => {
    const { logger, text } = captureLogger();
    // Public when the schedule was saved, 10.0.0.5 when the run fails.
    const guard = testGuard(settings, { 'moving.test': ['93.184.215.14', '10.0.0.5'] });
    await expect(guard.checkUrl('webhook', `http://moving.test:${port}/hook/x`)).resolves.toBeUndefined();
    const before = received.length;
    const notify = webhookNotifier({ logger, guard, timeoutMs: 2000 });
    await notify(schedule(`http://moving.test:${port}/hook/credential-in-path`), error, at);
    await notify(schedule(`http://10.0.0.5:${port}/hook/credential-in-path`), error, at);
    await notify(schedule(`http://127.0.0.1:${port}/hook/credential-in-path`), error, at);
    expect(received.length).toBe(before);
    const log = text();
    expect(log.match(/failure webhook not sent/g)).toHaveLength(3);
    expect(log).toContain('moving.test: it resolves to a private network address');
    expect(log).toContain('"address":"10.0.0.5 (private)"');
    expect(log).toContain('Ask your administrator to add 10.0.0.5 to ALLOWED_WEBHOOK_HOSTS.');
    expect(log).not.toContain('credential-in-path');
  });

  it('give up after the timeout through the guarded agents too', async () => {
    const { logger, text } = captureLogger();
    const guard = testGuard(settings, { 'hooks.test': PLAYS_PUBLIC });
    await webhookNotifier({ logger, guard, timeoutMs: 150 })(schedule(`http://hooks.test:${port}/hang`), error, at);
    expect(text()).toContain('no answer within 150 ms');
  });
});
