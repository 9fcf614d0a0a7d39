import { Button, Caption1, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useState } from 'react';

import type { ConnectionInfo, ViewItem } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import { WorkbookViewList } from '../browse/WorkbookViewList.js';
import { ProblemsBar } from '../shared/ErrorBar.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { sheetTypeLabel } from '../shared/SheetIcon.js';
import { usePaneStyles } from '../shared/styles.js';
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
}

const toRows = (map: Record<string, string> | undefined): KeyValueRow[] =>
  Object.entries(map ?? {}).map(([key, value]) => newRow(key, value));

/** One view: its vf_ filters and parameters, then Preview. Dashboards get guidance first. */
export function ViewScreen({ connection, view, onBack, onOpenView, onPreview, initial, submitLabel }: ViewScreenProps) {
  const styles = usePaneStyles();
  const [filters, setFilters] = useState<KeyValueRow[]>(() => toRows(initial?.filters));
  const [parameters, setParameters] = useState<KeyValueRow[]>(() => toRows(initial?.parameters));
  const [problems, setProblems] = useState<string[]>([]);
  const title = view.workbookName ? `${view.workbookName} / ${view.name}` : view.name;
  const multiSheet = view.sheetType === 'dashboard' || view.sheetType === 'story';

  const preview = () => {
    const { source, errors } = buildViewSource({ id: view.id, contentUrl: view.contentUrl || undefined, name: title }, filters, parameters);
    setProblems(errors);
    if (source) onPreview(source, title);
  };

  return (
    <div className={styles.stack}>
      <ScreenHeader title={view.name} onBack={onBack} />
      <Caption1>
        A {sheetTypeLabel(view.sheetType)}
        {view.workbookName ? ` in ${view.workbookName}` : ''}
        {view.totalViewCount !== undefined ? ` · ${view.totalViewCount.toLocaleString('en-US')} views` : ''}
      </Caption1>
      {multiSheet ? (
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
      {multiSheet && view.workbookId ? (
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
      <Button appearance="primary" onClick={preview}>
        {submitLabel ?? (multiSheet ? 'Preview first sheet anyway' : 'Preview data')}
      </Button>
      <ViewLineage connection={connection} viewId={view.id} />
    </div>
  );
}
