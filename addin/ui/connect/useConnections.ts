import { useCallback, useEffect, useState } from 'react';

import type { ConnectionInfo, ConnectRequest } from '../../../common/api.js';
import type { ApiErrorBody } from '../../../common/stream.js';
import { needsSignIn } from '../../api/errors.js';
import { useServices } from '../../app/services.js';
import { errorBody } from '../shared/errorBody.js';

export interface ConnectionsState {
  connections: ConnectionInfo[];
  current: ConnectionInfo | null;
  loading: boolean;
  error: ApiErrorBody | null;
  connect(request: ConnectRequest): Promise<ConnectionInfo>;
  select(id: string): void;
  signOut(id: string): Promise<void>;
  forget(id: string): Promise<void>;
}

/** The session's saved Tableau connections and which one the pane is using. */
export function useConnections(): ConnectionsState {
  const { api, refresh } = useServices();
  const [connections, setConnections] = useState<ConnectionInfo[]>([]);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiErrorBody | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.listConnections({ signal: controller.signal }).then(
      (list) => {
        setConnections(list);
        setCurrentId((id) => id ?? list[0]?.id ?? null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        const body = errorBody(failure);
        // An ended session (the companion server answers 'unauthorized' for a token it no longer
        // knows) is not an error to shout about on start-up: the Connect form is the answer.
        if (!needsSignIn(body)) setError(body);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api]);

  const connect = useCallback(
    async (request: ConnectRequest) => {
      const { connection } = await api.connect(request);
      setConnections((list) => [...list.filter((c) => c.id !== connection.id), connection]);
      setCurrentId(connection.id);
      setError(null);
      // Signed in to a site signed out of earlier: its tables' timers run again.
      refresh?.resumeConnection(connection);
      return connection;
    },
    [api, refresh],
  );

  // Sign out and Forget end the connection for the tables too: their refreshes stop (issue #21).
  const pause = useCallback(
    (id: string) => {
      const ended = connections.find((c) => c.id === id);
      if (ended) refresh?.pauseConnection(ended);
    },
    [connections, refresh],
  );

  const forget = useCallback(
    async (id: string) => {
      pause(id);
      await api.forgetConnection(id);
      setConnections((list) => list.filter((c) => c.id !== id));
      setCurrentId((cur) => (cur === id ? null : cur));
    },
    [api, pause],
  );

  const signOut = useCallback(
    async (id: string) => {
      pause(id);
      await api.signOut(id);
      setCurrentId((cur) => (cur === id ? null : cur));
    },
    [api, pause],
  );

  const select = useCallback(
    (id: string) => {
      setCurrentId(id);
      // Using a connection again is a sign-in by the analyst: its tables' timers run again.
      const chosen = connections.find((c) => c.id === id);
      if (chosen) refresh?.resumeConnection(chosen);
    },
    [connections, refresh],
  );

  const current = connections.find((c) => c.id === currentId) ?? null;
  return { connections, current, loading, error, connect, select, signOut, forget };
}
