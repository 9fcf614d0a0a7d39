/**
 * Giving the pane's thread back to the browser for a moment (input, paint, a Cancel click) inside a
 * long piece of work. A MessageChannel message (or setImmediate under Node) rather than setTimeout:
 * browsers clamp nested timeouts to 4 ms
 * (https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers), which would add
 * up over the hundreds of chunks of a large write. One channel serves every call, one message per
 * waiter in order (a port's messages arrive in the order sent,
 * https://html.spec.whatwg.org/multipage/web-messaging.html#message-ports): a channel per call cost
 * the pane ~0.25–0.75 s of a 1,000,000-row insert in creating and posting (CPU profiles, #18).
 */
export function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel().postMessage(null);
  });
}

const waiting: (() => void)[] = [];
let port: MessagePort | null = null;

/** The port to post to; created at the first call (a pane that never yields makes none). */
function channel(): MessagePort {
  if (!port) {
    const c = new MessageChannel();
    c.port1.onmessage = () => waiting.shift()?.();
    // Under Node (tests without setImmediate) the open port must not keep the process alive.
    (c.port1 as { unref?: () => void }).unref?.();
    port = c.port2;
  }
  return port;
}

/**
 * A checkpoint for long loops: resolves at once until the loop has held the thread `sliceMs`, then
 * after the browser's next task. Long tasks (over 50 ms) are what make a page feel frozen
 * (https://developer.mozilla.org/docs/Web/API/PerformanceLongTaskTiming).
 */
export function taskSlicer(sliceMs = 16): () => Promise<void> | null {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return null;
    return nextTask().then(() => {
      since = performance.now();
    });
  };
}
