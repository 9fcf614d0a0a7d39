/** Calculation bounds checked before a VDS query is sent (server/vds/calculation-limits.ts). */
import { calculationDepth, calculationProblem } from '../../../server/vds/calculation-limits.js';

describe('calculationDepth', () => {
  it('counts parenthesis nesting', () => {
    expect(calculationDepth('SUM([Sales])')).toBe(1);
    expect(calculationDepth('IIF(SUM([Sales]) > (1 + (2)), 1, 0)')).toBe(3);
    expect(calculationDepth('[Sales]')).toBe(0);
  });

  it('skips strings, field references and comments', () => {
    expect(calculationDepth(`'((((' + "((" + 'it''s ((('`)).toBe(0);
    expect(calculationDepth('[Sales (USD)] + [a]](b(]')).toBe(0);
    expect(calculationDepth('1 // ((((\n+ (2)')).toBe(1);
    expect(calculationDepth('1 /* (((( */ + (2)')).toBe(1);
  });

  it('terminates on unclosed strings, references and comments', () => {
    for (const calc of ["'(((", '"((', '[((', '/* ((', '// ((', ')))(']) expect(() => calculationDepth(calc)).not.toThrow();
  });
});

describe('calculationProblem', () => {
  const limits = { maxChars: 20, maxDepth: 2 };

  it('accepts a calculation within both limits', () => {
    expect(calculationProblem('ROUND(SUM([x]), 2)', limits)).toBeUndefined();
  });

  it('names the length limit, checked before the nesting', () => {
    expect(calculationProblem('x'.repeat(21), limits)).toBe('The calculation is 21 characters long; the limit is 20.');
  });

  it('names the nesting limit', () => {
    expect(calculationProblem('(((1)))', limits)).toBe('The calculation nests parentheses 3 levels deep; the limit is 2.');
  });
});
