import { describe, expect, it } from 'vitest';

import { highlightAreas, MAX_HIGHLIGHT_AREAS } from '../../../../addin/refresh/runner/highlight.js';
import type { ColumnSpec } from '../../../../common/stream.js';

const col = (name: string): ColumnSpec => ({ name, type: 'text', format: '@' });
const columns = [col('A'), col('B'), col('C')];

describe('highlightAreas', () => {
  it('finds table columns by name, skipping the analyst’s own column between them', () => {
    const headers = ['A', 'Mine', 'B', 'C'];
    const areas = highlightAreas({ addedRows: [4, 5, 7], changedRows: [1], changedColumns: [[1, 2]], complete: true }, columns, headers);
    expect(areas).toEqual([
      { row: 4, rows: 2, col: 0, cols: 1 },
      { row: 4, rows: 2, col: 2, cols: 2 },
      { row: 7, rows: 1, col: 0, cols: 1 },
      { row: 7, rows: 1, col: 2, cols: 2 },
      { row: 1, rows: 1, col: 2, cols: 2 },
    ]);
  });

  it('marks the whole row when the changed cells could not be told apart', () => {
    expect(highlightAreas({ addedRows: [], changedRows: [3], changedColumns: [[]], complete: true }, columns, ['A', 'B', 'C'])).toEqual([
      { row: 3, rows: 1, col: 0, cols: 3 },
    ]);
  });

  it('gives up (null) on incomplete positions or more areas than Excel should carry', () => {
    expect(highlightAreas({ addedRows: [], changedRows: [], changedColumns: [], complete: false }, columns, ['A', 'B', 'C'])).toBeNull();
    const many = Array.from({ length: MAX_HIGHLIGHT_AREAS + 1 }, (_, i) => i * 2);
    expect(highlightAreas({ addedRows: many, changedRows: [], changedColumns: [], complete: true }, columns, ['A', 'B', 'C'])).toBeNull();
  });
});
