/**
 * Query View Image / Query Custom View Image for the simulator: a picture of the view's data, drawn
 * from the same query as its CSV export (csv-export.ts viewResult), so the custom view's and the
 * `vf_` filters apply and any data change gives a different picture
 * (https://help.tableau.com/current/api/rest_api/en-us/REST/rest_api_ref_workbooks_and_views.htm#query_view_image).
 *
 * The picture is a bar chart of the view's first measure by its first dimension (bars in the order
 * of the view's sort, equal dimension values summed), which is what the demo views show in Tableau.
 * PNG is encoded with pngjs; SVG (Tableau 2026.2, docs/tableau-rest.md#view-images) is the same
 * chart as vector shapes with the dimension values as labels.
 */
import { PNG } from 'pngjs';

import { getDataset } from './catalog.js';
import { type ExportRequest, viewResult } from './csv-export.js';
import { formatValue } from './format.js';
import type { ViewSpec } from './views.js';

export type ImageFormat = 'PNG' | 'SVG';
export type ImageResolution = 'standard' | 'high';

/**
 * The rendered size. `resolution=high` asks for "maximum pixel density": the simulator draws the
 * same chart at twice the pixels in each direction (what a high-DPI render of the view gives).
 */
const IMAGE_SIZE = { width: 800, height: 600 } as const;
const HIGH_RESOLUTION_SCALE = 2;
/** More bars than this would be thinner than a pixel at the standard size; the rest are left out. */
const MAX_BARS = 100;

const TABLEAU_BLUE: Rgb = [0x4e, 0x79, 0xa7];
const AXIS_GREY: Rgb = [0x99, 0x99, 0x99];
type Rgb = [number, number, number];

interface Bar {
  label: string;
  value: number;
}

/** VDS's aggregations (the Function enum's others are date parts and truncations, which stay dimensions). */
const AGGREGATIONS = new Set(['SUM', 'AVG', 'MEDIAN', 'COUNT', 'COUNTD', 'MIN', 'MAX', 'STDEV', 'VAR', 'AGG']);

function measureIndex(spec: ViewSpec): number {
  const dataset = getDataset(spec.datasetKey);
  return spec.columns.findIndex(
    (c) =>
      AGGREGATIONS.has(c.field.function ?? '') ||
      c.field.calculation !== undefined ||
      dataset?.calcs.some((k) => k.caption === c.field.fieldCaption && k.role === 'MEASURE') === true,
  );
}

/** The first measure by the first dimension, summed per dimension value, in the view's row order. */
function chartBars(spec: ViewSpec, request: ExportRequest): Bar[] {
  const result = viewResult(spec, request);
  const measure = measureIndex(spec);
  const dimension = spec.columns.findIndex((_, i) => i !== measure);
  const sums = new Map<string, number>();
  for (let k = 0; k < result.rowCount; k++) {
    const row = result.row(k);
    const label =
      dimension < 0
        ? (spec.columns[measure]?.header ?? '')
        : formatValue(row[dimension], spec.columns[dimension].format, spec.locale) || 'Null';
    const value = measure < 0 ? 1 : Number(row[measure]);
    sums.set(label, (sums.get(label) ?? 0) + (Number.isFinite(value) ? value : 0));
  }
  return [...sums].slice(0, MAX_BARS).map(([label, value]) => ({ label, value }));
}

interface Layout {
  width: number;
  height: number;
  /** Bars as pixel rectangles. */
  rects: Array<{ x: number; y: number; w: number; h: number }>;
  /** The zero line. */
  baseline: number;
  plot: { left: number; right: number; top: number; bottom: number };
}

function layout(bars: Bar[], scale: number): Layout {
  const width = IMAGE_SIZE.width * scale;
  const height = IMAGE_SIZE.height * scale;
  const plot = { left: 40 * scale, right: width - 20 * scale, top: 20 * scale, bottom: height - 60 * scale };
  const max = Math.max(0, ...bars.map((b) => b.value));
  const min = Math.min(0, ...bars.map((b) => b.value));
  const span = max - min || 1;
  const y = (v: number) => Math.round(plot.top + ((max - v) / span) * (plot.bottom - plot.top));
  const slot = (plot.right - plot.left) / Math.max(bars.length, 1);
  const rects = bars.map((b, i) => {
    const top = y(Math.max(b.value, 0));
    const bottom = y(Math.min(b.value, 0));
    const x = Math.round(plot.left + i * slot + slot * 0.15);
    return { x, y: top, w: Math.max(1, Math.round(slot * 0.7)), h: Math.max(1, bottom - top) };
  });
  return { width, height, rects, baseline: y(0), plot };
}

function fill(png: PNG, x0: number, y0: number, w: number, h: number, [r, g, b]: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(png.height, y0 + h); y++)
    for (let x = Math.max(0, x0); x < Math.min(png.width, x0 + w); x++) {
      const i = (png.width * y + x) * 4;
      png.data[i] = r;
      png.data[i + 1] = g;
      png.data[i + 2] = b;
      png.data[i + 3] = 255;
    }
}

function renderPng(bars: Bar[], scale: number): Buffer {
  const l = layout(bars, scale);
  const png = new PNG({ width: l.width, height: l.height });
  png.data.fill(255);
  for (const r of l.rects) fill(png, r.x, r.y, r.w, r.h, TABLEAU_BLUE);
  fill(png, l.plot.left, l.baseline, l.plot.right - l.plot.left, scale, AXIS_GREY);
  fill(png, l.plot.left, l.plot.top, scale, l.plot.bottom - l.plot.top, AXIS_GREY);
  return PNG.sync.write(png);
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const hex = (rgb: Rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

function renderSvg(bars: Bar[], scale: number): Buffer {
  const l = layout(bars, scale);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}">`,
    `<rect width="${l.width}" height="${l.height}" fill="#ffffff"/>`,
    ...l.rects.map(
      (r, i) =>
        `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${hex(TABLEAU_BLUE)}"><title>${escapeXml(`${bars[i].label}: ${bars[i].value}`)}</title></rect>`,
    ),
    `<line x1="${l.plot.left}" y1="${l.baseline}" x2="${l.plot.right}" y2="${l.baseline}" stroke="${hex(AXIS_GREY)}"/>`,
    ...l.rects.map(
      (r, i) =>
        `<text x="${r.x + r.w / 2}" y="${l.plot.bottom + 16 * scale}" font-family="sans-serif" font-size="${11 * scale}" text-anchor="middle">${escapeXml(bars[i].label)}</text>`,
    ),
    '</svg>',
  ];
  return Buffer.from(parts.join('\n'));
}

/**
 * The picture's bytes; a view without summary data (a story, a sheet with no marks) is drawn as an
 * empty chart, as Tableau renders any view. Throws (like csvChunks) for a request its query cannot run.
 */
export function renderViewImage(
  spec: ViewSpec | undefined,
  request: ExportRequest,
  format: ImageFormat,
  resolution: ImageResolution,
): Buffer {
  const bars = spec ? chartBars(spec, request) : [];
  const scale = resolution === 'high' ? HIGH_RESOLUTION_SCALE : 1;
  return format === 'SVG' ? renderSvg(bars, scale) : renderPng(bars, scale);
}
