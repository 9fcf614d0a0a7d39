import { Button, Checkbox, Field, Input, Radio, RadioGroup, Select } from '@fluentui/react-components';
import { useState } from 'react';

import { ApiError } from '../../api/errors.js';
import { type SchedulesClient, type Weekday, WEEKDAYS } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import { MAX_EVERY_MINUTES } from '../../refresh/clock/due.js';
import type { RefreshDefinition, RefreshOptions } from '../../refresh/definitions/schema.js';
import { describeSite, matchConnection } from '../../refresh/runner/connections.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar, ProblemsBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAction } from '../shared/useAction.js';
import { buildScheduleSpec, emptySchedule, type ScheduleDraft } from './schedule.js';

interface Draft {
  mode: RefreshOptions['mode'];
  timestampColumn: string;
  refreshExtractFirst: boolean;
  refreshOnOpen: boolean;
  timed: boolean;
  everyMinutes: string;
}

const toDraft = (o: RefreshOptions): Draft => ({
  mode: o.mode,
  timestampColumn: o.timestampColumn ?? 'Refreshed at',
  refreshExtractFirst: o.refreshExtractFirst,
  refreshOnOpen: o.refreshOnOpen,
  timed: !!o.everyMinutes,
  everyMinutes: String(o.everyMinutes ?? 60),
});

const DAY_LABEL: Record<Weekday, string> = { sun: 'Sun', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' };

/** How and when one table refreshes; plus an optional server schedule (snapshots while Excel is closed). */
export function OptionsEditor({
  def,
  service,
  schedules,
  onDone,
}: {
  def: RefreshDefinition;
  service: RefreshService;
  schedules?: SchedulesClient;
  onDone(): void;
}) {
  const styles = usePaneStyles();
  const [draft, setDraft] = useState<Draft>(() => toDraft(def.options));
  const [problems, setProblems] = useState<string[]>([]);
  const { busy, failure, run } = useAction();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = async () => {
    const errors: string[] = [];
    const minutes = Number(draft.everyMinutes);
    if (draft.timed && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= MAX_EVERY_MINUTES))
      errors.push(`Refresh every: a whole number of minutes from 1 to ${MAX_EVERY_MINUTES}.`);
    if (draft.mode === 'append' && !draft.timestampColumn.trim()) errors.push('Append mode needs a name for the timestamp column.');
    setProblems(errors);
    if (errors.length) return;
    await run(async () => {
      await service.update(def.id, {
        options: {
          mode: draft.mode,
          timestampColumn: draft.mode === 'append' ? draft.timestampColumn.trim() : undefined,
          refreshExtractFirst: draft.refreshExtractFirst,
          refreshOnOpen: draft.refreshOnOpen,
          everyMinutes: draft.timed ? minutes : null,
        },
      });
      onDone();
    });
  };

  return (
    <div className={styles.stack}>
      <Field label="Each refresh">
        <RadioGroup value={draft.mode} onChange={(_, d) => set({ mode: d.value as Draft['mode'] })}>
          <Radio value="replace" label="Replaces the rows" />
          <Radio value="append" label="Adds the rows below (keeps history)" />
        </RadioGroup>
      </Field>
      {draft.mode === 'append' ? (
        <Field label="Timestamp column" hint="Each added row gets the refresh time here.">
          <Input value={draft.timestampColumn} onChange={(_, d) => set({ timestampColumn: d.value })} />
        </Field>
      ) : null}
      <Checkbox
        checked={draft.refreshExtractFirst}
        onChange={(_, d) => set({ refreshExtractFirst: !!d.checked })}
        label="Refresh the extract in Tableau first"
      />
      <Checkbox
        checked={draft.refreshOnOpen}
        onChange={(_, d) => set({ refreshOnOpen: !!d.checked })}
        label="Refresh when this workbook opens"
      />
      <div className={styles.row}>
        <Checkbox checked={draft.timed} onChange={(_, d) => set({ timed: !!d.checked })} label="Refresh every (minutes, while open)" />
        {draft.timed ? (
          <Field label="Minutes between refreshes" className={styles.grow}>
            <Input
              type="number"
              min={1}
              max={MAX_EVERY_MINUTES}
              value={draft.everyMinutes}
              onChange={(_, d) => set({ everyMinutes: d.value })}
            />
          </Field>
        ) : null}
      </div>
      <ProblemsBar problems={problems} />
      <ErrorBar error={failure} />
      <div className={styles.row}>
        <Button appearance="primary" onClick={save} disabled={busy}>
          Save options
        </Button>
        <Button onClick={onDone}>Close</Button>
      </div>
      {schedules ? <ServerSchedule def={def} service={service} schedules={schedules} /> : null}
    </div>
  );
}

