import {
  Badge,
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';

import type { ConnectionInfo } from '../../../common/api.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import type { ConnectionsState } from './useConnections.js';

const useStyles = makeStyles({
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

/** The session's saved connections: use one, sign out of it, or forget it (the server drops its secret). */
export function SavedConnections({
  connections,
  onUse,
  onForgotten,
}: {
  connections: ConnectionsState;
  onUse(): void;
  /** After Forget removed the last card: where focus goes instead (the card and its buttons are gone). */
  onForgotten?(): void;
}) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);
  if (connections.connections.length === 0) return null;

  const run = (action: () => Promise<void>, then?: () => void) => {
    setFailure(null);
    action().then(then, (error: unknown) => setFailure(errorBody(error)));
  };
  // The forgotten card (and the Forget button focus would return to) is gone: focus the list's
  // heading, or, with no saved connection left, whatever the screen offers next (never <body>).
  const afterForget = () => {
    const heading = document.getElementById('saved-connections');
    if (heading && connections.connections.length > 1) heading.focus();
    else onForgotten?.();
  };

  return (
    <section aria-labelledby="saved-connections" className={pane.tight}>
      <Text as="h2" id="saved-connections" weight="semibold" size={300} tabIndex={-1}>
        Saved connections
      </Text>
      <ul className={pane.list} style={{ gap: tokens.spacingVerticalS }}>
        {connections.connections.map((c) => {
          const inUse = connections.current?.id === c.id;
          return (
            <li key={c.id} className={pane.card}>
              <Text weight="semibold" className={pane.ellipsis} title={c.label}>
                {c.label}{' '}
                {inUse ? (
                  <Badge appearance="tint" size="small">
                    in use
                  </Badge>
                ) : null}
              </Text>
              <Caption1 className={pane.ellipsis}>
                {c.principal} · {c.siteContentUrl || 'Default site'}
              </Caption1>
              {c.resolvedServerUrl ? (
                // Tableau answered from another address (a Cloud pod): say where the credentials went.
                <Caption1 className={pane.ellipsis} title={c.resolvedServerUrl}>
                  Tableau answers at {c.resolvedServerUrl}
                </Caption1>
              ) : null}
              <div className={styles.actions}>
                {!inUse ? (
                  <Button
                    size="small"
                    appearance="primary"
                    aria-label={`Use ${c.label}`}
                    onClick={() => (connections.select(c.id), onUse())}
                  >
                    Use
                  </Button>
                ) : null}
                <Button size="small" aria-label={`Sign out of ${c.label}`} onClick={() => run(() => connections.signOut(c.id))}>
                  Sign out
                </Button>
                <ForgetButton connection={c} onForget={() => run(() => connections.forget(c.id), afterForget)} />
              </div>
            </li>
          );
        })}
      </ul>
      <ErrorBar error={failure} />
    </section>
  );
}

/**
 * Forget drops the saved secret on the server and cannot be undone, so it asks first (issue #21).
 * Fluent's Dialog traps focus inside, puts it on the first button, closes on Escape and gives
 * focus back to the Forget button (https://react.fluentui.dev/?path=/docs/components-dialog--docs).
 */
function ForgetButton({ connection, onForget }: { connection: ConnectionInfo; onForget(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)} modalType="alert">
      <DialogTrigger disableButtonEnhancement>
        <Button size="small" aria-label={`Forget ${connection.label}`}>
          Forget
        </Button>
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Forget {connection.label}?</DialogTitle>
          <DialogContent>
            The companion server deletes this connection and its saved{' '}
            {connection.authKind === 'pat' ? 'token' : connection.authKind === 'password' ? 'password' : 'sign-in'}. Tables from this site
            stop refreshing until you connect to it again.
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button>Keep it</Button>
            </DialogTrigger>
            <Button appearance="primary" onClick={() => (setOpen(false), onForget())}>
              Forget
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
