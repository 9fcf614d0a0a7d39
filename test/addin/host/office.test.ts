/**
 * The office.js host adapter (addin/host/office.ts) against fake Office objects: what each answer
 * is inside Excel, and that a plain browser (no `Office`) gets the browser answer everywhere.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { sessionKey } from '../../../addin/api/sessionStore.js';
import { detectHost, officeHost } from '../../../addin/host/office.js';

describe('office host adapter', () => {
  it('answers as a plain browser when office.js is missing', async () => {
    const host = officeHost(undefined);
    expect(await host.ready()).toBe('browser');
    expect(host.partitionKey()).toBeUndefined();
    expect(host.theme()).toBeUndefined();
    expect(host.ribbon()).toBeUndefined();
    await expect(host.startup.set('load')).rejects.toThrow(/shared runtime/);
  });

  it('reads Excel, its partition key and theme, and drives the ribbon through Office', async () => {
    const associate = vi.fn();
    const showAsTaskpane = vi.fn(async () => undefined);
    const office = {
      onReady: async () => ({ host: 'Excel' }),
      HostType: { Excel: 'Excel' },
      context: { partitionKey: 'pk1', officeTheme: { bodyBackgroundColor: '#1f1f1f' } },
      actions: { associate },
      addin: { showAsTaskpane },
    };
    const host = officeHost(office);
    expect(await host.ready()).toBe('excel');
    expect(sessionKey(host.partitionKey())).toBe('pk1:tableau-excel:session-token');
    expect(host.theme()).toEqual({ bodyBackgroundColor: '#1f1f1f' });
    const ribbon = host.ribbon()!;
    const handler = vi.fn();
    ribbon.associate('refreshAll', handler);
    expect(associate).toHaveBeenCalledWith('refreshAll', handler);
    await ribbon.showTaskpane!();
    expect(showAsTaskpane).toHaveBeenCalledTimes(1);
  });

  it('gives no partition key for an empty one', () => {
    expect(officeHost({ context: { partitionKey: '' } }).partitionKey()).toBeUndefined();
  });
});

describe('waiting for Office (no timeout inside Office: office-js#1371)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A fake office.js whose onReady answers only when the test says so. */
  function lateOffice() {
    let answer!: (info: { host: unknown }) => void;
    const ready = new Promise<{ host: unknown }>((resolve) => (answer = resolve));
    return { office: { onReady: () => ready, HostType: { Excel: 'Excel' } }, answer };
  }

  function track(promise: Promise<string>) {
    const seen: { kind?: string; error?: unknown } = {};
    promise.then(
      (kind) => (seen.kind = kind),
      (error: unknown) => (seen.error = error),
    );
    return seen;
  }

  it('keeps waiting when onReady never answers: still no answer after 10 s, never "browser"', async () => {
    const { office } = lateOffice();
    const onSlow = vi.fn();
    const seen = track(officeHost(office).ready({ onSlow }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(seen).toEqual({});
    expect(onSlow).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(seen).toEqual({});
    expect(onSlow).toHaveBeenCalledTimes(1);
  });

  it('answers "excel" when Excel is ready late, after saying once that it is slow', async () => {
    const { office, answer } = lateOffice();
    const onSlow = vi.fn();
    const seen = track(detectHost(office, { onSlow }));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(onSlow).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(25_000);
    answer({ host: 'Excel' });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.kind).toBe('excel');
    expect(onSlow).toHaveBeenCalledTimes(1);
  });

  it('a quick answer never shows the notice', async () => {
    const { office, answer } = lateOffice();
    const onSlow = vi.fn();
    const seen = track(detectHost(office, { onSlow }));
    answer({ host: 'Excel' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(seen.kind).toBe('excel');
    expect(onSlow).not.toHaveBeenCalled();
  });

  it('answers "browser" when office.js says there is no host (a plain browser)', async () => {
    const { office, answer } = lateOffice();
    const seen = track(detectHost(office));
    answer({ host: null });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.kind).toBe('browser');
  });

  it('answers "browser" at once without office.js, and without onReady', async () => {
    const onSlow = vi.fn();
    expect(await detectHost(undefined, { onSlow })).toBe('browser');
    expect(await detectHost({ HostType: { Excel: 'Excel' } }, { onSlow })).toBe('browser');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(onSlow).not.toHaveBeenCalled();
  });

  it('a failed onReady is an error in plain words, not the browser preview', async () => {
    const office = { onReady: () => Promise.reject(new Error('boom')) };
    await expect(detectHost(office)).rejects.toThrow(/Excel did not finish starting the add-in \(boom\)\. Close the pane/);
  });

  it('reads the partition key only once Office is ready (Office.context exists from then on)', async () => {
    const office: { onReady: () => Promise<{ host: unknown }>; context?: { partitionKey: string } } = {
      onReady: () =>
        new Promise((resolve) => {
          setTimeout(() => {
            office.context = { partitionKey: 'pk-web' };
            resolve({ host: 'Excel' });
          }, 7_000);
        }),
    };
    const host = officeHost(office);
    expect(host.partitionKey()).toBeUndefined();
    const ready = host.ready();
    await vi.advanceTimersByTimeAsync(7_000);
    expect(await ready).toBe('excel');
    expect(host.partitionKey()).toBe('pk-web');
  });
});
