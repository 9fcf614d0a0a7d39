/**
 * What "Edit" saves: the table's source and, when the analyst picked another server and site, the
 * definition's connection identity with it. Pure functions, tested without React or Office.
 */
import type { ConnectionInfo } from '../../../common/api.js';
import type { PullSource } from '../../../common/source.js';
import type { ConnectionIdentity, RefreshDefinition } from '../../refresh/definitions/schema.js';
import type { DefinitionPatch } from '../../refresh/definitions/store.js';
import { describeSite, identityKey } from '../../refresh/runner/connections.js';

interface ConnectionChoice {
  /** The connection id; '' for the table's own site when this session is not connected to it. */
  value: string;
  text: string;
}

/** The "Server and site" options: the table's own site first (connected or not), then the others. */
export function connectionChoices(identity: ConnectionIdentity, connections: readonly ConnectionInfo[]): ConnectionChoice[] {
  const ownKey = identityKey(identity);
  const own = connections.filter((c) => identityKey(c) === ownKey);
  const others = connections.filter((c) => identityKey(c) !== ownKey);
  const first: ConnectionChoice[] = own.length
    ? own.map((c) => ({ value: c.id, text: `${describeSite(c)} (${c.principal})` }))
    : [{ value: '', text: `${describeSite(identity)} (not connected)` }];
  return [...first, ...others.map((c) => ({ value: c.id, text: `${describeSite(c)} (${c.principal})` }))];
}

/** True when saving with `connection` changes which server and site the table refreshes from. */
export function movesSite(identity: ConnectionIdentity, connection: ConnectionInfo): boolean {
  return identityKey(identity) !== identityKey(connection);
}

/**
 * What to search for on the new site: ids differ between sites, names usually do not. A view's
 * stored name is "Workbook / View" when it was opened from the project tree; search knows the view's name.
 */
export function searchTextFor(source: PullSource): string {
  if (source.kind === 'inventory') return '';
  const name = source.name ?? '';
  return source.kind === 'view' ? (name.split(' / ').pop() ?? '') : name;
}

/**
 * The patch to store. On the same site the edited source keeps what the screens do not edit
 * (custom view, cache age, locale, name). On another site the picked item replaces the source:
 * a custom view id belongs to the old site, so it is not carried over, and a server schedule
 * pulls from the old site, so it no longer feeds this table.
 */
export function sourcePatch(def: RefreshDefinition, edited: PullSource, connection: ConnectionInfo): DefinitionPatch {
  if (!movesSite(def.connection, connection)) return { source: keepUnedited(def.source, edited) as RefreshDefinition['source'] };
  const patch: DefinitionPatch = {
    connection: { serverUrl: connection.serverUrl, siteContentUrl: connection.siteContentUrl },
    source: carryToNewSite(def.source, edited) as RefreshDefinition['source'],
  };
  if (def.options.serverScheduleId) patch.options = { serverScheduleId: undefined };
  return patch;
}

function keepUnedited(before: PullSource, after: PullSource): PullSource {
  if (before.kind === 'view' && after.kind === 'view') {
    const { filters: _f, parameters: _p, ...kept } = before;
    return { ...kept, ...(after.filters ? { filters: after.filters } : {}), ...(after.parameters ? { parameters: after.parameters } : {}) };
  }
  if (before.kind === 'datasource' && after.kind === 'datasource') {
    return { ...after, name: after.name ?? before.name };
  }
  return after;
}

function carryToNewSite(before: PullSource, after: PullSource): PullSource {
  if (before.kind === 'view' && after.kind === 'view') {
    return {
      ...after,
      ...(before.maxAgeMinutes !== undefined ? { maxAgeMinutes: before.maxAgeMinutes } : {}),
      ...(before.locale !== undefined ? { locale: before.locale } : {}),
    };
  }
  return after;
}
