import { Button, Checkbox, Field, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Select, Text } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import { describeCounts, missingColumns, PUBLISH_KIND_LABELS, PUBLISH_KINDS, type PublishKind } from '../../../common/publish.js';
import { Busy } from '../shared/Busy.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { usePaneStyles } from '../shared/styles.js';
import { ColumnMapping } from './ColumnMapping.js';
import { PlanRows, ResultRows } from './PlanView.js';
import { describeOutcomes, removalConfirmation } from './publishRows.js';
import { type PublishStage, usePublish } from './usePublish.js';

// A long option ("Users (add or update, with site role)") must not widen the select past a 320 px pane.
const useStyles = makeStyles({ fit: { minWidth: 0, maxWidth: '100%' }, ellipsis: { textOverflow: 'ellipsis' } });

/**
 * A step's heading (Dry run, Result). It takes focus when the step appears, so the pane scrolls to
 * it and keyboard and screen-reader users land on what changed, not on the button they pressed.
 */
function StepHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <Text as="h3" ref={ref} tabIndex={-1} size={400} weight="semibold" style={{ margin: 0, outlineStyle: 'none' }}>
      {children}
    </Text>
  );
}

interface PublishScreenProps {
  /** The Tableau site the table goes to (the pane's current connection); none: the screen asks to connect. */
  connection: ConnectionInfo | null;
  onBack(): void;
}

/**
 * Publish an Excel table to Tableau (issue #22): pick a table and what it describes, check which
 * column is which, dry run (nothing is sent), apply the confirmed plan, and read each row's result
 * in the column written next to the table.
 */
