import { useState } from 'react';

import type { ApiErrorBody } from '../../../common/stream.js';
import { errorBody } from './errorBody.js';

/** One user action (sign in, save…): `busy` while it runs; what it threw, as the API's error body, in `failure`. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiErrorBody | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (error) {
      setFailure(errorBody(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, setFailure, run };
}
