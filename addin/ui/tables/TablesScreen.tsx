import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Text,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';

import type { ScheduleInfo } from '../../../common/schedules.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import type { SchedulesClient } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { ProvenanceNotice } from '../shared/ProvenanceNotice.js';
import { usePaneStyles } from '../shared/styles.js';
import { EditSource } from './EditSource.js';
import { fetchLineageRows } from './provenanceMeanings.js';
import { PROVENANCE_SHEET, updateProvenanceSheetIfWritten, writeProvenanceSheet } from './provenanceSheet.js';
import { RefreshLogView } from './RefreshLogView.js';
import { SignInBar } from './SignInBar.js';
import { entriesLabel } from './status.js';
import { TableCard } from './TableCard.js';
import { useRefresh } from './useRefresh.js';

interface TablesScreenProps {
  /** IANA zone for times shown (default: the pane's local zone). */
  timeZone?: string;
  /** Opens the Publish flow (any table of the workbook back to Tableau); without it the tab offers none. */
  onPublish?(): void;
}

/** The Tables tab: the refresh feature's tables, or what the tab will hold while there is none; and the way to Publish. */
export function TablesScreen({ timeZone, onPublish }: TablesScreenProps) {
  const { refresh, schedules } = useServices();
  return (
    <>
      {refresh ? <RefreshableTables service={refresh} schedules={schedules} timeZone={timeZone} /> : <NoRefreshFeature />}
      {onPublish ? <PublishEntry onPublish={onPublish} /> : null}
    </>
  );
}

/** The other direction: a table of the workbook (users, groups, projects…) to Tableau. */
function PublishEntry({ onPublish }: { onPublish(): void }) {
  const styles = usePaneStyles();
  return (
    <section className={styles.tight} aria-labelledby="publish-entry-heading" style={{ marginTop: 16 }}>
      {/* An h2 beside "Tables in this workbook": a section of its own, also when the refresh feature is absent (axe heading-order). */}
      <Text as="h2" id="publish-entry-heading" size={300} weight="semibold" style={{ margin: 0 }}>
        From Excel to Tableau
      </Text>
      <Text size={200}>Add or update users, group memberships, groups or projects on the site from a table, with a dry run first.</Text>
      <div>
        <Button onClick={onPublish}>Publish a table to Tableau</Button>
      </div>
    </section>
  );
}

function NoRefreshFeature() {
  const styles = usePaneStyles();
  return (
    <div className={styles.stack}>
      <Text>Tables you insert from Tableau will be listed here, ready to refresh.</Text>
    </div>
  );
}

const clock = (d: Date, timeZone?: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);

