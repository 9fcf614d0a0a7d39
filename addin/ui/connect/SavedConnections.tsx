import { Badge, Button, Caption1, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState } from 'react';

import type { ApiErrorBody } from '../../../common/stream.js';
import { ErrorBar } from '../shared/ErrorBar.js';
import { errorBody } from '../shared/errorBody.js';
import { usePaneStyles } from '../shared/styles.js';
import type { ConnectionsState } from './useConnections.js';

const useStyles = makeStyles({
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
});

/** The session's saved connections: use one, sign out of it, or forget it (the server drops its secret). */
export function SavedConnections({ connections, onUse }: { connections: ConnectionsState; onUse(): void }) {
  const pane = usePaneStyles();
  const styles = useStyles();
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);
  if (connections.connections.length === 0) return null;

  const run = (action: () => Promise<void>) => {
    setFailure(null);
    action().catch((error: unknown) => setFailure(errorBody(error)));
  };

  return (
    <section aria-labelledby="saved-connections" className={pane.tight}>
      <Text as="h2" id="saved-connections" weight="semibold" size={300}>
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
                <Button size="small" aria-label={`Forget ${c.label}`} onClick={() => run(() => connections.forget(c.id))}>
                  Forget
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      <ErrorBar error={failure} />
    </section>
  );
}
