/**
 * What GET /health/ready asks before a proxy or an orchestrator sends this instance traffic: each
 * part of the server registers a check (the store here in app.ts, the scheduler in
 * routes/schedules.ts). Liveness (GET /health) only says the process answers; readiness says it can
 * do its work — the split Kubernetes draws between its liveness and readiness probes
 * (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/).
 * A reason is a short fixed phrase or an error CODE, never an error message: pg's messages can
 * name the database host and user, and this endpoint has no authentication.
 */

/** undefined = ready; otherwise why not, in a few words. */
type ReadinessCheck = () => Promise<string | undefined> | string | undefined;

interface ReadinessReport {
  ready: boolean;
  /** Each check's name → 'ok' or why not. */
  checks: Record<string, string>;
}

/** A check that has not answered by then counts as not ready (a database that hangs must not hang the probe). */
const CHECK_TIMEOUT_MS = 2_000;

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all([...this.checks].map(async ([name, check]) => [name, (await settle(check)) ?? 'ok'] as const));
    return { ready: entries.every(([, verdict]) => verdict === 'ok'), checks: Object.fromEntries(entries) };
  }
}

async function settle(check: ReadinessCheck): Promise<string | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('no answer'), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([Promise.resolve().then(check), late]);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && /^[\w-]{1,40}$/.test(code) ? `failed (${code})` : 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** The store answers a trivial query. */
export const storeCheck =
  (ping: () => Promise<void>): ReadinessCheck =>
  async () => {
    await ping();
    return undefined;
  };
