import { describe, expect, it } from 'vitest';

import { parameterMembers } from '../../addin/ui/query/parameters.js';

describe('parameterMembers', () => {
  it('shows the alias of 2026.1 AliasedDataValue members and keeps their value', () => {
    expect(parameterMembers([{ value: 'Consumer', alias: 'Consumers' }, { value: 3 }])).toEqual([
      { value: 'Consumer', label: 'Consumers' },
      { value: '3', label: '3' },
    ]);
  });

  it('accepts the bare values older servers send, without duplicates', () => {
    expect(parameterMembers(['East', 'West', 'East', 10])).toEqual([
      { value: 'East', label: 'East' },
      { value: 'West', label: 'West' },
      { value: '10', label: '10' },
    ]);
    expect(parameterMembers(undefined)).toEqual([]);
  });
});
