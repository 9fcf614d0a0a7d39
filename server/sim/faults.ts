import { z } from 'zod';

/**
 * Faults tests switch on, at creation (`faults` option), at runtime (`Simulator.faults`) or over HTTP
 * (`/_sim/faults`). Each fault targets requests by `path` (substring, or glob with `*`) and `method`,
 * lets the first `after` matching requests through and then hits the next `count` ones (default:
 * every one). State is explicit: list(), remove(id), clear().
 */
const target = {
  path: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  count: z.number().int().min(1).optional(),
  after: z.number().int().min(0).optional(),
};

export const faultSpecSchema = z.discriminatedUnion('kind', [
  /** Delay every matching request by `ms` (benchmarks: 50 ms per request). */
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000), ...target }).strict(),
  /** Invalidate the caller's token, so the request (and later ones) get 401002 — "expiry after N calls" via `after`. */
  z.object({ kind: z.literal('expireToken'), ...target }).strict(),
  /** 429 with an HTML body, as Tableau Cloud's throttling answers (docs/tableau-rest.md#concurrency-and-rate-limits), optional Retry-After seconds. */
  z.object({ kind: z.literal('rateLimit'), retryAfter: z.number().int().min(0).optional(), ...target }).strict(),
  /** Gateway pages with HTML bodies (502/503/504). */
  z.object({ kind: z.literal('badGateway'), ...target }).strict(),
  z.object({ kind: z.literal('unavailable'), retryAfter: z.number().int().min(0).optional(), ...target }).strict(),
  z.object({ kind: z.literal('gatewayTimeout'), ...target }).strict(),
  /** Destroy the socket without answering (ECONNRESET / socket hang up on the client). */
  z.object({ kind: z.literal('reset'), ...target }).strict(),
  /**
   * The request is carried out (a user added, a project created), then the socket is destroyed
   * instead of answering: the client cannot tell whether Tableau did it (TSC#636, TSC#1137:
   * "user got added to the site, but" the call failed). docs/publish.md#apply.
   */
  z.object({ kind: z.literal('dropAnswer'), ...target }).strict(),
  /** Never answer (no `ms`) or answer normally after `ms`. */
  z.object({ kind: z.literal('timeout'), ms: z.number().int().min(1).max(3_600_000).optional(), ...target }).strict(),
  /** Cut the JSON body in half: status 200, content-type JSON, unparseable body. */
  z.object({ kind: z.literal('malformedJson'), ...target }).strict(),
  /**
   * The extract refresh started by the matching request (Update Data Source Now, Update Workbook Now,
   * Run Extract Refresh Task) fails: its job ends Failed, finishCode 1, and the Refresh Failed webhook
   * event fires (webhooks.ts). Use `path: '/refresh'` or a data source / workbook id.
   */
  z.object({ kind: z.literal('refreshFails'), ...target }).strict(),
  /**
   * A VizQL Data Service answer that fails after `afterRows` rows have been sent (status 200 already):
   * on 2026.1+ the stream then ends with an ERROR event (SSE) or an `error` key (JSON), as
   * vds_create_queries.html "Streaming and Error checking" shows; `errorCode` defaults to 500000.
   */
  z
    .object({
      kind: z.literal('vdsStreamError'),
      afterRows: z.number().int().min(0),
      errorCode: z
        .string()
        .regex(/^\d{6}$/)
        .optional(),
      ...target,
    })
    .strict(),
  /** A VizQL Data Service answer whose connection closes cleanly after `afterRows` rows, without the rest. */
  z.object({ kind: z.literal('vdsStreamCut'), afterRows: z.number().int().min(0), ...target }).strict(),
  /** After answering a list page, add and/or remove items of that list, so the next page shifts. */
  z
    .object({
      kind: z.literal('mutate'),
      add: z.number().int().min(0).max(10_000).optional(),
      remove: z.number().int().min(0).max(10_000).optional(),
      ...target,
    })
    .strict(),
]);

export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type FaultInfo = FaultSpec & { id: string; seen: number; remaining: number | null };
export type Mutation = { add: number; remove: number };
/** A result stream that fails (`error`) or is cut off (`cut`) once `afterRows` rows went out. */
export type VdsStreamFault = { kind: 'error'; afterRows: number; errorCode: string } | { kind: 'cut'; afterRows: number };

