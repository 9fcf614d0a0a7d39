/**
 * Columnar, memory-efficient datasets for the simulator (1,000,000 rows fit in well under 300 MB):
 * numbers in Float64Array (NaN = null), dates as day numbers since 1970-01-01 in Int32Array,
 * date-times as epoch milliseconds in Float64Array, booleans in Uint8Array (2 = null) and strings
 * dictionary-encoded (Uint32Array codes into a string list, NULL_CODE = null).
 */

/** VDS data types (FieldMetadata.dataType). */
export type DataType = 'INTEGER' | 'REAL' | 'STRING' | 'DATE' | 'DATETIME' | 'BOOLEAN';
export type Value = number | string | boolean | null;

export const NULL_CODE = 0xffffffff;
export const NULL_DAY = -0x80000000;
export const BOOL_NULL = 2;

interface ColumnBase {
  caption: string;
  /** Tableau's internal field name (`fieldName` in read-metadata). */
  fieldName: string;
  role: 'DIMENSION' | 'MEASURE';
  logicalTableId: string;
  description?: string;
  /** True when every row has a distinct value (Row ID): grouping by it needs no hash map. */
  unique?: boolean;
}

interface NumberColumn extends ColumnBase {
  dataType: 'INTEGER' | 'REAL';
  values: Float64Array;
}
interface DateColumn extends ColumnBase {
  dataType: 'DATE';
  values: Int32Array;
}
interface DateTimeColumn extends ColumnBase {
  dataType: 'DATETIME';
  values: Float64Array;
}
interface BoolColumn extends ColumnBase {
  dataType: 'BOOLEAN';
  values: Uint8Array;
}
interface StringColumn extends ColumnBase {
  dataType: 'STRING';
  codes: Uint32Array;
  dict: string[];
}

export type Column = NumberColumn | DateColumn | DateTimeColumn | BoolColumn | StringColumn;

export interface DatasetParameter {
  caption: string;
  name: string;
  parameterType: 'ANY_VALUE' | 'LIST' | 'QUANTITATIVE_RANGE';
  dataType: 'INTEGER' | 'REAL' | 'STRING';
  value: number | string;
  members?: Array<number | string>;
  min?: number;
  max?: number;
  step?: number;
}

/** A calculated field published with the data source (read-metadata columnClass CALCULATION). */
interface DatasetCalc {
  caption: string;
  fieldName: string;
  formula: string;
  dataType: DataType;
  role: 'DIMENSION' | 'MEASURE';
}

export interface Dataset {
  key: string;
  name: string;
  rowCount: number;
  columns: Column[];
  calcs: DatasetCalc[];
  parameters: DatasetParameter[];
  logicalTables: Array<{ logicalTableId: string; caption: string }>;
  /** Bumped on every change (extract refresh, test mutation). */
  version: number;
}

/** Raw value of row i (dates as day numbers, date-times as epoch ms). */
export function cellValue(col: Column, i: number): Value {
  switch (col.dataType) {
    case 'STRING': {
      const c = col.codes[i];
      return c === NULL_CODE ? null : col.dict[c];
    }
    case 'DATE': {
      const d = col.values[i];
      return d === NULL_DAY ? null : d;
    }
    case 'BOOLEAN': {
      const b = col.values[i];
      return b === BOOL_NULL ? null : b === 1;
    }
    default: {
      const v = col.values[i];
      return Number.isNaN(v) ? null : v;
    }
  }
}

/** Builds a dictionary-encoded string column incrementally. */
export class StringColumnBuilder {
  readonly codes: Uint32Array;
  readonly dict: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(rowCount: number) {
    this.codes = new Uint32Array(rowCount);
  }
  set(i: number, value: string | null): void {
    if (value === null) {
      this.codes[i] = NULL_CODE;
      return;
    }
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.dict.length;
      this.dict.push(value);
      this.index.set(value, code);
    }
    this.codes[i] = code;
  }
}

export const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01 UTC) of a calendar date. */
export function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** 'YYYY-MM-DD' → day number, or undefined. */
export function parseIsoDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = dayOf(y, mo, d);
  const back = new Date(day * MS_PER_DAY);
  return back.getUTCMonth() + 1 === mo && back.getUTCDate() === d ? day : undefined;
}
