/**
 * AutomationLease: which copy of the add-in runs a workbook's AUTOMATIC refreshes (on open and
 * every N minutes). Co-authors each run their own add-in instance, so without coordination every
 * co-author's pane would refresh the same tables on open and on each timer (issue #16, item 7). A
 * custom XML part belongs to the file and travels with it (docs/excel.md#custom-xml-parts), so the
 * lease lives there.
 *
 * The lease is a small custom XML part in its own namespace holding { holder, expiresAt }: the
 * holder is a random id per pane load, the lease lasts LEASE_TTL_MS and is renewed before each
 * automatic run and by a timer while the holder has timed tables. Before an automatic run an
 * instance acquires a free or expired lease, renews its own, or skips the run while another
 * holder's lease is live. It writes, then (after `settleMs` when it newly acquires, so copies
 * starting together both land their write first) reads back: the last writer wins. How fast, or
 * whether, Excel shares custom XML part changes between co-authors is not documented (verify in
 * Excel), so this is best effort: a co-author's write that arrives late is seen at the next
 * renewal, and the loser stops.
 * Manual refreshes never ask. A document that cannot be read or written (ExcelApi 1.5 missing, a
 * read-only workbook) never blocks: the run goes ahead as it did before there was a lease.
 *
 * The clocks of co-authors' machines are compared through expiresAt: a skew of a minute or two is
 * absorbed by the TTL (renewals come every third of it).
 */
import { unwrapCdata, wrapInCdata } from '../../workbook/custom-xml.js';

export const LEASE_NAMESPACE = 'urn:tableau-excel:refresh-lease';
const ROOT = 'tableauRefreshLease';
/** How long a lease lasts without renewal. */
export const LEASE_TTL_MS = 3 * 60_000;
/** Inside Excel, how long a new holder waits before reading its write back (co-authors' writes arrive late). */
export const LEASE_SETTLE_MS = 3000;

export interface LeaseRecord {
  holder: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What to do with the lease found in the document. */
export type LeaseStep = 'acquire' | 'renew' | 'take-over' | 'held-elsewhere';

/** Pure: none → acquire; ours → renew; another's, expired → take over; another's, live → skip. */
export function decideLease(current: LeaseRecord | null, me: string, now: number): LeaseStep {
  if (!current) return 'acquire';
  if (current.holder === me) return 'renew';
  return current.expiresAt > now ? 'held-elsewhere' : 'take-over';
}

export function serializeLease(record: LeaseRecord): string {
  const json = JSON.stringify({ version: 1, holder: record.holder, expiresAt: new Date(record.expiresAt).toISOString() });
  return wrapInCdata(ROOT, LEASE_NAMESPACE, json);
}

/** The lease in the part's text; null for none, or for one that is damaged (it is simply replaced). */
export function parseLease(xml: string | null): LeaseRecord | null {
  if (!xml) return null;
  try {
    const raw = JSON.parse(unwrapCdata(xml)) as { holder?: unknown; expiresAt?: unknown };
    const expiresAt = typeof raw.expiresAt === 'string' ? Date.parse(raw.expiresAt) : NaN;
    if (typeof raw.holder !== 'string' || !raw.holder || Number.isNaN(expiresAt)) return null;
    return { holder: raw.holder, expiresAt };
  } catch {
    return null;
  }
}

/** The answer before an automatic run. */
export type LeaseAnswer =
  { run: true; why: 'holder' | 'no-document' } | { run: false; why: 'held-elsewhere'; holder: string; expiresAt: number };

/** What the runner asks before an automatic refresh (AutomationLease, or a test's stand-in). */
export interface AutomationGate {
  claim(): Promise<LeaseAnswer>;
}

/** The part of WorkbookGateway (addin/workbook/gateway.ts) the lease needs. */
interface DocumentPort {
  readDocument(namespace: string): Promise<string | null>;
  writeDocument(namespace: string, xml: string): Promise<void>;
}

interface LeaseTimers {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export interface AutomationLeaseOptions {
  documents: DocumentPort;
  /** This pane load's id (default: a random UUID). */
  holder?: string;
  now?: () => number;
  ttlMs?: number;
  /** For the renewal timer (default: the global timers). */
  timers?: LeaseTimers;
  /** Whether to keep the lease between runs (e.g. while some table refreshes every N minutes); default always. */
  keepWhile?: () => boolean;
  /** Wait between writing a NEW lease and reading it back (default 0; LEASE_SETTLE_MS inside Excel). */
  settleMs?: number;
}

export class AutomationLease implements AutomationGate {
  readonly holder: string;
  private readonly documents: DocumentPort;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly timers: LeaseTimers;
  private readonly keepWhile: () => boolean;
  private readonly settleMs: number;
  private queue: Promise<unknown> = Promise.resolve();
  private renewal: unknown = null;
  private held = false;
  private stopped = false;

