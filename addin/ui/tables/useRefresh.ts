import { useSyncExternalStore } from 'react';

import type { RefreshService } from '../../refresh/runner/service.js';

/** The refresh service's state for React: definitions, running tables, sign-in prompts, the log. */
export function useRefresh(service: RefreshService) {
  const definitions = useSyncExternalStore(
    (l) => service.subscribe(l),
    () => service.definitions(),
  );
  const activity = useSyncExternalStore(
    (l) => service.runner.subscribe(l),
    () => service.runner.activity(),
  );
  const signIns = useSyncExternalStore(
    (l) => service.runner.signIn.subscribe(l),
    () => service.runner.signIn.pending(),
  );
  const log = useSyncExternalStore(
    (l) => service.runner.log.subscribe(l),
    () => service.runner.log.entries(),
  );
  const notice = useSyncExternalStore(
    (l) => service.subscribe(l),
    () => service.notice,
  );
  return { definitions, activity, signIns, log, notice };
}
