import { Text } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';

import type { ScheduleRunInfo } from '../../../../common/schedules.js';
import type { SchedulesClient } from '../../../api/schedules.js';
import { displayName, type RefreshDefinition } from '../../../refresh/definitions/schema.js';
import type { LogEntry } from '../../../refresh/runner/log.js';
import { errorBody } from '../../shared/errorBody.js';
import { MAX_RUNS, mergeRuns, runsFromLog, runsFromSchedule } from './history.js';
import { HistoryChart } from './HistoryChart.js';

/** A table's history chart: this pane's refreshes and, for a scheduled table, the server's runs. */
export function HistoryPanel({
  def,
  log,
  schedules,
  timeZone,
}: {
  def: RefreshDefinition;
  log: readonly LogEntry[];
  schedules?: SchedulesClient;
  timeZone?: string;
}) {
  const scheduleId = def.options.serverScheduleId;
  const [serverRuns, setServerRuns] = useState<ScheduleRunInfo[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  // A finished refresh adds a log entry; a snapshot load may follow a server run: read the runs again then.
  const latest = log[0]?.at;
  useEffect(() => {
    if (!schedules || !scheduleId) return;
    const controller = new AbortController();
    schedules.runs(scheduleId, MAX_RUNS, { signal: controller.signal }).then(
      (runs) => {
        setServerRuns(runs);
        setProblem(null);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setProblem(`The server's runs could not be read: ${errorBody(error).message}`);
      },
    );
    return () => controller.abort();
  }, [schedules, scheduleId, latest]);
  const runs = useMemo(() => mergeRuns(runsFromLog(log, def.id), runsFromSchedule(serverRuns)), [log, def.id, serverRuns]);
  return (
    <div>
      <HistoryChart runs={runs} table={displayName(def)} timeZone={timeZone} />
      {problem ? <Text size={200}>{problem}</Text> : null}
    </div>
  );
}
