/**
 * Where a view's picture goes beside its table, and at which size: pure geometry in points (Excel's
 * unit for Range.left/top/width/height and Shape.left/top/width/height, excel.d.ts).
 *
 * The rule (docs/excel.md#pictures): right of the table, one column's width between them, its top
 * level with the table's header row. Right rather than below, because a refresh grows a table
 * downward (rows come and go with the data) far more often than sideways. If that place would cover
 * a cell with a value, a table or another shape, the picture goes right of all of them instead
 * (everything there is empty by construction), at the same height. It never covers data.
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Tableau's `resolution=high` picture has twice the pixels of the view: shown at half its pixels, 0.75 pt each (96 px an inch). */
const PT_PER_HIGH_RES_PX = 0.75 / 2;
/** About ten default columns wide (48 pt each): big enough to read, small enough to sit beside a table. */
const MAX_PICTURE_WIDTH_PT = 480;

/** The picture's size in points for its pixel size: half its pixels at 96 dpi, at most MAX_PICTURE_WIDTH_PT wide, aspect kept. */
export function pictureSize(px: { width: number; height: number }): { width: number; height: number } {
  const width = px.width * PT_PER_HIGH_RES_PX;
  const height = px.height * PT_PER_HIGH_RES_PX;
  const scale = width > MAX_PICTURE_WIDTH_PT ? MAX_PICTURE_WIDTH_PT / width : 1;
  return { width: Math.round(width * scale * 100) / 100, height: Math.round(height * scale * 100) / 100 };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/**
 * The picture's box: `wanted` (left, top) when the picture fits there without touching anything in
 * `occupied`, else right of everything in `occupied` plus `gap`, at the same top.
 */
export function placePicture(
  wanted: { left: number; top: number },
  size: { width: number; height: number },
  occupied: Box[],
  gap: number,
): Box {
  const first = { ...wanted, ...size };
  if (!occupied.some((o) => overlaps(first, o))) return first;
  const right = Math.max(...occupied.map((o) => o.left + o.width));
  return { left: right + gap, top: wanted.top, ...size };
}

/** Width and height in pixels of a PNG (its IHDR chunk), or null when the bytes are no PNG. */
export function pngPixelSize(bytes: Uint8Array): { width: number; height: number } | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || !signature.every((b, i) => bytes[i] === b)) return null;
  const u32 = (i: number) => ((bytes[i] << 24) >>> 0) + ((bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]);
  return { width: u32(16), height: u32(20) };
}

/** The shape name a table's picture gets, so a refresh finds it again: "Picture_<table name>". */
export function pictureNameFor(tableName: string): string {
  return `Picture_${tableName}`;
}
