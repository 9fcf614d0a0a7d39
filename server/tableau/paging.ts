/**
 * Complete paging of the REST list endpoints.
 *
 * Reference clients page strictly sequentially (TSC pager.py, tableau-mcp paginate.ts; docs/tableau-rest.md#paging).
 * Page 1 tells `totalAvailable`, so we fetch pages 2..N with a small pool (docs/tableau-rest.md#paging); when the caller
 * knows the list was long last time, pages 2..pool go out with page 1 (one round trip fewer). We stay
 * correct while content changes underneath (offset paging is not snapshot-safe):
 *  - results are de-duplicated by id and ordered by page, then position;
 *  - a page that comes back empty early stops further pages (tableau-mcp throws there; we don't);
 *  - if totalAvailable changed between pages, we re-check ONCE: with an append-stable sort
 *    (createdAt:asc) growth only adds tail pages, so we fetch the now-missing tail; otherwise
 *    (shrink, or a sort new items can land in the middle of) we re-read all pages once. Then stop.
 */
import { z } from 'zod';

import { splitTopLevel } from '../../common/filter-syntax.js';
import { TableauError } from './errors.js';
import type { Logger } from './http.js';
import { ParseTurns } from './parse-turns.js';
import type { ResourceDef } from './resources.js';
import { type Dropped, parseList, unwrapList } from './schemas/coerce.js';
import { paginationSchema } from './schemas/pagination.js';

export { splitTopLevel };

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_POOL = 4;

export interface PageResult<T> {
  items: T[];
  /** undefined when the answer had no pagination block (or the page was past the end). */
  totalAvailable?: number;
  dropped: Dropped[];
}

/**
 * One page request. It may resolve to a reader instead of the result: the request is then complete
 * (body in, connection free) and the pool sends the next request before it parses this page, so
 * parsing overlaps the next round trip instead of delaying it (bench list_10k: ~4 ms of JSON.parse
 * and conversion per 1,000-item page, ~15 ms less for a 10k listing).
 *
 * `answered`, when the fetcher can tell, is called as soon as Tableau has answered (a 2xx status and
 * headers in, the body still arriving): the page no longer counts against the pool, whose next
 * request then goes out without waiting ~1–3 ms for the round's 500 KB bodies to be read off their
 * sockets (bench list_10k_vs_floor, issue #18). At most `pool` requests are ever waiting on Tableau.
 */
export type FetchPage<T> = (pageNumber: number, pageSize: number, answered?: () => void) => Promise<PageAnswer<T>>;
export type PageAnswer<T> = PageResult<T> | (() => PageResult<T>);

export const readPage = <T>(answer: PageAnswer<T>): PageResult<T> => (typeof answer === 'function' ? answer() : answer);

export interface CollectOptions {
  pageSize: number;
  pool: number;
  /** The sort puts new items last (createdAt:asc first), so growth never shifts earlier pages. */
  appendStable: boolean;
  /**
   * How many pages the list had last time (the caller remembers). Pages 2..min(pool, expectedPages)
   * then go out together with page 1 instead of a round trip later; a page that turns out to be past
   * the end (400006 / empty) costs one wasted request and is not taken for a change of the list.
   */
  expectedPages?: number;
  logger: Logger;
  label: string;
}

export interface Collected<T> {
  items: T[];
  totalAvailable: number;
  requests: number;
  dropped: number;
  rechecked: boolean;
}

/** Run `task` over `inputs` with at most `size` in flight; results by input index. */
export async function runPool<I, O>(inputs: I[], size: number, task: (input: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      out[i] = await task(inputs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, inputs.length) }, worker));
  return out;
}

const range = (from: number, to: number): number[] => (to < from ? [] : Array.from({ length: to - from + 1 }, (_, i) => from + i));

