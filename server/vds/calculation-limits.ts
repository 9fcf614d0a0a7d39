/**
 * Bounds on a Tableau calculation (a VDS field's or filter's `calculation`) checked before it is
 * sent: its length and its parenthesis nesting. Tableau documents neither; deep nesting only
 * exercises the recursion of a calculation parser (the simulator's, server/sim/data/vds/calc-parse.ts,
 * overflowed its stack and answered 500). The scan is linear and skips what cannot nest: 'strings'
 * and "strings" (a doubled quote escapes one), [field references] (`]]` escapes `]`), // line and
 * /* block *\/ comments — the syntax of https://help.tableau.com/current/pro/desktop/en-us/functions_operators.htm.
 */

export interface CalculationLimits {
  maxChars: number;
  maxDepth: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Deepest parenthesis nesting of `calc`, outside strings, field references and comments. */
export function calculationDepth(calc: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < calc.length; i++) {
    const c = calc[i];
    if (c === "'" || c === '"' || c === '[') {
      const close = c === '[' ? ']' : c;
      for (i++; i < calc.length; i++) {
        if (calc[i] !== close) continue;
        if (calc[i + 1] === close) i++;
        else break;
      }
    } else if (c === '/' && calc[i + 1] === '/') {
      const end = calc.indexOf('\n', i);
      i = end < 0 ? calc.length : end;
    } else if (c === '/' && calc[i + 1] === '*') {
      const end = calc.indexOf('*/', i + 2);
      i = end < 0 ? calc.length : end + 1;
    } else if (c === '(') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === ')' && depth > 0) {
      depth--;
    }
  }
  return deepest;
}

/** The limit `calc` breaks, in plain words, or undefined. */
export function calculationProblem(calc: string, limits: CalculationLimits): string | undefined {
  if (calc.length > limits.maxChars) {
    return `The calculation is ${fmt(calc.length)} characters long; the limit is ${fmt(limits.maxChars)}.`;
  }
  const depth = calculationDepth(calc);
  if (depth > limits.maxDepth) {
    return `The calculation nests parentheses ${fmt(depth)} levels deep; the limit is ${fmt(limits.maxDepth)}.`;
  }
  return undefined;
}