/** The workbook's refreshable tables, Refresh all / Cancel, sign-in prompts, the log. */
function RefreshableTables({ service, schedules, timeZone }: { service: RefreshService; schedules?: SchedulesClient; timeZone?: string }) {
  const styles = usePaneStyles();
  const { workbook, api } = useServices();
  const { definitions, activity, signIns, log, notice } = useRefresh(service);
  const [editing, setEditing] = useState<RefreshDefinition | null>(null);
  // After Edit closes, focus goes back to that table's Edit button (not to <body>).
  const [returnTo, setReturnTo] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);
  const [written, setWritten] = useState<{ sheet: string; table: string; at: Date } | null>(null);
  const [provenanceStale, setProvenanceStale] = useState<ApiErrorBody | null>(null);
  const scheduleInfo = useSchedules(schedules, definitions.definitions);
  const byId = useMemo(() => new Map(activity.map((a) => [a.definitionId, a])), [activity]);
  const nextDue = service.timed.nextDue();
  const defs = definitions.definitions;

  // Once the edited table has refreshed (its new source and site, and how that went), the sheet shows it.
  function keepProvenanceCurrent(refresh: Promise<unknown>) {
    setProvenanceStale(null);
    void refresh
      .catch(() => undefined)
      .then(async () => updateProvenanceSheetIfWritten(workbook, await service.store.list(), timeZone))
      .catch((error: unknown) => {
        const body = errorBody(error);
        setProvenanceStale({
          ...body,
          message: `The sheet "${PROVENANCE_SHEET}" still shows the old source: ${body.message}`,
          hint: 'Write it again under "Provenance sheet" below.',
        });
      });
  }

  if (editing) {
    return (
      <EditSource
        def={editing}
        service={service}
        schedules={schedules}
        onClose={() => {
          setReturnTo(editing.id);
          setEditing(null);
        }}
        onSaved={keepProvenanceCurrent}
      />
    );
  }

  const writeProvenance = async () => {
    setFailure(null);
    try {
      // Where each source's data comes from and what its fields mean, from Tableau's Metadata API (best effort).
      const lineage = await fetchLineageRows(api, defs);
      const where = await writeProvenanceSheet(workbook, defs, timeZone, lineage);
      setWritten({ sheet: where.sheet, table: where.table, at: new Date() });
    } catch (error) {
      setFailure(errorBody(error));
    }
  };

  return (
    <section className={styles.stack} aria-labelledby="tables-screen-heading">
      {/* The pane's h1 is the add-in's name; each table card is an h3 under this h2 (axe heading-order). */}
      <Text as="h2" id="tables-screen-heading" size={400} weight="semibold" style={{ margin: 0 }}>
        Tables in this workbook
      </Text>
      {signIns.map((request) => (
        <SignInBar key={request.key} request={request} gate={service.runner.signIn} />
      ))}
      {definitions.status === 'unreadable' ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Refresh settings can't be read</MessageBarTitle>
            {definitions.message}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {notice ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      <ErrorBar error={provenanceStale} intent="warning" />
      {definitions.status === 'ok' && defs.length === 0 ? (
        <Text>Tables you insert from Tableau will be listed here, ready to refresh.</Text>
      ) : null}
      {defs.length > 0 ? (
        <div className={styles.row}>
          <Button
            appearance="primary"
            onClick={() => void service.runner.refreshAll({ trigger: 'all' })}
            disabled={activity.length === defs.length}
          >
            Refresh all
          </Button>
          <Button onClick={() => service.runner.cancelAll()} disabled={activity.length === 0}>
            Cancel
          </Button>
          <Text size={200} aria-live="polite">
            {activity.length ? `${activity.length} of ${defs.length} refreshing` : entriesLabel(defs)}
          </Text>
        </div>
      ) : null}
      {defs.map((def) => (
        <TableCard
          key={def.id}
          def={def}
          activity={byId.get(def.id)}
          service={service}
          schedules={schedules}
          schedule={scheduleInfo.byId.get(def.options.serverScheduleId ?? '')}
          scheduleMissing={!!def.options.serverScheduleId && scheduleInfo.loaded && !scheduleInfo.byId.has(def.options.serverScheduleId)}
          focusEdit={returnTo === def.id}
          onSchedulesChanged={scheduleInfo.reload}
          nextDue={nextDue.get(def.id)}
          timeZone={timeZone}
          log={log}
          onEdit={setEditing}
        />
      ))}
      {defs.length > 0 ? (
        <Accordion collapsible multiple>
          <AccordionItem value="log">
            <AccordionHeader as="h3" size="small">{`Refresh log (${log.length})`}</AccordionHeader>
            <AccordionPanel>
              <RefreshLogView entries={log} log={service.runner.log} timeZone={timeZone} />
            </AccordionPanel>
          </AccordionItem>
          <AccordionItem value="provenance">
            <AccordionHeader as="h3" size="small">
              Provenance sheet
            </AccordionHeader>
            <AccordionPanel>
              <div className={styles.tight}>
                <Text size={200}>{`Lists where every table comes from on a sheet named "${PROVENANCE_SHEET}".`}</Text>
                <Button onClick={writeProvenance}>Write provenance sheet</Button>
                {/*
                  The sheet is made hidden (provenanceSheet.ts), so the notice says where it went and how
                  to see it. Re-writing keeps a sheet's visibility and the gateway cannot read it back, so
                  the notice stays mounted across writes (it remembers a "Show it"); the time line below
                  changes on every write, so a re-write is not silent either.
                */}
                {written ? (
                  <>
                    <ProvenanceNotice sheet={written.sheet} table={written.table} hidden />
                    <Text size={200} role="status">{`Written at ${clock(written.at, timeZone)}.`}</Text>
                  </>
                ) : null}
                <ErrorBar error={failure} />
              </div>
            </AccordionPanel>
          </AccordionItem>
        </Accordion>
      ) : null}
    </section>
  );
}

/**
 * The server schedules that feed this workbook's tables (next run, latest snapshot, last run), by
 * id, and a way to read them again (after Run now, creating or removing one).
 */
function useSchedules(schedules: SchedulesClient | undefined, definitions: RefreshDefinition[]) {
  const ids = definitions
    .map((d) => d.options.serverScheduleId)
    .filter((id): id is string => !!id)
    .sort()
    .join(',');
  const [byId, setById] = useState<Map<string, ScheduleInfo>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!schedules || !ids) return;
    const controller = new AbortController();
    // A schedule not in our list (removed, or someone else's): its card says so and offers no snapshot.
    schedules.list({ signal: controller.signal }).then(
      (list) => {
        setById(new Map(list.map((s) => [s.id, s])));
        setLoaded(true);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [schedules, ids, definitions, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { byId, loaded, reload };
}
