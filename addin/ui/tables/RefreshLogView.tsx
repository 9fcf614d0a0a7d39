import { Button, Caption1, Text } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

import type { LogEntry, RefreshLog } from '../../refresh/runner/log.js';
import { usePaneStyles } from '../shared/styles.js';
import { formatTime } from './status.js';

const OUTCOME: Record<LogEntry['outcome'], string> = {
  ok: 'Refreshed',
  truncated: 'Incomplete',
  snapshot: 'Snapshot loaded',
  error: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};
const TRIGGER: Record<LogEntry['trigger'], string> = {
  manual: 'by you',
  all: 'Refresh all',
  timer: 'timer',
  open: 'on open',
  ribbon: 'ribbon',
};

/** The refresh log, newest first. */
export function RefreshLogView({ entries, log, timeZone }: { entries: LogEntry[]; log: RefreshLog; timeZone?: string }) {
  const styles = usePaneStyles();
  const empty = useRef<HTMLSpanElement>(null);
  const [cleared, setCleared] = useState(false);
  // After "Clear the log" its button is gone: focus goes to what replaced the list, which says so.
  useEffect(() => {
    if (cleared && entries.length === 0) empty.current?.focus();
  }, [cleared, entries.length]);
  if (entries.length === 0)
    return (
      <Text ref={empty} tabIndex={-1} role="status" className={styles.muted}>
        {cleared ? 'The log was cleared. No refreshes yet.' : 'No refreshes yet.'}
      </Text>
    );
  return (
    <div className={styles.tight}>
      <ol className={styles.list} aria-label="Refresh log">
        {entries.slice(0, 50).map((e, i) => (
          <li key={`${e.at}-${e.definitionId}-${i}`}>
            <Text weight="semibold">{`${OUTCOME[e.outcome]}: ${e.table}`}</Text>{' '}
            <Caption1>{`${formatTime(e.at, timeZone)} · ${TRIGGER[e.trigger]}`}</Caption1>
            <div>
              <Caption1>{e.message}</Caption1>
            </div>
          </li>
        ))}
      </ol>
      <Button
        size="small"
        appearance="subtle"
        onClick={() => {
          setCleared(true);
          log.clear();
        }}
      >
        Clear the log
      </Button>
    </div>
  );
}
