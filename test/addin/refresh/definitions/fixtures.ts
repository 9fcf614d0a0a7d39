import type { RefreshDefinition } from '../../../../addin/refresh/definitions/schema.js';
import type { DefinitionInput } from '../../../../addin/refresh/definitions/store.js';

export const ID_A = '3f0c6a52-8a4e-4c1e-9a51-0c1b7f1e2a01';
const ID_B = '9b2d4e71-5c3a-4f6b-8e2d-1a2b3c4d5e02';

export function viewInput(overrides: Partial<DefinitionInput> = {}): DefinitionInput {
  return {
    source: {
      kind: 'view',
      viewId: 'view-luid-1',
      contentUrl: 'Superstore/sheets/Overview',
      name: 'Superstore / Overview',
      filters: { Region: 'West', Category: 'Furniture' },
      parameters: { 'Top N': '10' },
    },
    connection: { serverUrl: 'https://tableau.example.com', siteContentUrl: 'finance' },
    target: { sheet: 'Overview', tableName: 'Superstore_Overview' },
    options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: true, everyMinutes: 15 },
    ...overrides,
  };
}

export function datasourceDefinition(overrides: Partial<RefreshDefinition> = {}): RefreshDefinition {
  return {
    id: ID_B,
    source: {
      kind: 'datasource',
      datasourceId: 'ds-luid-9',
      name: 'Sales (certified)',
      query: {
        fields: [{ fieldCaption: 'Region' }, { fieldCaption: 'Sales', function: 'SUM', sortDirection: 'DESC', sortPriority: 1 }],
        filters: [{ field: { fieldCaption: 'Category' }, filterType: 'SET', values: ['Technology', 'Furniture]]>'] }],
      },
      rowLimit: 10000,
    },
    connection: { serverUrl: 'https://prod-useast-a.online.tableau.com', siteContentUrl: '' },
    target: { sheet: 'Sales', tableName: 'Sales_by_Region' },
    options: { mode: 'append', timestampColumn: 'Pulled at', refreshExtractFirst: true, refreshOnOpen: false, everyMinutes: null },
    lastResult: { at: '2025-01-10T10:00:00.000Z', rows: 1234, durationMs: 2300, status: 'ok' },
    createdAt: '2025-01-09T08:00:00.000Z',
    updatedAt: '2025-01-09T08:00:00.000Z',
    columns: [
      { name: 'Region', type: 'text' },
      { name: 'SUM(Sales)', type: 'currency' },
    ],
    ...overrides,
  };
}

/** A "Picture only" insert (format 5): no table, the view's picture on its sheet. */
export function pictureOnlyDefinition(overrides: Partial<RefreshDefinition> = {}): RefreshDefinition {
  const view = viewInput();
  return {
    id: ID_A,
    kind: 'picture',
    source: view.source,
    connection: view.connection,
    target: { sheet: 'Overview' },
    picture: { name: 'Picture_Overview' },
    options: { mode: 'replace', refreshExtractFirst: false, refreshOnOpen: false, everyMinutes: null },
    lastResult: { at: '2025-01-10T10:00:00.000Z', rows: 0, durationMs: 0, status: 'ok' },
    createdAt: '2025-01-09T08:00:00.000Z',
    updatedAt: '2025-01-09T08:00:00.000Z',
    columns: [],
    ...overrides,
  };
}

/** An in-memory DocumentPort whose reads and writes take real (fake-timer-free) async turns. */
export class MemoryPort {
  parts = new Map<string, string>();
  writes = 0;
  constructor(private readonly delayMs = 0) {}
  private pause() {
    return new Promise((r) => setTimeout(r, this.delayMs));
  }
  async readDocument(ns: string): Promise<string | null> {
    await this.pause();
    return this.parts.get(ns) ?? null;
  }
  async writeDocument(ns: string, xml: string): Promise<void> {
    await this.pause();
    this.writes++;
    this.parts.set(ns, xml);
  }
}
