import { describeValueProblem, nearEnough, ValueIndex, valueProblems } from '../../common/value-match.js';

const regions = { values: ['Central', 'East', 'South', 'West'], complete: true };

describe('ValueIndex', () => {
  it('accepts a value the field has, exactly', () => {
    expect(new ValueIndex(regions).check('East')).toEqual({ value: 'East', kind: 'found' });
  });

  it('names the value in its right case ("east" → "East")', () => {
    expect(new ValueIndex(regions).check('east')).toEqual({ value: 'east', kind: 'case', suggestion: 'East' });
    expect(new ValueIndex(regions).check('WEST')).toEqual({ value: 'WEST', kind: 'case', suggestion: 'West' });
  });

  it('treats composed and decomposed accents as the same text', () => {
    const index = new ValueIndex({ values: ['Zürich'], complete: true });
    expect(index.check('Zu\u0308rich').kind).toBe('found');
    expect(index.check('zu\u0308rich')).toMatchObject({ kind: 'case', suggestion: 'Zürich' });
  });

  it('suggests a value a typo away, and nothing for a value far from all', () => {
    expect(new ValueIndex(regions).check('Centrl')).toEqual({ value: 'Centrl', kind: 'near', suggestion: 'Central' });
    expect(new ValueIndex(regions).check('sout')).toEqual({ value: 'sout', kind: 'near', suggestion: 'South' });
    expect(new ValueIndex(regions).check('North')).toEqual({ value: 'North', kind: 'missing' });
  });

  it('picks the nearest of several near values', () => {
    const index = new ValueIndex({ values: ['Category A', 'Category AB', 'Category B'], complete: true });
    expect(index.check('Category  A')).toMatchObject({ kind: 'near', suggestion: 'Category A' });
  });

  it('cannot call a value missing when only part of the field is known', () => {
    const partial = new ValueIndex({ values: ['Aaron', 'Abby'], complete: false });
    expect(partial.check('Zoe')).toEqual({ value: 'Zoe', kind: 'unknown' });
    // A case match is still a match whatever else the field holds.
    expect(partial.check('aaron')).toMatchObject({ kind: 'case', suggestion: 'Aaron' });
  });

  it('prefers the first of values that differ only by case', () => {
    expect(new ValueIndex({ values: ['East', 'EAST'], complete: true }).check('east')).toMatchObject({ suggestion: 'East' });
  });
});

describe('nearEnough', () => {
  it('allows one edit per four characters, between 1 and 3', () => {
    expect([1, 4, 8, 12, 40].map(nearEnough)).toEqual([1, 1, 2, 3, 3]);
  });
});

describe('valueProblems / describeValueProblem', () => {
  it('lists only the values that need a word, in the order typed', () => {
    const problems = valueProblems(['West', 'east', 'North'], regions);
    expect(problems.map((p) => p.kind)).toEqual(['case', 'missing']);
    expect(problems.map((p) => describeValueProblem('Region', p))).toEqual([
      '"east" matches no value of Region: values are case-sensitive. Did you mean "East"?',
      '"North" matches no value of Region.',
    ]);
  });
});
