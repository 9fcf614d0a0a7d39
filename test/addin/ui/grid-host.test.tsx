import './harness.js';

import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { detectHost } from '../../../addin/host/office.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import { Grid } from '../../../addin/workbook-grid/Grid.js';
import { memoryGridSource } from '../../../addin/workbook-grid/gridSource.js';

describe('browser-preview grid', { timeout: 90_000 }, () => {
  it('renders only the visible cells of a 100k-row table, formatted, with formulas evaluated', async () => {
    const wb = new MemoryWorkbook();
    const gateway = memoryGateway(wb);
    const rows = Array.from({ length: 100_000 }, (_, i) => [`R${i}`, 1234 + i, 0.25, 45000]);
    await gateway.writeTable(
      { kind: 'newSheet', sheetName: 'Orders' },
      [
        { name: 'Region', type: 'text', format: '@' },
        { name: 'Sales', type: 'currency', format: '$#,##0' },
        { name: 'Margin', type: 'percentage', format: '0.0%' },
        { name: 'Day', type: 'date', format: 'yyyy-mm-dd' },
      ],
      rows,
      { tableName: 'Orders' },
    );
    wb.writeFormula('Orders', 1, 5, '=B2*2');
    await gateway.activateTable('Orders');
    const { container } = render(<Grid source={memoryGridSource(wb)} />);
    expect(screen.getByText('$1,234')).toBeInTheDocument();
    expect(screen.getAllByText('25.0%').length).toBeGreaterThan(0);
    expect(screen.getAllByText('2023-03-15').length).toBeGreaterThan(0);
    expect(screen.getByText('2468')).toBeInTheDocument(); // =B2*2 evaluated
    expect(screen.queryByText('R99999')).not.toBeInTheDocument();
    // Windowed: a few hundred nodes, not 400,000 cells.
    expect(container.querySelectorAll('div').length).toBeLessThan(1500);
    expect(screen.getByRole('button', { name: 'Orders', pressed: true })).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sheet1' }));
    // Repaints are coalesced to the next animation frame.
    expect(await screen.findByRole('button', { name: 'Sheet1', pressed: true })).toBeInTheDocument();
    expect(screen.queryByText('$1,234')).not.toBeInTheDocument();
  });

  it('repaints its cells only when those on screen change: a write far below moves only the scrollbar', async () => {
    const wb = new MemoryWorkbook();
    const base = memoryGridSource(wb);
    let reads = 0;
    const source = { ...base, cell: (...a: Parameters<typeof base.cell>) => (reads++, base.cell(...a)) };
    const { container } = render(<Grid source={source} />);
    const frame = () => act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    const sizer = () => (container.querySelector('[role="region"] > div') as HTMLElement).style.height;
    // A cell on screen: the check reads the viewport, then the cells are rebuilt with the new value.
    reads = 0;
    wb.writeValue('Sheet1', 0, 0, 'on screen');
    wb.notify();
    await frame();
    expect(screen.getAllByText('on screen')).toHaveLength(2); // the cell and the formula bar (A1 is selected)
    const repainted = reads;
    // 5,000 rows below: the same check, no rebuild, but the scroll area grows to the new extent.
    const before = sizer();
    reads = 0;
    for (let r = 5000; r < 5010; r++) wb.writeValue('Sheet1', r, 0, r);
    wb.notify();
    wb.notify();
    await frame();
    expect(sizer()).not.toBe(before);
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(repainted * 0.6);
    expect(screen.getAllByText('on screen')).toHaveLength(2); // the cell and the formula bar (A1 is selected)
  });

  it('checks at most every 100 ms while changes keep coming, then shows the last one; a lone change next frame', () => {
    // Fake clocks (frames, timers, performance.now): the count of checks follows from the rule alone.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    try {
      const wb = new MemoryWorkbook();
      const base = memoryGridSource(wb);
      let checks = 0;
      // extent is read once per check (and on the first render), nowhere else.
      const source = { ...base, extent: (sheet: string) => (checks++, base.extent(sheet)) };
      render(<Grid source={source} />);
      const frame = () => act(() => void vi.advanceTimersByTime(16));
      checks = 0;
      // A bulk write: a change every frame for 30 frames (480 ms). A check per frame would be 30.
      for (let i = 0; i < 30; i++) {
        wb.writeValue('Sheet1', 0, 0, `burst ${i}`);
        wb.notify();
        frame();
      }
      // The first BUSY_AFTER changes are checked a frame each, then one check per 100 ms.
      expect(checks).toBeGreaterThanOrEqual(6);
      expect(checks).toBeLessThanOrEqual(3 + Math.ceil((30 * 16) / 100));
      act(() => void vi.advanceTimersByTime(200));
      expect(screen.getAllByText('burst 29')).toHaveLength(2); // the last change is not lost (cell and formula bar)
      // After a pause, a single change is checked at the very next frame.
      const before = checks;
      wb.writeValue('Sheet1', 0, 0, 'alone');
      wb.notify();
      frame();
      expect(checks).toBe(before + 1);
      expect(screen.getAllByText('alone')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows a sheet that keeps growing with its scroll area, ending at the last extent', async () => {
    const wb = new MemoryWorkbook();
    const { container } = render(<Grid source={memoryGridSource(wb)} />);
    const sizer = (root: HTMLElement) => (root.querySelector('[role="region"] > div') as HTMLElement).style.height;
    const frame = () => act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    // Syncs in quick succession, as in a big insert: the size is updated a few times a second at most,
    // and the last one is applied once the interval has passed.
    for (const r of [3000, 6000, 9000]) {
      wb.writeValue('Sheet1', r, 0, r);
      wb.notify();
      await frame();
    }
    const fresh = render(<Grid source={memoryGridSource(wb)} />).container;
    await waitFor(() => expect(sizer(container)).toBe(sizer(fresh)));
  });

  it('moves the selected cell with the arrow keys (the insert target in browser mode)', async () => {
    const wb = new MemoryWorkbook();
    render(<Grid source={memoryGridSource(wb)} />);
    const region = screen.getByRole('region', { name: /Sheet Sheet1/ });
    region.focus();
    const user = userEvent.setup();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowRight}');
    await act(() => new Promise((r) => requestAnimationFrame(() => r(undefined))));
    expect(await memoryGateway(wb).getSelection()).toMatchObject({ sheet: 'Sheet1', address: 'B3' });
  });
});

