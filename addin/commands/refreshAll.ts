/**
 * The ribbon's "Refresh all" button (manifest: ExecuteFunction <FunctionName>refreshAll</FunctionName>).
 *
 * With the shared runtime the function file IS taskpane.html, so this registration runs at
 * start-up even if the pane is never shown, and the handler drives the same RefreshRunner the
 * pane uses (its progress appears in the Tables tab). `event.completed()` is always called, also
 * on failure: Office otherwise shows the command as still running
 * (https://learn.microsoft.com/javascript/api/office/office.addincommands.event#office-office-addincommands-event-completed-member(1)).
 */
import type { CommandEvent, RibbonHost } from '../host/adapter.js';
import type { RefreshService } from '../refresh/runner/service.js';

export const REFRESH_ALL_ACTION = 'refreshAll';

/** The handler itself (exported for tests): refresh everything, then tell Office we are done. */
function refreshAllCommand(service: RefreshService) {
  return async (event: CommandEvent): Promise<void> => {
    try {
      // The ribbon can be clicked before start-up has read the definitions.
      if (service.definitions().status === 'loading') await service.reload();
      await service.runner.refreshAll({ trigger: 'ribbon' });
    } catch {
      // Outcomes (and failures) are in the refresh log and the Tables tab; a command has no UI of its own.
    } finally {
      event.completed();
    }
  };
}

/**
 * Registers the ribbon commands; false when the host has no ribbon (browser mode, no shared
 * runtime). A sign-in prompt needs the pane: a refresh started from the ribbon brings it up
 * instead of waiting unseen.
 */
export function registerRibbonCommands(service: RefreshService, ribbon: RibbonHost | undefined): boolean {
  if (!ribbon) return false;
  ribbon.associate(REFRESH_ALL_ACTION, refreshAllCommand(service));
  const show = ribbon.showTaskpane;
  if (show) service.runner.signIn.onRequest = () => void show.call(ribbon).catch(() => undefined);
  return true;
}