export async function collectAllPages<T extends { id: string }>(fetch: FetchPage<T>, o: CollectOptions): Promise<Collected<T>> {
  const { pageSize } = o;
  const pages = new Map<number, T[][]>(); // page number → results of each pass, in pass order
  let requests = 0;
  let dropped = 0;
  let lastTotal: number | undefined;
  let changed = false;
  let emptyAt = Infinity;

  // The answer, de-duplicated by id in page order, built while pages are still arriving: pages
  // 1..mergedUpTo are in it. Merging the whole list after the last page put ~10,000 Set inserts on
  // the listing's last stretch, when nothing else is in flight (bench list_10k, issue #18).
  const seen = new Set<string>();
  const merged: T[] = [];
  let mergedUpTo = 0;
  const merge = (batch: T[]): void => {
    for (const item of batch) {
      // One hash lookup per item, not two (has, then add): the last pages' merges are on the listing's last stretch.
      const size = seen.size;
      seen.add(item.id);
      if (seen.size !== size) merged.push(item);
    }
  };

  const record = (n: number, r: PageResult<T>, expectedTotal: number | undefined): void => {
    dropped += r.dropped.length;
    if (r.dropped.length)
      o.logger.warn({ list: o.label, page: n, dropped: r.dropped }, 'tableau list items failed validation and were skipped');
    const earlier = pages.get(n);
    if (earlier) earlier.push(r.items);
    else pages.set(n, [r.items]);
    // First pass only: each page has one batch, so page order is the order of the final answer.
    for (let next = pages.get(mergedUpTo + 1); next && next.length === 1 && !changed; next = pages.get(mergedUpTo + 1)) {
      merge(next[0]);
      mergedUpTo++;
    }
    if (r.totalAvailable !== undefined) lastTotal = r.totalAvailable;
    if (n === 1 && expectedTotal === undefined) return;
    if (r.totalAvailable !== expectedTotal) changed = true;
    if (r.items.length === 0 && n > 1) {
      changed = true;
      emptyAt = Math.min(emptyAt, n);
    }
  };
  const get = async (n: number, expectedTotal: number): Promise<void> => {
    if (n > emptyAt) return;
    const r = readPage(await fetch(n, pageSize));
    requests++;
    record(n, r, expectedTotal);
  };

  // First round: page 1 tells totalAvailable; pages 2..k ride along when the list was that long before.
  // Every page's slot sends its next page the moment its answer is in, before anything is parsed,
  // page 1's too: the pages after the first round are taken from last time's length until page 1
  // is parsed and says otherwise (a page past the end costs one wasted request, as an early page
  // does). Waiting for page 1's parse before sending left the pool a page short for that long
  // (bench list_10k_vs_floor, issue #18).
  const expected = Math.max(1, o.expectedPages ?? 1);
  const k = Math.min(o.pool, expected);
  const pending = range(k + 1, expected);
  let total = 0;
  let pageCount = expected;
  /**
   * `successor`: the page this one's slot goes on with (undefined: nothing was pending), sent once
   * `taken`. It is taken the moment Tableau has answered this page (headers in), whatever the slot
   * is still doing (reading or parsing an earlier page, waiting for its parse turn), once page 1's
   * total is known or for a page of the first round; else when the slot comes to this page, so
   * that before page 1 is read a slot asks for one page past the first round at most (a list that
   * shrank wastes one request per slot at most).
   */
  type InFlight = { n: number; answer: ReturnType<FetchPage<T>>; early: boolean; taken: boolean; successor?: InFlight };
  // When each page that came in is parsed: after the other answers of its round are read (parse-turns.ts).
  const turns = new ParseTurns(() => pending.length > 0);
  let firstKnown = false;
  const takeSuccessor = (f: InFlight): InFlight | undefined => {
    if (!f.taken) {
      f.taken = true;
      f.successor = sendNext();
    }
    return f.successor;
  };
  const send = (n: number, early = false): InFlight => {
    turns.sent(n);
    const inFlight: InFlight = { n, answer: undefined!, early, taken: false };
    const answered = (): void => {
      if (inFlight.early || firstKnown) takeSuccessor(inFlight);
    };
    inFlight.answer = fetch(n, pageSize, answered);
    // A fetcher that cannot tell when the headers came: the answer is the moment.
    inFlight.answer.then(answered, () => undefined);
    return inFlight;
  };
  // Once a page has failed the listing fails: no slot asks for more (a successor may be in flight).
  let failed = false;
  const sendNext = (): InFlight | undefined => {
    if (failed) return undefined;
    for (let n = pending.shift(); n !== undefined; n = pending.shift()) {
      if (n > emptyAt) continue;
      const inFlight = send(n);
      // Awaited by its slot unless this slot fails first; then its own failure must not go unhandled.
      inFlight.answer.catch(() => undefined);
      return inFlight;
    }
    return undefined;
  };
  const firstRound: InFlight[] = range(1, k).map((n) => send(n, true));
  // If page 1 fails, its error is the one reported; an early page's failure must not go unhandled meanwhile.
  for (const p of firstRound.slice(1)) p.answer.catch(() => undefined);
  let firstRead!: () => void;
  let firstFailed!: (err: unknown) => void;
  const firstParsed = new Promise<void>((resolve, reject) => {
    firstRead = resolve;
    firstFailed = reject;
  });
  firstParsed.catch(() => undefined);
  const readFirst = (r: PageResult<T>): void => {
    // No pagination block: the endpoint returned everything at once.
    total = r.totalAvailable ?? r.items.length;
    lastTotal = total;
    record(1, r, undefined);
    pageCount = Math.max(1, Math.ceil(total / pageSize));
    // Last time's length was a guess: drop the pages past the real end, add the ones it missed.
    const sent = Math.max(k, expected);
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i] > pageCount) pending.splice(i, 1);
    pending.push(...range(sent + 1, pageCount));
    firstKnown = true;
    firstRead();
  };
  // Each slot goes on with the pages still pending when its page lands; `fill` keeps `pool` of them
  // going while pages are pending (page 1 may add pages that no slot was left to take).
  const tasks: Array<Promise<void>> = [];
  let running = 0;
  const start = (first: InFlight): void => {
    running++;
    const task = slot(first).finally(() => running--);
    task.catch(() => undefined); // awaited below; a failure while another is awaited is not unhandled
    tasks.push(task);
  };
  const fill = (): void => {
    while (running < o.pool) {
      const next = sendNext();
      if (!next) return;
      start(next);
    }
  };
  const slot = async (current: InFlight | undefined): Promise<void> => {
    while (current) {
      let answer: PageAnswer<T>;
      try {
        answer = await current.answer;
      } catch (err) {
        failed = true;
        turns.settled(current.n, false);
        if (current.n === 1) firstFailed(err);
        throw err;
      }
      requests++;
      turns.settled(current.n, true);
      let next = takeSuccessor(current); // before parsing this page: see FetchPage
      // The other pages are checked against page 1's total: they are read after it.
      if (current.n !== 1) await firstParsed;
      // A turn comes from setImmediate at the earliest: the HTTP client writes the request first.
      const parsed = typeof answer === 'function' ? await turns.turn() : () => undefined;
      let r: PageResult<T>;
      try {
        r = readPage(answer);
        if (current.n === 1) readFirst(r);
      } catch (err) {
        failed = true;
        if (current.n === 1) firstFailed(err);
        throw err;
      } finally {
        parsed();
      }
      if (current.n === 1) {
        next ??= sendNext();
        fill();
      } else {
        // A page sent on last time's length past the real end counts as nothing (not a change), unless it holds items.
        if (!(current.n > pageCount && r.items.length === 0)) record(current.n, r, total);
      }
      current = next;
    }
  };
  for (const inFlight of firstRound) start(inFlight);
  for (let done = 0; done < tasks.length;) {
    const batch = tasks.slice(done);
    done = tasks.length;
    await Promise.all(batch);
  }

  let rechecked = false;
  if (changed) {
    rechecked = true;
    const newTotal = lastTotal ?? total;
    const newCount = Math.max(1, Math.ceil(newTotal / pageSize));
    const grewOnly = newTotal > total && emptyAt === Infinity;
    // Growth under an append-stable sort: the old last page may have filled up, the rest is new.
    const again = grewOnly && o.appendStable ? range(pageCount, newCount) : range(1, newCount);
    o.logger.info(
      { list: o.label, totalBefore: total, totalAfter: newTotal, refetch: again.length },
      'tableau list changed while paging, re-checking once',
    );
    emptyAt = Infinity;
    await runPool(again, o.pool, (n) => get(n, newTotal));
  }

  if (rechecked) {
    // A page read twice holds both passes, in pass order, before the next page: merge it all again.
    seen.clear();
    merged.length = 0;
    mergedUpTo = 0;
  }
  for (const n of [...pages.keys()].sort((a, b) => a - b)) {
    if (n <= mergedUpTo) continue;
    for (const batch of pages.get(n)!) merge(batch);
  }
  return { items: merged, totalAvailable: lastTotal ?? total, requests, dropped, rechecked };
}

