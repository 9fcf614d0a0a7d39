import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { App } from '../../../addin/ui/App.js';
import QueryScreen from '../../../addin/ui/query/QueryScreen.js';
import { axeViolations, connection, fakeApi, memoryServices, metadata, page, renderWith, streamOf } from './harness.js';

function setup(meta = metadata) {
  const api = fakeApi({ metadata: async () => meta });
  const onPreview = vi.fn();
  const utils = renderWith(
    <QueryScreen connection={connection} datasource={{ id: 'ds-1', name: 'Superstore' }} onBack={vi.fn()} onPreview={onPreview} />,
    memoryServices(api).services,
  );
  return { api, onPreview, ...utils };
}

describe('Query a data source', { timeout: 90_000 }, () => {
  it('builds the VDS query: fields with default aggregation, sort, filters, parameter, row limit', async () => {
    const { onPreview, api } = setup();
    const user = userEvent.setup();
    const add = await screen.findByLabelText('Add a field');
    expect(api.metadata).toHaveBeenCalledWith('c1', 'ds-1', expect.anything());
    await user.selectOptions(add, 'Region');
    await user.selectOptions(add, 'Sales');
    await user.selectOptions(add, 'Discount');
    expect(screen.getByLabelText('Aggregation of Sales')).toHaveValue('SUM');
    expect(screen.getByLabelText('Aggregation of Discount')).toHaveValue('AVG'); // the field's defaultAggregation
    await user.selectOptions(screen.getByLabelText('Aggregation of Discount'), 'MAX');
    await user.selectOptions(screen.getByLabelText('Sort by Sales'), 'DESC');
    await user.selectOptions(screen.getByLabelText('Sort by Region'), 'ASC');

    // SET filter on Region
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Region');
    await user.selectOptions(screen.getByLabelText('Kind'), 'SET');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Values of Region'), 'East, West');
    // MATCH filter on Category
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Category');
    await user.selectOptions(screen.getByLabelText('Kind'), 'MATCH');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Category contains'), 'Tech');
    // Date range on Order Date
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Order Date');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    const dateFilter = screen.getByRole('region', { name: 'Filter on Order Date' });
    await user.type(within(dateFilter).getByLabelText('From'), '2024-01-01');
    await user.type(within(dateFilter).getByLabelText('To'), '2024-12-31');
    // Numeric range on Sales (min only)
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Sales');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.type(screen.getByLabelText('Minimum'), '1000');

    await user.type(screen.getByLabelText('Top N'), '5');
    await user.type(screen.getByLabelText('Row limit'), '500');
    expect(screen.getByText(/This Tableau version cannot limit rows itself/)).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview).toHaveBeenCalledTimes(1);
    const [source, title] = onPreview.mock.calls[0];
    expect(title).toBe('Superstore');
    expect(source).toEqual({
      kind: 'datasource',
      datasourceId: 'ds-1',
      name: 'Superstore',
      rowLimit: 500,
      query: {
        fields: [
          { fieldCaption: 'Region', sortDirection: 'ASC', sortPriority: 2 },
          { fieldCaption: 'Sales', function: 'SUM', sortDirection: 'DESC', sortPriority: 1 },
          { fieldCaption: 'Discount', function: 'MAX' },
        ],
        filters: [
          { field: { fieldCaption: 'Region' }, filterType: 'SET', values: ['East', 'West'], exclude: false },
          { field: { fieldCaption: 'Category' }, filterType: 'MATCH', contains: 'Tech', exclude: false },
          {
            field: { fieldCaption: 'Order Date' },
            filterType: 'QUANTITATIVE_DATE',
            quantitativeFilterType: 'RANGE',
            minDate: '2024-01-01',
            maxDate: '2024-12-31',
          },
          { field: { fieldCaption: 'Sales' }, filterType: 'QUANTITATIVE_NUMERICAL', quantitativeFilterType: 'MIN', min: 1000 },
        ],
        parameters: [{ parameterCaption: 'Top N', value: 5 }],
      },
    });
  });

  it('offers relative date and Top N filters', async () => {
    const { onPreview } = setup();
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Add a field'), 'Category');
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Order Date');
    await user.selectOptions(screen.getByLabelText('Kind'), 'RELATIVE_DATE');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Category');
    await user.selectOptions(screen.getByLabelText('Kind'), 'TOP');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.clear(screen.getByLabelText('How many'));
    await user.type(screen.getByLabelText('How many'), '3');
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview.mock.calls[0][0].query.filters).toEqual([
      { field: { fieldCaption: 'Order Date' }, filterType: 'DATE', periodType: 'MONTHS', dateRangeType: 'LASTN', rangeN: 3 },
      {
        field: { fieldCaption: 'Category' },
        filterType: 'TOP',
        howMany: 3,
        direction: 'TOP',
        fieldToMeasure: { fieldCaption: 'Sales', function: 'SUM' },
      },
    ]);
  });

  it('says what to fix instead of sending an incomplete query', async () => {
    const { onPreview } = setup({ ...metadata, capabilities: { ...metadata.capabilities, rowLimit: true } });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Row limit'), '10');
    expect(screen.queryByText(/cannot limit rows itself/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(await screen.findByText('Choose at least one field.')).toBeInTheDocument();
    expect(onPreview).not.toHaveBeenCalled();
  });

  it('adds several fields at once: all of a search, or the ones ticked; removes all; says how many (keyboard only)', async () => {
    const { onPreview } = setup();
    const user = userEvent.setup();
    const status = () => screen.getByRole('status');
    const addAll = await screen.findByRole('button', { name: 'Add all 5' });
    addAll.focus();
    await user.keyboard('{Enter}');
    expect(status()).toHaveTextContent('Added 5 fields. 5 fields chosen.');
    const chosen = screen.getByRole('list', { name: 'Chosen fields' });
    expect(
      within(chosen)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.split(/Aggregation|Sort/)[0]),
    ).toEqual(['Region', 'Category', 'Order Date', 'Sales', 'Discount']);
    expect(screen.getByText('Every field is chosen.')).toBeInTheDocument();

    screen.getByRole('button', { name: 'Remove all' }).focus();
    await user.keyboard('{Enter}');
    expect(status()).toHaveTextContent('Removed all 5 fields.');
    expect(screen.queryByRole('list', { name: 'Chosen fields' })).not.toBeInTheDocument();
    // Focus lands on the list's heading, not on the page.
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Chosen fields' })).toHaveFocus());

    // "Add all" takes what the search shows.
    screen.getByRole('searchbox', { name: 'Find a field' }).focus();
    await user.keyboard('or');
    const shown = screen.getByRole('group', { name: 'Fields matching or' });
    expect(
      within(shown)
        .getAllByRole('checkbox')
        .map((c) => (c as HTMLInputElement).labels?.[0]?.textContent),
    ).toEqual(['Category', 'Order Date']);
    screen.getByRole('button', { name: 'Add all 2 shown' }).focus();
    await user.keyboard('{Enter}');
    expect(status()).toHaveTextContent('Added 2 fields. 2 fields chosen.');

    // Ticked ones, with Space on each checkbox.
    await user.clear(screen.getByRole('searchbox', { name: 'Find a field' }));
    expect(screen.getByRole('button', { name: 'Add selected' })).toBeDisabled();
    screen.getByRole('checkbox', { name: 'Discount' }).focus();
    await user.keyboard(' ');
    screen.getByRole('checkbox', { name: 'Region' }).focus();
    await user.keyboard(' ');
    screen.getByRole('button', { name: 'Add selected (2)' }).focus();
    await user.keyboard('{Enter}');
    expect(status()).toHaveTextContent('Added 2 fields. 4 fields chosen.');
    // One pick through the single-field list is announced by name.
    await user.selectOptions(screen.getByLabelText('Add a field'), 'Sales');
    expect(status()).toHaveTextContent('Added Sales. 5 fields chosen.');

    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview.mock.calls[0][0].query.fields.map((f: { fieldCaption: string }) => f.fieldCaption)).toEqual([
      'Category',
      'Order Date',
      'Region',
      'Discount',
      'Sales',
    ]);
  });

  it('reorders and removes chosen fields from the keyboard, keeping focus and announcing it', async () => {
    const { onPreview } = setup();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add all 5' }));
    expect(screen.getByRole('button', { name: 'Move Region up' })).toBeDisabled();
    screen.getByRole('button', { name: 'Move Sales up' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('status')).toHaveTextContent('Sales moved to position 3 of 5.');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Sales up' })).toHaveFocus());
    await user.keyboard('{Enter}{Enter}');
    // At the top the Up button disables; focus moves to its Down twin instead of the page.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Move Sales down' })).toHaveFocus());
    screen.getByRole('button', { name: 'Remove Category' }).focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('status')).toHaveTextContent('Removed Category. 4 fields chosen.');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Remove Order Date' })).toHaveFocus());
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(onPreview.mock.calls[0][0].query.fields.map((f: { fieldCaption: string }) => f.fieldCaption)).toEqual([
      'Sales',
      'Region',
      'Order Date',
      'Discount',
    ]);
  });

  it('keeps the half-built query on Back from its preview', async () => {
    const api = fakeApi({
      metadata: async () => metadata,
      datasources: async () => page([{ id: 'ds-1', name: 'Superstore' }], 1, 1),
      pull: () =>
        streamOf([
          { kind: 'meta', columns: [{ name: 'Region', type: 'text', format: '@' }] },
          { kind: 'rows', rows: [['East']] },
          { kind: 'end', rowCount: 1, truncated: false },
        ]),
    });
    renderWith(<App />, memoryServices(api).services);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('tab', { name: 'Data sources' }));
    await user.click(await screen.findByRole('button', { name: 'Superstore' }));
    await user.selectOptions(await screen.findByLabelText('Add a field'), 'Region');
    await user.selectOptions(screen.getByLabelText('Add a field'), 'Sales');
    await user.selectOptions(screen.getByLabelText('Sort by Sales'), 'DESC');
    await user.type(screen.getByLabelText('Row limit'), '50');
    await user.click(screen.getByRole('button', { name: 'Preview data' }));
    expect(await screen.findByText(/All 1 rows/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByLabelText('Sort by Sales')).toHaveValue('DESC');
    expect(within(screen.getByRole('list', { name: 'Chosen fields' })).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.getByLabelText('Row limit')).toHaveValue(50);
  });

  it('moves focus to a new filter and back to the filter picker after removing it, and says so', async () => {
    setup();
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Filter field'), 'Region');
    screen.getByRole('button', { name: 'Add filter' }).focus();
    await user.keyboard('{Enter}');
    // A set filter starts at its value picker: picking real values comes before typing them.
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Pick values of Region' })).toHaveFocus());
    expect(screen.getByRole('status')).toHaveTextContent('Added a filter on Region.');
    screen.getByRole('button', { name: 'Remove filter on Region' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByLabelText('Filter field')).toHaveFocus());
    expect(screen.getByRole('status')).toHaveTextContent('Removed the filter on Region.');
  });

  it('has no axe violations with fields and filters', async () => {
    const { container } = setup();
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByLabelText('Add a field'), 'Sales');
    await user.selectOptions(screen.getByLabelText('Filter field'), 'Region');
    await user.click(screen.getByRole('button', { name: 'Add filter' }));
    await user.click(screen.getByRole('checkbox', { name: 'Region' }));
    expect(await axeViolations(container)).toEqual([]);
  });
});
