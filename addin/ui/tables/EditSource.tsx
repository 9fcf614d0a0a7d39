import { Field, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Select, Spinner } from '@fluentui/react-components';
import { useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import type { SchedulesClient } from '../../api/schedules.js';
import { useServices } from '../../app/services.js';
import type { RefreshDefinition } from '../../refresh/definitions/schema.js';
import { describeSite } from '../../refresh/runner/connections.js';
import type { RefreshService } from '../../refresh/runner/service.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { ScreenHeader } from '../shared/ScreenHeader.js';
import { usePaneStyles } from '../shared/styles.js';
import { useAsync } from '../shared/useAsync.js';
import { connectionChoices, movesSite, sourcePatch } from './sourceEdit.js';
import { SourceOnSite } from './SourceOnSite.js';

// A native select is as wide as its longest option; server URLs are long and the pane is ~320 px.
const useStyles = makeStyles({ site: { minWidth: 0, maxWidth: '100%' }, siteSelect: { textOverflow: 'ellipsis' } });

interface EditSourceProps {
  def: RefreshDefinition;
  service: RefreshService;
  /** The companion server's schedules: a table moved to another site no longer uses its schedule, which is deleted. */
  schedules?: SchedulesClient;
  onClose(): void;
  /** After a save: the refresh it started (the Tables tab brings the provenance sheet up to date when it ends). */
  onSaved?(refresh: Promise<unknown>): void;
}

/**
 * "Edit": the table's server and site (one of the session's connections) and its source on it.
 * Saving changes the stored definition (connection identity and source together) and refreshes
 * the table in place; the refresh maps columns by name.
 */
export function EditSource({ def, service, schedules, onClose, onSaved }: EditSourceProps) {
  const styles = usePaneStyles();
  const local = useStyles();
  const { api } = useServices();
  const connections = useAsync((signal) => api.listConnections({ signal }), [api]);
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);
  const list = connections.data ?? [];
  const choices = connectionChoices(def.connection, list);
  const selected = chosenId ?? choices[0].value;
  const chosen = list.find((c) => c.id === selected) ?? null;

  const save = async (edited: PullSource, connection: ConnectionInfo) => {
    setFailure(null);
    try {
      const patch = sourcePatch(def, edited, connection);
      // Deleted first: if that fails nothing has changed, and no schedule is left pulling for no table.
      if (patch.options && def.options.serverScheduleId && schedules) await deleteSchedule(schedules, def.options.serverScheduleId);
      // The store validates connection and source with zod before saving (definitions/schema.ts).
      await service.update(def.id, patch);
      onSaved?.(service.runner.refresh(def.id, { trigger: 'manual' }));
      onClose();
    } catch (error) {
      setFailure(errorBody(error));
    }
  };

  return (
    <div className={styles.stack}>
      <ScreenHeader title={`Edit ${def.target.tableName}`} onBack={onClose} backLabel="Back to tables" />
      {connections.loading ? <Spinner size="tiny" label="Finding your connections…" /> : null}
      <ErrorBar error={connections.error} onRetry={connections.reload} />
      {list.length ? (
        <Field label="Server and site" hint="Where this table refreshes from.">
          <Select
            className={local.site}
            select={{ className: local.siteSelect, title: choices.find((c) => c.value === selected)?.text }}
            value={selected}
            onChange={(_, d) => (setChosenId(d.value), setFailure(null))}
          >
            {choices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.text}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}
      {connections.data ? <SiteNotice def={def} chosen={chosen} others={list.length > 0} deletesSchedule={!!schedules} /> : null}
      <ErrorBar error={failure} />
      {chosen ? <SourceOnSite key={chosen.id} def={def} connection={chosen} onSave={(source) => void save(source, chosen)} /> : null}
    </div>
  );
}

/** Why there is nothing to edit yet, or what saving on another site changes. */
function SiteNotice({
  def,
  chosen,
  others,
  deletesSchedule,
}: {
  def: RefreshDefinition;
  chosen: ConnectionInfo | null;
  others: boolean;
  deletesSchedule: boolean;
}) {
  if (!chosen) {
    return (
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{others ? 'Not connected to this site' : 'Connect first'}</MessageBarTitle>
          {others
            ? `This table refreshes from ${describeSite(def.connection)}. Connect to it on the Connect tab, or choose another server and site above to refresh the table from there.`
            : `To edit this table's source, connect to ${describeSite(def.connection)} on the Connect tab.`}
        </MessageBarBody>
      </MessageBar>
    );
  }
  if (!movesSite(def.connection, chosen)) return null;
  const lost = [
    def.source.kind === 'view' && def.source.customViewId ? 'Its custom view belongs to the old site and is not carried over.' : '',
    def.options.serverScheduleId
      ? `Its server schedule pulls from the old site, so ${deletesSchedule ? 'saving deletes it' : 'it stops feeding this table'} (create a new one in Properties).`
      : '',
  ].filter(Boolean);
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{`Moving to ${describeSite(chosen)}`}</MessageBarTitle>
        {def.source.kind === 'inventory'
          ? 'Saving refreshes this table from the site chosen above.'
          : 'Items have other ids on another site: pick this table’s view or data source there (the search starts with its name). Filters and fields carry over by name.'}
        {lost.map((line) => (
          <div key={line}>{line}</div>
        ))}
      </MessageBarBody>
    </MessageBar>
  );
}

async function deleteSchedule(schedules: SchedulesClient, id: string): Promise<void> {
  try {
    await schedules.remove(id);
  } catch (error) {
    // Already gone on the server (or another person's): nothing left to delete.
    if (errorBody(error).code !== 'not-found') throw error;
  }
}
