import {
  Badge,
  Button,
  Caption1,
  makeStyles,
  Menu,
  type MenuButtonProps,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  mergeClasses,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  SplitButton,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';

import type { SchedulesClient } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import { describeProvenance } from '../../refresh/definitions/provenance.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { LogEntry } from '../../refresh/runner/log.js';
import type { TableActivity } from '../../refresh/runner/runner.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { usePaneStyles } from '../shared/styles.js';
import { OptionsEditor } from './OptionsEditor.js';
import { activityProgress, activityText, formatTime, sourceLabel, tableStatus } from './status.js';

const useStyles = makeStyles({
  card: { gap: tokens.spacingVerticalS, minWidth: 0 },
  head: { display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: tokens.spacingHorizontalS, minWidth: 0 },
  name: {
    margin: 0,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  lines: { margin: 0, paddingInlineStart: '1.2em' },
});

interface TableCardProps {
  def: RefreshDefinition;
  activity?: TableActivity;
  service: RefreshService;
  schedules?: SchedulesClient;
  /** When the server schedule's latest data was pulled (ISO), for the snapshot offer. */
  snapshotAsOf?: string | null;
  nextDue?: number | null;
  timeZone?: string;
  /** The refresh log: tells an insert's result from a refresh's (status.ts isInsertResult). */
  log?: readonly LogEntry[];
  onEdit(def: RefreshDefinition): void;
}

/** One refreshable table: its status in plain words and what can be done with it. */
export function TableCard({ def, activity, service, schedules, snapshotAsOf, nextDue, timeZone, log, onEdit }: TableCardProps) {
  const pane = usePaneStyles();
  const styles = { ...pane, ...useStyles() };
  const { workbook } = useServices();
  const [panel, setPanel] = useState<'none' | 'options' | 'provenance'>('none');
  const status = tableStatus(def, timeZone, log);
  const running = !!activity;
  const name = def.target.tableName;
  const headingId = `table-${def.id}`;
  const refresh = () => void service.runner.refresh(def.id, { trigger: 'manual' });
  const loadSnapshot = () => void service.runner.refresh(def.id, { trigger: 'manual', kind: 'snapshot' });
  const snapshotLabel = `Load latest snapshot${snapshotAsOf ? ` (data as of ${formatTime(snapshotAsOf, timeZone)})` : ''}`;
  const progress = activity ? activityProgress(activity) : undefined;
  const toggle = (p: typeof panel) => setPanel((cur) => (cur === p ? 'none' : p));

  return (
    <section className={mergeClasses(pane.card, styles.card)} aria-labelledby={headingId}>
      <div className={styles.head}>
        <h3 id={headingId} className={styles.name} title={name}>
          {name}
        </h3>
        <Badge appearance="tint" color={status.tone} shape="rounded">
          {running ? 'Refreshing' : status.badge}
        </Badge>
      </div>
      <Caption1 className={styles.ellipsis} title={sourceLabel(def)}>
        {`${sourceLabel(def)} · sheet ${def.target.sheet}`}
      </Caption1>
      <Text size={200}>{status.detail}</Text>
      {status.dataAsOf ? <Text size={200}>{status.dataAsOf}</Text> : null}
      {nextDue && def.options.everyMinutes ? (
        <Caption1>{`Next timed refresh ${formatTime(new Date(nextDue).toISOString(), timeZone)}`}</Caption1>
      ) : null}
      {status.warning ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{status.warning}</MessageBarBody>
        </MessageBar>
      ) : null}
      {status.error && !running ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{status.error}</MessageBarBody>
        </MessageBar>
      ) : null}
      {activity ? (
        <div role="status" aria-live="polite">
          <Text size={200}>{activityText(activity)}</Text>
          <ProgressBar value={progress} max={1} aria-label={`Refresh of ${name}`} />
        </div>
      ) : null}
      <div className={styles.row}>
        {running ? (
          <Button onClick={() => service.runner.cancel(def.id)} aria-label={`Cancel the refresh of ${name}`}>
            Cancel
          </Button>
        ) : def.options.serverScheduleId ? (
          <Menu positioning="below-end">
            <MenuTrigger disableButtonEnhancement>
              {(triggerProps: MenuButtonProps) => (
                <SplitButton
                  appearance="primary"
                  menuButton={{ ...triggerProps, 'aria-label': `More ways to refresh ${name}` }}
                  primaryActionButton={{ onClick: refresh, 'aria-label': `Refresh ${name} from Tableau` }}
                >
                  Refresh
                </SplitButton>
              )}
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                <MenuItem onClick={refresh}>Refresh from Tableau now</MenuItem>
                <MenuItem onClick={loadSnapshot}>{snapshotLabel}</MenuItem>
              </MenuList>
            </MenuPopover>
          </Menu>
        ) : (
          <Button appearance="primary" onClick={refresh} aria-label={`Refresh ${name}`}>
            Refresh
          </Button>
        )}
        <Button onClick={() => onEdit(def)} disabled={running} aria-label={`Edit the source of ${name}`}>
          Edit
        </Button>
        <Button onClick={() => toggle('options')} aria-expanded={panel === 'options'} aria-label={`Options of ${name}`}>
          Options
        </Button>
        <Button onClick={() => toggle('provenance')} aria-expanded={panel === 'provenance'} aria-label={`Provenance of ${name}`}>
          Provenance
        </Button>
        <Button
          appearance="subtle"
          onClick={() => void workbook.activateTable(name).catch(() => undefined)}
          aria-label={`Go to ${name} in the workbook`}
        >
          Go to
        </Button>
      </div>
      {panel === 'options' ? <OptionsEditor def={def} service={service} schedules={schedules} onDone={() => setPanel('none')} /> : null}
      {panel === 'provenance' ? (
        <ul className={styles.lines} aria-label={`Provenance of ${name}`}>
          {describeProvenance(def, { timeZone }).map((line) => (
            <li key={line}>
              <Text size={200}>{line}</Text>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
