/**
 * Regenerates the add-in's icon PNGs in addin/public/assets/ (Vite serves addin/public at /,
 * so the manifest refers to them as https://<host>/assets/<name>-<size>.png).
 * Run: npx tsx scripts/make-icons.ts
 * Sizes: 16/32/80 are what ribbon buttons ask for, 32/64 the add-in's IconUrl/HighResolutionIconUrl
 * (docs/excel.md#manifest, the template's assets/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { type GlyphName, renderGlyph } from './icons/glyphs.js';
import { encodePng } from './icons/png.js';

export const ICON_SIZES = [16, 32, 64, 80] as const;
export const ICON_FILES: Record<GlyphName, string> = { table: 'icon', refresh: 'refresh' };

export function writeIcons(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [glyph, prefix] of Object.entries(ICON_FILES) as Array<[GlyphName, string]>) {
    for (const size of ICON_SIZES) {
      const file = `${dir}/${prefix}-${size}.png`;
      writeFileSync(file, encodePng(size, size, renderGlyph(glyph, size)));
      written.push(file);
    }
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = fileURLToPath(new URL('../addin/public/assets', import.meta.url));
  for (const file of writeIcons(dir)) console.log(`wrote ${file}`);
}
