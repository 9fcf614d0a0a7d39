import { describe, expect, it } from 'vitest';

import {
  buildExpressions,
  buildInventorySource,
  emptyChoices,
  INVENTORY_LISTS,
  listOf,
  operatorsFor,
  withNames,
} from '../../../addin/ui/inventory/inventoryLists.js';

const cond = (field: string, op: string, value: string) => ({ field, op: op as never, value });

describe('inventory choices → Tableau REST filter and sort', () => {
  it('builds field:op:value expressions joined by commas, and field:dir sort', () => {
    const built = buildExpressions(listOf('users'), {
      conditions: [cond('siteRole', 'eq', 'Creator'), cond('name', 'in', 'ann, bob\ncid')],
      sortField: 'lastLogin',
      sortDir: 'desc',
    });
    expect(built).toEqual({ filter: 'siteRole:eq:Creator,name:in:[ann,bob,cid]', sort: 'lastLogin:desc', errors: [] });
  });

  it('turns a picked day into the UTC date-time Tableau compares, by what the operator means', () => {
    const list = listOf('workbooks');
    const day = (op: string) => buildExpressions(list, { ...emptyChoices(), conditions: [cond('updatedAt', op, '2024-01-31')] }).filter;
    expect(day('gte')).toBe('updatedAt:gte:2024-01-31T00:00:00Z');
    expect(day('lt')).toBe('updatedAt:lt:2024-01-31T00:00:00Z');
    expect(day('gt')).toBe('updatedAt:gt:2024-01-31T23:59:59Z'); // after the whole day
    expect(day('lte')).toBe('updatedAt:lte:2024-01-31T23:59:59Z'); // through the whole day
  });

  it('offers per field only the operators Tableau takes for its type', () => {
    const field = (resource: 'workbooks' | 'jobs', name: string) => listOf(resource).fields.find((f) => f.name === name)!;
    expect(operatorsFor(field('workbooks', 'name'))).toEqual(['eq', 'in']);
    expect(operatorsFor(field('workbooks', 'size'))).toEqual(['eq', 'gt', 'gte', 'lt', 'lte']);
    expect(operatorsFor(field('workbooks', 'createdAt'))).not.toContain('eq');
    expect(operatorsFor(field('workbooks', 'hasExtracts'))).toEqual(['eq']);
    expect(operatorsFor(field('jobs', 'title'))).toEqual(['eq', 'has']);
    // Tags cannot be sorted on; extract refresh tasks take no filter at all.
    expect(field('workbooks', 'tags').sort).toBe(false);
    expect(listOf('extractRefreshTasks').fields).toEqual([]);
  });

  it('falls back to the first operator a field takes when the chosen one does not fit', () => {
    expect(buildExpressions(listOf('workbooks'), { ...emptyChoices(), conditions: [cond('hasExtracts', 'gt', 'true')] }).filter).toBe(
      'hasExtracts:eq:true',
    );
  });

  it('says what to fix: no value, a field twice, commas or & in a value, text for a number, no sort on tags', () => {
    const list = listOf('workbooks');
    const { errors, filter, sort } = buildExpressions(list, {
      conditions: [
        cond('name', 'eq', ''),
        cond('projectName', 'eq', 'a,b'),
        cond('projectName', 'eq', 'x'),
        cond('size', 'gt', 'big'),
        cond('ownerName', 'in', 'a&b'),
        cond('nope', 'eq', 'x'),
        cond('createdAt', 'gte', '31/01/2024'),
      ],
      sortField: 'tags',
      sortDir: 'asc',
    });
    expect(errors).toEqual([
      'Name: give a value.',
      'Project name: Tableau filters cannot contain "," or "&".',
      'Project name is filtered twice; Tableau keeps only one condition per field.',
      'Size: use a plain number like 10.',
      'Owner name: Tableau filters cannot contain "&".',
      'Choose a field for each filter, or remove the filter.',
      'Created: pick a date.',
    ]);
    expect(filter).toBe('');
    expect(sort).toBe('');
  });

  it('asks Tableau for names beside ids where the list answers ids only, and keeps a given fields expression', () => {
    expect(withNames({ kind: 'inventory', resource: 'views' }).fields).toBe(
      '_default_,owner.name,project.name,workbook.name,usage.totalViewCount',
    );
    expect(withNames({ kind: 'inventory', resource: 'workbooks' }).fields).toBe('_default_,owner.name');
    expect(withNames({ kind: 'inventory', resource: 'users' })).toEqual({ kind: 'inventory', resource: 'users' });
    expect(withNames({ kind: 'inventory', resource: 'views', fields: 'name' }).fields).toBe('name');
  });

  it('builds only expressions the raw checker accepts, for every field of every list', () => {
    for (const list of INVENTORY_LISTS) {
      for (const field of list.fields) {
        for (const op of operatorsFor(field)) {
          const value = field.type === 'date' ? '2024-01-01' : field.type === 'number' ? '3' : field.type === 'boolean' ? 'true' : 'a';
          const built = buildExpressions(list, { conditions: [cond(field.name, op, value)], sortField: field.name, sortDir: 'desc' });
          expect(built.errors).toEqual([]);
          expect(buildInventorySource(list.resource, built.filter, built.sort).errors).toEqual([]);
        }
      }
    }
  });
});
