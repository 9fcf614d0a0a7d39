import { makeStyles, tokens } from '@fluentui/react-components';

const boxed = {
  border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  borderRadius: tokens.borderRadiusMedium,
  padding: tokens.spacingHorizontalS,
  display: 'flex',
  flexDirection: 'column',
} as const;

/** Shared layout for a ~320 px pane: one column, full-width inputs, token spacing. */
export const usePaneStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  tight: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  row: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  grow: { flexGrow: 1, minWidth: 0 },
  full: { width: '100%' },
  muted: { color: tokens.colorNeutralForeground3 },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column' },
  itemButton: { justifyContent: 'flex-start', textAlign: 'start', width: '100%', minWidth: 0 },
  ellipsis: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  /** A bordered box of stacked rows: a list item, a filter, a table. */
  card: { ...boxed, gap: tokens.spacingVerticalXS },
  fieldset: { ...boxed, margin: 0, gap: tokens.spacingVerticalS, minWidth: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
});
