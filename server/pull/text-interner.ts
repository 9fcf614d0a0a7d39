/**
 * One string per distinct value of a low-cardinality text column (Region, Segment, Customer Name):
 * a million-row table then holds four "West"/"East"/... strings instead of a million copies, and
 * the copies die young instead of being copied to the old generation by the garbage collector.
 * In the csv_1m bench that is ~3 M fewer surviving strings and ~10% less CPU. A column that shows
 * `maxDistinct` different values (IDs, free text) stops interning: its lookups would cost more
 * than they save.
 *
 * Two cheap checks come before the map: the previous value of the column (a view's rows come
 * sorted, so an Order ID repeats on each line of its order: 60 % of the bench's Order IDs, kept
 * even after the map gave up), and a table of recent values by length and four characters, which
 * answers most lookups of a few thousand names without hashing the whole string. The table has as
 * many slots as the map may hold values, and its slot is a multiplicative hash: with 1,024 slots
 * and a sum of the characters, names alike in those characters fought over a few slots (the
 * bench's 1,792 customer names), and each miss cost a map lookup. The interner's CPU on the bench's
 * four text columns went down by 15–30 % (one process, old and new alternating, 8 rounds).
 */
const RECENT_SLOTS = 4096;
/**
 * The table is made once the map holds this many values: filling 4,096 slots for each text column
 * of every pull cost ~4 % of a team server's CPU in a burst of small scheduled pulls (a view of a
 * few dozen rows: bench/team.ts CPU profile), more than a few dozen map lookups save.
 */
const RECENT_AFTER = 64;

export class TextInterner {
  private seen: Map<string, string> | null = new Map();
  private last = '';
  private recent: string[] | null = null;

  constructor(private readonly maxDistinct = 4096) {}

  /** False once the column showed too many different values to be worth it. */
  get active(): boolean {
    return this.seen !== null;
  }

  /** An equal string: the first one seen with this value while interning is active (or the previous value). */
  intern(s: string): string {
    const last = this.last;
    if (s === last) return last;
    const seen = this.seen;
    if (seen === null) {
      this.last = s;
      return s;
    }
    const table = this.recent;
    if (table === null) {
      let known = seen.get(s);
      if (known === undefined) {
        known = s;
        if (seen.size >= this.maxDistinct) this.seen = null;
        else if (seen.set(s, s).size >= RECENT_AFTER) this.recent = new Array<string>(RECENT_SLOTS).fill('');
      }
      this.last = known;
      return known;
    }
    const n = s.length;
    // Length and four characters, mixed by a multiply (Fibonacci hashing) so that names alike
    // in those characters still spread over the whole table.
    const slot =
      n === 0
        ? 0
        : Math.imul(
            (n << 24) ^ (s.charCodeAt(0) << 16) ^ (s.charCodeAt(n >> 1) << 8) ^ s.charCodeAt(n - 1) ^ (s.charCodeAt(n >> 2) << 4),
            0x9e3779b1,
          ) >>> 20;
    const recent = table[slot];
    if (s === recent) {
      this.last = recent;
      return recent;
    }
    let known = seen.get(s);
    if (known === undefined) {
      if (seen.size >= this.maxDistinct) this.seen = null;
      else seen.set(s, s);
      known = s;
    }
    table[slot] = known;
    this.last = known;
    return known;
  }
}
