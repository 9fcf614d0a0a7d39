/**
 * The simulator's data catalog. Data keys name either a data source's rows (a dataset) or a view's
 * summary data (a view spec over a dataset). Content items of the core carry these keys.
 *
 * Datasets: 'superstore-orders' (10,000 rows), 'superstore-large' (1,000,000 rows, built on first
 * use), plus CSV files registered at start-up. Values change on `bumpDataVersion` (extract refresh)
 * and `mutateDataset` (tests), deterministically, and rows change on `editDatasetRows` (tests).
 */
import { datasetFromCsvFile } from './datasets/csv-file.js';
import { applyRowEdits, type RowEditCounts, RowEditError, type RowEdits } from './datasets/row-edits.js';
import { generateSuperstore, type SuperstoreData } from './datasets/superstore.js';
import type { Dataset } from './datasets/types.js';
import { VIEW_SPECS, viewOverDataset, type ViewSpec } from './views.js';

interface Entry {
  name: string;
  build: () => SuperstoreData | Dataset;
  built?: SuperstoreData | Dataset;
  salesFactor: number;
  /**
   * Counts every change of values and never goes back (unlike dataset.version, which
   * resetDataset returns to 0): with the version it stamps cached query results (vds/result-cache.ts).
   */
  revision: number;
  /** Rows were edited: the generated data's revalue no longer fits its columns, and reset rebuilds. */
  rowsEdited?: boolean;
  /** Another key whose dataset has the same columns: its schema answers without building these rows. */
  sameColumnsAs?: string;
}

const entries = new Map<string, Entry>();
/** The sheets of `--dataset` workbooks, keyed like their dataset (seed/demo.ts addCsvDataset gives the view that key). */
const datasetViews = new Map<string, ViewSpec>();

function addBuiltIns(): void {
  entries.set('superstore-orders', {
    name: 'Superstore Orders',
    salesFactor: 1,
    revision: 0,
    build: () => generateSuperstore('superstore-orders', 'Superstore Orders', 10_000),
  });
  entries.set('superstore-large', {
    name: 'Superstore Large',
    salesFactor: 1,
    revision: 0,
    // The same generator as superstore-orders: the Metadata API reads its columns there, not by building 1,000,000 rows.
    sameColumnsAs: 'superstore-orders',
    build: () => generateSuperstore('superstore-large', 'Superstore Large', 1_000_000, 7),
  });
}
addBuiltIns();

function isGenerated(x: SuperstoreData | Dataset): x is SuperstoreData {
  return 'revalue' in x;
}

function entryOf(key: string): Entry | undefined {
  return entries.get(key);
}

/** The dataset behind a data source key (built on first use), or undefined for an unknown key. */
export function getDataset(key: string): Dataset | undefined {
  const entry = entryOf(key);
  if (!entry) return undefined;
  entry.built ??= entry.build();
  return isGenerated(entry.built) ? entry.built.dataset : entry.built;
}

/** What a data source key's dataset consists of (columns, calculations, tables), without its rows. */
export type DatasetSchema = Pick<Dataset, 'name' | 'columns' | 'calcs' | 'logicalTables'>;

/**
 * The columns, calculations and logical tables behind a key, or undefined for an unknown key. A key
 * whose columns equal another's (sameColumnsAs) answers from that one, so nothing large is built.
 */
export function getDatasetSchema(key: string): DatasetSchema | undefined {
  const entry = entryOf(key);
  if (!entry) return undefined;
  const dataset = entry.built || !entry.sameColumnsAs ? getDataset(key) : getDataset(entry.sameColumnsAs);
  return dataset && { name: entry.name, columns: dataset.columns, calcs: dataset.calcs, logicalTables: dataset.logicalTables };
}

/**
 * Identifies the values a dataset holds right now: it changes on every extract refresh or test
 * mutation, and never comes back to an earlier value. Undefined for an unknown key.
 */
