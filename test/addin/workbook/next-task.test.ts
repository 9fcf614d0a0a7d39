import { describe, expect, it, vi } from 'vitest';

import { nextTask, taskSlicer } from '../../../addin/workbook/next-task.js';

describe('giving the pane its thread back', () => {
  it('resolves in a later task, after what is already queued', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    await new Promise((r) => setTimeout(r, 5));
    void Promise.resolve().then(() => order.push('microtask'));
    await nextTask();
    order.push('after');
    expect(order).toEqual(['timer', 'microtask', 'after']);
  });

  it('in a browser (no setImmediate): one MessageChannel for every call, each resolved in a later task, in order', async () => {
    vi.stubGlobal('setImmediate', undefined);
    const Real = MessageChannel;
    let made = 0;
    vi.stubGlobal(
      'MessageChannel',
      class extends Real {
        constructor() {
          super();
          made++;
        }
      },
    );
    try {
      const order: number[] = [];
      let sync = true;
      const all = [1, 2, 3].map((k) => nextTask().then(() => order.push(sync ? -k : k)));
      sync = false;
      await Promise.all(all);
      await nextTask();
      expect(order).toEqual([1, 2, 3]);
      expect(made).toBe(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('pauses only once the loop has held the thread for its slice', async () => {
    const never = taskSlicer(60_000);
    expect(never()).toBeNull();
    const always = taskSlicer(0);
    const pause = always();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
  });
});