function ServerSchedule({ def, service, schedules }: { def: RefreshDefinition; service: RefreshService; schedules: SchedulesClient }) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const [draft, setDraft] = useState<ScheduleDraft>(() => emptySchedule());
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const { busy, failure, run: act } = useAction();
  const set = (patch: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const scheduleId = def.options.serverScheduleId;

  const run = (work: () => Promise<string>) => act(async () => setDone(await work()));

  const create = () => {
    const built = buildScheduleSpec(draft);
    setProblems(built.errors);
    if (!built.spec) return;
    const spec = built.spec;
    void run(async () => {
      const connection = matchConnection(def.connection, await api.listConnections());
      if (!connection)
        throw new ApiError({
          code: 'not-connected',
          message: `Connect to ${describeSite(def.connection)} first: the server runs the schedule with your connection.`,
        });
      const schedule = await schedules.create({
        connectionId: connection.id,
        definitionId: def.id,
        name: def.target.tableName,
        source: def.source,
        spec,
        ...(def.options.refreshExtractFirst ? { options: { refreshExtractFirst: true } } : {}),
      });
      await service.update(def.id, { options: { serverScheduleId: schedule.id } });
      return `Server schedule created: ${schedule.description}.`;
    });
  };

  const remove = () =>
    run(async () => {
      try {
        await schedules.remove(scheduleId!);
      } catch (error) {
        // Already gone on the server (or another person's): just forget it here.
        if (errorBody(error).code !== 'not-found') throw error;
      }
      await service.update(def.id, { options: { serverScheduleId: undefined } });
      return 'The server schedule was removed.';
    });

  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>Server schedule</legend>
      {scheduleId ? (
        <>
          <div>The companion server pulls this table on a schedule; use "Load latest snapshot" to bring its data in.</div>
          <Button onClick={remove} disabled={busy}>
            Remove server schedule
          </Button>
        </>
      ) : (
        <>
          <div>The companion server can pull this data on a schedule, even while Excel is closed.</div>
          <Field label="Repeat">
            <Select value={draft.kind} onChange={(_, d) => set({ kind: d.value as ScheduleDraft['kind'] })}>
              <option value="hourly">Every hour</option>
              <option value="daily">Every day</option>
              <option value="weekly">Every week</option>
              <option value="cron">Cron expression</option>
            </Select>
          </Field>
          {draft.kind === 'hourly' ? (
            <Field label="Minute past the hour">
              <Input type="number" min={0} max={59} value={draft.minute} onChange={(_, d) => set({ minute: d.value })} />
            </Field>
          ) : null}
          {draft.kind === 'daily' || draft.kind === 'weekly' ? (
            <Field label="Time (24-hour)">
              <Input type="time" value={draft.time} onChange={(_, d) => set({ time: d.value })} />
            </Field>
          ) : null}
          {draft.kind === 'weekly' ? (
            <fieldset className={styles.fieldset}>
              <legend className={styles.legend}>Days</legend>
              <div className={styles.row}>
                {WEEKDAYS.map((w) => (
                  <Checkbox
                    key={w}
                    label={DAY_LABEL[w]}
                    checked={draft.days.includes(w)}
                    onChange={(_, d) => set({ days: d.checked ? [...draft.days, w] : draft.days.filter((x) => x !== w) })}
                  />
                ))}
              </div>
            </fieldset>
          ) : null}
          {draft.kind === 'cron' ? (
            <Field label="Cron expression" hint="minute hour day month weekday, e.g. 0 7 * * 1-5">
              <Input value={draft.expression} onChange={(_, d) => set({ expression: d.value })} />
            </Field>
          ) : null}
          <Field label="Time zone">
            <Input value={draft.timeZone} onChange={(_, d) => set({ timeZone: d.value })} />
          </Field>
          <ProblemsBar problems={problems} />
          <Button onClick={create} disabled={busy}>
            Create server schedule
          </Button>
        </>
      )}
      <ErrorBar error={failure} />
      {done ? <div role="status">{done}</div> : null}
    </fieldset>
  );
}
