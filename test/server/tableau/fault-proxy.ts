/**
 * A TCP proxy (node:net) in front of the simulator that breaks ONE kind of answer the way a network
 * or a Tableau limit does: after `afterBytes` bytes of the answer to a request whose request line
 * matches `match`, it
 *   - cut:   closes the connection (FIN) — what a server that stops an export looks like;
 *   - reset: resets it (RST, socket.resetAndDestroy);
 *   - stall: stops forwarding but keeps the socket open (no byte, no close).
 * Everything else passes through untouched. A fault hits once (the next matching request passes).
 */
import net, { type AddressInfo, type Socket } from 'node:net';

interface Fault {
  kind: 'cut' | 'reset' | 'stall';
  /** Matched against the request line, e.g. `POST /api/v1/vizql-data-service/query-datasource HTTP/1.1`. */
  match: RegExp;
  /** Bytes of the answer (status line and headers included) that still get through. */
  afterBytes: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Arm a fault for the next matching request (replaces any armed one). */
  arm(fault: Fault): void;
  /** How many faults fired. */
  fired(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let armed: Fault | undefined;
  let fired = 0;
  const sockets = new Set<Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let active: { fault: Fault; sent: number } | undefined;
    // Once a fault fired, this connection's end is the fault's business (no FIN before an RST).
    let stalled = false;
    let broken = false;
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (!stalled && !broken) client.end();
    });
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);

    client.on('data', (chunk: Buffer) => {
      // Requests on one connection are sequential (no pipelining from Node's agent): a request line
      // at the start of a chunk begins a new request.
      const line = /^[A-Z]+ \S+ HTTP\/1\.[01]/.exec(chunk.subarray(0, 2048).toString('latin1'))?.[0];
      if (line && armed && armed.match.test(line)) {
        active = { fault: armed, sent: 0 };
        armed = undefined;
      }
      upstream.write(chunk);
    });

    upstream.on('data', (chunk: Buffer) => {
      if (stalled || broken) return;
      if (!active) {
        client.write(chunk);
        return;
      }
      const room = active.fault.afterBytes - active.sent;
      if (chunk.length < room) {
        active.sent += chunk.length;
        client.write(chunk);
        return;
      }
      const { kind } = active.fault;
      active = undefined;
      fired++;
      broken = true;
      client.write(chunk.subarray(0, room), () => {
        if (kind === 'cut') {
          client.end();
          upstream.destroy();
        } else if (kind === 'reset') {
          // Not from inside the write callback: there Node closes with a FIN instead (seen on Node 20).
          setTimeout(() => {
            client.resetAndDestroy();
            upstream.destroy();
          }, 20);
        }
      });
      if (kind === 'stall') {
        // Tableau goes quiet: nothing more is forwarded, the socket stays open.
        stalled = true;
        upstream.pause();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arm: (fault) => {
      armed = fault;
    },
    fired: () => fired,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
