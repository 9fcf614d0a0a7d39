/**
 * The pane's side of the pull worker (pull-worker-core.ts): starts the worker, hands it the request,
 * and turns what it posts back into the stream's messages, so the writer sees exactly what a pull
 * read on the pane's thread gives (client.ts `pull`). Each row batch is acknowledged once the
 * writer asks for the next one (the worker's backpressure). Cancel and an early stop terminate the
 * worker, which ends its request at once.
 */
import { CANCELLED } from '../../common/errors.js';
import type { StreamMessage } from '../../common/stream.js';
import { withRowBytes } from '../workbook/chunks.js';
import { withCellKinds } from '../workbook/text.js';
import { fromColumnar } from './columnar.js';
import { ApiError, toApiError } from './errors.js';
import type { FromWorker, PortLike, PullRequestInit, ToWorker } from './pull-worker-core.js';
import { CUT } from './stream.js';

export interface WorkerLike extends PortLike {
  terminate(): void;
  onerror: ((event: ErrorEvent) => void) | null;
}

/** A new pull worker, or null where the pane cannot start one (no Worker, as in jsdom; a policy that forbids it). */
export function startPullWorker(): WorkerLike | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(new URL('./pull-worker.ts', import.meta.url), { type: 'module', name: 'pull' });
  } catch {
    return null;
  }
}

interface PullInWorkerOptions {
  signal?: AbortSignal;
  /** The error for the server's refusal (transport.ts: the same mapping, and session handling, as any request). */
  refused(response: Response): Promise<ApiError>;
  /** The same pull from the pane's thread: used when the worker fails before it sent the request. */
  fallback(): AsyncGenerator<StreamMessage>;
}

type Posted = FromWorker | { type: 'died' };

export async function* pullInWorker(
  worker: WorkerLike,
  request: PullRequestInit,
  opts: PullInWorkerOptions,
): AsyncGenerator<StreamMessage> {
  const { signal } = opts;
  const queue: Posted[] = [];
  let wake: (() => void) | null = null;
  const push = (m: Posted) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  const onAbort = () => {
    worker.terminate();
    wake?.();
    wake = null;
  };
  worker.onmessage = (event) => push(event.data as FromWorker);
  worker.onerror = (event) => {
    event.preventDefault();
    push({ type: 'died' });
  };
  const post = (m: ToWorker) => worker.postMessage(m);
  const next = async (): Promise<Posted> => {
    for (;;) {
      if (signal?.aborted) throw new ApiError(CANCELLED);
      const m = queue.shift();
      if (m) return m;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  if (signal?.aborted) throw new ApiError(CANCELLED);
  signal?.addEventListener('abort', onAbort, { once: true });
  let sending = false;
  try {
    post({ type: 'start', request });
    for (;;) {
      const m = await next();
      if (m.type === 'sending') sending = true;
      else if (m.type === 'died') {
        if (sending) {
          yield { kind: 'error', error: CUT };
          return;
        }
        // The worker never sent the request (its script did not load): send it from here.
        worker.terminate();
        yield* opts.fallback();
        return;
      } else if (m.type === 'failed') {
        const error = new Error(m.message);
        error.name = m.name;
        throw toApiError(m.name === 'TypeError' ? new TypeError(m.message) : error);
      } else if (m.type === 'refused') {
        throw await opts.refused(
          new Response(m.text || null, { status: m.status, headers: m.contentType ? { 'content-type': m.contentType } : {} }),
        );
      } else if (m.type === 'rows') {
        const rows = fromColumnar(m.rows);
        if (m.rows.rowBytes) withRowBytes(rows, m.rows.rowBytes);
        if (m.rows.cellKinds) withCellKinds(rows, m.rows.cellKinds);
        yield { kind: 'rows', rows };
        post({ type: 'ack' });
      } else {
        yield m.message;
        const kind = m.message.kind;
        if (kind === 'rows') post({ type: 'ack' });
        else if (kind === 'end' || kind === 'error') return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    worker.terminate();
  }
}
