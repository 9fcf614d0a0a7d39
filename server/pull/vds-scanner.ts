/**
 * Incremental scanner for a query-datasource response body (`{"data":[row, row, ...]}`,
 * docs/tableau-rest.md#results). It walks the bytes once, tracking string/escape state and nesting depth, to find where the
 * elements of the top-level `data` array end; complete elements are handed out as ONE JSON array text
 * per chunk ("[row,row,...]") so JSON.parse works on many rows at a time and never on the whole body.
 *
 * Everything outside the data array (other keys, or a whole error body `{errorCode, message}`) is
 * small; it is kept and parsed at the end with the data array replaced by [] (`outside()`).
 * Cuts happen only at ASCII ',' / ']' bytes, so a UTF-8 character is never split.
 */

const Q = 0x22,
  BS = 0x5c,
  LB = 0x5b,
  RB = 0x5d,
  LC = 0x7b,
  RC = 0x7d,
  COMMA = 0x2c,
  COLON = 0x3a;

const DATA_KEY = Buffer.from('data');
/** Bytes kept outside the data array; a larger non-data body is not a VDS response. */
const MAX_OUTSIDE_BYTES = 4 << 20;

export class VdsScanError extends Error {}

export class VdsBodyScanner {
  /** 0 before/after the data array (keeping bytes), 1 inside it, 2 after the body ended. */
  private phase = 0;
  private inString = false;
  private escaped = false;
  private depth = 0; // outside the data array
  /** outside the data array: the top-level key being read, and whether the next value is data. */
  private keyStart = -1;
  private lastKey: Buffer | null = null;
  private awaitingValue = false;
  private outsideParts: Buffer[] = [];
  private outsideBytes = 0;
  /** inside the data array: bytes of elements not yet handed out. */
  private pending: Buffer = Buffer.alloc(0);
  private sawData = false;
  /** Scan state inside the data array (S_* slots), kept between chunks. */
  private readonly state = new Int32Array(4);

  get foundData(): boolean {
    return this.sawData;
  }

  /** Feeds bytes; returns JSON array texts of the elements completed by them. */
  feed(chunk: Buffer): string[] {
    const out: string[] = [];
    let buf = chunk;
    while (buf.length) {
      if (this.phase === 0) {
        const used = this.scanOutside(buf);
        this.keepOutside(buf.subarray(0, used));
        buf = buf.subarray(used);
      } else if (this.phase === 1) {
        buf = this.scanData(buf, out);
      } else {
        break;
      }
    }
    return out;
  }

  private keepOutside(part: Buffer): void {
    if (!part.length) return;
    this.outsideBytes += part.length;
    if (this.outsideBytes > MAX_OUTSIDE_BYTES) throw new VdsScanError('The response is not a VizQL Data Service result');
    this.outsideParts.push(Buffer.from(part));
  }

  /** Scans outside the data array; returns how many bytes belong outside (stops right after "data":[). */
  private scanOutside(buf: Buffer): number {
    // A key can straddle chunks: collect it from the kept parts when it closes.
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BS) this.escaped = true;
        else if (c === Q) {
          this.inString = false;
          if (this.keyStart >= 0) {
            const whole = Buffer.concat([...this.outsideParts, buf.subarray(0, i)]);
            this.lastKey = whole.subarray(this.keyStart, whole.length);
            this.keyStart = -1;
          }
        }
        continue;
      }
      if (c === Q) {
        this.inString = true;
        if (this.depth === 1 && !this.awaitingValue) this.keyStart = this.outsideBytes + i + 1;
      } else if (c === COLON && this.depth === 1) {
        this.awaitingValue = true;
      } else if (c === COMMA && this.depth === 1) {
        this.awaitingValue = false;
        this.lastKey = null;
      } else if (c === LB || c === LC) {
        if (c === LB && this.depth === 1 && this.awaitingValue && this.lastKey?.equals(DATA_KEY) && !this.sawData) {
          this.sawData = true;
          this.phase = 1;
          this.depth = 0;
          return i + 1;
        }
        this.depth++;
      } else if (c === RB || c === RC) {
        this.depth--;
      }
    }
    return buf.length;
  }

  /** Scans inside the data array; returns the bytes after it (or an empty buffer). */
  private scanData(chunk: Buffer, out: string[]): Buffer {
    const start = this.pending.length;
    const buf = start ? Buffer.concat([this.pending, chunk]) : chunk;
    const st = this.state;
    const end = scanElements(buf, start, st);
    if (end >= 0) {
      // End of the data array.
      this.emit(buf, end, out, true);
      st[S_IN_STRING] = st[S_ESCAPED] = st[S_DEPTH] = 0;
      this.depth = 1;
      this.phase = 0;
      this.pending = Buffer.alloc(0);
      this.keepOutside(Buffer.from(']')); // "data":[ was kept: close it empty
      return buf.subarray(end + 1);
    }
    const lastCut = st[S_LAST_CUT];
    if (lastCut >= 0) {
      this.emit(buf, lastCut, out, false);
      this.pending = Buffer.from(buf.subarray(lastCut + 1));
    } else {
      this.pending = buf === chunk ? Buffer.from(chunk) : buf;
    }
    return Buffer.alloc(0);
  }

  /** Hands out the elements in buf[0, end) as "[...]". */
  private emit(buf: Buffer, end: number, out: string[], final: boolean): void {
    const text = buf.toString('utf8', 0, end);
    if (final && text.trim() === '') return;
    out.push('[' + text + ']');
  }

  /**
   * Call when the body ended: the parsed body with `data` emptied (for its `error`, `errorCode`...).
   * Throws VdsScanError when the body stopped in the middle.
   */
  finish(): Record<string, unknown> {
    if (this.phase === 1) throw new VdsScanError('The data source response ended early');
    this.phase = 2;
    const text = Buffer.concat(this.outsideParts).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new VdsScanError(text.trim() ? 'The data source response is not valid JSON' : 'The data source response was empty');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new VdsScanError('The data source response is not a VizQL Data Service result');
    }
    return body as Record<string, unknown>;
  }
}

const S_IN_STRING = 0,
  S_ESCAPED = 1,
  S_DEPTH = 2,
  S_LAST_CUT = 3;

/**
 * The hot loop, kept small and standalone so V8 optimizes it well: walks buf[start..] inside the data
 * array. Returns the index of the array's closing ']' or -1; leaves the last element boundary
 * (a ',' between elements) in st[S_LAST_CUT] (-1 when none) and the string/escape/depth state in st.
 */
function scanElements(buf: Uint8Array, start: number, st: Int32Array): number {
  let inString = st[S_IN_STRING] === 1;
  let depth = st[S_DEPTH];
  let lastCut = -1;
  const n = buf.length;
  let i = start;
  if (st[S_ESCAPED] === 1 && i < n) i++; // the character escaped by a backslash ending the last chunk
  st[S_ESCAPED] = 0;
  for (; i < n; i++) {
    const c = buf[i];
    if (inString) {
      if (c === BS) {
        if (++i === n) st[S_ESCAPED] = 1;
      } else if (c === Q) inString = false;
    } else if (c === Q) inString = true;
    else if (c === COMMA) {
      if (depth === 0) lastCut = i;
    } else if (c === LB || c === LC) depth++;
    else if (c === RB || c === RC) {
      if (depth === 0) {
        st[S_LAST_CUT] = lastCut;
        return i;
      }
      depth--;
    }
  }
  st[S_IN_STRING] = inString ? 1 : 0;
  st[S_DEPTH] = depth;
  st[S_LAST_CUT] = lastCut;
  return -1;
}
