/**
 * Refresh definitions → what the ticker needs. The last refresh time comes from lastResult.at,
 * failed refreshes included: a source that keeps failing is retried once per interval, not on
 * every tick.
 */
import type { RefreshDefinition } from '../definitions/schema.js';
import type { TimedDefinition } from './ticker.js';

export function toTimedDefinitions(definitions: readonly RefreshDefinition[]): TimedDefinition[] {
  return definitions.map((def) => {
    const at = def.lastResult ? Date.parse(def.lastResult.at) : NaN;
    return { id: def.id, everyMinutes: def.options.everyMinutes ?? null, lastRunAt: Number.isNaN(at) ? null : at };
  });
}