describe('browser-preview grid: conditional fills', () => {
  it("draws the refresh's change highlight and an analyst's formula rule only where their rules are TRUE", async () => {
    const wb = new MemoryWorkbook();
    const gateway = memoryGateway(wb);
    const rows = [
      ['East', 1000],
      ['West', 2000],
      ['North', 3000],
    ];
    const columns = [
      { name: 'Region', type: 'text' as const, format: '@' },
      { name: 'Sales', type: 'integer' as const, format: '0' },
    ];
    await gateway.writeTable({ kind: 'newSheet', sheetName: 'S' }, columns, rows, { tableName: 'T' });
    // The change mark over the second data row's Sales cell (A1 is the header: data row 1 is sheet row 2).
    await gateway.markChanges('T', [{ row: 1, col: 1, rows: 1, cols: 1 }]);
    // An analyst's rule over A2:A4 with a relative reference: true on rows whose Sales exceed 2500.
    const sheet = wb.findSheet('S')!;
    sheet.conditionalFormats.push({ id: 'x', rect: { row: 1, col: 0, rows: 3, cols: 1 }, formula: '=B2>2500', fill: '#FF0000' });
    await gateway.activateTable('T');
    render(<Grid source={memoryGridSource(wb)} />);
    const fillOf = (text: string) => screen.getByText(text).getAttribute('data-fill');
    expect(fillOf('2000')).toBe('#FFF2CC');
    expect(screen.getByText('2000').style.backgroundColor).not.toBe('');
    expect(fillOf('1000')).toBeNull();
    expect(fillOf('3000')).toBeNull();
    expect(fillOf('North')).toBe('#FF0000');
    expect(fillOf('West')).toBeNull();
    expect(fillOf('East')).toBeNull();
  });
});

describe('host detection', () => {
  it('is the browser when office.js is missing or has no host', async () => {
    expect(await detectHost(undefined)).toBe('browser');
    expect(await detectHost({ onReady: async () => ({ host: null }), HostType: { Excel: 'Excel' } })).toBe('browser');
  });
  it('is Excel when onReady says so', async () => {
    expect(await detectHost({ onReady: async () => ({ host: 'Excel' }), HostType: { Excel: 'Excel' } })).toBe('excel');
  });
  // A silent onReady is waited for, never taken for a browser (office-js#1371): test/addin/host/office.test.ts.
});
