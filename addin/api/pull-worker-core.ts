/**
 * A result stream read and decoded off the pane's thread: the pull worker's side (pull-worker.ts is
 * the Worker entry; pull-in-worker.ts the pane's side). The worker sends the request itself, so the
 * network's bytes go straight to it, runs the pane's own decoder (stream.ts readStreamLines over
 * common/ndjson.ts, rows lines read straight into columnar form by rows-scan.ts) and posts each message; row batches go in columnar form (columnar.ts). Web
 * Workers run in Office add-ins on Windows, Mac and the web as in browsers (Microsoft's sample
 * https://github.com/OfficeDev/Office-Add-in-samples/tree/main/Excel-custom-functions/web-worker).
 *
 * Backpressure: at most WINDOW row batches are posted and not yet taken by the writer (the pane
 * acknowledges each); then the worker stops reading the response, so the body waits in the network
 * stack and the companion server (TCP flow control) instead of in either heap.
 */
import type { StreamMessage } from '../../common/stream.js';
import { type ColumnarRows, summarize, toColumnar } from './columnar.js';
import { scanRowsLine } from './rows-scan.js';
import { readStreamLines } from './stream.js';

/** Row batches posted ahead of the writer, at most. */
export const WINDOW = 4;

export interface PullRequestInit {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type ToWorker = { type: 'start'; request: PullRequestInit } | { type: 'ack' };

export type FromWorker =
  /** Posted right before the request is sent: until then the pane may still send it itself. */
  | { type: 'sending' }
  /** The server answered with an error status: its body, for the pane's own error mapping (errors.ts). */
  | { type: 'refused'; status: number; contentType: string | null; text: string }
  /** fetch() itself failed (no answer): the error's name and message. */
  | { type: 'failed'; name: string; message: string }
  | { type: 'message'; message: StreamMessage }
  | { type: 'rows'; rows: ColumnarRows };

/** The part of a MessagePort / DedicatedWorkerGlobalScope used here. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** Serves one pull on `port`: waits for 'start', then streams the answer back. */
export function servePull(port: PortLike, fetchFn: typeof fetch = (input, init) => fetch(input, init)): void {
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const post = (m: FromWorker, transfer?: Transferable[]) => port.postMessage(m, transfer);
  port.onmessage = (event) => {
    const m = event.data as ToWorker;
    if (m.type === 'ack') {
      inFlight--;
      wake?.();
      wake = null;
    } else if (m.type === 'start')
      run(m.request).catch((error: unknown) => {
        // Not expected (readStream turns a broken body into an error message): the pane must still hear of it.
        const message = `The result stream could not be read: ${error instanceof Error ? error.message : String(error)}`;
        post({
          type: 'message',
          message: { kind: 'error', error: { code: 'stream-damaged', message, hint: 'Try again; nothing partial was kept.' } },
        });
      });
  };

  async function run(request: PullRequestInit): Promise<void> {
    post({ type: 'sending' });
    let response: Response;
    try {
      response = await fetchFn(request.url, { method: request.method, headers: request.headers, body: request.body });
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      post({ type: 'failed', name: e.name, message: e.message });
      return;
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      post({ type: 'refused', status: response.status, contentType: response.headers.get('content-type'), text });
      return;
    }
    let width = 0;
    // Rows lines are read from their bytes into columnar form (rows-scan.ts); any other line, or one
    // the scan leaves, is parsed as the pane's thread would.
    const scan = (line: Uint8Array) => {
      const rows = width > 0 ? scanRowsLine(line, width) : null;
      return rows ? { kind: 'columnar' as const, rows } : null;
    };
    for await (const message of readStreamLines(response, scan)) {
      if (message.kind === 'columnar' || message.kind === 'rows') {
        while (inFlight >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
        inFlight++;
        const rows = message.kind === 'columnar' ? message.rows : toColumnar(message.rows, width);
        // What the writer's text rules need of the batch, counted here rather than per cell on the pane's thread.
        if (rows) rows.cellKinds = summarize(rows);
        if (rows) post({ type: 'rows', rows }, [rows.kinds.buffer, rows.slots.buffer, ...(rows.rowBytes ? [rows.rowBytes.buffer] : [])]);
        else if (message.kind === 'rows') post({ type: 'message', message });
        continue;
      }
      if (message.kind === 'meta') width = message.columns.length;
      post({ type: 'message', message });
    }
  }
}
