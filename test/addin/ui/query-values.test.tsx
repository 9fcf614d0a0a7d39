/**
 * The SET filter's value picker and its checks (#20): real values with their row counts, picked by
 * keyboard; a value typed in the wrong case is warned with the right one before anything is pulled.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import QueryScreen from '../../../addin/ui/query/QueryScreen.js';
import type { FieldValues, FieldValuesQuery } from '../../../common/field-values.js';
import { axeViolations, connection, fakeApi, memoryServices, metadata, renderWith } from './harness.js';

const regions: FieldValues = {
  field: 'Region',
  values: [
    { value: 'Central', count: 2323 },
    { value: 'East', count: 2848 },
    { value: 'South', count: 1620 },
    { value: 'West', count: 3203 },
  ],
  total: 4,
  totalIsLowerBound: false,
};

function setup(fieldValues: (cid: string, dsid: string, q: FieldValuesQuery) => Promise<FieldValues>) {
  const api = fakeApi({ metadata: async () => metadata, fieldValues });
  const onPreview = vi.fn();
  const utils = renderWith(
    <QueryScreen connection={connection} datasource={{ id: 'ds-1', name: 'Superstore' }} onBack={vi.fn()} onPreview={onPreview} />,
    memoryServices(api).services,
  );
  return { api, onPreview, ...utils };
}

async function addSetFilter(user: ReturnType<typeof userEvent.setup>) {
  await user.selectOptions(await screen.findByLabelText('Add a field'), 'Sales');
  await user.selectOptions(screen.getByLabelText('Filter field'), 'Region');
  await user.click(screen.getByRole('button', { name: 'Add filter' }));
}

describe('SET filter values', { timeout: 90_000 }, () => {
  it('picks a real value by keyboard, with its row count, and asks Tableau once per field', async () => {
    const { api, onPreview } = setup(async () => regions);
    const user = userEvent.setup();
    await addSetFilter(user);
    expect(await screen.findByText('4 values')).toBeInTheDocument();
    const picker = screen.getByRole('combobox', { name: 'Pick values of Region' });
    await user.click(picker);
    await user.type(picker, 'ea');
    expect(
      within(screen.getByRole('listbox'))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['East (2,848 rows)']);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByLabelText('Values of Region')).toHaveValue('East');
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview.mock.calls[0][0].query.filters[0]).toMatchObject({ filterType: 'SET', values: ['East'] });
    expect(api.fieldValues).toHaveBeenCalledTimes(1);
    expect(api.fieldValues).toHaveBeenCalledWith('c1', 'ds-1', { field: 'Region' });
  });

  it('warns about a value in the wrong case with the right one, and holds the first Preview', async () => {
    const { onPreview, container } = setup(async () => regions);
    const user = userEvent.setup();
    await addSetFilter(user);
    await user.type(screen.getByLabelText('Values of Region'), 'West, east');
    const warning = await screen.findByText('"east" matches no value of Region: values are case-sensitive. Did you mean "East"?');
    expect(warning).toBeInTheDocument();
    expect(await axeViolations(container)).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview).not.toHaveBeenCalled();
    const held = screen.getByRole('alert');
    expect(within(held).getByText('These filter values match no value in Tableau')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Use “East”' }));
    expect(screen.getByLabelText('Values of Region')).toHaveValue('West\nEast');
    await waitFor(() => expect(screen.queryByText(/matches no value/)).not.toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview.mock.calls[0][0].query.filters[0]).toMatchObject({ values: ['West', 'East'] });
  });

  it('lets a warned value through on the second click ("Preview data anyway")', async () => {
    const { onPreview } = setup(async () => regions);
    const user = userEvent.setup();
    await addSetFilter(user);
    await user.type(screen.getByLabelText('Values of Region'), 'North');
    expect(await screen.findByText('"North" matches no value of Region.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    await user.click(screen.getByRole('button', { name: 'Preview data anyway' }));
    expect(onPreview.mock.calls[0][0].query.filters[0]).toMatchObject({ values: ['North'] });
  });

  it('on a long list, says "first N of M", searches on Tableau and looks a typed value up', async () => {
    const customers = (q?: string): FieldValues =>
      q
        ? {
            field: 'Region',
            values: [{ value: q === 'zoe ball' ? 'Zoe Ball' : `${q} Smith`, count: 3 }],
            total: 1,
            totalIsLowerBound: false,
          }
        : { field: 'Region', values: [{ value: 'Aaron Bergman', count: 9 }], total: 793, totalIsLowerBound: false };
    const { api } = setup(async (_c, _d, q) => customers(q.q));
    const user = userEvent.setup();
    await addSetFilter(user);
    expect(await screen.findByText('First 1 of 793 values: type to search')).toBeInTheDocument();
    await user.type(screen.getByRole('combobox', { name: 'Pick values of Region' }), 'Kim');
    await waitFor(() => expect(api.fieldValues).toHaveBeenCalledWith('c1', 'ds-1', { field: 'Region', q: 'Kim' }));
    expect(await screen.findByRole('option', { name: 'Kim Smith (3 rows)' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('Values of Region'), 'zoe ball');
    await waitFor(() => expect(api.fieldValues).toHaveBeenCalledWith('c1', 'ds-1', { field: 'Region', q: 'zoe ball' }));
    // Not on the first page: Tableau's case-insensitive search finds the value it differs from only by case.
    expect(
      await screen.findByText('"zoe ball" matches no value of Region: values are case-sensitive. Did you mean "Zoe Ball"?'),
    ).toBeInTheDocument();
    // Looked up once typing paused: not a query per keystroke.
    expect(api.fieldValues).not.toHaveBeenCalledWith('c1', 'ds-1', { field: 'Region', q: 'zoe' });
  });
});
