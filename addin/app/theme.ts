import { useEffect, useState } from 'react';

import type { HostTheme } from '../host/adapter.js';

const NO_THEME = () => undefined;

/** Relative luminance of "#rrggbb" below one half = a dark background. */
function isDarkColor(hex: string | undefined): boolean | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

/**
 * Dark or light, as Office shows it. `officeTheme` can be undefined on Excel on the web
 * (https://github.com/OfficeDev/office-js/issues/6134) and does not update on change (#713), so
 * fall back to prefers-color-scheme and check again when the pane becomes visible.
 */
function detectDark(theme: HostTheme | undefined): boolean {
  const fromOffice = theme?.isDarkTheme ?? isDarkColor(theme?.bodyBackgroundColor);
  if (fromOffice !== undefined) return fromOffice;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

/** `readTheme`: the host's current theme (HostAdapter.theme), read again on every change. */
export function useDarkMode(readTheme: () => HostTheme | undefined = NO_THEME): boolean {
  const [dark, setDark] = useState(() => detectDark(readTheme()));
  useEffect(() => {
    const update = () => setDark(detectDark(readTheme()));
    const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    media?.addEventListener?.('change', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      media?.removeEventListener?.('change', update);
      document.removeEventListener('visibilitychange', update);
    };
  }, [readTheme]);
  return dark;
}
