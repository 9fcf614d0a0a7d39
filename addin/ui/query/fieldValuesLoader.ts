import type { FieldValues } from '../../../common/field-values.js';

/** A field's values, optionally searched (`q`); the server sends the first 200 and counts the rest. */
export type LoadFieldValues = (field: string, q?: string) => Promise<FieldValues>;

/**
 * Each answer is a VizQL Data Service query, which Tableau budgets per hour (vds_limitations.html):
 * the same field and search are asked once per query screen, however often a filter editor mounts
 * or a value is re-checked. A failed answer is forgotten so that Retry asks again.
 */
export function memoizedLoader(load: LoadFieldValues): LoadFieldValues {
  const answers = new Map<string, Promise<FieldValues>>();
  return (field, q) => {
    const key = JSON.stringify([field, q ?? '']);
    let answer = answers.get(key);
    if (!answer) {
      answer = load(field, q);
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
}
