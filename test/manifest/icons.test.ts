import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { renderGlyph } from '../../scripts/icons/glyphs.js';
import { crc32, encodePng, readPngSize } from '../../scripts/icons/png.js';
import { writeIcons } from '../../scripts/make-icons.js';

function chunks(png: Buffer) {
  const out: Array<{ type: string; data: Buffer; crcOk: boolean }> = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    const crcOk = png.readUInt32BE(at + 8 + len) === crc32(png.subarray(at + 4, at + 8 + len));
    out.push({ type, data, crcOk });
    at += 12 + len;
  }
  return out;
}

describe('encodePng', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes IHDR/IDAT/IEND with valid CRCs and pixels that decode back', () => {
    const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 37) % 256);
    const png = encodePng(3, 2, rgba);
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(parts.every((c) => c.crcOk)).toBe(true);
    expect(readPngSize(png)).toEqual({ width: 3, height: 2 });
    const raw = inflateSync(parts[1].data);
    expect(raw[0]).toBe(0);
    expect(raw[13]).toBe(0);
    expect([...raw.subarray(1, 13), ...raw.subarray(14)]).toEqual([...rgba]);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/Expected 16 RGBA bytes/);
    expect(readPngSize(Buffer.from('not a png at all, really not'))).toBeNull();
  });
});

describe('glyphs', () => {
  const alpha = (px: Uint8Array, size: number, x: number, y: number) => px[(y * size + x) * 4 + 3];

  it('draws the table icon on an opaque rounded square with transparent corners', () => {
    const px = renderGlyph('table', 32);
    expect(alpha(px, 32, 0, 0)).toBe(0);
    expect(alpha(px, 32, 16, 16)).toBe(255);
    // The header row is white, the background blue.
    expect([...px.subarray((9 * 32 + 10) * 4, (9 * 32 + 10) * 4 + 3)]).toEqual([255, 255, 255]);
    expect([...px.subarray((3 * 32 + 16) * 4, (3 * 32 + 16) * 4 + 3)]).toEqual([31, 95, 158]);
  });

  it('draws the refresh arrow as a ring: hollow centre, transparent ground, anti-aliased edges', () => {
    const size = 64;
    const px = renderGlyph('refresh', size);
    expect(alpha(px, size, 32, 33)).toBe(0);
    expect(alpha(px, size, 0, 0)).toBe(0);
    expect(alpha(px, size, 32 - Math.round(0.3 * size), 33)).toBe(255); // left side of the ring
    const partial = Array.from({ length: size * size }, (_, i) => px[i * 4 + 3]).filter((a) => a > 0 && a < 255);
    expect(partial.length).toBeGreaterThan(20);
  });

  it('the committed icons are exactly what scripts/make-icons.ts produces', () => {
    const committed = fileURLToPath(new URL('../../addin/public/assets/', import.meta.url));
    const files = writeIcons(mkdtempSync(join(tmpdir(), 'icons-')));
    expect(files).toHaveLength(8);
    for (const file of files) {
      expect(readFileSync(file).equals(readFileSync(committed + basename(file))), basename(file)).toBe(true);
    }
  });
});
