import { Button, Caption1, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

import { diffCounts } from '../../../common/diff/words.js';
import type { ScheduleInfo, ScheduleRunInfo } from '../../../common/schedules.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import type { SchedulesClient } from '../../api/schedules.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import { formatTime } from './status.js';

/** How often a started run is looked at (POST /run answers 202 with the run still going). */
const POLL_MS = 1000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new DOMException('aborted', 'AbortError'));
      },
      { once: true },
    );
  });

/** What the card says about a server schedule: when it runs next, what the latest snapshot holds. */
function scheduleLines(info: ScheduleInfo, timeZone?: string): { next: string; snapshot: string; lastFailure?: string } {
  // An on-tableau-refresh schedule has no next time: it waits for Tableau's refresh, which is not "no further runs".
  const next =
    info.spec.kind === 'on-tableau-refresh'
      ? 'The server runs it each time Tableau refreshes the data'
      : info.nextRunAt
        ? `Next server run ${formatTime(info.nextRunAt, timeZone)}`
        : 'No further server runs are scheduled';
  // 'never-run' and no dataAsOf: there is nothing to load yet, and that is not a failure.
  // What the latest run changed against the one before (server/schedule/changes.ts), when compared.
  const changed = info.lastRun?.status === 'succeeded' && info.lastRun.changes ? diffCounts(info.lastRun.changes) : null;
  const snapshot = info.dataAsOf
    ? `Latest snapshot: data as of ${formatTime(info.dataAsOf, timeZone)}${changed ? ` (${changed} since the run before)` : ''}`
    : info.status === 'never-run'
      ? 'No snapshot yet: the server has not run this schedule.'
      : 'No snapshot yet: no server run has succeeded.';
  const last = info.lastRun;
  const lastFailure =
    last && last.status === 'failed'
      ? `The last server run (${formatTime(last.finishedAt ?? last.startedAt, timeZone)}) failed: ${last.error?.message ?? 'no reason given.'}`
      : undefined;
  return { next, snapshot, ...(lastFailure ? { lastFailure } : {}) };
}

type RunState = { phase: 'idle' } | { phase: 'running' } | { phase: 'done'; message: string } | { phase: 'failed'; error: ApiErrorBody };

/**
 * A table's server schedule on its card: the schedule in words, the next run, the latest snapshot's
 * time, and Run now — which runs the schedule on the server, waits for it, then loads its snapshot
 * into the table (before the first run there is nothing else to load).
 */
export function ScheduleStatus({
  def,
  info,
  schedules,
  service,
  timeZone,
  busy,
  onChanged,
}: {
  def: RefreshDefinition;
  info: ScheduleInfo;
  schedules: SchedulesClient;
  service: RefreshService;
  timeZone?: string;
  /** The table is refreshing: Run now waits. */
  busy: boolean;
  onChanged(): void;
}) {
  const styles = usePaneStyles();
  const [state, setState] = useState<RunState>({ phase: 'idle' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);
  const lines = scheduleLines(info, timeZone);
  const name = def.target.tableName;
  const serverBusy = state.phase === 'running' || info.lastRun?.status === 'running';
  // A run started elsewhere (its timer, a colleague): look again until it ends, so the button and
  // the snapshot time do not stay as they were when the list was read.
  const runningElsewhere = state.phase !== 'running' && info.lastRun?.status === 'running';
  useEffect(() => {
    if (!runningElsewhere) return;
    const t = setTimeout(onChanged, 5 * POLL_MS);
    return () => clearTimeout(t);
  }, [runningElsewhere, info, onChanged]);

  const runNow = async () => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setState({ phase: 'running' });
    try {
      let run: ScheduleRunInfo;
      try {
        run = await schedules.runNow(info.id, { signal: c.signal });
      } catch (error) {
        // Already running (a timer or a colleague started it): wait for that run instead.
        if (errorBody(error).code !== 'schedule-busy') throw error;
        const [latest] = await schedules.runs(info.id, 1, { signal: c.signal });
        if (!latest) throw error;
        run = latest;
      }
      while (run.status === 'running') {
        await sleep(POLL_MS, c.signal);
        const runs = await schedules.runs(info.id, 5, { signal: c.signal });
        run = runs.find((r) => r.id === run.id) ?? run;
      }
      onChanged();
      if (run.status === 'failed') {
        setState({ phase: 'failed', error: run.error ?? { code: 'unexpected', message: 'The server run failed.' } });
        return;
      }
      const outcome = await service.runner.refresh(def.id, { trigger: 'manual', kind: 'snapshot' });
      if (outcome.status === 'error' || outcome.status === 'cancelled') {
        setState({ phase: 'failed', error: outcome.error ?? { code: 'unexpected', message: 'The snapshot could not be loaded.' } });
        return;
      }
      setState({
        phase: 'done',
        message: `The server ran the schedule and ${name} now holds its snapshot (${outcome.rows.toLocaleString('en-US')} ${outcome.rows === 1 ? 'row' : 'rows'}).`,
      });
    } catch (error) {
      if (c.signal.aborted) return;
      setState({ phase: 'failed', error: errorBody(error) });
    }
  };

  return (
    <div className={styles.tight}>
      <Caption1>{`Server schedule: ${info.description}`}</Caption1>
      <Caption1>{lines.next}</Caption1>
      <Text size={200}>{lines.snapshot}</Text>
      {info.tableauWebhook ? (
        // The server's check of the Tableau webhook this schedule waits on (docs/tableau-events.md):
        // deleted at Tableau and re-created (for information), or not working (a warning).
        <MessageBar intent={info.tableauWebhook.state === 'failed' ? 'warning' : 'info'} layout="multiline">
          <MessageBarBody>{info.tableauWebhook.message}</MessageBarBody>
        </MessageBar>
      ) : null}
      {lines.lastFailure && state.phase !== 'failed' ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{lines.lastFailure}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div className={styles.row}>
        <Button
          appearance={info.dataAsOf ? 'secondary' : 'primary'}
          onClick={() => void runNow()}
          disabled={serverBusy || busy}
          // The name starts with the visible words (WCAG 2.5.3 Label in Name, axe label-content-name-mismatch).
          aria-label={
            serverBusy ? `Running on the server… (${name})` : `Run now — run the server schedule of ${name} now and load its snapshot`
          }
        >
          {serverBusy ? 'Running on the server…' : 'Run now'}
        </Button>
      </div>
      {/* One live region for the run's progress and its end, so both are announced. */}
      <div role="status" aria-live="polite">
        {state.phase === 'running' ? <Text size={200}>The server is pulling the data; the snapshot loads when it is done.</Text> : null}
        {state.phase === 'done' ? <Text size={200}>{state.message}</Text> : null}
      </div>
      {state.phase === 'failed' ? <ErrorBar error={state.error} /> : null}
    </div>
  );
}
