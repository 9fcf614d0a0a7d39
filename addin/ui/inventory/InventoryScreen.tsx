import { Button, Field, Input, Select } from '@fluentui/react-components';
import { useState } from 'react';

import type { InventoryResource, PullSource } from '../../../common/source.js';
import { ProblemsBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import { buildInventorySource, INVENTORY_LISTS } from './inventoryLists.js';

/** Site inventory lists (workbooks, views with usage, users, jobs …) as tables, with Tableau's filter and sort. */
export function InventoryScreen({ siteLabel, onPreview }: { siteLabel: string; onPreview(source: PullSource, title: string): void }) {
  const styles = usePaneStyles();
  const [resource, setResource] = useState<InventoryResource>('workbooks');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const list = INVENTORY_LISTS.find((l) => l.resource === resource) ?? INVENTORY_LISTS[0];

  const preview = () => {
    const { source, errors } = buildInventorySource(resource, filter, sort);
    setProblems(errors);
    if (source) onPreview(source, `${siteLabel} / ${list.label}`);
  };

  return (
    <form
      className={styles.stack}
      aria-label="Site inventory"
      onSubmit={(e) => {
        e.preventDefault();
        preview();
      }}
    >
      <Field label="List">
        <Select value={resource} onChange={(_, d) => (setResource(d.value as InventoryResource), setProblems([]))}>
          {INVENTORY_LISTS.map((l) => (
            <option key={l.resource} value={l.resource}>
              {l.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Filter" hint={list.filterExample ? `For example ${list.filterExample}` : 'field:operator:value, comma-separated'}>
        <Input value={filter} onChange={(_, d) => setFilter(d.value)} />
      </Field>
      <Field label="Sort" hint={list.sortExample ? `For example ${list.sortExample}` : 'field:asc or field:desc'}>
        <Input value={sort} onChange={(_, d) => setSort(d.value)} />
      </Field>
      <ProblemsBar problems={problems} />
      <Button type="submit" appearance="primary">
        Preview list
      </Button>
    </form>
  );
}