// ---- filter / sort / fields -------------------------------------------------------------------

type FilterOperator = 'eq' | 'cieq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'has';

export interface FilterExpr {
  field: string;
  op: FilterOperator;
  value: string | number | boolean | Array<string | number>;
}

/**
 * `name:eq:foo,tags:in:[sample,safari]` (REST filtering doc; TSC filter.py renders lists as [a,b]).
 * Commas and ampersands cannot be expressed in a value, "even if encoded" (filtering doc): reject
 * them instead of sending a filter that silently means something else.
 */
export function buildFilter(exprs: FilterExpr[]): string {
  return exprs
    .map(({ field, op, value }) => {
      if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(field)) throw invalid(`"${field}" is not a Tableau filter field name.`);
      const values = Array.isArray(value) ? value : [value];
      if (op !== 'in' && values.length !== 1) throw invalid(`Only the "in" operator takes a list (field ${field}).`);
      for (const v of values) {
        if (/[,&]/.test(String(v))) throw invalid(`Tableau filters cannot contain "," or "&" (field ${field}).`);
      }
      return op === 'in' ? `${field}:in:[${values.join(',')}]` : `${field}:${op}:${values[0]}`;
    })
    .join(',');
}

/** Light check of a caller-supplied filter string: every expression is field:op:value. */
export function checkFilterString(filter: string): string {
  for (const part of splitTopLevel(filter)) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*:(eq|cieq|gt|gte|lt|lte|in|has):.+$/.test(part)) {
      throw invalid(`"${part}" is not a Tableau filter expression (field:operator:value).`);
    }
    if (part.includes('&')) throw invalid('Tableau filters cannot contain "&".');
  }
  return filter;
}

