/**
 * Failure webhooks: when a scheduled run fails and its schedule has a webhook URL, POST
 * `{ scheduleId, name, error, at }` there. Best effort: a slow, failing or unreachable receiver is
 * logged and never delays the runner beyond the timeout or crashes it. The payload holds the
 * plain-words ApiErrorBody only (never a secret, by that type's contract), and the log names the
 * receiver's host only: chat webhooks (Slack, Teams) carry their credential in the URL path.
 */
import type { ApiErrorBody } from '../../common/stream.js';
import type { Logger } from '../log.js';
import type { ScheduleRecord } from '../store/schedules.js';

interface FailurePayload {
  scheduleId: string;
  name: string;
  error: ApiErrorBody;
  /** ISO time of the failure. */
  at: string;
}

export type FailureNotifier = (schedule: ScheduleRecord, error: ApiErrorBody, at: Date) => Promise<void>;

export interface WebhookOptions {
  logger: Logger;
  /** Default 5 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;

/** The host of a webhook URL, for logs and API responses (never the path or query). */
export function webhookHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}

export function webhookNotifier(options: WebhookOptions): FailureNotifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  return async (schedule, error, at) => {
    if (!schedule.webhookUrl) return;
    const payload: FailurePayload = { scheduleId: schedule.id, name: schedule.name, error, at: at.toISOString() };
    const log = options.logger.child({ scheduleId: schedule.id, webhookHost: webhookHost(schedule.webhookUrl) });
    try {
      const res = await doFetch(schedule.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect could send the payload somewhere the owner did not name.
        redirect: 'manual',
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) log.info({ status: res.status }, 'failure webhook delivered');
      else log.warn({ status: res.status }, 'failure webhook refused');
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError';
      // Only the error's kind: undici's messages and causes can repeat the full URL.
      log.warn(
        { reason: timedOut ? `no answer within ${timeoutMs} ms` : ((err as Error)?.name ?? 'error') },
        'failure webhook not delivered',
      );
    }
  };
}
