/**
 * Which of the server's connections are serving a request right now, so that stopping can end the
 * others at once. Node's server.close() waits for every connection it does not consider idle, and
 * a socket a browser opened ahead of time (Chromium preconnects) or kept after its last response is
 * not idle to it until headersTimeout (60 s) — one open task pane made stopping wait for the 1.5 s
 * grace every time. A socket with no request in flight loses nothing when it is closed (RFC 9112
 * §9.6: either side may close an idle persistent connection at any time); the others keep their
 * grace period (main.ts CLOSE_GRACE_MS).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

export interface ConnectionTracker {
  /** Destroy every connection with no request in flight; returns how many. */
  closeIdle(): number;
}

export function trackConnections(server: Server): ConnectionTracker {
  const open = new Set<Socket>();
  const inFlight = new Map<Socket, number>();
  // With TLS, requests carry the TLSSocket, which 'secureConnection' announces ('connection' gives the TCP socket).
  const event = server instanceof TlsServer ? 'secureConnection' : 'connection';
  server.on(event, (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      inFlight.delete(socket);
    });
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      if (left > 0) inFlight.set(socket, left);
      else inFlight.delete(socket);
    });
  });
  return {
    closeIdle() {
      let closed = 0;
      for (const socket of open) {
        if (inFlight.has(socket)) continue;
        socket.destroy();
        closed++;
      }
      return closed;
    },
  };
}
