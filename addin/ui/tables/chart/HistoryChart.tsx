import { Caption1, makeStyles, Text, tokens } from '@fluentui/react-components';

import { formatDuration } from '../../../refresh/runner/words.js';
import { formatTime } from '../status.js';
import { type HistoryRun, layoutHistory, summariseHistory } from './history.js';

/**
 * Plain SVG, no chart library: two rows of bars need none, and plain SVG adds no dependency to the
 * pane's 300 KB budget (bench pane_initial_js_gzip_kb), so nothing here needs lazy loading.
 */
const useStyles = makeStyles({
  svg: { display: 'block', width: '100%', height: '110px', overflow: 'visible' },
  // Visually hidden, still read (the table alternative to the picture).
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
    border: 0,
  },
  legend: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalM },
  wrap: { position: 'relative', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0 },
});

const OUTCOME: Record<HistoryRun['outcome'], string> = { ok: 'Done', incomplete: 'Incomplete', failed: 'Failed' };
const ORIGIN: Record<HistoryRun['origin'], string> = { pane: 'This pane', server: 'Server schedule' };

/** Short times for the chart's words: "7 Dec, 06:28" in the pane's zone (as other times are shown). */
function shortTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(d);
}

/**
 * A table's refresh history: rows per run (top) and how long each took (below), oldest left, so a
 * sudden drop in rows or a slow run stands out. role="img" with a one-sentence summary, and the
 * same runs as a visually hidden table for screen readers that browse tables.
 */
export function HistoryChart({ runs, table, timeZone }: { runs: HistoryRun[]; table: string; timeZone?: string }) {
  const styles = useStyles();
  if (!runs.length) return <Text size={200}>No refreshes or server runs of this table yet.</Text>;
  const layout = layoutHistory(runs);
  const summary = summariseHistory(runs, (iso) => shortTime(iso, timeZone));
  const normal = tokens.colorBrandBackground;
  const standOut = tokens.colorPaletteDarkOrangeBackground3;
  const failed = tokens.colorPaletteRedForeground1;
  return (
    <div className={styles.wrap}>
      <svg
        className={styles.svg}
        role="img"
        aria-label={`Refresh history of ${table}: ${summary}`}
        viewBox={`0 -4 ${layout.width} ${layout.height + 8}`}
        preserveAspectRatio="none"
      >
        {/* Baselines of the two bands. */}
        {[layout.rowsBand, layout.durationBand].map((band) => (
          <line
            key={band.top}
            x1={0}
            x2={layout.width}
            y1={band.top + band.height}
            y2={band.top + band.height}
            style={{ stroke: tokens.colorNeutralStroke1 }}
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        {layout.bars.map((bar, i) =>
          bar.marks.failed ? (
            // A failed run brought no rows: a red mark on both baselines, not an empty slot.
            <g key={i} style={{ fill: failed }}>
              <rect x={bar.x} y={layout.rowsBand.height - 6} width={bar.width} height={6} />
              <rect x={bar.x} y={layout.durationBand.top + layout.durationBand.height - 6} width={bar.width} height={6} />
            </g>
          ) : (
            <g key={i}>
              <rect
                x={bar.x}
                y={bar.rowsY}
                width={bar.width}
                height={bar.rowsHeight}
                style={{ fill: bar.marks.drop ? standOut : normal }}
              />
              <rect
                x={bar.x}
                y={bar.durationY}
                width={bar.width}
                height={bar.durationHeight}
                style={{ fill: bar.marks.slow ? standOut : tokens.colorNeutralForeground3 }}
              />
            </g>
          ),
        )}
      </svg>
      <div className={styles.legend} aria-hidden="true">
        <Caption1>{`Top: rows (max ${layout.maxRows.toLocaleString('en-US')})`}</Caption1>
        <Caption1>{`Below: time (max ${formatDuration(layout.maxDurationMs)})`}</Caption1>
        <Caption1>Orange: a drop or a slow run · red: failed</Caption1>
      </div>
      <table className={styles.hidden}>
        <caption>{`Runs of ${table}, oldest first`}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">By</th>
            <th scope="col">Outcome</th>
            <th scope="col">Rows</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          {layout.bars.map((bar, i) => (
            <tr key={i}>
              <td>{formatTime(bar.run.at, timeZone)}</td>
              <td>{ORIGIN[bar.run.origin]}</td>
              <td>
                {[OUTCOME[bar.run.outcome], bar.marks.drop ? 'rows dropped' : '', bar.marks.slow ? 'slow' : ''].filter(Boolean).join(', ')}
              </td>
              <td>{bar.run.rows === null ? '—' : bar.run.rows.toLocaleString('en-US')}</td>
              <td>{bar.run.durationMs === null ? '—' : formatDuration(bar.run.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
