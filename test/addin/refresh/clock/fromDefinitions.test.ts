import { describe, expect, it } from 'vitest';

import { toTimedDefinitions } from '../../../../addin/refresh/clock/fromDefinitions.js';
import { datasourceDefinition, ID_A } from '../definitions/fixtures.js';

describe('toTimedDefinitions', () => {
  it('takes the interval from options and the last run from lastResult (failures too)', () => {
    const timed = toTimedDefinitions([
      datasourceDefinition({ options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: 15 } }),
      datasourceDefinition({
        id: ID_A,
        lastResult: { at: '2025-01-10T09:00:00Z', rows: 0, durationMs: 1, status: 'error', error: 'Tableau is down' },
      }),
      datasourceDefinition({ id: 'never', lastResult: null }),
    ]);
    expect(timed).toEqual([
      { id: datasourceDefinition().id, everyMinutes: 15, lastRunAt: Date.parse('2025-01-10T10:00:00.000Z') },
      { id: ID_A, everyMinutes: null, lastRunAt: Date.parse('2025-01-10T09:00:00Z') },
      { id: 'never', everyMinutes: null, lastRunAt: null },
    ]);
  });
});
