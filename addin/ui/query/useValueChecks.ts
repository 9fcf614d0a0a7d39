import { useEffect, useMemo, useState } from 'react';

import type { FieldValues } from '../../../common/field-values.js';
import { ValueIndex, type ValueVerdict } from '../../../common/value-match.js';
import { useDebounced } from '../shared/useDebounced.js';
import type { LoadFieldValues } from './fieldValuesLoader.js';

export type ValueProblem = Exclude<ValueVerdict, { kind: 'found' }>;

/** Values looked up one by one per filter when the list is partial; more would spend the VDS budget on typing. */
const MAX_LOOKUPS = 5;

/** The values a picker list knows, as the checker needs them (null is no typed value). */
function knownOf(list: FieldValues): { values: string[]; complete: boolean } {
  return {
    values: list.values.flatMap((v) => (v.value === null ? [] : [v.value])),
    complete: !list.totalIsLowerBound && list.total <= list.values.length,
  };
}

/**
 * The problems of the typed values against the field's list. When the list is only the first N of
 * M values, a value not among them is looked up with a search (Tableau's case-insensitive
 * "contains"): every value that differs from it only by case contains it, so a complete answer
 * tells "wrong case" from "no such value" for certain.
 */
export function useValueChecks(field: string, typed: string[], list: FieldValues | undefined, load: LoadFieldValues): ValueProblem[] {
  const key = typed.join('\n');
  const firstPass = useMemo(() => {
    if (!list) return [];
    const index = new ValueIndex(knownOf(list));
    return typed.map((v) => index.check(v)).filter((v): v is ValueProblem => v.kind !== 'found');
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `typed`
  }, [list, key]);
  const [lookedUp, setLookedUp] = useState(new Map<string, ValueVerdict>());
  // Looked up once typing has paused: "z", "zo", "zoe"… are not worth a VDS query each.
  const settled = useDebounced(key, 600);

  useEffect(() => {
    const room = MAX_LOOKUPS - lookedUp.size;
    const settledValues = new Set(settled.split('\n'));
    const unknown = firstPass
      .filter((p) => p.kind === 'unknown' && settledValues.has(p.value) && !lookedUp.has(p.value))
      .slice(0, Math.max(0, room));
    if (!unknown.length) return;
    let live = true;
    void Promise.all(
      unknown.map(async ({ value }): Promise<[string, ValueVerdict]> => {
        try {
          return [value, new ValueIndex(knownOf(await load(field, value))).check(value)];
        } catch {
          return [value, { value, kind: 'unknown' }];
        }
      }),
    ).then((pairs) => {
      if (live) setLookedUp((m) => new Map([...m, ...pairs]));
    });
    return () => {
      live = false;
    };
  }, [firstPass, settled, lookedUp, field, load]);

  return firstPass.flatMap((p): ValueProblem[] => {
    const later = p.kind === 'unknown' ? lookedUp.get(p.value) : undefined;
    if (!later) return [p];
    return later.kind === 'found' ? [] : [{ ...later, value: p.value }];
  });
}
