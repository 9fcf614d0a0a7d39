import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { type KeyboardEvent, type ReactElement, useEffect, useMemo, useRef, useState } from 'react';

import { latestEvery } from '../ui/shared/latestEvery.js';
import { columnLetters } from '../workbook/address.js';
import { cellAddress, type GridSource, type Viewport, visibleSignature } from './gridSource.js';

const ROW_H = 22;
const COL_W = 100;
const HEAD_W = 52;
const OVERSCAN = 4;
/** Show at least a sheet-like area even when the workbook is empty. */
const MIN_ROWS = 200;
const MIN_COLS = 26;
/** How often the scroll area follows a growing sheet, at most (latestEvery). */
const SIZE_EVERY_MS = 250;
/**
 * While changes keep coming (a bulk write's syncs, several per frame), the grid checks at most this
 * often instead of every frame; a change after a pause is still checked at the next frame.
 */
const BUSY_EVERY_MS = 100;
/** Changes each within BUSY_EVERY_MS of the last check, in a row, that make the workbook "busy". */
const BUSY_AFTER = 3;

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', height: '100%', minWidth: 0, backgroundColor: tokens.colorNeutralBackground1 },
  bar: {
    display: 'flex',
    flexShrink: 0,
    gap: tokens.spacingHorizontalS,
    alignItems: 'center',
    padding: tokens.spacingHorizontalXS,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    minHeight: '24px',
  },
  nameBox: { minWidth: '64px', fontWeight: tokens.fontWeightSemibold },
  scroller: { position: 'relative', overflow: 'auto', flexGrow: 1, minHeight: 0, outlineStyle: 'none', fontSize: tokens.fontSizeBase200 },
  cell: {
    position: 'absolute',
    boxSizing: 'border-box',
    height: `${ROW_H}px`,
    lineHeight: `${ROW_H - 2}px`,
    paddingInline: '4px',
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
    borderRight: `1px solid ${tokens.colorNeutralStroke3}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
  },
  head: { backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground2, textAlign: 'center', zIndex: 1 },
  corner: { zIndex: 2 },
  number: { textAlign: 'right' },
  picture: { position: 'absolute', zIndex: 0, pointerEvents: 'none', boxShadow: tokens.shadow4 },
  // Excel marks a cell that has a note with a small red triangle in its top-right corner.
  noted: {
    '::after': {
      content: '""',
      position: 'absolute',
      top: 0,
      right: 0,
      width: 0,
      height: 0,
      borderTopWidth: '6px',
      borderTopStyle: 'solid',
      borderTopColor: tokens.colorPaletteRedBorder2,
      borderLeftWidth: '6px',
      borderLeftStyle: 'solid',
      borderLeftColor: 'transparent',
    },
  },
  note: { color: tokens.colorNeutralForeground3, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
  selected: { outline: `2px solid ${tokens.colorBrandStroke1}`, outlineOffset: '-2px', zIndex: 0 },
  tabs: {
    display: 'flex',
    flexShrink: 0,
    gap: '2px',
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    overflowX: 'auto',
  },
  tab: {
    border: 'none',
    background: 'none',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    cursor: 'pointer',
    color: tokens.colorNeutralForeground1,
    fontSize: tokens.fontSizeBase200,
  },
  activeTab: {
    backgroundColor: tokens.colorNeutralBackground3,
    fontWeight: tokens.fontWeightSemibold,
    borderBottom: `2px solid ${tokens.colorBrandStroke1}`,
  },
});

/** The scroll area in cells: the data and a margin, at least a sheet-like area. */
const sizeOf = (extent: { rows: number; cols: number }) => ({
  rows: Math.max(MIN_ROWS, extent.rows + 50),
  cols: Math.max(MIN_COLS, extent.cols + 5),
});

/**
 * Browser-mode stand-in for Excel: sheet tabs, column letters, row numbers, formatted values,
 * evaluated formulas, conditional fills (the change highlight), pictures floating over the cells. Only the cells in the viewport are rendered (windowing), and workbook
 * changes are coalesced to one check per animation frame (one per BUSY_EVERY_MS while they keep
 * coming), which repaints the cells only when those on screen changed.
 */
export function Grid({ source }: { source: GridSource }) {
  const styles = useStyles();
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, left: 0, height: 600, width: 800 });
  /** Bumped only when what the viewport shows changed: the cells below are rebuilt only then. */
  const [content, setContent] = useState(0);
  /** The scroll area's size in cells, which grows with every sync of a big insert. */
  const [size, setSize] = useState(() => sizeOf(source.extent(source.activeSheet())));
  const shown = useRef<Viewport | null>(null);

  useEffect(() => {
    let frame = 0;
    let last = '';
    let lastSheet = source.activeSheet();
    let lastSize = sizeOf(source.extent(lastSheet));
    // The scroll area's size follows the extent at most every SIZE_EVERY_MS (the last size never
    // lost): during a big insert it changes every frame, and each change re-rendered the grid.
    const resize = latestEvery(SIZE_EVERY_MS, (next: { rows: number; cols: number }) =>
      setSize((s) => (s.rows === next.rows && s.cols === next.cols ? s : next)),
    );
    // Once per animation frame at most, whatever the number of syncs: repaint the cells only if
    // those on screen (or the tabs, selection, pictures) changed, else at most the scrollbar. A
    // million-row write far below the viewport then costs the grid one cheap read per frame
    // (issue #18: a re-render per sync was ~1.5 s of the pane's main thread per insert).
    const onFrame = () => {
      frame = 0;
      const sheet = source.activeSheet();
      const next = sizeOf(source.extent(sheet));
      if (sheet !== lastSheet) {
        // Another sheet shown: its size at once.
        resize.cancel();
        setSize(next);
      } else if (next.rows !== lastSize.rows || next.cols !== lastSize.cols) resize.push(next);
      lastSheet = sheet;
      lastSize = next;
      const viewport = shown.current;
      const signature = viewport ? visibleSignature(source, viewport) : '';
      if (signature !== last) setContent((n) => n + 1);
      last = signature;
    };
    // A million-row insert syncs ~80 times a second: a check per frame was ~150 frames and ~200 ms
    // of the pane's main thread per insert (issue #18, docs/performance.md). Once changes have come
    // BUSY_AFTER times in a row within BUSY_EVERY_MS of the last check, the next check waits until
    // BUSY_EVERY_MS after it (the last change is never lost); a lone change still shows next frame.
    let lastCheck = -Infinity;
    let hot = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const checkNextFrame = () => {
      timer = undefined;
      frame = requestAnimationFrame(() => {
        lastCheck = performance.now();
        onFrame();
      });
    };
    const unsubscribe = source.subscribe(() => {
      if (frame || timer !== undefined) return;
      const sinceCheck = performance.now() - lastCheck;
      hot = sinceCheck < BUSY_EVERY_MS ? hot + 1 : 0;
      if (hot >= BUSY_AFTER) timer = setTimeout(checkNextFrame, BUSY_EVERY_MS - sinceCheck);
      else checkNextFrame();
    });
    return () => (unsubscribe(), cancelAnimationFrame(frame), clearTimeout(timer), resize.cancel());
  }, [source]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, left: el.scrollLeft, height: el.clientHeight || 600, width: el.clientWidth || 800 });
    measure();
    const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : null;
    observer?.observe(el);
    return () => observer?.disconnect();
  }, []);

  const sheet = source.activeSheet();
  const { rows, cols } = size;
  const firstRow = Math.max(0, Math.floor(view.top / ROW_H) - OVERSCAN);
  const lastRow = Math.min(rows - 1, Math.ceil((view.top + view.height) / ROW_H) + OVERSCAN);
  const firstCol = Math.max(0, Math.floor(view.left / COL_W) - 1);
  const lastCol = Math.min(cols - 1, Math.ceil((view.left + view.width) / COL_W) + 1);
  // What the frame check compares against: the viewport of the last commit.
  useEffect(() => {
    shown.current = { sheet, firstRow, lastRow, firstCol, lastCol };
  });
  const sel = source.selected();
  const selCell = sel.sheet === sheet ? source.cell(sheet, sel.row, sel.col) : null;

  // The same elements as the last render when nothing on screen changed: React skips them whole.
  const cells = useMemo(() => {
    const out: ReactElement[] = [];
    for (let c = firstCol; c <= lastCol; c++) {
      out.push(
        <div
          key={`h${c}`}
          className={mergeClasses(styles.cell, styles.head)}
          style={{ top: view.top, left: HEAD_W + c * COL_W, width: COL_W }}
        >
          {columnLetters(c)}
        </div>,
      );
    }
    for (let r = firstRow; r <= lastRow; r++) {
      out.push(
        <div
          key={`r${r}`}
          className={mergeClasses(styles.cell, styles.head)}
          style={{ top: ROW_H + r * ROW_H, left: view.left, width: HEAD_W }}
        >
          {r + 1}
        </div>,
      );
      for (let c = firstCol; c <= lastCol; c++) {
        const cell = source.cell(sheet, r, c);
        const isSel = sel.sheet === sheet && sel.row === r && sel.col === c;
        if (!cell && !isSel) continue;
        out.push(
          <div
            key={`${r}:${c}`}
            className={mergeClasses(
              styles.cell,
              cell?.numeric ? styles.number : undefined,
              isSel ? styles.selected : undefined,
              cell?.note ? styles.noted : undefined,
            )}
            style={{ top: ROW_H + r * ROW_H, left: HEAD_W + c * COL_W, width: COL_W, backgroundColor: cell?.fill }}
            data-fill={cell?.fill}
            data-note={cell?.note}
            title={cell?.note ?? (cell?.formula ? `=${cell.formula.replace(/^=/, '')}` : undefined)}
          >
            {cell?.text}
          </div>,
        );
      }
    }
    return out;
    // `content` stands for the cells' values: it changes exactly when those on screen did.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source, styles, sheet, firstRow, lastRow, firstCol, lastCol, view.top, view.left, sel.sheet, sel.row, sel.col, content]);

  // Pictures float above the cells (Excel draws shapes over the grid), in z-order.
  const pictures = useMemo(
    () =>
      source
        .pictures(sheet)
        .map((p) => (
          <img
            key={`pic:${p.name}`}
            src={p.src}
            alt={`Picture ${p.name}`}
            data-picture={p.name}
            className={styles.picture}
            style={{ top: ROW_H + p.row * ROW_H, left: HEAD_W + p.col * COL_W, width: p.cols * COL_W, height: p.rows * ROW_H }}
          />
        )),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [source, styles, sheet, content],
  );

  const selectAt = (clientX: number, clientY: number) => {
    const el = scroller.current;
    if (!el) return;
    const box = el.getBoundingClientRect();
    const x = clientX - box.left + el.scrollLeft - HEAD_W;
    const y = clientY - box.top + el.scrollTop - ROW_H;
    if (x < 0 || y < 0) return;
    source.select(sheet, Math.floor(y / ROW_H), Math.floor(x / COL_W));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    // Read the selection now, not from the last paint: repaints are coalesced per frame, so
    // several quick key presses would otherwise all start from the same stale cell.
    const cur = source.selected();
    source.select(sheet, Math.max(0, cur.row + move[0]), Math.max(0, cur.col + move[1]));
  };

  return (
    <section className={styles.root} aria-label="Workbook preview">
      <div className={styles.bar} aria-live="polite">
        <span className={styles.nameBox}>{cellAddress(sel.row, sel.col)}</span>
        <span>{selCell?.formula ? `=${selCell.formula.replace(/^=/, '')}` : (selCell?.text ?? '')}</span>
        {selCell?.note ? <span className={styles.note}>Note: {selCell.note}</span> : null}
      </div>
      <div
        ref={scroller}
        className={styles.scroller}
        tabIndex={0}
        role="region"
        aria-label={`Sheet ${sheet}: use the arrow keys to move the selected cell`}
        onScroll={(e) => {
          const el = e.currentTarget;
          setView((v) => ({ ...v, top: el.scrollTop, left: el.scrollLeft }));
        }}
        onMouseDown={(e) => selectAt(e.clientX, e.clientY)}
        onKeyDown={onKeyDown}
      >
        <div style={{ position: 'relative', height: ROW_H + rows * ROW_H, width: HEAD_W + cols * COL_W }}>
          <div
            className={mergeClasses(styles.cell, styles.head, styles.corner)}
            style={{ top: view.top, left: view.left, width: HEAD_W }}
          />
          {cells}
          {pictures}
        </div>
      </div>
      <div className={styles.tabs} role="group" aria-label="Sheets">
        {source.sheetNames().map((name) => (
          <button
            key={name}
            type="button"
            className={mergeClasses(styles.tab, name === sheet ? styles.activeTab : undefined)}
            aria-pressed={name === sheet}
            onClick={() => source.select(name, 0, 0)}
          >
            {name}
          </button>
        ))}
      </div>
    </section>
  );
}
