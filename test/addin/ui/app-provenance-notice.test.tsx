/**
 * Issue #21 item 5: "Write provenance sheet" makes a hidden sheet — the notice says what was
 * written and where, how to see it, and "Show it" unhides it through the gateway.
 */
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { ProvenanceNotice } from '../../../addin/ui/shared/ProvenanceNotice.js';
import { PROVENANCE_SHEET, writeProvenanceSheet } from '../../../addin/ui/tables/provenanceSheet.js';
import { WorkbookError } from '../../../addin/workbook/gateway.js';
import { axeViolations, fakeApi, memoryServices, renderWith } from './harness.js';

describe('ProvenanceNotice', { timeout: 60_000 }, () => {
  it('says where the provenance went, that the sheet is hidden and how to see it; Show it unhides and selects it', async () => {
    const { services, gateway, workbook } = memoryServices(fakeApi());
    const where = await writeProvenanceSheet(gateway, []);
    expect(workbook.findSheet(PROVENANCE_SHEET)?.hidden).toBe(true);
    const activate = vi.spyOn(gateway, 'activateTable');
    const { container } = renderWith(<ProvenanceNotice sheet={where.sheet} table={where.table} />, services);

    const status = screen.getByRole('status');
    expect(status).toHaveTextContent(`the table Tableau_sources on the sheet "${PROVENANCE_SHEET}"`);
    expect(status).toHaveTextContent('The sheet is hidden');
    expect(status).toHaveTextContent('right-click any sheet tab and choose Unhide');
    expect(await axeViolations(container)).toEqual([]);

    await userEvent.setup().click(screen.getByRole('button', { name: `Show it: the sheet ${PROVENANCE_SHEET}` }));
    await waitFor(() => expect(workbook.findSheet(PROVENANCE_SHEET)?.hidden).toBe(false));
    expect(activate).toHaveBeenCalledWith('Tableau_sources');
    expect(screen.getByRole('status')).toHaveTextContent('The sheet is visible in the workbook.');
    expect(screen.queryByRole('button', { name: /Show it/ })).not.toBeInTheDocument();
  });

  it('offers nothing to show when the sheet is already visible', () => {
    const { services } = memoryServices(fakeApi());
    renderWith(<ProvenanceNotice sheet="Tableau sources" table="Tableau_sources" hidden={false} />, services);
    expect(screen.getByRole('status')).toHaveTextContent('The sheet is visible in the workbook.');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('says so in plain words when the sheet cannot be shown', async () => {
    const { services, gateway } = memoryServices(fakeApi());
    vi.spyOn(gateway, 'setSheetVisible').mockRejectedValue(new WorkbookError('not-found', 'There is no sheet named "Tableau sources".'));
    renderWith(<ProvenanceNotice sheet="Tableau sources" table="Tableau_sources" />, services);
    await userEvent.setup().click(screen.getByRole('button', { name: /Show it/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('There is no sheet named "Tableau sources".');
  });
});
