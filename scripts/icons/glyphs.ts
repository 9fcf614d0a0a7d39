/**
 * The add-in's two glyphs, drawn as shapes in a unit square and rasterised with supersampling
 * (anti-aliased edges at 16 px as well as 80 px):
 *  - "table": a white table (header row + grid) on a blue rounded square: the add-in and "Show pane";
 *  - "refresh": a blue circular arrow on transparent ground: the ribbon's "Refresh all".
 */

type Rgba = readonly [number, number, number, number];
type Inside = (x: number, y: number) => boolean;
interface Layer {
  color: Rgba;
  inside: Inside;
}

const BLUE: Rgba = [31, 95, 158, 255];
const WHITE: Rgba = [255, 255, 255, 255];

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Inside {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

const rect =
  (x0: number, y0: number, x1: number, y1: number): Inside =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1;

const union =
  (...parts: Inside[]): Inside =>
  (x, y) =>
    parts.some((p) => p(x, y));

function triangle(a: [number, number], b: [number, number], c: [number, number]): Inside {
  const side = (p: [number, number], q: [number, number], x: number, y: number) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const s1 = side(a, b, x, y);
    const s2 = side(b, c, x, y);
    const s3 = side(c, a, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

/** Lines never get thinner than one pixel, or they vanish at 16 px. */
const stroke = (size: number, units: number) => Math.max(units, 1 / size);

function tableLayers(size: number): Layer[] {
  const w = stroke(size, 0.06);
  const [x0, y0, x1, y1] = [0.2, 0.24, 0.8, 0.78];
  const frame = union(
    rect(x0, y0, x1, y0 + 0.16), // header row, filled
    rect(x0, y1 - w, x1, y1),
    rect(x0, y0, x0 + w, y1),
    rect(x1 - w, y0, x1, y1),
    rect(0.5 - w / 2, y0, 0.5 + w / 2, y1), // column divider
    rect(x0, 0.59 - w / 2, x1, 0.59 + w / 2), // row divider
  );
  return [
    { color: BLUE, inside: roundedRect(0.04, 0.04, 0.96, 0.96, 0.18) },
    { color: WHITE, inside: frame },
  ];
}

function refreshLayers(size: number): Layer[] {
  const [cx, cy, r] = [0.5, 0.52, 0.3];
  const half = stroke(size, 0.11) / 2;
  // Screen angles (y grows downward, so growing angles turn clockwise). The gap sits top-right;
  // the arc runs clockwise from its end round to its start, where the arrowhead points on.
  const gapStart = (-95 * Math.PI) / 180;
  const gapEnd = (-20 * Math.PI) / 180;
  const arc: Inside = (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (Math.abs(d - r) > half) return false;
    const a = Math.atan2(y - cy, x - cx);
    return !(a > gapStart && a < gapEnd);
  };
  const px = cx + r * Math.cos(gapStart);
  const py = cy + r * Math.sin(gapStart);
  const [nx, ny] = [Math.cos(gapStart), Math.sin(gapStart)]; // outward normal
  const [tx, ty] = [-Math.sin(gapStart), Math.cos(gapStart)]; // clockwise tangent
  const h = 0.15;
  const len = 0.18;
  const head = triangle([px + nx * h, py + ny * h], [px - nx * h, py - ny * h], [px + tx * len, py + ty * len]);
  return [{ color: BLUE, inside: union(arc, head) }];
}

export type GlyphName = 'table' | 'refresh';

/** Renders a glyph as straight-alpha RGBA bytes, `samples`² samples per pixel. */
export function renderGlyph(name: GlyphName, size: number, samples = 6): Uint8Array {
  const layers = name === 'table' ? tableLayers(size) : refreshLayers(size);
  const out = new Uint8Array(size * size * 4);
  const n = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Average premultiplied colour over the samples, each sample taking its topmost layer.
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          for (let i = layers.length - 1; i >= 0; i--) {
            if (layers[i].inside(x, y)) {
              const [cr, cg, cb, ca] = layers[i].color;
              r += cr * ca;
              g += cg * ca;
              b += cb * ca;
              a += ca;
              break;
            }
          }
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
        out[o + 3] = Math.round(a / n);
      }
    }
  }
  return out;
}
