/**
 * VDS query-datasource answered as Server-Sent Events (Tableau 2026.1+, `options.returnServerSentEvents`)
 * → the same typed result stream as the JSON body (vds-typed.ts), so the add-in sees no difference
 * except that rows come while Tableau is still producing them.
 *
 * What Tableau documents (help.tableau.com/current/api/vizql-data-service/en-us/docs/vds_create_queries.html,
 * "Server-sent event support"; schema 20261.0 `SseResultStream`): standard `text/event-stream`, of which
 * "VDS only uses the data property"; each event's data is one JSON `SseResultStream`:
 * `{"event":"METADATA","data":{"rowCount":n}}` first, then `{"event":"DATA","data":[rows…]}` events,
 * or `{"event":"ERROR","data":TableauError}` when the query fails after streaming began (the HTTP
 * status is already 200 then). The framing itself (lines, `data:` fields, the blank line that ends an
 * event, an incomplete last event being dropped) is the WHATWG HTML standard's
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html), parsed by eventsource-parser.
 * Verify against Tableau: whether one event's JSON is ever spread over several `data:` lines (they
 * are joined with "\n", which JSON reads as whitespace) and whether an `event:` field is sent too
 * (ignored: the JSON names the event).
 *
 * There is no closing event, so METADATA's rowCount is what tells a complete answer from a cut one:
 * a body that ends with fewer rows is a failure, never a short table.
 */
import { createParser, type ParseError } from 'eventsource-parser';

import type { StreamMessage } from '../../common/stream.js';
import { PullDataError, toStreamError, withRowCount } from './errors.js';
import { pullWork } from './turn-budget.js';
import { plainMessage, vdsErrorFromBody } from './vds-errors.js';
import { VdsRowTyper, type VdsToTypedOptions } from './vds-rows.js';
import { VdsBodyScanner, VdsScanError } from './vds-scanner.js';
import { type VdsBody } from './vds-typed.js';

/** One event's text may not grow past this (characters): a stream that never ends an event is not VDS. */
const MAX_EVENT_CHARS = 256 << 20;

const count = (n: number) => n.toLocaleString('en-US');

export async function* vdsSseToTyped(body: VdsBody, opts: VdsToTypedOptions): AsyncGenerator<StreamMessage> {
  const progress = { rows: 0 };
  try {
    yield* typeSse(body, opts, progress);
  } catch (err) {
    // An event whose JSON is cut or broken (the scanner, or JSON.parse of its rows).
    if (err instanceof VdsScanError || err instanceof SyntaxError)
      yield toStreamError(new PullDataError('bad-response', 'Tableau sent an event that is not valid VizQL Data Service JSON'));
    // A connection cut or reset under us: the words count the rows that had arrived (server/tableau network-errors.ts).
    else yield toStreamError(withRowCount(err, progress.rows));
  }
}

interface SseState {
  /** METADATA's rowCount, once it came. */
  expected?: number;
}

async function* typeSse(body: VdsBody, opts: VdsToTypedOptions, progress: { rows: number }): AsyncGenerator<StreamMessage> {
  const typer = new VdsRowTyper(opts);
  yield { kind: 'meta', columns: typer.columns, ...(opts.source ? { source: opts.source } : {}) };
  const pending: string[] = [];
  let overflow: ParseError | undefined;
  const parser = createParser({
    onEvent: (event) => pending.push(event.data),
    // Unknown fields and a bad `retry` are ignored, as the standard says; only an endless event is fatal.
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
    },
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const decoder = new TextDecoder('utf-8');
  const state: SseState = {};
  const drain = function* (): Generator<StreamMessage> {
    if (overflow) throw new PullDataError('bad-response', 'Tableau sent an event stream whose events never end');
    for (const data of pending.splice(0)) {
      yield* onEvent(data, typer, state);
      if (typer.truncated) return;
    }
  };
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    // One chunk's events are a slice of the server's shared budget per turn (turn-budget.ts).
    yield* pullWork.slice(function* () {
      // `stream: true` keeps a UTF-8 character split between two chunks whole.
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      yield* drain();
    });
    progress.rows = typer.rowCount;
    if (typer.truncated) break; // stop reading: the rest is not needed
  }
  if (!typer.truncated) {
    parser.feed(decoder.decode());
    yield* drain();
    checkComplete(typer.rowCount, state.expected);
  }
  // A preview cut at our limit still knows the whole result's size when Tableau counted all of it.
  const total = opts.countsWhole ? state.expected : undefined;
  for (const m of typer.finish()) yield m.kind === 'end' && m.truncated && total !== undefined ? { ...m, totalRows: total } : m;
}