/** What the faults decided for one request. */
export interface FaultPlan {
  delayMs: number;
  expireToken: boolean;
  malformedJson: boolean;
  /** An extract refresh this request starts fails (set only when a refreshFails fault hit). */
  refreshFails?: boolean;
  /** A VDS result stream that fails or is cut after some rows (vdsStreamError / vdsStreamCut). */
  vdsStream?: VdsStreamFault;
  mutation?: Mutation;
  /** Carry the request out, then drop the answer (dropAnswer). */
  dropAnswer?: boolean;
  /** A fault that answers (or drops) the request itself. */
  terminal?: FaultInfo;
}

function matcher(path: string | undefined): (url: string) => boolean {
  if (!path) return () => true;
  if (!path.includes('*')) return (url) => url.includes(path);
  const re = new RegExp(
    path
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
  );
  return (url) => re.test(url);
}

export class FaultController {
  private faults: Array<FaultInfo & { match: (url: string) => boolean }> = [];
  private nextId = 1;

  constructor(initial: readonly FaultSpec[] = []) {
    for (const f of initial) this.add(f);
  }

  /** Adds a fault (validated); returns its id. */
  add(spec: FaultSpec): string {
    const parsed = faultSpecSchema.parse(spec);
    const id = `f${this.nextId++}`;
    this.faults.push({ ...parsed, id, seen: 0, remaining: parsed.count ?? null, match: matcher(parsed.path) });
    return id;
  }

  /** Replaces all faults. */
  set(specs: FaultSpec | readonly FaultSpec[]): string[] {
    const list = Array.isArray(specs) ? specs : [specs as FaultSpec];
    const validated = list.map((s) => faultSpecSchema.parse(s));
    this.clear();
    return validated.map((s) => this.add(s));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): FaultInfo[] {
    return this.faults.map(({ match: _match, ...info }) => ({ ...info }));
  }

  /** Consumes the faults that hit this request. `hasToken` limits expireToken to authenticated calls. */
  plan(method: string, url: string, hasToken: boolean): FaultPlan {
    const plan: FaultPlan = { delayMs: 0, expireToken: false, malformedJson: false };
    if (this.faults.length === 0) return plan;
    const path = url.split('?')[0];
    for (const f of this.faults) {
      if (plan.terminal) break;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!f.match(path)) continue;
      if (f.kind === 'expireToken' && !hasToken) continue;
      f.seen++;
      if (f.seen <= (f.after ?? 0)) continue;
      if (f.remaining !== null) f.remaining--;
      switch (f.kind) {
        case 'latency':
          plan.delayMs += f.ms;
          break;
        case 'expireToken':
          plan.expireToken = true;
          break;
        case 'malformedJson':
          plan.malformedJson = true;
          break;
        case 'refreshFails':
          plan.refreshFails = true;
          break;
        case 'vdsStreamError':
          plan.vdsStream = { kind: 'error', afterRows: f.afterRows, errorCode: f.errorCode ?? '500000' };
          break;
        case 'vdsStreamCut':
          plan.vdsStream = { kind: 'cut', afterRows: f.afterRows };
          break;
        case 'mutate':
          plan.mutation = { add: f.add ?? 0, remove: f.remove ?? 0 };
          break;
        case 'dropAnswer':
          plan.dropAnswer = true;
          break;
        case 'timeout':
          if (f.ms !== undefined) plan.delayMs += f.ms;
          else plan.terminal = { ...f };
          break;
        default:
          plan.terminal = { ...f };
      }
    }
    this.faults = this.faults.filter((f) => f.remaining === null || f.remaining > 0);
    return plan;
  }
}

const page = (status: string, text: string) =>
  `<html>\r\n<head><title>${status}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<p>${text}</p>\r\n</body>\r\n</html>\r\n`;

/** HTML bodies as gateways and Tableau Cloud's throttling send them (docs/tableau-rest.md#concurrency-and-rate-limits). */
export const FAULT_PAGES = {
  rateLimit: { status: 429, html: page('429 Too Many Requests', 'You have sent too many requests in a given amount of time.') },
  badGateway: { status: 502, html: page('502 Bad Gateway', 'The server encountered a temporary error.') },
  unavailable: {
    status: 503,
    html: page('503 Service Temporarily Unavailable', 'The server is temporarily unable to service your request.'),
  },
  gatewayTimeout: { status: 504, html: page('504 Gateway Time-out', 'The upstream server did not answer in time.') },
} as const;
