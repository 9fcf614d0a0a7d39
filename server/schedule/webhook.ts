/**
 * Failure webhooks: when a scheduled run fails and its schedule has a webhook URL, POST
 * `{ scheduleId, name, error, at }` there. Best effort: a slow, failing or unreachable receiver is
 * logged and never delays the runner beyond the timeout or crashes it. The payload holds the
 * plain-words ApiErrorBody only (never a secret, by that type's contract), and the log names the
 * receiver's host only: chat webhooks (Slack, Teams) carry their credential in the URL path.
 * A team server sends only to ALLOWED_WEBHOOK_HOSTS at public addresses, checked when the socket
 * is made (server/net/guard.ts): DNS may have changed since the URL was saved.
 */
import type { ApiErrorBody } from '../../common/stream.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../log.js';
import { findTargetRefusal, type TargetGuard } from '../net/guard.js';
import { postJson } from '../net/post.js';
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
  /** Team mode: where webhooks may go (the Tableau servers' guard, for purpose 'webhook'). */
  guard?: TargetGuard;
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

/**
 * When a schedule's webhook is saved: a team server says at once (400 target-not-allowed) that it
 * will not send there, rather than failing quietly at the first failed run. Checked again at send.
 */
export async function checkWebhookUrl(guard: TargetGuard | undefined, url: string | null | undefined): Promise<void> {
  if (!guard || !url) return;
  try {
    await guard.checkUrl('webhook', url);
  } catch (err) {
    const refused = findTargetRefusal(err);
    throw refused ? new ApiError({ code: 'target-not-allowed', message: `The webhook was not saved. ${refused.message}` }) : err;
  }
}

export function webhookNotifier(options: WebhookOptions): FailureNotifier {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const doFetch = options.fetch ?? fetch;
  const agents = options.guard?.agents('webhook');
  const post = async (url: string, body: string, signal: AbortSignal): Promise<number> => {
    if (agents) return postJson(url, body, agents, signal);
    // A redirect could send the payload somewhere the owner did not name.
    const res = await doFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, redirect: 'manual' });
    await res.body?.cancel().catch(() => undefined);
    return res.status;
  };
  return async (schedule, error, at) => {
    if (!schedule.webhookUrl) return;
    const payload: FailurePayload = { scheduleId: schedule.id, name: schedule.name, error, at: at.toISOString() };
    const log = options.logger.child({ scheduleId: schedule.id, webhookHost: webhookHost(schedule.webhookUrl) });
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const status = await post(schedule.webhookUrl, JSON.stringify(payload), signal);
      if (status >= 200 && status < 300) log.info({ status }, 'failure webhook delivered');
      else log.warn({ status }, 'failure webhook refused');
    } catch (err) {
      const refused = findTargetRefusal(err);
      if (refused) {
        log.warn({ reason: refused.message, ...(refused.detail ? { address: refused.detail } : {}) }, 'failure webhook not sent');
        return;
      }
      const timedOut = (err as Error)?.name === 'TimeoutError' || signal.aborted;
      // Only the error's kind: undici's messages and causes can repeat the full URL.
      log.warn(
        { reason: timedOut ? `no answer within ${timeoutMs} ms` : ((err as Error)?.name ?? 'error') },
        'failure webhook not delivered',
      );
    }
  };
}
