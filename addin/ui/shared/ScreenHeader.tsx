import { Button, makeStyles, tokens, typographyStyles } from '@fluentui/react-components';
import { ArrowLeftRegular } from '@fluentui/react-icons';
import { useEffect, useRef } from 'react';

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, minWidth: 0 },
  title: {
    ...typographyStyles.subtitle2,
    margin: 0,
    outlineStyle: 'none',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
});

/**
 * Title of a sub-screen (h2; the pane's h1 names the add-in) with a Back button. Focus moves to
 * the heading when the screen opens so keyboard and screen-reader users know where they are.
 */
export function ScreenHeader({ title, onBack, backLabel = 'Back' }: { title: string; onBack?: () => void; backLabel?: string }) {
  const styles = useStyles();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (onBack) ref.current?.focus();
    // Only on mount: re-focusing on every render would steal focus from inputs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div className={styles.header}>
      {onBack ? <Button appearance="subtle" icon={<ArrowLeftRegular />} aria-label={backLabel} title={backLabel} onClick={onBack} /> : null}
      <h2 className={styles.title} ref={ref} tabIndex={-1} title={title}>
        {title}
      </h2>
    </div>
  );
}
