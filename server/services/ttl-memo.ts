/**
 * A small memo whose entries expire: facts that rarely change looked up once per few seconds or
 * minutes rather than on every use (a view's workbook and a workbook's data sources for refresh
 * events; a saved connection for the scheduled runs of a burst, connections.ts).
 * Bounded: past `maxEntries` the oldest entry goes first (a Map iterates in insertion order).
 * Single flight: callers asking for a key while it loads share that load. Failed look-ups are not
 * remembered.
 */
export class TtlMemo<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    this.entries.delete(key);
    const entry = { value: load(), expires: this.now() + this.ttlMs };
    this.entries.set(key, entry);
    // Loaded: the entry lives ttlMs from now; failed: it goes at once (the next caller loads again).
    entry.value.then(
      () => (entry.expires = this.now() + this.ttlMs),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry.value;
  }

  /** Forgets a key (its value changed here): the next get loads it again. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
