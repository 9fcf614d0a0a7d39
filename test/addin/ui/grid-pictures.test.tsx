import './harness.js';

import { render } from '@testing-library/react';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import { Grid } from '../../../addin/workbook-grid/Grid.js';
import { memoryGridSource } from '../../../addin/workbook-grid/gridSource.js';

describe('browser-preview grid pictures', () => {
  it('draws an image shape over the cells it covers in Excel', async () => {
    const wb = new MemoryWorkbook();
    const g = memoryGateway(wb);
    const p = new PNG({ width: 800, height: 600 });
    p.data.fill(200);
    // 800 × 600 px at high resolution → 300 × 225 pt → 6.25 columns × 15 rows of the uniform grid, at D1 (3 columns in).
    await g.insertPicture({
      sheet: 'Sheet1',
      name: 'Picture_X',
      base64: PNG.sync.write(p).toString('base64'),
      where: { kind: 'at', address: 'D1' },
    });
    const { container } = render(<Grid source={memoryGridSource(wb)} />);
    const img = container.querySelector<HTMLImageElement>('img[data-picture="Picture_X"]')!;
    expect(img.src.startsWith('data:image/png;base64,iVBOR')).toBe(true);
    // Grid cells are 100 × 22 px after a 52 px row header and a 22 px column header row (Grid.tsx).
    expect(img.style.left).toBe(`${52 + 3 * 100}px`);
    expect(img.style.top).toBe('22px');
    expect(img.style.width).toBe(`${6.25 * 100}px`);
    expect(img.style.height).toBe(`${15 * 22}px`);
  });
});
