import { describe, expect, it } from 'vitest';

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

  it('pauses only once the loop has held the thread for its slice', async () => {
    const never = taskSlicer(60_000);
    expect(never()).toBeNull();
    const always = taskSlicer(0);
    const pause = always();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
  });
});