export default function PublishScreen({ connection, onBack }: PublishScreenProps) {
  const styles = usePaneStyles();
  const local = useStyles();
  const flow = usePublish(connection);
  const { tables, table, headers, kind, columns, stage, busy } = flow;
  const missing = table ? missingColumns(columns, headers, kind) : [];
  const canDryRun = !!connection && !!table && missing.length === 0 && busy === null;

  return (
    <section className={styles.stack} aria-label="Publish to Tableau">
      <ScreenHeader title="Publish to Tableau" onBack={onBack} backLabel="Back to Tables" />
      {connection ? (
        <Text size={200}>{`To the site ${connection.label}. A dry run shows every change first; nothing is sent until you apply it.`}</Text>
      ) : (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Connect to a Tableau site first</MessageBarTitle>
            The table is published to the site of the Connection tab.
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.row}>
        <Field label="Excel table" className={styles.grow}>
          <Select value={table?.name ?? ''} onChange={(_, d) => flow.chooseTable(d.value)} disabled={!tables?.length || busy !== null}>
            {tables?.length ? null : <option value="">No tables in this workbook</option>}
            {tables?.map((t) => (
              <option key={t.name} value={t.name}>{`${t.name} (${t.sheet}, ${t.rowCount} ${t.rowCount === 1 ? 'row' : 'rows'})`}</option>
            ))}
          </Select>
        </Field>
        <Button onClick={flow.reloadTables} disabled={busy !== null || flow.loadingTables}>
          Reload tables
        </Button>
      </div>
      <ErrorBar error={flow.tablesError} onRetry={flow.reloadTables} />
      {tables && tables.length === 0 ? (
        <Text size={200}>Make one from your list with Insert &gt; Table (Ctrl+T), then reload the tables.</Text>
      ) : null}
      <Field label="What the table describes" className={local.fit}>
        <Select
          className={local.fit}
          select={{ className: local.ellipsis }}
          value={kind}
          disabled={busy !== null}
          onChange={(_, d) => flow.chooseKind(d.value as PublishKind)}
        >
          {PUBLISH_KINDS.map((k) => (
            <option key={k} value={k}>
              {PUBLISH_KIND_LABELS[k]}
            </option>
          ))}
        </Select>
      </Field>
      {table ? <ColumnMapping kind={kind} headers={headers} columns={columns} onChange={flow.setColumn} disabled={busy !== null} /> : null}
      <div className={styles.row}>
        <Button appearance={stage.name === 'choose' ? 'primary' : 'secondary'} disabled={!canDryRun} onClick={() => void flow.dryRun()}>
          {stage.name === 'choose' ? 'Dry run' : 'Dry run again'}
        </Button>
      </div>
      {busy === 'dry-run' ? <Busy label="Comparing the table with the site…" /> : null}
      <ErrorBar error={flow.error} />
      {flow.notice ? (
        <MessageBar intent="warning" layout="multiline" role="status">
          <MessageBarBody>{flow.notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      {stage.name === 'planned' ? <PlanStep stage={stage} kind={kind} busy={busy === 'apply'} onApply={flow.apply} /> : null}
      {stage.name === 'applied' ? <ResultStep stage={stage} /> : null}
    </section>
  );
}

function PlanStep({
  stage,
  kind,
  busy,
  onApply,
}: {
  stage: Extract<PublishStage, { name: 'planned' }>;
  kind: PublishKind;
  busy: boolean;
  onApply(confirmRemovals: boolean): Promise<void>;
}) {
  const styles = usePaneStyles();
  const { plan } = stage;
  const [removalsConfirmed, setRemovalsConfirmed] = useState(false);
  const calls = `${plan.callCount} ${plan.callCount === 1 ? 'call' : 'calls'}`;
  return (
    <div className={styles.stack}>
      <StepHeading>Dry run</StepHeading>
      <Text role="status">{`${stage.table}: ${describeCounts(plan.counts)}. Nothing has been sent to Tableau.`}</Text>
      {plan.counts.error > 0 ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {`${plan.counts.error} ${plan.counts.error === 1 ? 'row has an error and is' : 'rows have errors and are'} skipped. Fix the table and run the dry run again, or apply the rest.`}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {plan.callCount === 0 ? (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>Nothing to change: the site already matches the table.</MessageBarBody>
        </MessageBar>
      ) : (
        <div className={styles.tight}>
          {plan.needsRemovalConfirmation ? (
            <Checkbox
              checked={removalsConfirmed}
              onChange={(_, d) => setRemovalsConfirmed(!!d.checked)}
              label={removalConfirmation(kind, plan.counts.remove)}
            />
          ) : null}
          <div className={styles.row}>
            <Button
              appearance="primary"
              disabled={busy || (plan.needsRemovalConfirmation && !removalsConfirmed)}
              onClick={() => void onApply(removalsConfirmed)}
            >
              {`Apply this plan (${calls})`}
            </Button>
          </div>
          {plan.needsRemovalConfirmation && !removalsConfirmed ? (
            <Text size={200}>Removals need your second confirmation above.</Text>
          ) : null}
          {busy ? <Busy label={`Sending ${calls} to Tableau…`} /> : null}
        </div>
      )}
      <PlanRows rows={plan.rows} firstRow={stage.firstRow} />
    </div>
  );
}

function ResultStep({ stage }: { stage: Extract<PublishStage, { name: 'applied' }> }) {
  const styles = usePaneStyles();
  const { result, written, writeError } = stage;
  const failed = result.summary.failed > 0;
  return (
    <div className={styles.stack}>
      <StepHeading>Result</StepHeading>
      <MessageBar intent={failed ? 'warning' : 'success'} layout="multiline" role="status">
        <MessageBarBody>
          <MessageBarTitle>{`${stage.table}: ${describeOutcomes(result.summary)}.`}</MessageBarTitle>
          {written ? `Each row's result is in the column "${written.column}" of ${written.table}.` : null}
          {failed ? ' Fix the failed rows and run the dry run again: the rows already done show as unchanged.' : null}
        </MessageBarBody>
      </MessageBar>
      {writeError ? (
        <ErrorBar
          intent="warning"
          error={{
            ...writeError,
            message: `Tableau was updated, but the results could not be written next to the table: ${writeError.message}`,
          }}
        />
      ) : null}
      <ResultRows rows={result.rows} firstRow={stage.firstRow} />
    </div>
  );
}
