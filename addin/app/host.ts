/**
 * Which host the pane runs in. office.js is loaded by taskpane.html from Microsoft's CDN; in a
 * plain browser, or when that script failed to load (no route to the CDN), `Office` is missing or
 * onReady reports no host: then we run the browser preview.
 */
export type HostKind = 'excel' | 'browser';

interface OfficeLike {
  onReady?: () => Promise<{ host: unknown }>;
  HostType?: { Excel?: unknown };
}

export async function detectHost(office: OfficeLike | undefined = (globalThis as { Office?: OfficeLike }).Office, timeoutMs = 5000): Promise<HostKind> {
  if (!office || typeof office.onReady !== 'function') return 'browser';
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const info = await Promise.race([
      office.onReady(),
      // onReady did not fire on some Excel Online builds (OfficeDev/office-js#1371): never hang on start-up.
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
    ]);
    const excel = office.HostType?.Excel ?? 'Excel';
    return info && info.host === excel ? 'excel' : 'browser';
  } catch {
    return 'browser';
  } finally {
    clearTimeout(timer);
  }
}
