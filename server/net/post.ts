/**
 * One JSON POST through the given agents (a team server's guarded ones, guard.ts), answering the
 * status only. node:http rather than fetch: Node's fetch (undici) takes no `agent` and so no
 * connect-time `lookup` (https://nodejs.org/api/globals.html#fetch). No redirect is followed: a
 * redirect could carry the payload somewhere its owner did not name.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostAgents {
  http: http.Agent;
  https: https.Agent;
}

export function postJson(url: string, body: string, agents: PostAgents, signal: AbortSignal): Promise<number> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal,
      },
      (response) => {
        // The receiver's answer is not read: only its status matters.
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
