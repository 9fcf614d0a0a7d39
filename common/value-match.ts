/**
 * Does a filter value typed by hand match a value the field really has, and if not, which one was
 * meant? Tableau compares set-filter values exactly: "east" keeps no row when the value is "East"
 * (VDS SetFilter values are matched as given, and a view's vf_ filter the same way: docs/filters.md).
 * So before a query or a view is pulled, each typed value is looked up in the field's known values:
 * same text → fine; same text but for case (and Unicode form) → "did you mean"; otherwise the
 * nearest by edit distance (fastest-levenshtein), when it is near enough to be a typo.
 */
import { distance } from 'fastest-levenshtein';

export type ValueVerdict =
  | { value: string; kind: 'found' }
  /** The field has it in another case ("east" → "East"): Tableau would keep no row. */
  | { value: string; kind: 'case'; suggestion: string }
  /** Not found; a value a typo away exists. */
  | { value: string; kind: 'near'; suggestion: string }
  /** Not found and nothing near. */
  | { value: string; kind: 'missing' }
  /** Not among the known values, but the field has more than those: cannot tell. */
  | { value: string; kind: 'unknown' };

const fold = (s: string) => s.normalize('NFC').toLowerCase();

/** Edits allowed for a near match: one per three characters (at least 1, at most 3), so "Regoin" → "Region" but "Ohio" ↛ "Iowa". */
export function nearEnough(length: number): number {
  return Math.min(3, Math.max(1, Math.floor(length / 3)));
}

export interface KnownValues {
  values: readonly string[];
  /** False when `values` is only part of the field's values (the picker's first N of M). */
  complete: boolean;
}

/** An index over a field's known values; build once, look up many typed values. */
export class ValueIndex {
  private readonly exact: Set<string>;
  private readonly folded = new Map<string, string>();

  constructor(private readonly known: KnownValues) {
    this.exact = new Set(known.values);
    // The first value of each folded form wins: a field with both "East" and "EAST" suggests "East".
    for (const v of known.values) if (!this.folded.has(fold(v))) this.folded.set(fold(v), v);
  }

  check(value: string): ValueVerdict {
    if (this.exact.has(value) || this.exact.has(value.normalize('NFC'))) return { value, kind: 'found' };
    const sameButCase = this.folded.get(fold(value));
    if (sameButCase !== undefined) return { value, kind: 'case', suggestion: sameButCase };
    if (!this.known.complete) return { value, kind: 'unknown' };
    const near = this.nearest(value);
    return near === undefined ? { value, kind: 'missing' } : { value, kind: 'near', suggestion: near };
  }

  private nearest(value: string): string | undefined {
    const target = fold(value);
    const limit = nearEnough(target.length);
    let best: string | undefined;
    let bestDistance = limit + 1;
    for (const [folded, original] of this.folded) {
      // Lengths further apart than the limit cannot be within it: skip the distance.
      if (Math.abs(folded.length - target.length) >= bestDistance) continue;
      const d = distance(folded, target);
      if (d < bestDistance) [best, bestDistance] = [original, d];
    }
    return best;
  }
}

/** Only the values that need a word: everything but `found`. */
export function valueProblems(typed: readonly string[], known: KnownValues): Exclude<ValueVerdict, { kind: 'found' }>[] {
  const index = new ValueIndex(known);
  return typed.map((v) => index.check(v)).filter((v): v is Exclude<ValueVerdict, { kind: 'found' }> => v.kind !== 'found');
}

/** One sentence per problem, for the filter editor, the log and the table's status. */
export function describeValueProblem(field: string, p: Exclude<ValueVerdict, { kind: 'found' }>): string {
  switch (p.kind) {
    case 'case':
      return `"${p.value}" matches no value of ${field}: values are case-sensitive. Did you mean "${p.suggestion}"?`;
    case 'near':
      return `"${p.value}" matches no value of ${field}. Did you mean "${p.suggestion}"?`;
    case 'missing':
      return `"${p.value}" matches no value of ${field}.`;
    case 'unknown':
      return `"${p.value}" is not among the values of ${field} listed so far; it could not be checked.`;
  }
}
