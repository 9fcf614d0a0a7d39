/**
 * A small memo whose entries expire: Tableau facts that rarely change (a view's workbook, a
 * workbook's data sources) looked up once per few minutes rather than on every refresh event.
 * Bounded: past `maxEntries` the oldest entry goes first (a Map iterates in insertion order).
 * Failed look-ups are not remembered.
 */
export class TtlMemo<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    this.entries.delete(key);
    const value = await load();
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
