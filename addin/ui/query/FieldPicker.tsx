import { Button, Caption1, Checkbox, Field, makeStyles, mergeClasses, SearchBox, Text, tokens } from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';

import type { FieldInfo } from '../../../common/api.js';
import type { MetaField } from '../../../common/metadata.js';
import { meaningLine } from '../shared/fieldMeaning.js';
import { usePaneStyles } from '../shared/styles.js';
import { fieldsMatching } from './queryDraft.js';

const useStyles = makeStyles({
  // Tall enough for ~6 fields at 320 px; a data source with 56 fields scrolls inside it.
  box: {
    maxHeight: '180px',
    overflowY: 'auto',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: `0 ${tokens.spacingHorizontalXS}`,
  },
  group: { display: 'flex', flexDirection: 'column' },
  groupTitle: { fontWeight: tokens.fontWeightSemibold, paddingTop: tokens.spacingVerticalXS },
  // A field's meaning under its checkbox, indented to the label (the checkbox is ~28 px wide).
  withMeaning: { display: 'flex', flexDirection: 'column' },
  meaning: { paddingInlineStart: '36px', marginTop: '-6px', paddingBottom: tokens.spacingVerticalXS },
});

/**
 * Several fields at once: a search over the data source's fields, a checkbox per field not yet
 * chosen (Tab and Space: keyboard operable with no extra key handling), "Add selected" and "Add
 * all" of what the search shows. The parent announces how many were added.
 */
export function FieldPicker({
  fields,
  chosen,
  onAdd,
  meanings,
}: {
  fields: FieldInfo[];
  chosen: ReadonlySet<string>;
  onAdd(captions: string[]): void;
  /** What each field means, by caption, from Tableau's Metadata API (absent: not known). */
  meanings?: ReadonlyMap<string, MetaField>;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const id = useId();
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const shown = fieldsMatching(fields, search).filter((f) => !chosen.has(f.fieldCaption));
  const picked = shown.filter((f) => selected.has(f.fieldCaption)).map((f) => f.fieldCaption);
  const toggle = (caption: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(caption);
      else next.delete(caption);
      return next;
    });
  const add = (captions: string[]) => {
    if (captions.length === 0) return;
    onAdd(captions);
    setSelected(new Set());
  };
  const groups = [
    { title: 'Dimensions', items: shown.filter((f) => f.role !== 'MEASURE') },
    { title: 'Measures', items: shown.filter((f) => f.role === 'MEASURE') },
  ].filter((g) => g.items.length);

  return (
    <fieldset className={pane.fieldset}>
      <legend className={pane.legend}>Pick several fields</legend>
      <Field label="Find a field" size="small">
        <SearchBox size="small" value={search} onChange={(_, d) => setSearch(d.value)} dismiss={{ 'aria-label': 'Clear field search' }} />
      </Field>
      {shown.length === 0 ? (
        <Text className={pane.muted}>{search.trim() ? `No field left matches "${search.trim()}".` : 'Every field is chosen.'}</Text>
      ) : (
        <div className={styles.box} role="group" aria-label={search.trim() ? `Fields matching ${search.trim()}` : 'Fields not chosen yet'}>
          {groups.map((g) => (
            <div key={g.title} role="group" aria-labelledby={`${id}-${g.title}`} className={styles.group}>
              <Text id={`${id}-${g.title}`} size={200} className={styles.groupTitle}>
                {g.title}
              </Text>
              {g.items.map((f, i) => {
                const meaning = meanings?.get(f.fieldCaption);
                const line = meaning ? meaningLine(meaning) : '';
                const describedBy = line ? `${id}-${g.title}-m${i}` : undefined;
                return (
                  <div key={f.fieldCaption} title={line || undefined} className={styles.withMeaning}>
                    <Checkbox
                      size="medium"
                      label={f.fieldCaption}
                      checked={selected.has(f.fieldCaption)}
                      onChange={(_, d) => toggle(f.fieldCaption, !!d.checked)}
                      aria-describedby={describedBy}
                    />
                    {line ? (
                      <Caption1 id={describedBy} className={mergeClasses(pane.muted, styles.meaning)}>
                        {line}
                      </Caption1>
                    ) : null}
                  </div>
                );
              })}
            </div>
          ))}
        </div>
      )}
      <div className={pane.row}>
        <Button size="small" icon={<AddRegular />} disabled={picked.length === 0} onClick={() => add(picked)}>
          Add selected{picked.length ? ` (${picked.length})` : ''}
        </Button>
        <Button size="small" disabled={shown.length === 0} onClick={() => add(shown.map((f) => f.fieldCaption))}>
          {search.trim() ? `Add all ${shown.length} shown` : `Add all ${shown.length}`}
        </Button>
      </div>
    </fieldset>
  );
}
