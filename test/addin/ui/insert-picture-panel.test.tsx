/** The insert panel's picture choice (addin/ui/preview/InsertPanel.tsx): offered for views, said plainly where Excel lacks the shapes API. */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { InsertPanel } from '../../../addin/ui/preview/InsertPanel.js';
import { PICTURES_UNSUPPORTED } from '../../../addin/ui/preview/useInsert.js';
import { memoryGateway } from '../../../addin/workbook/memory/gateway.js';
import { MemoryWorkbook } from '../../../addin/workbook/memory/workbook.js';
import type { PullSource } from '../../../common/source.js';
import { axeViolations, connection, fakeApi, renderWith } from './harness.js';

const view: PullSource = { kind: 'view', viewId: 'v1', name: 'Orders by Region' };

function panel(source: PullSource, apiVersion?: string) {
  const workbook = memoryGateway(new MemoryWorkbook(), { apiVersion });
  return renderWith(<InsertPanel connection={connection} source={source} title="Orders by Region" columnCount={2} />, {
    api: fakeApi(),
    workbook,
  });
}

describe('the picture choice when inserting', () => {
  it('offers a view table only, table and picture, or picture only; picture only goes at the selected cell', async () => {
    const { container } = panel(view);
    expect(screen.getByRole('radio', { name: 'Table only' })).toBeChecked();
    await userEvent.setup().click(screen.getByRole('radio', { name: 'Picture only' }));
    expect(screen.getByRole('radio', { name: 'On a new sheet' })).toBeDisabled();
    expect(screen.getByRole('radio', { name: 'At the selected cell' })).toBeChecked();
    expect(await axeViolations(container)).toEqual([]);
  });

  it('says plainly where this Excel cannot show pictures, and offers none', () => {
    panel(view, '1.8');
    expect(screen.getByText(PICTURES_UNSUPPORTED)).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: 'Table and its picture beside it' })).toBeDisabled();
  });

  it('offers no picture for a data source query', () => {
    panel({ kind: 'datasource', datasourceId: 'd1', query: { fields: [{ fieldCaption: 'Region' }] } });
    expect(screen.queryByRole('radio', { name: 'Picture only' })).not.toBeInTheDocument();
  });
});