export function dataStamp(key: string): string | undefined {
  const entry = entryOf(key);
  const dataset = getDataset(key);
  return entry && dataset ? `${dataset.version}.${entry.revision}` : undefined;
}

/** The view spec behind a view data key. */
export function getViewSpec(key: string): ViewSpec | undefined {
  return VIEW_SPECS.get(key) ?? datasetViews.get(key);
}

export function datasetKeys(): string[] {
  return [...entries.keys()];
}

export function viewKeys(): string[] {
  return [...VIEW_SPECS.keys(), ...datasetViews.keys()];
}

function revalue(entry: Entry, dataset: Dataset): void {
  entry.revision += 1;
  if (entry.built && isGenerated(entry.built)) entry.built.revalue(dataset.version, entry.salesFactor);
}

/** New data version (what an extract refresh produces): values change deterministically. */
export function bumpDataVersion(key: string): number {
  const entry = entryOf(key);
  const dataset = getDataset(key);
  if (!entry || !dataset) throw new Error(`Unknown dataset "${key}"`);
  dataset.version += 1;
  revalue(entry, dataset);
  return dataset.version;
}

/** Test hook: scale Sales and Profit of a generated dataset (e.g. { salesFactor: 2 }). */
export function mutateDataset(key: string, change: { salesFactor?: number }): Dataset {
  const entry = entryOf(key);
  const dataset = getDataset(key);
  if (!entry || !dataset) throw new Error(`Unknown dataset "${key}"`);
  if (entry.built && !isGenerated(entry.built))
    throw new Error(`Dataset "${key}" ${entry.rowsEdited ? 'has edited rows (reset it first)' : 'comes from a file'} and cannot be scaled`);
  if (change.salesFactor !== undefined) entry.salesFactor = change.salesFactor;
  dataset.version += 1;
  revalue(entry, dataset);
  return dataset;
}

/**
 * Test hook: cells changed, rows added and removed (datasets/row-edits.ts), as a republish or extract
 * refresh after the source's rows were edited: a new data version, so cached query results go.
 * Throws RowEditError (nothing changed) when an edit does not fit the dataset.
 */
export function editDatasetRows(key: string, edits: RowEdits): RowEditCounts & { version: number } {
  const entry = entryOf(key);
  const dataset = getDataset(key);
  if (!entry || !dataset) throw new RowEditError(`Unknown dataset "${key}"`);
  const counts = applyRowEdits(dataset, edits);
  // The generated data's revalue writes into the columns it built; they were just replaced, so the
  // edited dataset stands on its own from now on (a bump is a new version of the same rows).
  entry.built = dataset;
  entry.rowsEdited = true;
  dataset.version += 1;
  entry.revision += 1;
  return { ...counts, version: dataset.version };
}

/** Back to generated values (version 0, factor 1, rows as first built); tests call it between cases. */
export function resetDataset(key: string): void {
  const entry = entryOf(key);
  if (entry?.rowsEdited) {
    entry.built = entry.build();
    entry.rowsEdited = false;
  }
  const dataset = getDataset(key);
  if (!entry || !dataset) throw new Error(`Unknown dataset "${key}"`);
  entry.salesFactor = 1;
  dataset.version = 0;
  revalue(entry, dataset);
}

/** Registers a CSV file as a data source dataset and a view over it; the returned key goes on both (seed/demo.ts). */
export function registerCsvDataset(path: string): { dataKey: string; name: string; columns: string[] } {
  const dataset = datasetFromCsvFile(path);
  // build re-reads the file: resetting a dataset whose rows were edited gives back the file's rows.
  entries.set(dataset.key, { name: dataset.name, salesFactor: 1, revision: 0, build: () => datasetFromCsvFile(path), built: dataset });
  // The view's columns are the file's: a reset re-reads the same file, so they stay valid.
  datasetViews.set(dataset.key, viewOverDataset(dataset));
  return { dataKey: dataset.key, name: dataset.name, columns: dataset.columns.map((c) => c.caption) };
}
