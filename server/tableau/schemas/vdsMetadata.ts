import { z } from 'zod';

import type { DatasourceMetadata, FieldInfo, ParameterInfo, VdsDataType } from '../../../common/api.js';
import { bool, parseList, str, unwrapList } from './coerce.js';

const DATA_TYPES = new Set<VdsDataType>(['INTEGER', 'REAL', 'STRING', 'DATETIME', 'BOOLEAN', 'DATE', 'SPATIAL', 'UNKNOWN']);

/**
 * FieldMetadata grows per schema version (docs/tableau-rest.md#endpoints-and-versions): 20251 {fieldName, fieldCaption, dataType,
 * logicalTableId}; 20252 + defaultAggregation; 20253 + columnClass, formula; 20261 + fieldRole,
 * fieldType, description, hidden... Everything beyond the caption is optional here.
 */
const vdsFieldSchema = z
  .looseObject({
    fieldName: str,
    fieldCaption: z.string().min(1),
    dataType: str,
    defaultAggregation: str,
    fieldRole: str,
    columnClass: str,
    description: str,
    hidden: bool,
  })
  .transform((f): FieldInfo & { hidden?: boolean } => {
    const dataType = DATA_TYPES.has(f.dataType as VdsDataType) ? (f.dataType as VdsDataType) : 'UNKNOWN';
    // 2026.1 says the role; before that numbers are measures and the rest dimensions (the same guess
    // Tableau Desktop makes for a new column).
    const role =
      f.fieldRole === 'MEASURE' || f.fieldRole === 'DIMENSION'
        ? f.fieldRole
        : dataType === 'INTEGER' || dataType === 'REAL'
          ? 'MEASURE'
          : 'DIMENSION';
    const out: FieldInfo & { hidden?: boolean } = {
      fieldName: f.fieldName ?? f.fieldCaption,
      fieldCaption: f.fieldCaption,
      dataType,
      role,
    };
    if (f.defaultAggregation) out.defaultAggregation = f.defaultAggregation;
    if (f.description) out.description = f.description;
    if (f.hidden !== undefined) out.hidden = f.hidden;
    return out;
  });

const vdsParameterSchema = z
  .looseObject({
    parameterCaption: z.string().min(1),
    parameterName: str,
    parameterType: z.string(),
    dataType: z.string(),
    value: z.unknown().optional(),
    members: z.array(z.unknown()).optional().catch(undefined),
    min: z.unknown().optional(),
    max: z.unknown().optional(),
  })
  .transform((p): ParameterInfo => {
    const out: ParameterInfo = {
      parameterCaption: p.parameterCaption,
      parameterType: p.parameterType,
      dataType: p.dataType,
      value: p.value,
    };
    if (p.parameterName) out.parameterName = p.parameterName;
    if (p.members) out.members = p.members;
    if (p.min !== undefined) out.min = p.min;
    if (p.max !== undefined) out.max = p.max;
    return out;
  });

/** `{data: FieldMetadata[], extraData: {parameters: ParameterRecord[]}}`; one odd field never loses the rest. */
export const vdsMetadataSchema = z
  .looseObject({
    data: z.unknown().optional(),
    extraData: z.looseObject({ parameters: z.unknown().optional() }).optional().catch(undefined),
  })
  .transform((m) => {
    const fields = parseList(unwrapList(m.data, 'field'), vdsFieldSchema);
    const params = parseList(unwrapList(m.extraData?.parameters, 'parameter'), vdsParameterSchema);
    return { fields: fields.items, parameters: params.items, dropped: fields.dropped.length + params.dropped.length };
  });

export type VdsMetadata = DatasourceMetadata;
