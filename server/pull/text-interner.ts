/**
 * One string per distinct value of a low-cardinality text column (Region, Segment, Customer Name):
 * a million-row table then holds four "West"/"East"/... strings instead of a million copies, and
 * the copies die young instead of being copied to the old generation by the garbage collector.
 * In the csv_1m bench that is ~3 M fewer surviving strings and ~10% less CPU. A column that shows
 * `maxDistinct` different values (IDs, free text) stops interning: its lookups would cost more
 * than they save.
 */
export class TextInterner {
  private seen: Map<string, string> | null = new Map();

  constructor(private readonly maxDistinct = 4096) {}

  /** False once the column showed too many different values to be worth it. */
  get active(): boolean {
    return this.seen !== null;
  }

  /** An equal string: the first one seen with this value while interning is active. */
  intern(s: string): string {
    const seen = this.seen;
    if (seen === null) return s;
    const known = seen.get(s);
    if (known !== undefined) return known;
    if (seen.size >= this.maxDistinct) this.seen = null;
    else seen.set(s, s);
    return s;
  }
}
