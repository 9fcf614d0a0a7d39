import { useEffect, useState } from 'react';

interface OfficeThemeLike {
  isDarkTheme?: boolean;
  bodyBackgroundColor?: string;
}

/** Relative luminance of "#rrggbb" below one half = a dark background. */
function isDarkColor(hex: string | undefined): boolean | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x, 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5;
}

function officeTheme(): OfficeThemeLike | undefined {
  try {
    return (globalThis as { Office?: { context?: { officeTheme?: OfficeThemeLike } } }).Office?.context?.officeTheme;
  } catch {
    return undefined;
  }
}

/**
 * Dark or light, as Office shows it. `officeTheme` can be undefined on Excel on the web
 * (OfficeDev/office-js#6134) and does not update on change (#713), so fall back to
 * prefers-color-scheme and check again when the pane becomes visible (notes excel-addin.md §7).
 */
export function detectDark(): boolean {
  const theme = officeTheme();
  const fromOffice = theme?.isDarkTheme ?? isDarkColor(theme?.bodyBackgroundColor);
  if (fromOffice !== undefined) return fromOffice;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export function useDarkMode(): boolean {
  const [dark, setDark] = useState(detectDark);
  useEffect(() => {
    const update = () => setDark(detectDark());
    const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    media?.addEventListener?.('change', update);
    document.addEventListener('visibilitychange', update);
    return () => {
      media?.removeEventListener?.('change', update);
      document.removeEventListener('visibilitychange', update);
    };
  }, []);
  return dark;
}
