/**
 * The Metadata API answers the companion server reads (server/tableau/metadata.ts builds the queries).
 * Tolerant where Tableau is: every scalar may be null (the Metadata API's fields are nullable, and
 * a user without permission to a linked item gets null for it, meta_api_model.html "Permissions"),
 * lists may hold nulls that are dropped. Shapes: https://help.tableau.com/current/api/metadata_api/en-us/reference/index.html
 */
import { z } from 'zod';

import type { FieldRole, MetaDatasource, MetaDatasourceWithFields, MetaField, MetaSheetRef, MetaTable } from '../../../common/metadata.js';

const s = z.string().nullish();
const b = z.boolean().nullish();

/** A list whose null entries are dropped (a linked item the user may not see comes back as null). */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item.nullable())
    .nullish()
    .transform((l) => (l ?? []).filter((x): x is NonNullable<typeof x> => x !== null));

const ROLES = new Set<FieldRole>(['DIMENSION', 'MEASURE', 'UNKNOWN']);

const metaTableSchema = z
  .looseObject({ name: s, schema: s, fullName: s, database: z.looseObject({ name: s, connectionType: s }).nullish() })
  .transform((t): MetaTable => ({
    name: t.name ?? '',
    schema: t.schema ?? null,
    fullName: t.fullName ?? null,
    database: t.database ? { name: t.database.name ?? '', connectionType: t.database.connectionType ?? null } : null,
  }));

const metaFieldSchema = z
  .looseObject({
    __typename: s,
    name: s,
    description: s,
    isHidden: b,
    dataType: s,
    role: s,
    dataCategory: s,
    formula: s,
    upstreamTables: listOf(z.looseObject({ name: s })),
  })
  .transform((f): MetaField => {
    const out: MetaField = {
      name: f.name ?? '',
      description: f.description ?? '',
      dataType: f.dataType ?? null,
      role: f.role && ROLES.has(f.role as FieldRole) ? (f.role as FieldRole) : null,
      dataCategory: f.dataCategory ?? null,
      kind: f.__typename ?? 'Field',
      isHidden: f.isHidden ?? false,
      upstreamTables: f.upstreamTables.map((t) => t.name ?? '').filter(Boolean),
    };
    if (f.formula) out.formula = f.formula;
    return out;
  });

const datasourceShape = {
  luid: s,
  name: s,
  description: s,
  projectName: s,
  isCertified: b,
  upstreamTables: listOf(metaTableSchema),
};

const toDatasource = (d: {
  luid?: string | null;
  name?: string | null;
  description?: string | null;
  projectName?: string | null;
  isCertified?: boolean | null;
  upstreamTables: MetaTable[];
}): MetaDatasource => ({
  luid: d.luid ?? '',
  name: d.name ?? '',
  description: d.description ?? '',
  projectName: d.projectName ?? null,
  isCertified: d.isCertified ?? false,
  tables: d.upstreamTables,
});

const metaDatasourceWithFieldsSchema = z
  .looseObject({ ...datasourceShape, fields: listOf(metaFieldSchema) })
  .transform((d): MetaDatasourceWithFields => ({ ...toDatasource(d), fields: d.fields.filter((f) => f.name) }));

const metaSheetRefSchema = z.looseObject({ luid: s, name: s }).transform((x): MetaSheetRef => ({ luid: x.luid ?? '', name: x.name ?? '' }));

const workbookRef = z.looseObject({ luid: s, name: s }).nullish();

export const datasourceFieldsDataSchema = z.looseObject({ publishedDatasources: listOf(metaDatasourceWithFieldsSchema) });

export const viewLineageDataSchema = z.looseObject({
  sheets: listOf(
    z.looseObject({
      luid: s,
      name: s,
      workbook: workbookRef,
      upstreamDatasources: listOf(metaDatasourceWithFieldsSchema),
      datasourceFields: listOf(metaFieldSchema),
    }),
  ),
  dashboards: listOf(
    z.looseObject({
      luid: s,
      name: s,
      workbook: workbookRef,
      sheets: listOf(
        z.looseObject({
          luid: s,
          name: s,
          upstreamDatasources: listOf(metaDatasourceWithFieldsSchema),
          datasourceFields: listOf(metaFieldSchema),
        }),
      ),
    }),
  ),
});

export const workbookDashboardsDataSchema = z.looseObject({
  workbooks: listOf(
    z.looseObject({
      luid: s,
      name: s,
      dashboards: listOf(z.looseObject({ luid: s, name: s, sheets: listOf(metaSheetRefSchema) })),
    }),
  ),
});

/** The GraphQL envelope: `data` and `errors` (https://spec.graphql.org/October2021/#sec-Response-Format). */
export const graphqlEnvelopeSchema = z.looseObject({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.looseObject({
        message: z.string().nullish(),
        extensions: z.looseObject({ code: s, severity: s }).nullish(),
      }),
    )
    .nullish(),
});
