/**
 * read-metadata / get-datasource-model / list-supported-functions answers, shaped per schema version
 * (FieldMetadata grows: 20251.0 {fieldName, fieldCaption, dataType, logicalTableId}; 20252.0
 * + defaultAggregation; 20253.0 + columnClass, formula, extraData.parameters; 20261.0 + fieldRole,
 * fieldType, description, hidden, defaultFormatting).
 */
import type { VdsSchemaVersion } from '../../../vds/index.js';
import type { Dataset, DataType } from '../datasets/types.js';
import { SUPPORTED_CALC_FUNCTIONS } from './calc.js';

const AT_LEAST = (v: VdsSchemaVersion, min: VdsSchemaVersion) => Number(v) >= Number(min);

function defaultAggregation(dataType: DataType, role: string, isAggCalc: boolean, version: VdsSchemaVersion): string {
  if (isAggCalc) return AT_LEAST(version, '20253.0') ? 'AGG' : 'SUM';
  if (dataType === 'DATE' || dataType === 'DATETIME') return 'YEAR';
  if ((dataType === 'INTEGER' || dataType === 'REAL') && role === 'MEASURE') return 'SUM';
  return 'COUNT';
}

export function readMetadata(ds: Dataset, version: VdsSchemaVersion): Record<string, unknown> {
  const fields = [
    ...ds.columns.map((c) => ({ c, formula: undefined as string | undefined, aggCalc: false })),
    ...ds.calcs.map((c) => ({
      c: { ...c, logicalTableId: '' },
      formula: c.formula,
      aggCalc: c.role === 'MEASURE' && /\b(SUM|AVG|COUNTD?|MIN|MAX|MEDIAN)\s*\(/i.test(c.formula),
    })),
  ];
  const data = fields.map(({ c, formula, aggCalc }) => {
    const out: Record<string, unknown> = { fieldName: c.fieldName, fieldCaption: c.caption, dataType: c.dataType };
    if (AT_LEAST(version, '20252.0')) out.defaultAggregation = defaultAggregation(c.dataType, c.role, aggCalc, version);
    if (AT_LEAST(version, '20253.0')) {
      out.columnClass = formula === undefined ? 'COLUMN' : 'CALCULATION';
      if (formula !== undefined) out.formula = formula;
    }
    if (AT_LEAST(version, '20261.0')) {
      out.fieldRole = c.role;
      out.fieldType = c.role === 'MEASURE' || c.dataType === 'DATE' || c.dataType === 'DATETIME' ? 'CONTINUOUS' : 'NOMINAL';
      out.description = 'description' in c && c.description ? c.description : '';
      out.hidden = false;
      if (c.dataType === 'REAL') out.defaultFormatting = { decimalPlaces: '2' };
      out.isLODCalc = false;
    }
    out.logicalTableId = c.logicalTableId;
    return out;
  });
  if (!AT_LEAST(version, '20253.0')) return { data };
  const parameters = ds.parameters.map((p) => {
    const out: Record<string, unknown> = {
      parameterType: p.parameterType,
      parameterName: p.name,
      parameterCaption: p.caption,
      dataType: p.dataType,
      value: p.value,
    };
    if (p.members) out.members = AT_LEAST(version, '20261.0') ? p.members.map((m) => ({ alias: String(m), value: m })) : p.members;
    if (p.min !== undefined) out.min = p.min;
    if (p.max !== undefined) out.max = p.max;
    if (p.step !== undefined) out.step = p.step;
    return out;
  });
  return { data, extraData: { parameters } };
}

export function datasourceModel(ds: Dataset): Record<string, unknown> {
  const [first, ...rest] = ds.logicalTables;
  return {
    logicalTables: ds.logicalTables.map((t) => ({ logicalTableId: t.logicalTableId, caption: t.caption })),
    logicalTableRelationships: rest.map((t) => ({
      fromLogicalTable: { logicalTableId: first.logicalTableId },
      toLogicalTable: { logicalTableId: t.logicalTableId },
      expression: { op: 'AND', relationships: [{ operator: '=', fromField: 'Order ID', toField: 'Order ID' }] },
    })),
  };
}

export function supportedFunctions(): unknown[] {
  return SUPPORTED_CALC_FUNCTIONS;
}
