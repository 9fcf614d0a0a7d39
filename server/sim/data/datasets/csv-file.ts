/**
 * A CSV file as a dataset (`npm run sim -- --dataset file.csv`). Column data types are inferred from
 * the values like Tableau's text connector does, with one deliberate difference: digit strings with a
 * leading zero ("02134") stay STRING because they are codes, not numbers.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';

import Papa from 'papaparse';

import { BOOL_NULL, type Column, type Dataset, type DataType, MS_PER_DAY, NULL_DAY, parseIsoDay, StringColumnBuilder } from './types.js';

const INTEGER = /^-?(0|[1-9]\d*)$/;
const REAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z?$/;

export function parseDay(text: string): number | undefined {
  const iso = parseIsoDay(text);
  if (iso !== undefined) return iso;
  const us = US_DATE.exec(text);
  return us ? parseIsoDay(`${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}`) : undefined;
}

export function parseDateTime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const day = parseIsoDay(m[1]);
  if (day === undefined) return undefined;
  return day * MS_PER_DAY + ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] ?? 0)) * 1000 + Math.round(Number(m[5] ?? 0) * 1000);
}

/** The narrowest VDS data type that every non-empty value fits. */
export function inferDataType(values: string[]): DataType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'STRING';
  const all = (test: (v: string) => boolean) => present.every(test);
  if (all((v) => /^(true|false)$/i.test(v))) return 'BOOLEAN';
  if (all((v) => INTEGER.test(v) && !/^-?0\d/.test(v) && Math.abs(Number(v)) <= Number.MAX_SAFE_INTEGER)) return 'INTEGER';
  if (all((v) => REAL.test(v) && !/^-?0\d/.test(v))) return 'REAL';
  if (all((v) => parseDay(v) !== undefined)) return 'DATE';
  if (all((v) => parseDateTime(v) !== undefined || parseDay(v) !== undefined)) return 'DATETIME';
  return 'STRING';
}

function buildColumn(caption: string, type: DataType, values: string[], table: string): Column {
  const n = values.length;
  const base = { caption, fieldName: caption, logicalTableId: table };
  switch (type) {
    case 'INTEGER':
    case 'REAL':
      return { ...base, role: 'MEASURE', dataType: type, values: Float64Array.from(values, (v) => (v === '' ? NaN : Number(v))) };
    case 'BOOLEAN':
      return {
        ...base,
        role: 'DIMENSION',
        dataType: type,
        values: Uint8Array.from(values, (v) => (v === '' ? BOOL_NULL : /^true$/i.test(v) ? 1 : 0)),
      };
    case 'DATE':
      return { ...base, role: 'DIMENSION', dataType: type, values: Int32Array.from(values, (v) => (v === '' ? NULL_DAY : parseDay(v)!)) };
    case 'DATETIME':
      return {
        ...base,
        role: 'DIMENSION',
        dataType: type,
        values: Float64Array.from(values, (v) => (v === '' ? NaN : (parseDateTime(v) ?? parseDay(v)! * MS_PER_DAY))),
      };
    default: {
      const b = new StringColumnBuilder(n);
      values.forEach((v, i) => b.set(i, v === '' ? null : v));
      return { ...base, role: 'DIMENSION', dataType: 'STRING', codes: b.codes, dict: b.dict };
    }
  }
}

/**
 * Field names for a header row the way Tableau's text connector names them: a column with no header
 * gets a generated name, F1, F2, … by its position (the names Tableau gives when it generates field
 * names for a text file, https://help.tableau.com/current/pro/desktop/en-us/examples_text.htm); a
 * header seen before gets " (2)", " (3)", … so every field stays addressable. Names are trimmed.
 * The exact suffix for a repeated header could not be confirmed in a public Tableau source; it is the
 * form Tableau uses when two fields would otherwise share a name.
 */
export function fieldNames(header: readonly string[]): string[] {
  const taken = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    taken.add(name.toLowerCase());
    return name;
  };
  // Generated names first, so a later header literally called "F2" becomes "F2 (2)", not the empty column's name.
  const trimmed = header.map((h) => h.trim());
  const generated = trimmed.map((h, i) => (h === '' ? unique(`F${i + 1}`) : undefined));
  return trimmed.map((h, i) => generated[i] ?? unique(h));
}

/** Parses CSV text (header row first) into a dataset. Throws with a plain message on unusable input. */
export function datasetFromCsv(key: string, name: string, text: string): Dataset {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header || header.length === 0) throw new Error(`${name}: the CSV file has no header row`);
  const captions = fieldNames(header);
  const table = `${name}_${key.length.toString(16).toUpperCase()}`;
  const columns = captions.map((caption, c) => {
    const values = rows.map((r) => (r[c] ?? '').trim());
    return buildColumn(caption, inferDataType(values), values, table);
  });
  return {
    key,
    name,
    rowCount: rows.length,
    columns,
    calcs: [],
    parameters: [],
    logicalTables: [{ logicalTableId: table, caption: name }],
    version: 0,
  };
}

export function datasetFromCsvFile(path: string): Dataset {
  const name = basename(path, extname(path));
  const key = `csv-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return datasetFromCsv(key, name, readFileSync(path, 'utf8'));
}
