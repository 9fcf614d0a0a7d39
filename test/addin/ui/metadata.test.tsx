import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { PreviewTable } from '../../../addin/ui/preview/PreviewTable.js';
import QueryScreen from '../../../addin/ui/query/QueryScreen.js';
import { columnMeanings } from '../../../addin/ui/shared/columnMeanings.js';
import { headerNotes } from '../../../addin/ui/shared/fieldMeaning.js';
import { MetadataNotice } from '../../../addin/ui/shared/MetadataNotice.js';
import { MetadataStatus } from '../../../addin/ui/shared/metadataStatus.js';
import { ViewLineage } from '../../../addin/ui/view/ViewLineage.js';
import type { DatasourceFieldsAnswer, MetaField, ViewLineageAnswer } from '../../../common/metadata.js';
import { axeViolations, connection, fakeApi, memoryServices, metadata, metadataOff, renderWith } from './harness.js';

/**
 * Field meanings and lineage in the pane (Tableau's Metadata API): the field picker shows what each
 * field means, the view screen where its data comes from; with the Metadata API off the pane says so
 * in one notice and the screens carry on.
 */
const field = (name: string, description: string, extra: Partial<MetaField> = {}): MetaField => ({
  name,
  description,
  dataType: 'STRING',
  role: 'DIMENSION',
  dataCategory: 'NOMINAL',
  kind: 'ColumnField',
  isHidden: false,
  upstreamTables: ['Orders'],
  ...extra,
});

const fieldsAnswer: DatasourceFieldsAnswer = {
  partial: false,
  datasource: {
    luid: 'ds-1',
    name: 'Superstore',
    description: '',
    projectName: 'Sales',
    isCertified: true,
    tables: [],
    fields: [
      field('Region', 'Sales region of the shipping address.'),
      field('Sales', 'Revenue in USD.', { dataType: 'REAL', role: 'MEASURE', dataCategory: 'QUANTITATIVE' }),
    ],
  },
};

const lineage: ViewLineageAnswer = {
  partial: false,
  view: { luid: 'v1', name: 'Orders by Region', kind: 'sheet' },
  workbook: { luid: 'w1', name: 'Superstore' },
  datasources: [
    {
      luid: 'ds-1',
      name: 'Superstore Orders',
      description: '',
      projectName: 'Data Sources',
      isCertified: true,
      tables: [
        { name: 'Orders', schema: 'public', fullName: '[public].[Orders]', database: { name: 'superstore', connectionType: 'postgres' } },
      ],
    },
  ],
  fields: [field('Region', 'Sales region of the shipping address.'), field('Category', '')],
  sheets: [],
};

