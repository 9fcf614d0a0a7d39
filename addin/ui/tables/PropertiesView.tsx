/**
 * A table's Properties: every refresh option in one place, in the words analysts know from Excel's
 * own connection properties (Data > Queries & Connections > Properties; the options are
 * RefreshOnFileOpen, RefreshPeriod, BackgroundQuery of a workbook connection:
 * https://learn.microsoft.com/office/vba/api/excel.oledbconnection.refreshonfileopen,
 * https://learn.microsoft.com/office/vba/api/excel.oledbconnection.refreshperiod,
 * https://learn.microsoft.com/office/vba/api/excel.oledbconnection.backgroundquery), plus the
 * Tableau-only ones (refresh the extract first, the server schedule).
 */
import { Button, Checkbox, Field, Input, Radio, RadioGroup, Select, Text } from '@fluentui/react-components';
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';

import type { ScheduleInfo } from '../../../common/schedules.js';
import { ApiError } from '../../api/errors.js';
import { type SchedulesClient, type Weekday, WEEKDAYS } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import { MAX_EVERY_MINUTES } from '../../refresh/clock/due.js';
import { displayName, type RefreshDefinition, type RefreshOptions } from '../../refresh/definitions/schema.js';
import { describeSite, matchConnection } from '../../refresh/runner/connections.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar, ProblemsBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAction } from '../shared/useAction.js';
import { buildScheduleSpec, canRunOnTableauRefresh, emptySchedule, type ScheduleDraft, timeZoneChoices } from './schedule.js';

interface Draft {
  mode: RefreshOptions['mode'];
  timestampColumn: string;
  refreshExtractFirst: boolean;
  refreshOnOpen: boolean;
  timed: boolean;
  everyMinutes: string;
  /** Empty: guessed at each refresh (common/diff/guess.ts). */
  keyColumns: string[];
  highlightChanges: boolean;
}

const toDraft = (o: RefreshOptions): Draft => ({
  mode: o.mode,
  timestampColumn: o.timestampColumn ?? 'Refreshed at',
  refreshExtractFirst: o.refreshExtractFirst,
  refreshOnOpen: o.refreshOnOpen,
  timed: !!o.everyMinutes,
  everyMinutes: String(o.everyMinutes ?? 60),
  keyColumns: o.keyColumns ?? [],
  highlightChanges: o.highlightChanges ?? false,
});

