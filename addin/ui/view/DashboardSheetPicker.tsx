import { Caption1, MessageBar, MessageBarBody, Radio, RadioGroup } from '@fluentui/react-components';
import { useEffect } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { DashboardSheet } from '../../../common/rows-behind.js';
import { useServices } from '../../app/services.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAsync } from '../shared/useAsync.js';

interface DashboardSheetPickerProps {
  connection: ConnectionInfo;
  dashboardId: string;
  /** The chosen sheet's view id. */
  value: string | undefined;
  onChange(sheet: DashboardSheet & { viewId: string }): void;
}

/**
 * The worksheets of a dashboard, one to pick: Tableau's export of a dashboard holds only its first
 * sheet's data (TSC#1489, docs/rows-behind.md), so the analyst says which sheet's data they want.
 * The first one is picked at the start: what the dashboard's own export would have given.
 */
export function DashboardSheetPicker({ connection, dashboardId, value, onChange }: DashboardSheetPickerProps) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const sheets = useAsync((signal) => api.dashboardSheets(connection.id, dashboardId, { signal }), [api, connection.id, dashboardId]);
  const exportable = (sheets.data?.sheets ?? []).filter((s): s is DashboardSheet & { viewId: string } => !!s.viewId);
  const first = exportable[0];
  useEffect(() => {
    if (first && !value) onChange(first);
    // Only when the list arrives: the analyst's own choice is never overridden.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first]);

  if (sheets.loading) return <Busy label="Finding the dashboard's sheets…" />;
  if (sheets.error) return <ErrorBar error={sheets.error} onRetry={sheets.reload} />;
  if (!sheets.data) return null;
  const hidden = sheets.data.sheets.filter((s) => !s.viewId);
  return (
    <section aria-label="Sheets of this dashboard" className={styles.stack}>
      {sheets.data.note ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{sheets.data.note}</MessageBarBody>
        </MessageBar>
      ) : null}
      {exportable.length === 0 ? (
        <Caption1>Tableau lists no worksheet of this dashboard that can be exported.</Caption1>
      ) : (
        <RadioGroup
          aria-label="Sheet whose data you want"
          value={value ?? ''}
          onChange={(_, d) => {
            const sheet = exportable.find((s) => s.viewId === d.value);
            if (sheet) onChange(sheet);
          }}
        >
          {exportable.map((s, i) => (
            <Radio
              key={s.viewId}
              value={s.viewId}
              label={i === 0 && sheets.data?.from === 'metadata' ? `${s.name} (the dashboard's own export)` : s.name}
            />
          ))}
        </RadioGroup>
      )}
      {hidden.length ? (
        <Caption1 className={styles.muted}>
          Hidden on the site, so their data cannot be exported: {hidden.map((s) => s.name).join(', ')}.
        </Caption1>
      ) : null}
    </section>
  );
}
