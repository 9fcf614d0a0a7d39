/**
 * The views' summary data: each view is a query over a dataset plus Tableau display formats.
 * The core seeds views with exactly these keys. Quirks are deliberate (clients must cope):
 * 'orders-by-region' starts with a UTF-8 BOM and uses CRLF; 'customers' has leading-zero codes and
 * text that starts with "=", "+", "-", "@"; 'product-detail' has a mostly-numeric text column;
 * 'umsatz-de' is formatted for de-DE; 'measure-names' pivots measures like populate_csv.csv.
 */
import type { Dataset } from './datasets/types.js';
import type { Fmt, Locale } from './format.js';
import type { QField, QFilter } from './vds/query-types.js';

export interface ViewColumn {
  header: string;
  field: QField;
  format: Fmt;
}

export interface ViewSpec {
  key: string;
  datasetKey: string;
  locale: Locale;
  bom: boolean;
  newline: '\r\n' | '\n';
  columns: ViewColumn[];
  /** Filters of the worksheet; parameter values are passed in (caption → value). */
  filters?: (params: Map<string, number | string>) => QFilter[];
  /** Measure Names / Measure Values pivot: header order, 'names'/'values' mark the pivot columns. */
  pivot?: { layout: Array<number | 'names' | 'values'>; measures: Array<{ name: string; column: number }> };
}

const money0: Fmt = { kind: 'currency', decimals: 0 };
const money2: Fmt = { kind: 'currency', decimals: 2 };
const int: Fmt = { kind: 'number', decimals: 0 };
const text: Fmt = { kind: 'text' };
const pct1: Fmt = { kind: 'percent', decimals: 1 };

const col = (header: string, field: Omit<QField, 'fieldAlias'>, format: Fmt): ViewColumn => ({
  header,
  field: { ...field, fieldAlias: header },
  format,
});

