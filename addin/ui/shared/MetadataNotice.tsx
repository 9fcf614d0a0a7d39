import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { useSyncExternalStore } from 'react';

import type { MetadataStatus } from './metadataStatus.js';

/**
 * The pane's ONE word about Tableau's Metadata API being turned off for a connection (metadataStatus.ts):
 * shown where the pane's notifications are, until the analyst dismisses it; never again for that
 * connection this session. Field descriptions and lineage are then simply not shown.
 */
export function MetadataNotice({ status }: { status: MetadataStatus }) {
  const pending = useSyncExternalStore(
    (l) => status.subscribe(l),
    () => status.pendingNotice()?.connectionId ?? null,
  );
  if (!pending) return null;
  const label = status.pendingNotice()?.label ?? '';
  return (
    <MessageBar intent="info" layout="multiline" aria-live="polite">
      <MessageBarBody>
        <MessageBarTitle>Field descriptions and lineage are not available{label ? ` on ${label}` : ''}</MessageBarTitle>
        Tableau&apos;s Metadata API is turned off on this server. Everything else works as usual. A Tableau Server administrator can turn it
        on (tsm maintenance metadata-services enable).
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" onClick={() => status.acknowledge(pending)}>
          Dismiss
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
