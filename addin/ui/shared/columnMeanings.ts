/**
 * Which Tableau field each column of a pull is, so its meaning (common/metadata.ts) can follow it into
 * the preview's headers, the header notes and the provenance sheet. A VDS query names a column
 * by its alias, else FUNCTION(caption), else the caption (server/pull/pull-messages.ts); a view's
 * export names columns by the fields' captions, so names are matched as they are.
 */
import type { MetaField } from '../../../common/metadata.js';
import type { PullSource } from '../../../common/source.js';

export function columnMeanings(source: PullSource, fields: readonly MetaField[] | undefined): ReadonlyMap<string, MetaField> {
  const byName = new Map((fields ?? []).map((f) => [f.name, f]));
  const out = new Map<string, MetaField>();
  if (source.kind === 'datasource') {
    for (const f of source.query.fields) {
      const meaning = byName.get(f.fieldCaption);
      if (!meaning) continue;
      const fn = 'function' in f ? f.function : undefined;
      const key = f.fieldAlias ?? (fn && !('calculation' in f && f.calculation) ? `${fn}(${f.fieldCaption})` : f.fieldCaption);
      out.set(key, meaning);
    }
    return out;
  }
  if (source.kind === 'view') return byName;
  return out;
}
