/**
 * The HostAdapter over office.js: with addin/workbook/excel/, the only code that reads the
 * `Office` global (eslint.config.js enforces it). office.js is loaded by taskpane.html; in a plain
 * browser, or when that script failed to load, `Office` is missing and every answer here is the
 * browser one. Each function takes the Office object as an argument so tests pass a fake.
 */
import type { StartupPort } from '../refresh/runner/startup.js';
import type { HostAdapter, HostKind, HostTheme, ReadyOptions, RibbonHost } from './adapter.js';

/** The parts of office.js we use, all optional: a host may lack any of them. */
interface OfficeLike {
  onReady?: () => Promise<{ host: unknown }>;
  HostType?: { Excel?: unknown };
  context?: { partitionKey?: string; officeTheme?: HostTheme };
  addin?: { setStartupBehavior?: (behavior: unknown) => Promise<void>; showAsTaskpane?: () => Promise<void> };
  StartupBehavior?: { load: unknown; none: unknown };
  actions?: { associate(name: string, handler: (event: { completed(): void }) => void | Promise<void>): void };
}

function officeGlobal(): OfficeLike | undefined {
  return (globalThis as { Office?: OfficeLike }).Office;
}

/** How long office.js may take before the pane says it is still waiting (the pane is blank until then). */
const SLOW_START_MS = 5000;

/**
 * 'excel' or 'browser', decided only by Office.onReady's answer. With office.js present there is
 * no timeout: onReady has been slow or silent on some builds
 * (https://github.com/OfficeDev/office-js/issues/1371), and giving up would run the in-memory
 * preview inside Excel. In a plain browser office.js answers quickly with a null host
 * (https://learn.microsoft.com/office/dev/add-ins/develop/initialize-add-in).
 * Without office.js (not loaded, or failed to load) there is nothing to wait for: 'browser'.
 */
export async function detectHost(office: OfficeLike | undefined = officeGlobal(), options: ReadyOptions = {}): Promise<HostKind> {
  if (!office || typeof office.onReady !== 'function') return 'browser';
  const slow = options.onSlow;
  const timer = slow ? setTimeout(slow, options.slowAfterMs ?? SLOW_START_MS) : undefined;
  try {
    const info = await office.onReady();
    const excel = office.HostType?.Excel ?? 'Excel';
    return info && info.host === excel ? 'excel' : 'browser';
  } catch (error) {
    // Not an answer about the host: refusing beats guessing 'browser' inside Excel.
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Excel did not finish starting the add-in (${detail}). Close the pane and open it again.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Office.context.partitionKey if office.js is loaded and initialized: partitioned storage on Excel
 * on the web (https://learn.microsoft.com/office/dev/add-ins/develop/persisting-add-in-state-and-settings).
 * Office.context is set up only by the time onReady resolves
 * (https://learn.microsoft.com/office/dev/add-ins/develop/initialize-add-in): read it after ready().
 */
function officePartitionKey(office: OfficeLike | undefined = officeGlobal()): string | undefined {
  try {
    return office?.context?.partitionKey || undefined;
  } catch {
    return undefined;
  }
}

function officeTheme(office: OfficeLike | undefined = officeGlobal()): HostTheme | undefined {
  try {
    return office?.context?.officeTheme;
  } catch {
    return undefined;
  }
}

/**
 * Office.addin.setStartupBehavior (SharedRuntime 1.1,
 * https://learn.microsoft.com/office/dev/add-ins/develop/run-code-on-document-open); a host without
 * the shared runtime answers with a clear error.
 */
export function officeStartupPort(office: OfficeLike | undefined = officeGlobal()): StartupPort {
  return {
    async set(behavior) {
      const setter = office?.addin?.setStartupBehavior;
      const values = office?.StartupBehavior;
      if (!setter || !values) {
        throw new Error(
          'This version of Excel cannot load the add-in when the workbook opens (it needs the shared runtime, SharedRuntime 1.1).',
        );
      }
      await setter.call(office!.addin, behavior === 'load' ? values.load : values.none);
    },
  };
}

/** Office.actions as a RibbonHost; undefined where the host has none (browser mode, no shared runtime). */
export function officeRibbon(office: OfficeLike | undefined = officeGlobal()): RibbonHost | undefined {
  const actions = office?.actions;
  if (!actions?.associate) return undefined;
  const addin = office?.addin;
  const show = addin?.showAsTaskpane;
  return {
    associate: (name, handler) => actions.associate(name, handler),
    ...(show ? { showTaskpane: () => show.call(addin) } : {}),
  };
}

/** The adapter main.tsx hands to the rest of the add-in. */
export function officeHost(office: OfficeLike | undefined = officeGlobal()): HostAdapter {
  return {
    ready: (options) => detectHost(office, options),
    partitionKey: () => officePartitionKey(office),
    theme: () => officeTheme(office),
    startup: officeStartupPort(office),
    ribbon: () => officeRibbon(office),
  };
}
