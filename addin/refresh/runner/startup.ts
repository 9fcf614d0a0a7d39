/**
 * "Refresh on open" needs the add-in to load with the workbook: Office.addin.setStartupBehavior
 * (SharedRuntime 1.1, per document; https://learn.microsoft.com/office/dev/add-ins/develop/run-code-on-document-open;
 * the Office.js implementation is addin/host/office.ts). We turn it on ONLY while some
 * table asks for refresh on open, and back to none when none does: a workbook that loads the
 * add-in shows "ADD-IN ERROR" to colleagues without it (OfficeDev/office-js#3558, #1542).
 */
import type { RefreshDefinition } from '../definitions/schema.js';

export type StartupBehavior = 'load' | 'none';

export interface StartupPort {
  set(behavior: StartupBehavior): Promise<void>;
}

/** For tests and the browser mode: remembers what was asked. */
export function memoryStartupPort(): StartupPort & { behavior: StartupBehavior; calls: StartupBehavior[] } {
  const port = {
    behavior: 'none' as StartupBehavior,
    calls: [] as StartupBehavior[],
    async set(behavior: StartupBehavior) {
      port.behavior = behavior;
      port.calls.push(behavior);
    },
  };
  return port;
}

function wantedStartup(definitions: readonly RefreshDefinition[]): StartupBehavior {
  return definitions.some((d) => d.options.refreshOnOpen) ? 'load' : 'none';
}

/** Sets the startup behavior the definitions need (call after any options change, add or removal). */
export async function syncStartup(port: StartupPort, definitions: readonly RefreshDefinition[]): Promise<StartupBehavior> {
  const behavior = wantedStartup(definitions);
  await port.set(behavior);
  return behavior;
}
