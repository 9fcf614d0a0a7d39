import { type Dispatch, type SetStateAction, useCallback, useState } from 'react';

import { type Services, useServices } from '../../app/services.js';

/**
 * State that outlives its screen. A route pushed on top (a preview, a view) unmounts the tab's home
 * screen (addin/ui/App.tsx renders one route per tab), so plain useState forgot the list type,
 * filter and sort, or the search text, on Back (issue #21). Values live as long as the composed
 * services (one per pane; each test composes its own), never in a module-wide store or in storage.
 */
const memory = new WeakMap<Services, Map<string, unknown>>();

/** `key` null: plain component state (a screen that must start from what it is given each time). */
export function useRemembered<T>(key: string | null, initial: T | (() => T)): [T, Dispatch<SetStateAction<T>>] {
  const services = useServices();
  let store = memory.get(services);
  if (!store) memory.set(services, (store = new Map()));
  const saved = store;
  const [value, setValue] = useState<T>(() =>
    key !== null && saved.has(key) ? (saved.get(key) as T) : typeof initial === 'function' ? (initial as () => T)() : initial,
  );
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) =>
      setValue((prev) => {
        const v = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
        if (key !== null) saved.set(key, v);
        return v;
      }),
    [saved, key],
  );
  return [value, set];
}
