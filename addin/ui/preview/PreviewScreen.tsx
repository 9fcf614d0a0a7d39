import { Caption1, MessageBar, MessageBarBody } from '@fluentui/react-components';
import { useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { usePaneStyles } from '../shared/styles.js';
import { useSourceMeanings } from '../shared/useSourceMeanings.js';
import { InsertPanel } from './InsertPanel.js';
import { PreviewTable } from './PreviewTable.js';
import { PREVIEW_ROWS, usePreview } from './usePreview.js';

export interface PreviewScreenProps {
  connection: ConnectionInfo;
  source: PullSource;
  title: string;
  onBack(): void;
}

/** The first 100 rows with their types, then Insert. */
export default function PreviewScreen({ connection, source, title, onBack }: PreviewScreenProps) {
  const styles = usePaneStyles();
  const [attempt, setAttempt] = useState(0);
  const preview = usePreview(connection.id, source, attempt);
  const meanings = useSourceMeanings(connection, source);
  const whole = preview.end && !preview.end.truncated;
  const shown = preview.rows.length.toLocaleString('en-US');
  // The total only when the source counted it (VDS 2026.1+); a view's CSV and older VDS say nothing
  // before their last row, which a preview never reads: no guess like "at least 100".
  const total = preview.end?.truncated ? preview.end.totalRows : undefined;
  const caption = preview.end
    ? whole
      ? `All ${shown} rows`
      : total !== undefined
        ? `First ${shown} of ${total.toLocaleString('en-US')} rows`
        : `First ${shown} rows`
    : `Preview`;

  return (
    <div className={styles.stack}>
      <ScreenHeader title={title} onBack={onBack} />
      {preview.loading ? <Busy label={preview.progress ?? 'Getting the first rows from Tableau…'} /> : null}
      <ErrorBar error={preview.error} onRetry={() => setAttempt((a) => a + 1)} />
      {preview.columns && preview.end ? (
        <>
          <Caption1>
            {caption} · {preview.columns.length} columns
            {!whole && preview.rows.length >= PREVIEW_ROWS ? ' · Insert brings all of them' : ''}
          </Caption1>
          <PreviewTable columns={preview.columns} rows={preview.rows} caption={`${caption} of ${title}`} meanings={meanings.byColumn} />
          {(preview.end.warnings ?? []).map((w) => (
            <MessageBar key={w} intent="warning">
              <MessageBarBody>{w}</MessageBarBody>
            </MessageBar>
          ))}
          <InsertPanel
            connection={connection}
            source={source}
            title={title}
            columnCount={preview.columns.length}
            knownRows={whole ? preview.rows.length : undefined}
            meanings={meanings.byColumn}
          />
        </>
      ) : null}
    </div>
  );
}
