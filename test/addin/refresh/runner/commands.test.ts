import { describe, expect, it, vi } from 'vitest';

import { REFRESH_ALL_ACTION, registerRibbonCommands } from '../../../../addin/commands/refreshAll.js';
import { officeRibbon } from '../../../../addin/host/office.js';
import { RefreshService } from '../../../../addin/refresh/runner/service.js';
import { memoryStartupPort } from '../../../../addin/refresh/runner/startup.js';
import { memoryGateway } from '../../../../addin/workbook/memory/gateway.js';
import type { StreamMessage } from '../../../../common/stream.js';
import { columns, connectionInfo, fakeApi, ok, rows, streamOf, viewDefinition } from './fixtures.js';

async function setup() {
  const gateway = memoryGateway();
  const api = fakeApi();
  const service = new RefreshService({
    gateway,
    api,
    startup: memoryStartupPort(),
    timers: { now: () => Date.now(), setTimeout: () => 0, clearTimeout: () => undefined },
  });
  for (const [name, at] of [
    ['North', 'A1'],
    ['South', 'E1'],
  ] as const) {
    await gateway.writeTable({ kind: 'cell', sheet: 'Sheet1', address: at }, columns, rows(1), { tableName: name });
    await service.store.upsert(viewDefinition(name, `v-${name}`));
  }
  const handlers = new Map<string, (e: { completed(): void }) => void | Promise<void>>();
  const office = {
    actions: { associate: (name: string, fn: (e: { completed(): void }) => void | Promise<void>) => void handlers.set(name, fn) },
    addin: { showAsTaskpane: vi.fn(async () => undefined) },
  };
  return { gateway, api, service, handlers, office };
}

describe('ribbon "Refresh all"', () => {
  it('refreshes every table through the shared runner before the pane ever loaded definitions, then completes', async () => {
    const s = await setup();
    s.api.script('v-North', ok(columns, rows(4)));
    s.api.script('v-South', ok(columns, rows(6)));
    expect(registerRibbonCommands(s.service, officeRibbon(s.office))).toBe(true);
    const completed = vi.fn();
    await s.handlers.get(REFRESH_ALL_ACTION)!({ completed });
    expect(completed).toHaveBeenCalledTimes(1);
    expect(s.gateway.workbook.findTable('North')!.rows).toBe(4);
    expect(s.gateway.workbook.findTable('South')!.rows).toBe(6);
    expect(s.service.runner.log.entries().map((e) => e.trigger)).toEqual(['ribbon', 'ribbon']);
  });

  it('completes even when refreshing fails, and brings up the pane once for a sign-in', async () => {
    const s = await setup();
    const expired: StreamMessage[] = [{ kind: 'error', error: { code: 'bad-credentials', message: 'Signed out' } }];
    for (const v of ['v-North', 'v-South'])
      s.api.script(v, (_r, cid, signal) => streamOf(cid === 'c1' ? expired : ok(columns, rows(2)), signal));
    registerRibbonCommands(s.service, officeRibbon(s.office));
    const completed = vi.fn();
    const running = s.handlers.get(REFRESH_ALL_ACTION)!({ completed });
    await new Promise((r) => setTimeout(r, 20));
    expect(s.office.addin.showAsTaskpane).toHaveBeenCalledTimes(1);
    expect(completed).not.toHaveBeenCalled();
    s.service.runner.signIn.resolve({ serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' }, connectionInfo('c2'));
    await running;
    expect(completed).toHaveBeenCalledTimes(1);

    s.service.store.list = async () => {
      throw new Error('unreadable');
    };
    const completed2 = vi.fn();
    await s.handlers.get(REFRESH_ALL_ACTION)!({ completed: completed2 });
    expect(completed2).toHaveBeenCalledTimes(1);
  });

  it('registers nothing where Office has no actions (browser preview)', async () => {
    const s = await setup();
    expect(registerRibbonCommands(s.service, officeRibbon(undefined))).toBe(false);
    expect(registerRibbonCommands(s.service, officeRibbon({}))).toBe(false);
  });
});
