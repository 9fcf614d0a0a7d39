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
import { ImageRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';

import type { ScheduleInfo } from '../../../common/schedules.js';
import type { SchedulesClient } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import { describeProvenance } from '../../refresh/definitions/provenance.js';
import { displayName, type RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { LogEntry } from '../../refresh/runner/log.js';
import type { TableActivity } from '../../refresh/runner/runner.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import { HistoryPanel } from './chart/HistoryPanel.js';
import { PropertiesView } from './PropertiesView.js';
import { ScheduleStatus } from './ScheduleStatus.js';
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
  // Read by screen readers, not shown (the same words are on the card already).
  hidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
});

interface TableCardProps {
  def: RefreshDefinition;
  activity?: TableActivity;
  service: RefreshService;
  schedules?: SchedulesClient;
  /** The table's server schedule as the server lists it (undefined: none, not ours, or not read yet). */
  schedule?: ScheduleInfo;
  /** The definition names a server schedule the server's list does not hold (removed, or someone else's). */
  scheduleMissing?: boolean;
  /** Focus this card's Edit button (coming back from Edit). */
  focusEdit?: boolean;
  /** Read the server's schedules again (after Run now, creating or removing one). */
  onSchedulesChanged?(): void;
  nextDue?: number | null;
  timeZone?: string;
  /** The refresh log: tells an insert's result from a refresh's (status.ts isInsertResult), feeds the history chart. */
  log?: readonly LogEntry[];
  onEdit(def: RefreshDefinition): void;
}

const noop = () => undefined;

type Panel = 'none' | 'properties' | 'history' | 'provenance';