const specs: ViewSpec[] = [
  {
    key: 'orders-by-region',
    datasetKey: 'superstore-orders',
    locale: 'en-US',
    bom: true,
    newline: '\r\n',
    columns: [
      col('Region', { fieldCaption: 'Region', sortPriority: 1 }, text),
      col('Category', { fieldCaption: 'Category', sortPriority: 2 }, text),
      col('Sales', { fieldCaption: 'Sales', function: 'SUM' }, money0),
      col('Profit', { fieldCaption: 'Profit', function: 'SUM' }, money0),
      col('Profit Ratio', { fieldCaption: 'Profit Ratio' }, pct1),
      col('Quantity', { fieldCaption: 'Quantity', function: 'SUM' }, int),
    ],
    // "Discount Threshold" parameter: only order lines at or below the threshold count.
    filters: () => [{ field: { fieldCaption: 'Within Discount Threshold' }, filterType: 'SET', values: [true] }],
  },
  {
    key: 'orders-by-month',
    datasetKey: 'superstore-orders',
    locale: 'en-US',
    bom: false,
    newline: '\n',
    columns: [
      col('Month of Order Date', { fieldCaption: 'Order Date', function: 'TRUNC_MONTH', sortPriority: 1 }, { kind: 'date', style: 'long' }),
      col('Segment', { fieldCaption: 'Segment', sortPriority: 2 }, text),
      col('Sales', { fieldCaption: 'Sales', function: 'SUM' }, money0),
    ],
  },
  {
    key: 'measure-names',
    datasetKey: 'superstore-orders',
    locale: 'en-US',
    bom: false,
    newline: '\n',
    columns: [
      col('State/Province', { fieldCaption: 'State/Province', sortPriority: 1 }, text),
      col('Profit Ratio', { fieldCaption: 'Profit Ratio' }, pct1),
      col('Sales per Customer', { fieldCaption: 'Sales per Customer', calculation: 'SUM([Sales])/COUNTD([Customer Name])' }, money2),
      col('Distinct count of Customer Name', { fieldCaption: 'Customer Name', function: 'COUNTD' }, int),
      col('Profit', { fieldCaption: 'Profit', function: 'SUM' }, money0),
      col('Quantity', { fieldCaption: 'Quantity', function: 'SUM' }, int),
      col('Sales', { fieldCaption: 'Sales', function: 'SUM' }, money0),
    ],
    pivot: {
      layout: ['names', 0, 1, 2, 3, 'values', 4, 5, 6],
      measures: [
        { name: 'Count of Customers', column: 3 },
        { name: 'Sales', column: 6 },
        { name: 'Quantity', column: 5 },
        { name: 'Sales per Customer', column: 2 },
        { name: 'Profit', column: 4 },
        { name: 'Profit Ratio', column: 1 },
      ],
    },
  },
  {
    key: 'customers',
    datasetKey: 'superstore-orders',
    locale: 'en-US',
    bom: false,
    newline: '\r\n',
    columns: [
      col('Customer ID', { fieldCaption: 'Customer Code', sortPriority: 1 }, text),
      col('Customer Name', { fieldCaption: 'Customer Name' }, text),
      col('Postal Code', { fieldCaption: 'Postal Code' }, text),
      col('Sales', { fieldCaption: 'Sales', function: 'SUM' }, money2),
      col('Orders', { fieldCaption: 'Order ID', function: 'COUNTD' }, int),
      col('First Order', { fieldCaption: 'Order Date', function: 'MIN' }, { kind: 'date', style: 'short' }),
      col('Last Order', { fieldCaption: 'Order Timestamp', function: 'MAX' }, { kind: 'datetime' }),
      col('Is Returning', { fieldCaption: 'Is Returning', calculation: 'COUNTD([Order ID]) > 1' }, { kind: 'boolean' }),
      col('Notes', { fieldCaption: 'Customer Notes' }, text),
    ],
    // "Top Customers" parameter: the N customers with the highest sales.
    filters: (params) => [
      {
        field: { fieldCaption: 'Customer Code' },
        filterType: 'TOP',
        howMany: Number(params.get('Top Customers') ?? 100),
        direction: 'TOP',
        fieldToMeasure: { fieldCaption: 'Sales', function: 'SUM' },
      },
    ],
  },
  {
    key: 'product-detail',
    datasetKey: 'superstore-orders',
    locale: 'en-US',
    bom: false,
    newline: '\n',
    columns: [
      col('Product Name', { fieldCaption: 'Product Name', sortPriority: 1 }, text),
      col('Sub-Category', { fieldCaption: 'Sub-Category' }, text),
      col('Discount', { fieldCaption: 'Discount', function: 'AVG' }, pct1),
      col('Sales', { fieldCaption: 'Sales', function: 'SUM' }, { kind: 'number', decimals: 2 }),
      col('Pack Size', { fieldCaption: 'Pack Size' }, text),
    ],
  },
  {
    key: 'umsatz-de',
    datasetKey: 'superstore-orders',
    locale: 'de-DE',
    bom: true,
    newline: '\r\n',
    columns: [
      col('Region', { fieldCaption: 'Region', sortPriority: 1 }, text),
      col('Kategorie', { fieldCaption: 'Category', sortPriority: 2 }, text),
      col('Umsatz', { fieldCaption: 'Sales', function: 'SUM' }, money2),
      col('Gewinnquote', { fieldCaption: 'Profit Ratio' }, pct1),
      col('Letzte Bestellung', { fieldCaption: 'Order Date', function: 'MAX' }, { kind: 'date', style: 'short' }),
    ],
  },
];

export const VIEW_SPECS: ReadonlyMap<string, ViewSpec> = new Map(specs.map((s) => [s.key, s]));

/**
 * The one sheet of a `--dataset file.csv` workbook: every column of the file, its dimensions on Rows
 * (sorted in file order) and its measures summed, as Tableau Desktop builds a sheet when a text
 * file's fields are dropped on it (numbers are measures, aggregated with SUM by default:
 * https://help.tableau.com/current/pro/desktop/en-us/datafields_typesandroles.htm). So its data export
 * is the file's rows with equal dimension values summed into one, like any summary view.
 */
export function viewOverDataset(dataset: Dataset): ViewSpec {
  let priority = 0;
  const columns = dataset.columns.map((c): ViewColumn => {
    if (c.role === 'MEASURE') return col(c.caption, { fieldCaption: c.caption, function: 'SUM' }, { kind: 'auto' });
    const format: Fmt =
      c.dataType === 'DATE'
        ? { kind: 'date', style: 'short' }
        : c.dataType === 'DATETIME'
          ? { kind: 'datetime' }
          : c.dataType === 'BOOLEAN'
            ? { kind: 'boolean' }
            : text;
    return col(c.caption, { fieldCaption: c.caption, sortPriority: ++priority }, format);
  });
  return { key: dataset.key, datasetKey: dataset.key, locale: 'en-US', bom: false, newline: '\n', columns };
}