const DAY_LABEL: Record<Weekday, string> = { sun: 'Sun', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat' };
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
const MINUTES = Array.from({ length: 12 }, (_, i) => String(i * 5).padStart(2, '0'));

interface PropertiesViewProps {
  def: RefreshDefinition;
  service: RefreshService;
  schedules?: SchedulesClient;
  /** The table's server schedule as the server describes it (undefined: none, or not known yet). */
  schedule?: ScheduleInfo;
  /** Closes the view; `saved` says what to announce. */
  onDone(saved?: string): void;
  /** A server schedule was created or removed: read the list again. */
  onSchedulesChanged?(): void;
}

/**
 * The columns that identify a row, so each refresh can say what changed (common/diff): those the
 * last refresh wrote, in table order. None ticked: guessed from the columns whose values are unique.
 */
function KeyColumns(props: {
  columns: string[];
  chosen: string[];
  onChange(keys: string[]): void;
  highlight: boolean;
  onHighlight(on: boolean): void;
}) {
  const { columns, chosen, onChange } = props;
  const styles = usePaneStyles();
  const toggle = (name: string, on: boolean) => onChange(columns.filter((c) => (c === name ? on : chosen.includes(c))));
  return (
    <fieldset className={styles.fieldset}>
      <legend className={styles.legend}>Key columns (what changed since the last refresh)</legend>
      <Text size={200}>
        {chosen.length
          ? `Rows are matched by ${chosen.join(' + ')}.`
          : 'None chosen: the key is guessed from a column whose values are all different.'}
      </Text>
      {columns.map((name) => (
        <Checkbox key={name} checked={chosen.includes(name)} onChange={(_, d) => toggle(name, !!d.checked)} label={name} />
      ))}
      <Checkbox
        checked={props.highlight}
        onChange={(_, d) => props.onHighlight(!!d.checked)}
        label="Highlight added rows and changed cells until the next refresh"
      />
    </fieldset>
  );
}

/** How and when one table refreshes, and its server schedule. */
export function PropertiesView({ def, service, schedules, schedule, onDone, onSchedulesChanged }: PropertiesViewProps) {
  const styles = usePaneStyles();
  const [draft, setDraft] = useState<Draft>(() => toDraft(def.options));
  const [problems, setProblems] = useState<string[]>([]);
  const { busy, failure, run } = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const id = `properties-${def.id}`;
  const name = displayName(def);

  // Opening moves focus into the view (its heading), so keyboard and screen-reader users land here.
  useEffect(() => heading.current?.focus(), []);

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
          keyColumns: draft.keyColumns.length ? draft.keyColumns : undefined,
          highlightChanges: draft.highlightChanges || undefined,
        },
      });
      onDone(`Properties of ${name} saved.`);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // Escape closes the view as Cancel does (unless a dropdown inside handled it).
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.stopPropagation();
      onDone();
    }
  };

  return (
    <section className={styles.fieldset} aria-labelledby={id} onKeyDown={onKeyDown}>
      <h4 id={id} ref={heading} tabIndex={-1} style={{ margin: 0 }}>{`Properties of ${name}`}</h4>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Refresh control</legend>
        <Checkbox
          checked={draft.refreshOnOpen}
          onChange={(_, d) => set({ refreshOnOpen: !!d.checked })}
          label="Refresh data when opening the file"
        />
        <div className={styles.tight}>
          <Checkbox checked={draft.timed} onChange={(_, d) => set({ timed: !!d.checked })} label="Refresh every N minutes" />
          {draft.timed ? (
            <Field label="Minutes between refreshes" hint="While the workbook is open in Excel.">
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
        <Checkbox
          checked={draft.refreshExtractFirst}
          onChange={(_, d) => set({ refreshExtractFirst: !!d.checked })}
          label="Refresh the extract in Tableau first"
        />
        {/*
          Excel's "Enable background refresh" lets you keep working while a query runs
          (BackgroundQuery, link above). Here that is how every refresh works: the pull runs in the
          pane while Excel stays usable, and only the final write is one short Excel batch
          (addin/workbook/excel/refresh.ts). There is nothing to switch off, so it is stated, not a
          checkbox that could not change anything.
        */}
        <Text size={200}>
          Background refresh: always on. You can keep working in Excel while the data arrives; only the final write into the table takes a
          moment.
        </Text>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Data layout</legend>
        <Field label="When the data is refreshed">
          <RadioGroup value={draft.mode} onChange={(_, d) => set({ mode: d.value as Draft['mode'] })}>
            <Radio value="replace" label="Replace the rows with the new data" />
            <Radio value="append" label="Add the new rows below (keeps history)" />
          </RadioGroup>
        </Field>
        {draft.mode === 'append' ? (
          <Field label="Timestamp column" hint="Each added row gets the refresh time here.">
            <Input value={draft.timestampColumn} onChange={(_, d) => set({ timestampColumn: d.value })} />
          </Field>
        ) : null}
        {draft.mode === 'replace' && def.columns.length ? (
          <KeyColumns
            columns={def.columns.map((c) => c.name)}
            chosen={draft.keyColumns}
            onChange={(keyColumns) => set({ keyColumns })}
            highlight={draft.highlightChanges}
            onHighlight={(highlightChanges) => set({ highlightChanges })}
          />
        ) : null}
        {/*
          Both are always done by the gateway (addin/workbook/excel/refresh.ts, docs/excel.md):
          filters are cleared before the swap and applied again after it, a sorted table is sorted
          again (Table.sort.reapply), a number format you changed is kept while it suits the data
          (addin/workbook/formats.ts refreshFormat), and formula columns you add to the table are
          filled over new rows. Stated as facts rather than checkboxes, since they cannot be turned off.
        */}
        <ul className={styles.list} aria-label="Always kept through a refresh">
          <li>
            <Text size={200}>
              Preserve column sort/filter/layout: always on. Your sort and filters are applied again after each refresh, and your number
              formats stay while they suit the data.
            </Text>
          </li>
          <li>
            <Text size={200}>
              Fill formulas in adjacent columns: always on. Formula columns you add to the table are filled down over new rows.
            </Text>
          </li>
        </ul>
      </fieldset>
      <ProblemsBar problems={problems} />
      <ErrorBar error={failure} />
      <div className={styles.row}>
        <Button appearance="primary" onClick={save} disabled={busy}>
          Save properties
        </Button>
        <Button onClick={() => onDone()}>Cancel</Button>
      </div>
      {/* A server schedule pulls data into a table: a picture-only entry has none. */}
      {schedules && def.kind !== 'picture' ? (
        <ServerSchedule def={def} service={service} schedules={schedules} schedule={schedule} onChanged={onSchedulesChanged} />
      ) : null}
    </section>
  );
}

function ServerSchedule({
  def,
  service,
  schedules,
  schedule,
  onChanged,
}: {
  def: RefreshDefinition;
  service: RefreshService;
  schedules: SchedulesClient;
  schedule?: ScheduleInfo;
  onChanged?(): void;
}) {
  const styles = usePaneStyles();
  const { api } = useServices();
  const [draft, setDraft] = useState<ScheduleDraft>(() => emptySchedule());
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const { busy, failure, run: act } = useAction();
  const set = (patch: Partial<ScheduleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const scheduleId = def.options.serverScheduleId;
  const zones = timeZoneChoices(draft.timeZone);
  const [hour, minute] = draft.time.split(':');

  const run = (work: () => Promise<string>) =>
    act(async () => {
      setDone(await work());
      onChanged?.();
    });

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
      const created = await schedules.create({
        connectionId: connection.id,
        definitionId: def.id,
        name: displayName(def),
        source: def.source,
        spec,
        ...(def.options.refreshExtractFirst ? { options: { refreshExtractFirst: true } } : {}),
      });
      await service.update(def.id, { options: { serverScheduleId: created.id } });
      return `Server schedule created: ${created.description}. Run now on the table fetches a snapshot at any time.`;
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
          <div>
            {schedule
              ? `The companion server pulls this table ${schedule.description.charAt(0).toLowerCase()}${schedule.description.slice(1)}, even while Excel is closed; its snapshots load with Run now or "Load latest snapshot".`
              : 'The companion server pulls this table on a schedule, even while Excel is closed; its snapshots load with Run now or "Load latest snapshot".'}
          </div>
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
              {canRunOnTableauRefresh(def.source) ? <option value="on-tableau-refresh">When Tableau refreshes the data</option> : null}
            </Select>
          </Field>
          {draft.kind === 'on-tableau-refresh' ? (
            <div>
              The server pulls this table each time Tableau finishes refreshing the extract it shows. Tableau tells the server through a
              webhook, which only a Tableau site administrator can set up.
            </div>
          ) : null}
          {draft.kind === 'hourly' ? (
            <Field label="Minute past the hour">
              <Input type="number" min={0} max={59} value={draft.minute} onChange={(_, d) => set({ minute: d.value })} />
            </Field>
          ) : null}
          {draft.kind === 'daily' || draft.kind === 'weekly' ? (
            // Two pickers, not <input type="time">: that one shows "07:00 AM" in a 12-hour locale
            // while the schedule is a 24-hour wall-clock time (issue #21, item 7).
            <fieldset className={styles.fieldset}>
              <legend className={styles.legend}>Time (24-hour)</legend>
              <div className={styles.row}>
                <Field label="Hour" className={styles.grow}>
                  <Select value={hour} onChange={(_, d) => set({ time: `${d.value}:${minute}` })}>
                    {HOURS.map((h) => (
                      <option key={h}>{h}</option>
                    ))}
                  </Select>
                </Field>
                <Field label="Minute" className={styles.grow}>
                  <Select value={minute} onChange={(_, d) => set({ time: `${hour}:${d.value}` })}>
                    {(MINUTES.includes(minute) ? MINUTES : [...MINUTES, minute].sort()).map((m) => (
                      <option key={m}>{m}</option>
                    ))}
                  </Select>
                </Field>
              </div>
            </fieldset>
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
          {draft.kind === 'on-tableau-refresh' ? null : (
            <Field label="Time zone">
              {/* minWidth 0: a native select is as wide as its longest option ("America/Argentina/ComodRivadavia"), wider than the pane at 320 px. */}
              <Select
                value={draft.timeZone}
                onChange={(_, d) => set({ timeZone: d.value })}
                root={{ style: { minWidth: 0 } }}
                style={{ minWidth: 0, width: '100%' }}
              >
                {zones.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </Select>
            </Field>
          )}
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
