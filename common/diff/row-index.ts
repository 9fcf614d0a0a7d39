/**
 * The old result reduced to what a comparison needs: per row its key hash, its fingerprint (a hash
 * of the compared values) and, when cells are wanted, one 32-bit hash per compared cell. Rows are
 * found by key hash through an open-addressing table (linear probing, load ≤ ½) over typed arrays:
 * about 24 bytes a row instead of the row's values, and nothing for the garbage collector to walk.
 */
const EMPTY = -1;

function grown(a: Uint32Array, size: number): Uint32Array {
  const out = new Uint32Array(size);
  out.set(a);
  return out;
}

export class RowIndex {
  count = 0;
  private keyA: Uint32Array;
  private keyB: Uint32Array;
  private fpA: Uint32Array;
  private fpB: Uint32Array;
  private cellHashes: Uint32Array;
  private matched: Uint8Array;
  private slots: Int32Array;

  /** `cells`: compared cells per row whose hashes are kept (0 = only the row's fingerprint). */
  constructor(
    private readonly cells: number,
    expected = 1024,
  ) {
    const size = Math.max(16, expected);
    this.keyA = new Uint32Array(size);
    this.keyB = new Uint32Array(size);
    this.fpA = new Uint32Array(size);
    this.fpB = new Uint32Array(size);
    this.cellHashes = new Uint32Array(size * cells);
    this.matched = new Uint8Array(size);
    this.slots = new Int32Array(slotCount(size)).fill(EMPTY);
  }

  /** The entry with this key, or -1. */
  find(ka: number, kb: number): number {
    const mask = this.slots.length - 1;
    for (let s = ka & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s];
      if (e === EMPTY) return -1;
      if (this.keyA[e] === ka && this.keyB[e] === kb) return e;
    }
  }

  /** Adds a row; answers the existing entry instead when the key is already there (a duplicate key). */
  add(ka: number, kb: number, fa: number, fb: number, cells?: Uint32Array): number {
    const existing = this.find(ka, kb);
    if (existing !== -1) return existing;
    if (this.count === this.keyA.length) this.grow();
    const e = this.count++;
    this.keyA[e] = ka;
    this.keyB[e] = kb;
    this.fpA[e] = fa;
    this.fpB[e] = fb;
    if (cells) for (let i = 0, at = e * this.cells; i < this.cells; i++) this.cellHashes[at + i] = cells[i];
    this.place(e);
    return -1;
  }

  sameFingerprint(e: number, fa: number, fb: number): boolean {
    return this.fpA[e] === fa && this.fpB[e] === fb;
  }

  cellHash(e: number, cell: number): number {
    return this.cellHashes[e * this.cells + cell];
  }

  /** Marks an entry as met by the other side; false when it already was (the other side repeats the key). */
  match(e: number): boolean {
    if (this.matched[e]) return false;
    this.matched[e] = 1;
    return true;
  }

  unmatched(): number {
    let n = 0;
    for (let e = 0; e < this.count; e++) if (!this.matched[e]) n++;
    return n;
  }

  private place(e: number): void {
    const mask = this.slots.length - 1;
    let s = this.keyA[e] & mask;
    while (this.slots[s] !== EMPTY) s = (s + 1) & mask;
    this.slots[s] = e;
  }

  private grow(): void {
    const size = this.keyA.length * 2;
    this.keyA = grown(this.keyA, size);
    this.keyB = grown(this.keyB, size);
    this.fpA = grown(this.fpA, size);
    this.fpB = grown(this.fpB, size);
    this.cellHashes = grown(this.cellHashes, size * this.cells);
    const matched = new Uint8Array(size);
    matched.set(this.matched);
    this.matched = matched;
    this.slots = new Int32Array(slotCount(size)).fill(EMPTY);
    for (let e = 0; e < this.count; e++) this.place(e);
  }
}

/** A power of two at least twice the entries (linear probing stays short at load ≤ ½). */
function slotCount(entries: number): number {
  let n = 32;
  while (n < entries * 2) n *= 2;
  return n;
}
