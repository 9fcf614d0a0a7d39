/**
 * A field's meaning in a few words, from Tableau's Metadata API (common/metadata.ts): its description,
 * then its data type and role ("Revenue of the order line in USD · number (decimal) · measure").
 * Pure: used by the field picker, the preview's column headers, the provenance sheet and header notes.
 */
import type { MetaField } from '../../../common/metadata.js';

const TYPE_WORDS: Record<string, string> = {
  STRING: 'text',
  INTEGER: 'whole number',
  REAL: 'number (decimal)',
  DATE: 'date',
  DATETIME: 'date and time',
  BOOLEAN: 'true/false',
  SPATIAL: 'geography',
};

function typeAndRole(field: Pick<MetaField, 'dataType' | 'role' | 'formula'>): string {
  const parts: string[] = [];
  if (field.dataType) parts.push(TYPE_WORDS[field.dataType] ?? field.dataType.toLowerCase());
  if (field.role === 'MEASURE') parts.push('measure');
  else if (field.role === 'DIMENSION') parts.push('dimension');
  if (field.formula) parts.push('calculation');
  return parts.join(' · ');
}

/** Description first (what the steward wrote), then type and role; "" when nothing is known. */
export function meaningLine(field: MetaField): string {
  return [field.description.trim(), typeAndRole(field)].filter(Boolean).join(' · ');
}

/** Fields by name, for lookups by column or caption. */
export function meaningsByName(fields: readonly MetaField[] | undefined): ReadonlyMap<string, MetaField> {
  return new Map((fields ?? []).map((f) => [f.name, f]));
}

/** Header notes for an inserted table: one per column whose field Tableau describes or types. */
export function headerNotes(
  columns: ReadonlyArray<{ name: string }>,
  meanings: ReadonlyMap<string, MetaField> | undefined,
): Array<{ column: string; text: string }> {
  if (!meanings?.size) return [];
  return columns.flatMap((c) => {
    const m = meanings.get(c.name);
    const line = m ? meaningLine(m) : '';
    return line ? [{ column: c.name, text: `${m!.name}: ${line}\n(from Tableau)` }] : [];
  });
}
