import { Button, Caption1, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useState } from 'react';

import type { ConnectionInfo, ViewItem } from '../../../common/api.js';
import type { RowsBehindResponse } from '../../../common/rows-behind.js';
import type { PullSource } from '../../../common/source.js';
import { useServices } from '../../app/services.js';
import { WorkbookViewList } from '../browse/WorkbookViewList.js';
import { ErrorBar, ProblemsBar } from '../shared/ErrorBar.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { sheetTypeLabel } from '../shared/SheetIcon.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAction } from '../shared/useAction.js';
import { DashboardSheetPicker } from './DashboardSheetPicker.js';
import { KeyValueRows, newRow } from './KeyValueRows.js';
import { buildViewSource, type KeyValueRow } from './viewFilters.js';
import { ViewLineage } from './ViewLineage.js';

interface ViewScreenProps {
  connection: ConnectionInfo;
  view: ViewItem;
  /** Absent: no Back button (the screen is part of a screen that has one). */
  onBack?(): void;
  onOpenView(view: ViewItem): void;
  onPreview(source: PullSource, title: string): void;
  /** Prefill (editing a refreshable table's source): filters and parameters by name. */
  initial?: { filters?: Record<string, string>; parameters?: Record<string, string> };
  /** Label of the main button (default "Preview data"). */
  submitLabel?: string;
  /** Absent: no "rows behind" button. Given: the prepared query on the view's data source, to open in the query builder. */
  onRowsBehind?(rows: RowsBehindResponse, title: string): void;
}

const toRows = (map: Record<string, string> | undefined): KeyValueRow[] =>
  Object.entries(map ?? {}).map(([key, value]) => newRow(key, value));

/**
 * One view: its vf_ filters and parameters, then Preview. A dashboard first asks which of its sheets
 * (its own export is only the first one's); a story points at the workbook's worksheets. A worksheet
 * (or the sheet picked) also offers the rows behind it: a query on its published data source.
 */
export function ViewScreen({ connection, view, onBack, onOpenView, onPreview, initial, submitLabel, onRowsBehind }: ViewScreenProps) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const [filters, setFilters] = useState<KeyValueRow[]>(() => toRows(initial?.filters));
  const [parameters, setParameters] = useState<KeyValueRow[]>(() => toRows(initial?.parameters));
  const [problems, setProblems] = useState<string[]>([]);
  const [sheet, setSheet] = useState<{ viewId: string; name: string; contentUrl?: string }>();
  const rowsAction = useAction();
  const isDashboard = view.sheetType === 'dashboard';
  const isStory = view.sheetType === 'story';
  // What the buttons act on: the view itself, or the dashboard's sheet picked.
  const target = isDashboard
    ? sheet && { id: sheet.viewId, name: sheet.name, contentUrl: sheet.contentUrl }
    : { id: view.id, name: view.name, contentUrl: view.contentUrl || undefined };
  const title = target ? (view.workbookName ? `${view.workbookName} / ${target.name}` : target.name) : view.name;

  const built = () => {
    if (!target) return null;
    const { source, errors } = buildViewSource({ id: target.id, contentUrl: target.contentUrl, name: title }, filters, parameters);
    setProblems(errors);
    return source;
  };
  const preview = () => {
    const source = built();
    if (source) onPreview(source, title);
  };
  const rowsBehind = () =>
    rowsAction.run(async () => {
      const source = built();
      if (!source || !onRowsBehind) return;
      const request = {
        ...(source.filters ? { filters: source.filters } : {}),
        ...(source.parameters ? { parameters: source.parameters } : {}),
      };
      onRowsBehind(await api.rowsBehind(connection.id, source.viewId, request), `Rows behind ${title}`);
    });

  return (
    <div className={styles.stack}>
      <ScreenHeader title={view.name} onBack={onBack} />
      <Caption1>
        A {sheetTypeLabel(view.sheetType)}
        {view.workbookName ? ` in ${view.workbookName}` : ''}
        {view.totalViewCount !== undefined ? ` · ${view.totalViewCount.toLocaleString('en-US')} views` : ''}
      </Caption1>
      {isDashboard ? (
        <>
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>Which sheet's data?</MessageBarTitle>
              <div>Tableau's data export of a dashboard holds only its first sheet. Pick the sheet whose data you want:</div>
            </MessageBarBody>
          </MessageBar>
          <DashboardSheetPicker connection={connection} dashboardId={view.id} value={sheet?.viewId} onChange={setSheet} />
        </>
      ) : null}
      {isStory ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>This is a {sheetTypeLabel(view.sheetType)}</MessageBarTitle>
            <div>
              Tableau's data export of a {sheetTypeLabel(view.sheetType)} holds only the data of its first sheet. To get the data behind a
              particular chart, pick that worksheet instead:
            </div>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {isStory && view.workbookId ? (
        <section aria-label="Worksheets of this workbook">
          <WorkbookViewList
            connection={connection}
            workbookId={view.workbookId}
            workbookName={view.workbookName}
            only="sheet"
            exclude={view.id}
            onOpen={onOpenView}
          />
        </section>
      ) : null}
      <KeyValueRows
        legend="Filters"
        keyLabel="Field"
        valueLabel="Value"
        keyPlaceholder="Region"
        addLabel="Add filter"
        rows={filters}
        onChange={setFilters}
      />
      <Caption1 className={styles.muted}>Filters match exact values, as in the view's URL (vf_Region=West).</Caption1>
      <KeyValueRows
        legend="Parameters"
        keyLabel="Parameter"
        valueLabel="Value"
        addLabel="Add parameter"
        rows={parameters}
        onChange={setParameters}
      />
      <ProblemsBar problems={problems} />
      <ErrorBar error={rowsAction.failure} />
      <Button appearance="primary" onClick={preview} disabled={isDashboard && !sheet}>
        {submitLabel ?? (isStory ? 'Preview first sheet anyway' : isDashboard && sheet ? `Preview ${sheet.name}` : 'Preview data')}
      </Button>
      {onRowsBehind && !isStory ? (
        <>
          <Button onClick={rowsBehind} disabled={!target || rowsAction.busy}>
            {rowsAction.busy
              ? 'Preparing the rows behind it…'
              : isDashboard
                ? 'Get the rows behind this sheet'
                : 'Get the rows behind this view'}
          </Button>
          <Caption1 className={styles.muted}>
            The view shows summary data. The rows behind it come from its published data source, with the same filters.
          </Caption1>
        </>
      ) : null}
      <ViewLineage connection={connection} viewId={view.id} />
    </div>
  );
}