describe('field meanings and lineage', { timeout: 90_000 }, () => {
  it('shows what each field means under its checkbox in the field picker, tied to it for screen readers', async () => {
    const api = fakeApi({ metadata: async () => metadata, metadataFields: async () => fieldsAnswer });
    renderWith(
      <QueryScreen connection={connection} datasource={{ id: 'ds-1', name: 'Superstore' }} onBack={vi.fn()} onPreview={vi.fn()} />,
      memoryServices(api).services,
    );
    const region = await screen.findByRole('checkbox', { name: 'Region' });
    expect(await screen.findByText('Sales region of the shipping address. · text · dimension')).toBeInTheDocument();
    expect(region).toHaveAccessibleDescription('Sales region of the shipping address. · text · dimension');
    expect(screen.getByRole('checkbox', { name: 'Sales' })).toHaveAccessibleDescription('Revenue in USD. · number (decimal) · measure');
    // A field Tableau does not describe has no line.
    expect(screen.getByRole('checkbox', { name: 'Category' })).not.toHaveAccessibleDescription();
    expect(api.metadataFields).toHaveBeenCalledWith(connection.id, 'ds-1', expect.anything());
  });

  it("shows a view's upstream data source with its tables and what its fields mean", async () => {
    const api = fakeApi({ viewLineage: async () => lineage });
    const { container } = renderWith(<ViewLineage connection={connection} viewId="v1" />, memoryServices(api).services);
    const section = await screen.findByRole('region', { name: 'Where this data comes from' });
    expect(await within(section).findByText('Superstore Orders')).toBeInTheDocument();
    expect(within(section).getByLabelText('Certified')).toBeInTheDocument();
    expect(within(section).getByRole('list', { name: 'Tables under Superstore Orders' })).toHaveTextContent(
      '[public].[Orders] in superstore (postgres)',
    );
    await userEvent.setup().click(within(section).getByText('What the fields mean (1)'));
    expect(within(section).getByText('Sales region of the shipping address. · text · dimension')).toBeVisible();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('with the Metadata API off: screens say it in a line, the pane in ONE notice until dismissed, and Tableau is not asked again', async () => {
    const status = new MetadataStatus();
    const api = fakeApi({ metadata: async () => metadata, metadataFields: metadataOff, viewLineage: metadataOff });
    const { services } = memoryServices(api, { metadataStatus: status });
    renderWith(
      <>
        <MetadataNotice status={status} />
        <ViewLineage connection={connection} viewId="v1" />
        <QueryScreen connection={connection} datasource={{ id: 'ds-1', name: 'Superstore' }} onPreview={vi.fn()} />
      </>,
      services,
    );
    expect(await screen.findByText(/Field descriptions and lineage are not available/)).toBeInTheDocument();
    expect(await screen.findByText("Not available: Tableau's Metadata API is turned off.")).toBeInTheDocument();
    // The query screen still works: its fields are there, without meanings.
    expect(await screen.findByRole('checkbox', { name: 'Region' })).not.toHaveAccessibleDescription();
    expect(screen.getAllByText(/Field descriptions and lineage are not available/)).toHaveLength(1);
    const asked = vi.mocked(api.metadataFields).mock.calls.length + vi.mocked(api.viewLineage).mock.calls.length;
    expect(asked).toBeLessThanOrEqual(2);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/Field descriptions and lineage are not available/)).not.toBeInTheDocument();
    // Another screen for the same connection later: no second notice, no new request.
    render(<MetadataNotice status={status} />);
    act(() => status.markDisabled(connection.id, connection.label));
    expect(screen.queryByText(/Field descriptions and lineage are not available/)).not.toBeInTheDocument();
  });

  it('follows a field into the columns a pull names (alias, SUM(Sales), caption) for the preview headers and the header notes', () => {
    const source = {
      kind: 'datasource' as const,
      datasourceId: 'ds-1',
      query: {
        fields: [
          { fieldCaption: 'Region', fieldAlias: 'Area' },
          { fieldCaption: 'Sales', function: 'SUM' as const },
          { fieldCaption: 'Category' },
        ],
      },
    };
    const byColumn = columnMeanings(source, fieldsAnswer.datasource.fields);
    expect([...byColumn.keys()]).toEqual(['Area', 'SUM(Sales)']);
    const columns = [
      { name: 'Area', type: 'text' as const, format: '@' },
      { name: 'SUM(Sales)', type: 'currency' as const, format: '$#,##0' },
      { name: 'Category', type: 'text' as const, format: '@' },
    ];
    expect(headerNotes(columns, byColumn)).toEqual([
      { column: 'Area', text: 'Region: Sales region of the shipping address. · text · dimension\n(from Tableau)' },
      { column: 'SUM(Sales)', text: 'Sales: Revenue in USD. · number (decimal) · measure\n(from Tableau)' },
    ]);
    renderWith(
      <PreviewTable columns={columns} rows={[['East', 10, 'Furniture']]} caption="Preview" meanings={byColumn} />,
      memoryServices(fakeApi()).services,
    );
    expect(screen.getByRole('columnheader', { name: /SUM\(Sales\)/ })).toHaveAccessibleDescription(
      'SUM(Sales): Revenue in USD. · number (decimal) · measure',
    );
    expect(screen.getByRole('columnheader', { name: /Category/ })).toHaveAttribute('title', 'Category (text)');
  });
});
