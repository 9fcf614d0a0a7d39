/**
 * The office.js host adapter (addin/host/office.ts) against fake Office objects: what each answer
 * is inside Excel, and that a plain browser (no `Office`) gets the browser answer everywhere.
 */
import { describe, expect, it, vi } from 'vitest';

import { sessionKey } from '../../../addin/api/sessionStore.js';
import { officeHost } from '../../../addin/host/office.js';

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