/** One refreshable table: its status in plain words and what can be done with it. */
export function TableCard({
  def,
  activity,
  service,
  schedules,
  schedule,
  scheduleMissing,
  focusEdit,
  onSchedulesChanged,
  nextDue,
  timeZone,
  log = [],
  onEdit,
}: TableCardProps) {
  const pane = usePaneStyles();
  const styles = { ...pane, ...useStyles() };
  const { workbook } = useServices();
  const [panel, setPanel] = useState<Panel>('none');
  const [announcement, setAnnouncement] = useState<{ text: string; shown: boolean } | null>(null);
  const [goToProblem, setGoToProblem] = useState<string | null>(null);
  const propertiesButton = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusEdit) editButton.current?.focus();
  }, [focusEdit]);
  const status = tableStatus(def, timeZone, log);
  const running = !!activity;
  const name = displayName(def);
  const isPicture = def.kind === 'picture';
  const headingId = `table-${def.id}`;
  const refresh = () => void service.runner.refresh(def.id, { trigger: 'manual' });
  const loadSnapshot = () => void service.runner.refresh(def.id, { trigger: 'manual', kind: 'snapshot' });
  const progress = activity ? activityProgress(activity) : undefined;
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? 'none' : p));
  const scheduled = !!def.options.serverScheduleId;
  // Only a snapshot that exists is offered; before the first run the card offers Run now instead.
  const snapshotAsOf = schedule?.dataAsOf ?? null;

  // The end of a refresh is announced (the progress region it ran in disappears with it). The
  // definitions are read again only after the run ends (RefreshService), so this waits for the new
  // lastResult; a cancel changes none and is not announced as a result.
  const startedFrom = useRef<string | null | undefined>(undefined);
  const lastAt = def.lastResult?.at ?? null;
  const rows = def.lastResult?.rows ?? 0;
  useEffect(() => {
    if (running) {
      if (startedFrom.current === undefined) startedFrom.current = lastAt;
      return;
    }
    if (startedFrom.current === undefined || startedFrom.current === lastAt) return;
    startedFrom.current = undefined;
    setAnnouncement({
      // Short, not the card's detail line again: what changed, said once.
      text: status.error
        ? `Refresh of ${name} failed: ${status.error}`
        : isPicture
          ? `${name}: ${status.badge}, picture updated.`
          : `${name}: ${status.badge}, ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'}.`,
      shown: false,
    });
  }, [running, lastAt, name, rows, status.badge, status.error, isPicture]);

  const closeProperties = (saved?: string) => {
    setPanel('none');
    if (saved) setAnnouncement({ text: saved, shown: true });
    // Focus goes back where the view was opened from.
    queueMicrotask(() => propertiesButton.current?.focus());
  };

  const goTo = () => {
    setGoToProblem(null);
    workbook.activateTable(name).catch((error: unknown) => setGoToProblem(`Could not go to ${name}: ${errorBody(error).message}`));
  };

  return (
    <section className={mergeClasses(pane.card, styles.card)} style={{ position: 'relative' }} aria-labelledby={headingId}>
      <div className={styles.head}>
        <h3 id={headingId} className={styles.name} title={name}>
          {isPicture ? <ImageRegular aria-hidden style={{ verticalAlign: 'middle', marginInlineEnd: '4px' }} /> : null}
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
      {status.changes && !running ? <Text size={200}>{status.changes}</Text> : null}
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
      {scheduled && schedule && schedules ? (
        <ScheduleStatus
          def={def}
          info={schedule}
          schedules={schedules}
          service={service}
          timeZone={timeZone}
          busy={running}
          onChanged={onSchedulesChanged ?? noop}
        />
      ) : null}
      {scheduleMissing ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            Its server schedule is not on this companion server (removed, or made by someone else), so there is no snapshot to load. Remove
            it or create a new one under Properties.
          </MessageBarBody>
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
        ) : scheduled && snapshotAsOf ? (
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
                <MenuItem onClick={loadSnapshot}>{`Load latest snapshot (data as of ${formatTime(snapshotAsOf, timeZone)})`}</MenuItem>
              </MenuList>
            </MenuPopover>
          </Menu>
        ) : (
          <Button appearance={scheduled && !snapshotAsOf ? 'secondary' : 'primary'} onClick={refresh} aria-label={`Refresh ${name}`}>
            Refresh
          </Button>
        )}
        {/* A picture's source is its view: nothing to edit (columns, filters of a query). */}
        {isPicture ? null : (
          <Button ref={editButton} onClick={() => onEdit(def)} disabled={running} aria-label={`Edit the source of ${name}`}>
            Edit
          </Button>
        )}
        <Button
          ref={propertiesButton}
          onClick={() => toggle('properties')}
          aria-expanded={panel === 'properties'}
          aria-label={`Properties of ${name}`}
        >
          Properties
        </Button>
        <Button onClick={() => toggle('history')} aria-expanded={panel === 'history'} aria-label={`Refresh history of ${name}`}>
          History
        </Button>
        <Button onClick={() => toggle('provenance')} aria-expanded={panel === 'provenance'} aria-label={`Provenance of ${name}`}>
          Provenance
        </Button>
        {isPicture ? null : (
          <Button appearance="subtle" onClick={goTo} aria-label={`Go to ${name} in the workbook`}>
            Go to
          </Button>
        )}
      </div>
      {goToProblem ? (
        <MessageBar intent="error" layout="multiline" role="alert">
          <MessageBarBody>{goToProblem}</MessageBarBody>
        </MessageBar>
      ) : null}
      {panel === 'properties' ? (
        <PropertiesView
          def={def}
          service={service}
          schedules={schedules}
          schedule={schedule}
          onDone={closeProperties}
          onSchedulesChanged={onSchedulesChanged}
        />
      ) : null}
      {panel === 'history' ? <HistoryPanel def={def} log={log} schedules={schedules} timeZone={timeZone} /> : null}
      {panel === 'provenance' ? (
        <ul className={styles.lines} aria-label={`Provenance of ${name}`}>
          {describeProvenance(def, { timeZone }).map((line) => (
            <li key={line}>
              <Text size={200}>{line}</Text>
            </li>
          ))}
        </ul>
      ) : null}
      {/* Saved properties, a finished refresh: said once, politely, without moving focus. */}
      <div role="status" aria-live="polite" className={announcement?.shown ? styles.muted : styles.hidden}>
        {announcement ? <Caption1>{announcement.text}</Caption1> : null}
      </div>
    </section>
  );
}
