/**
 * When a list page that has come in gets parsed (paging.ts collectAllPages).
 *
 * Parsing a 1,000-item page holds the one thread for ~2–3 ms, and the answers of one round of
 * requests come in a few ms apart, each taking ~2 ms to read off the socket. Parsing the first
 * answer at once delayed reading the others, and so the next request each of their slots sends: in
 * a trace of bench list_10k the round's last answer was read ~10 ms after Tableau had sent it, on
 * every round (issue #18). So a page that has come in waits while another request is due — in
 * flight for about as long as the quickest round trip of this listing — as long as pages are left
 * to ask for; never longer than a quarter of that round trip past the due request's time. One parse
 * at a time, and the event loop's I/O runs between two.
 */

/** A request counts as due this share of the quickest round trip before it would match it. */
const DUE_EARLY = 0.1;
/** A due request that has taken this many times the quickest round trip no longer holds parsing up. */
const GIVE_UP = 1.25;

/**
 * How long a parse should wait now, in ms (0: parse). `sentAt` are the requests still in flight,
 * `minRtt` the quickest round trip seen (Infinity before the first answer).
 */
export function parseWaitMs(sentAt: Iterable<number>, minRtt: number, now: number, morePending: boolean): number {
  if (!morePending || !Number.isFinite(minRtt)) return 0;
  let wait = 0;
  for (const at of sentAt) {
    const age = now - at;
    if (age >= minRtt * (1 - DUE_EARLY) && age < minRtt * GIVE_UP) wait = Math.max(wait, at + minRtt * GIVE_UP - now);
  }
  return wait;
}

export class ParseTurns {
  private readonly sentAt = new Map<number, number>();
  private minRtt = Infinity;
  private readonly waiting: Array<() => void> = [];
  private busy = false;
  private pumpQueued = false;
  private timer: NodeJS.Timeout | undefined;

  /**
   * `morePending`: are there pages left to ask for (reading an answer sooner sends one sooner)?
   * `now`: the clock, in ms (tests pass their own).
   */
  constructor(
    private readonly morePending: () => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  sent(page: number): void {
    this.sentAt.set(page, this.now());
  }

  /** The request for `page` is done; `ok`: it answered (its round trip counts). */
  settled(page: number, ok: boolean): void {
    const at = this.sentAt.get(page);
    if (at === undefined) return;
    this.sentAt.delete(page);
    if (ok) this.minRtt = Math.min(this.minRtt, this.now() - at);
    this.schedulePump();
  }

  /** Resolves when this page may be parsed, with the function to call once it is. */
  turn(): Promise<() => void> {
    return new Promise((grant) => {
      this.waiting.push(() =>
        grant(() => {
          this.busy = false;
          this.schedulePump();
        }),
      );
      this.schedulePump();
    });
  }

  /** Grants run from setImmediate: the I/O that came in meanwhile (answers, request writes) goes first. */
  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || this.waiting.length === 0) return;
    clearTimeout(this.timer);
    const wait = parseWaitMs(this.sentAt.values(), this.minRtt, this.now(), this.morePending());
    if (wait > 0) {
      // An answer coming in pumps again sooner; this is the latest the parse waits.
      this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
      return;
    }
    this.busy = true;
    this.waiting.shift()!();
  }
}
