/**
 * Giving the pane's thread back to the browser for a moment (input, paint, a Cancel click) inside a
 * long piece of work. A MessageChannel message (or setImmediate under Node) rather than setTimeout:
 * browsers clamp nested timeouts to 4 ms
 * (https://html.spec.whatwg.org/multipage/timers-and-user-prompts.html#timers), which would add
 * up over the hundreds of chunks of a large write.
 */
export function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
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
