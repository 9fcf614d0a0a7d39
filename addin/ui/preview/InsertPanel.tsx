import {
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Radio,
  RadioGroup,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { MetaField } from '../../../common/metadata.js';
import type { PullSource } from '../../../common/source.js';
import { useServices } from '../../app/services.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { usePaneStyles } from '../shared/styles.js';
import { suggestTableName, tableNameProblem } from './tableName.js';
import { describeTarget, type PictureChoice, PICTURES_UNSUPPORTED, spokenProgress, useInsert } from './useInsert.js';

interface InsertPanelProps {
  connection: ConnectionInfo;
  source: PullSource;
  title: string;
  columnCount: number;
  /** Exact row count when the preview held the whole result. */
  knownRows?: number;
  /** Column name → what the field means: written as notes on the header cells where Excel can. */
  meanings?: ReadonlyMap<string, MetaField>;
}

const fmt = (n: number) => n.toLocaleString('en-US');

const useStyles = makeStyles({
  // Fluent's bar eases its width over 0.3 s: restarted on every count, that transition kept the
  // pane restyling and repainting through a long insert (issue #18). The bar jumps instead.
  bar: { transitionProperty: 'none' },
  // The Insert button turns into Cancel under the cursor; its hover fade re-ran each time the
  // pane relaid around it during an insert (issue #18). Cancel needs no fade.
  still: { transitionProperty: 'none' },
  // Read by screen readers, not shown (the visible count sits beside it).
  spoken: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

/** Where and under which name to insert, then the write with progress and Cancel. */
export function InsertPanel({ connection, source, title, columnCount, knownRows, meanings }: InsertPanelProps) {
  const styles = usePaneStyles();
  const own = useStyles();
  const { workbook } = useServices();
  const { state, insert, cancel, reset } = useInsert(connection, source, meanings);
  const [where, setWhere] = useState<'newSheet' | 'cell'>('newSheet');
  const [name, setName] = useState(() => suggestTableName(title));
  const [nameTouched, setNameTouched] = useState(false);
  const [picture, setPicture] = useState<PictureChoice>('none');
  const problem = tableNameProblem(name.trim());
  const isView = source.kind === 'view';
  const picturesSupported = workbook.supportsPictures();
  // The picture alone goes at the selected cell: there is no table to put on a new sheet.
  const whereNow = picture === 'only' ? 'cell' : where;

  // Suggest a name that is not taken yet (Excel table names are unique per workbook).
  useEffect(() => {
    let live = true;
    workbook.listTables().then(
      (tables) =>
        live &&
        !nameTouched &&
        setName(
          suggestTableName(
            title,
            tables.map((t) => t.name),
          ),
        ),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [workbook, title]);

  const run = async (target?: Parameters<typeof insert>[0]['target']) => {
    setNameTouched(true);
    if (problem) return;
    // The outcome is said once, inline below (issue #21: a toast repeated it and covered the Table name field).
    await insert({ where: whereNow, tableName: name.trim(), columnCount, knownRows, target, picture });
  };

  const busy = state.phase === 'checking' || state.phase === 'writing';
  return (
    <section className={styles.stack} aria-labelledby="insert-heading">
      <h3 id="insert-heading" style={{ margin: 0, fontSize: 'inherit' }}>
        Insert into Excel
      </h3>
      {isView ? (
        <Field label="Picture of the view" hint={picturesSupported ? undefined : PICTURES_UNSUPPORTED}>
          <RadioGroup
            value={picturesSupported ? picture : 'none'}
            onChange={(_, d) => (setPicture(d.value as PictureChoice), reset())}
            disabled={busy || !picturesSupported}
          >
            <Radio value="none" label="Table only" />
            <Radio value="beside" label="Table and its picture beside it" />
            <Radio value="only" label="Picture only" />
          </RadioGroup>
        </Field>
      ) : null}
      <Field label="Where">
        <RadioGroup value={whereNow} onChange={(_, d) => (setWhere(d.value as typeof where), reset())} disabled={busy}>
          <Radio value="newSheet" label="On a new sheet" disabled={picture === 'only'} />
          <Radio value="cell" label="At the selected cell" />
        </RadioGroup>
      </Field>
      <Field
        label="Table name"
        required
        validationMessage={nameTouched && problem ? problem : undefined}
        hint={!problem ? 'Letters, digits, _ and . only; no spaces.' : undefined}
      >
        <Input value={name} disabled={busy} onChange={(_, d) => (setName(d.value), setNameTouched(true))} />
      </Field>
      {state.phase === 'collision' ? (
        <MessageBar intent="warning" layout="multiline" role="alert">
          <MessageBarBody>
            <MessageBarTitle>{state.conflict} is in the way</MessageBarTitle>
            {state.message}
          </MessageBarBody>
          <MessageBarActions>
            <Button size="small" onClick={() => run(state.suggestion)}>
              Use {describeTarget(state.suggestion)}
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {/* The visible count, outside the live region: it changes a few times a second, too often to read out. */}
      {state.phase === 'writing' ? (
        <Field label={state.note ?? `Writing rows… ${fmt(state.rowsWritten)}${state.totalRows ? ` of ${fmt(state.totalRows)}` : ''}`}>
          <ProgressBar
            value={state.totalRows ? Math.min(1, state.rowsWritten / state.totalRows) : undefined}
            bar={{ className: own.bar }}
          />
        </Field>
      ) : null}
      {/* One live region for the progress and the outcome, present before either (a region that
          appears with its text is often not read), so the result is announced without a toast. */}
      <div className={styles.tight} role="status" aria-live="polite">
        {state.phase === 'writing' ? (
          <span className={own.spoken}>{state.note ?? spokenProgress(state.rowsWritten, state.totalRows)}</span>
        ) : null}
        {state.phase === 'done' ? (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              Inserted {fmt(state.table.rowCount)} rows into {state.table.tableName} ({state.table.sheet}!{state.table.address}).
              {state.table.picture ? ' Its picture is beside it and refreshes with it.' : ''}
              {state.table.truncated ? ' A row limit cut the data: the source has more rows.' : ''}
              {typeof state.notes === 'number' && state.notes > 0
                ? ` What the fields mean is in notes on ${state.notes} header ${state.notes === 1 ? 'cell' : 'cells'}.`
                : ''}
              {state.notes === 'unsupported'
                ? ' This Excel cannot add notes (it needs ExcelApi 1.18), so the field descriptions are not on the header cells.'
                : ''}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {state.phase === 'pictureDone' ? (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              Inserted the picture {state.picture.name} on {state.picture.sheet}.
              {state.saveError ? ` ${state.saveError.message}` : ' It refreshes in place from the Tables list, like a table.'}
            </MessageBarBody>
          </MessageBar>
        ) : null}
      </div>
      {state.phase === 'cancelled' ? (
        <MessageBar intent="info">
          <MessageBarBody>Insert cancelled.</MessageBarBody>
        </MessageBar>
      ) : null}
      {state.phase === 'error' ? <ErrorBar error={state.error} /> : null}
      {state.phase === 'done' ? (
        <>
          {state.warnings.map((w) => (
            <MessageBar key={w} intent="warning">
              <MessageBarBody>{w}</MessageBarBody>
            </MessageBar>
          ))}
          <ErrorBar error={state.followUpError} intent="warning" />
        </>
      ) : null}
      {busy ? (
        <Button className={own.still} onClick={cancel}>
          Cancel
        </Button>
      ) : (
        <Button appearance="primary" onClick={() => run()}>
          Insert
        </Button>
      )}
    </section>
  );
}