export function checkSortString(sort: string): string {
  for (const part of sort.split(',')) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*:(asc|desc)$/.test(part)) throw invalid(`"${part}" is not a Tableau sort expression (field:asc|desc).`);
  }
  return sort;
}

function invalid(message: string): TableauError {
  return new TableauError({ code: 'invalid-input', message });
}

// ---- page response ----------------------------------------------------------------------------

/**
 * The page envelope: an object whose pagination block, when readable, tells the total. Built once:
 * a zod schema built per page cost more CPU than converting the page's items (bench list_10k, issue #18).
 */
const pageEnvelope = z.looseObject({ pagination: paginationSchema.optional().catch(undefined) });

/** Parse one page: `{pagination, workbooks:{workbook:[...]}}`, `{}` lists, bare objects, bad items. */
export function parsePage<T>(def: ResourceDef, raw: unknown): PageResult<T> {
  const shape = pageEnvelope.safeParse(raw);
  if (!shape.success) {
    throw new TableauError({ code: 'invalid-response', message: `Tableau's ${def.listKey} list was not a JSON object.` });
  }
  const list = parseList(unwrapList((raw as Record<string, unknown>)[def.listKey], def.itemKey), def.schema as z.ZodType<T>);
  return { items: list.items, dropped: list.dropped, totalAvailable: shape.data.pagination?.totalAvailable };
}