/**
 * A DATA event in compact JSON with the schema's property order (how a JSON writer emits
 * SseDataEvent; Verify against Tableau): its rows text follows this prefix. Any other layout takes
 * the full reading in onEvent.
 */
const DATA_PREFIX = '{"event":"DATA","data":';

function* onEvent(data: string, typer: VdsRowTyper, state: SseState): Generator<StreamMessage> {
  // Fast path: the rows text is cut out of the event without copying it to bytes; it counts only when
  // the transcoder reads it whole as rows (so `[…],"more":1` falls through to the full reading below).
  if (state.expected !== undefined && data.startsWith(DATA_PREFIX) && data.charCodeAt(data.length - 1) === 0x7d) {
    const transcoded = typer.transcode(data.slice(DATA_PREFIX.length, -1));
    if (transcoded) return yield* typer.pushTranscoded(transcoded);
  }
  const scanner = new VdsBodyScanner();
  const texts = scanner.feed(Buffer.from(data));
  const event = scanner.finish();
  switch (event.event) {
    case 'METADATA': {
      const rowCount = (event.data as { rowCount?: unknown } | null)?.rowCount;
      if (!Number.isSafeInteger(rowCount) || (rowCount as number) < 0)
        throw new PullDataError('bad-response', 'Tableau announced its rows without a valid row count');
      state.expected = rowCount as number;
      // The analyst learns the size at once (shown as the refresh's or insert's progress note); a
      // count above our own row limit is not news, the end message says the result was cut.
      if (typer.limit === Infinity || state.expected <= typer.limit) {
        yield {
          kind: 'progress',
          stage: 'vds-rows',
          message: `Tableau is sending ${count(state.expected)} row${state.expected === 1 ? '' : 's'}`,
          totalRows: state.expected,
        };
      }
      return;
    }
    case 'DATA':
      if (state.expected === undefined) throw new PullDataError('bad-response', 'Tableau sent rows before saying how many it would send');
      if (!scanner.foundData) throw new PullDataError('bad-response', 'Tableau sent a DATA event without rows');
      for (const text of texts) yield* typer.push(text);
      return;
    case 'ERROR': {
      // The code and hint as for an error body; the words say how far the stream got.
      const detail = event.data && typeof event.data === 'object' ? (event.data as Record<string, unknown>) : {};
      const known = vdsErrorFromBody({ error: detail }, true)!;
      const said = plainMessage(detail.message);
      const where = state.expected === undefined ? '' : ` after ${count(typer.rowCount)} of ${count(state.expected)} rows`;
      throw new PullDataError(
        known.code,
        `Tableau failed while sending the result${where}${said ? `: ${said}` : ''}; the previous data in your table is kept.`,
        known.hint,
        known.tableauCode,
      );
    }
    default:
      // Event types this schema does not know are skipped: a newer Tableau may add some.
      return;
  }
}

function checkComplete(rows: number, expected: number | undefined): void {
  if (expected === undefined)
    throw new PullDataError('bad-response', 'Tableau ended its event stream before saying how many rows it would send');
  if (rows < expected) {
    throw new PullDataError(
      'stream-interrupted',
      `Tableau cut the data stream after ${count(rows)} of ${count(expected)} rows; the previous data in your table is kept. Try again.`,
      'Try again; if it keeps happening, add a filter so the result is smaller.',
    );
  }
  if (rows > expected) throw new PullDataError('bad-response', `Tableau sent ${count(rows)} rows after announcing ${count(expected)}`);
}