  constructor(options: AutomationLeaseOptions) {
    this.documents = options.documents;
    this.holder = options.holder ?? crypto.randomUUID();
    this.now = options.now ?? (() => Date.now());
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.timers = options.timers ?? {
      setTimeout: (cb, ms) => globalThis.setTimeout(cb, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    };
    this.keepWhile = options.keepWhile ?? (() => true);
    this.settleMs = options.settleMs ?? 0;
  }

  /** Whether this instance held the lease at its last claim. */
  get holding(): boolean {
    return this.held;
  }

  /** Before an automatic run: acquire or renew the lease, or say who holds it. One claim at a time. */
  claim(): Promise<LeaseAnswer> {
    const next = this.queue.then(() => this.claimNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Stops renewing and, best effort, hands the lease back so a co-author can take over at once. */
  async release(): Promise<void> {
    this.stopped = true;
    this.clearRenewal();
    const wasHeld = this.held;
    this.held = false;
    if (!wasHeld) return;
    try {
      const current = parseLease(await this.documents.readDocument(LEASE_NAMESPACE));
      if (current?.holder !== this.holder) return;
      await this.documents.writeDocument(LEASE_NAMESPACE, serializeLease({ holder: this.holder, expiresAt: this.now() }));
    } catch {
      /* the pane is closing: the lease simply expires */
    }
  }

  private async claimNow(): Promise<LeaseAnswer> {
    const now = this.now();
    let current: LeaseRecord | null;
    try {
      current = parseLease(await this.documents.readDocument(LEASE_NAMESPACE));
    } catch {
      return this.noDocument();
    }
    const step = decideLease(current, this.holder, now);
    if (step === 'held-elsewhere') return this.elsewhere(current!);
    try {
      await this.documents.writeDocument(LEASE_NAMESPACE, serializeLease({ holder: this.holder, expiresAt: now + this.ttlMs }));
      if (step !== 'renew' && this.settleMs > 0) await new Promise((resolve) => globalThis.setTimeout(resolve, this.settleMs));
      // Read back: of two instances writing at once, the last writer holds the lease.
      const back = parseLease(await this.documents.readDocument(LEASE_NAMESPACE));
      if (back && decideLease(back, this.holder, now) === 'held-elsewhere') return this.elsewhere(back);
    } catch {
      return this.noDocument();
    }
    this.held = true;
    this.scheduleRenewal();
    return { run: true, why: 'holder' };
  }

  private elsewhere(current: LeaseRecord): LeaseAnswer {
    this.held = false;
    this.clearRenewal();
    return { run: false, why: 'held-elsewhere', holder: current.holder, expiresAt: current.expiresAt };
  }

  private noDocument(): LeaseAnswer {
    this.held = false;
    this.clearRenewal();
    return { run: true, why: 'no-document' };
  }

  /** While holding (and wanted), renew every third of the TTL, so the lease never lapses between runs. */
  private scheduleRenewal(): void {
    this.clearRenewal();
    if (this.stopped) return;
    this.renewal = this.timers.setTimeout(
      () => {
        this.renewal = null;
        if (this.stopped || !this.held || !this.keepWhile()) return;
        void this.claim();
      },
      Math.max(1000, Math.floor(this.ttlMs / 3)),
    );
  }

  private clearRenewal(): void {
    if (this.renewal !== null) this.timers.clearTimeout(this.renewal);
    this.renewal = null;
  }
}
