import type { StreamMessage } from '../../../common/stream.js';
import { collectValues, distinctValuesQuery } from '../../../server/services/field-values.js';

async function* messages(list: StreamMessage[]): AsyncGenerator<StreamMessage> {
  yield* list;
}

describe('distinct values', () => {
  it('asks for the field sorted, beside COUNT of it, searched by MATCH contains', () => {
    expect(distinctValuesQuery('Region', 'ea')).toEqual({
      fields: [
        { fieldCaption: 'Region', sortDirection: 'ASC', sortPriority: 1 },
        { fieldCaption: 'Region', function: 'COUNT', fieldAlias: 'Rows of Region' },
      ],
      filters: [{ field: { fieldCaption: 'Region' }, filterType: 'MATCH', contains: 'ea' }],
    });
    expect(distinctValuesQuery('Region')).not.toHaveProperty('filters');
  });

  it('keeps the first `limit`, counts the rest, and says when the count stopped at the scan', async () => {
    const rows: StreamMessage = {
      kind: 'rows',
      rows: [
        ['a', 3],
        ['b', 1],
        [null, 0],
      ],
    };
    const end = (truncated: boolean): StreamMessage => ({ kind: 'end', rowCount: 3, truncated });
    const whole = await collectValues('F', 2, messages([rows, end(false)]));
    expect(whole).toEqual({
      field: 'F',
      values: [
        { value: 'a', count: 3 },
        { value: 'b', count: 1 },
      ],
      total: 3,
      totalIsLowerBound: false,
    });
    expect((await collectValues('F', 5, messages([rows, end(true)]))).totalIsLowerBound).toBe(true);
    expect((await collectValues('F', 5, messages([rows, end(false)]))).values[2]).toEqual({ value: null });
  });

  it('fails with Tableau’s error in its words', async () => {
    const failed = collectValues('F', 5, messages([{ kind: 'error', error: { code: 'vds-invalid-query', message: 'Unknown Field: F.' } }]));
    await expect(failed).rejects.toMatchObject({ body: { code: 'vds-invalid-query' }, status: 400 });
  });
});
