import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useState } from 'react';

import type { ApiErrorBody } from '../../../common/stream.js';
import { useServices } from '../../app/services.js';
import { ErrorBar } from './ErrorBar.js';
import { errorBody } from './errorBody.js';

interface ProvenanceNoticeProps {
  /** Where "Write provenance sheet" wrote (its result). */
  sheet: string;
  table: string;
  /** Whether the sheet is hidden now (the writer hides a sheet it creates; one shown since stays shown). */
  hidden?: boolean;
}

/**
 * Says what "Write provenance sheet" did and where (issue #21: it made a hidden sheet and nothing
 * said so). The sheet is hidden on purpose (addin/ui/tables/provenanceSheet.ts: provenance is for
 * whoever asks, not in the analyst's way), so the notice says how to see it — Excel's own way
 * (Unhide on a sheet tab's menu, https://support.microsoft.com/office/hide-or-show-worksheets-or-workbooks-69f2701a-21f5-4186-87d7-341a8cf53344)
 * — and offers "Show it", which unhides the sheet through the gateway (WorkbookGateway.setSheetVisible)
 * and selects the table.
 */
export function ProvenanceNotice({ sheet, table, hidden = true }: ProvenanceNoticeProps) {
  const { workbook } = useServices();
  const [shown, setShown] = useState(!hidden);
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);

  const show = async () => {
    setFailure(null);
    try {
      await workbook.setSheetVisible(sheet, true);
      setShown(true);
      // Bringing the sheet forward is a courtesy: the sheet is visible even if this fails.
      await workbook.activateTable(table).catch(() => undefined);
    } catch (error) {
      setFailure(errorBody(error));
    }
  };

  return (
    <div role="status">
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>Provenance written</MessageBarTitle>
          {`Where every table comes from is in the table ${table} on the sheet "${sheet}". `}
          {shown
            ? 'The sheet is visible in the workbook.'
            : 'The sheet is hidden so it stays out of your way; to see it in Excel, right-click any sheet tab and choose Unhide.'}
        </MessageBarBody>
        {shown ? null : (
          <MessageBarActions>
            {/* The name starts with the visible words (WCAG 2.5.3 Label in Name, axe label-content-name-mismatch). */}
            <Button size="small" onClick={() => void show()} aria-label={`Show it: the sheet ${sheet}`}>
              Show it
            </Button>
          </MessageBarActions>
        )}
      </MessageBar>
      <ErrorBar error={failure} />
    </div>
  );
}
