/**
 * What the add-in needs from its host (Excel through office.js, or a plain browser), as plain
 * interfaces. Only ./office.ts implements them over the `Office` global (eslint.config.js keeps
 * every other file off it); the workbook itself goes through WorkbookGateway
 * (addin/workbook/gateway.ts), whose excel/ implementation is the only other Office.js user.
 */
import type { StartupPort } from '../refresh/runner/startup.js';

export type HostKind = 'excel' | 'browser';

/** Office's theme as office.js reports it (Office.context.officeTheme); either field may be missing. */
export interface HostTheme {
  isDarkTheme?: boolean;
  bodyBackgroundColor?: string;
}

/** The event a ribbon command handler gets; `completed()` must always be called. */
export interface CommandEvent {
  completed(): void;
}

/** Ribbon commands (Office.actions, shared runtime). */
export interface RibbonHost {
  associate(name: string, handler: (event: CommandEvent) => void | Promise<void>): void;
  /** Brings up the task pane; missing where the host cannot. */
  showTaskpane?(): Promise<void>;
}

export interface ReadyOptions {
  /** Called once if Office has not answered after `slowAfterMs` (default 5 s); the wait goes on. */
  onSlow?: () => void;
  slowAfterMs?: number;
}

export interface HostAdapter {
  /**
   * Waits for office.js to be ready (no timeout inside Office) and says whether the pane runs
   * inside Excel. `onSlow` is called once if that takes long, so the pane can say it is waiting.
   */
  ready(options?: ReadyOptions): Promise<HostKind>;
  /** The storage partition key on Excel on the web; undefined elsewhere. Valid only after ready(). */
  partitionKey(): string | undefined;
  theme(): HostTheme | undefined;
  /** "Load with the document" (SharedRuntime 1.1); throws plain words where it is missing. */
  readonly startup: StartupPort;
  /** Ribbon commands, or undefined where the host has none (browser mode, no shared runtime). */
  ribbon(): RibbonHost | undefined;
}
