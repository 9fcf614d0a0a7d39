/**
 * A throwaway nginx in front of the cluster test's instances: deploy/nginx/companion.conf as it is
 * shipped, with only its upstream ports, listen address and certificate paths replaced (each
 * replacement must match exactly once, so the file cannot drift from what is tested), inside a
 * minimal main config of its own (temp dirs, pid and logs in a temp directory; no system service).
 * Missing nginx skips the test locally and fails it in CI (CI=true or REQUIRE_NGINX=1; .ci/run
 * installs Debian's nginx-light), as the PostgreSQL tests do (test/support/postgres-global.ts).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const NGINX_CONF = 'deploy/nginx/companion.conf';

const truthy = (v: string | undefined) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase());

/** The nginx binary, or why there is none (throws where nginx is required). */
export function findNginx(): { bin: string | null; reason: string } {
  let bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? null;
  if (!bin) {
    try {
      bin = execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim() || null;
    } catch {
      bin = null; // `command -v` exits 1 when there is none
    }
  }
  if (bin) return { bin, reason: '' };
  const reason = 'nginx is not installed (Debian: apt-get install nginx-light)';
  if (truthy(process.env.REQUIRE_NGINX) || (truthy(process.env.CI) && process.env.REQUIRE_NGINX === undefined)) {
    throw new Error(`nginx is required for this run (REQUIRE_NGINX or CI) but ${reason}`);
  }
  return { bin: null, reason };
}

function replaceOnce(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`${NGINX_CONF}: expected exactly one "${from}", found ${count}`);
  return text.replace(from, to);
}

/** The shipped site config with the test's ports and certificate files. */
function renderSiteConfig(template: string, o: { upstreamPorts: number[]; listenPort: number; certFile: string; keyFile: string }): string {
  // The shipped file lists three instances, as the test runs three.
  if (o.upstreamPorts.length !== 3) throw new Error('three instances, as in the shipped file');
  let text = template;
  o.upstreamPorts.forEach((port, i) => (text = replaceOnce(text, `server 127.0.0.1:${3101 + i} `, `server 127.0.0.1:${port} `)));
  text = replaceOnce(text, 'listen 443 ssl;', `listen 127.0.0.1:${o.listenPort} ssl;`);
  text = replaceOnce(text, '/etc/ssl/companion/fullchain.pem', o.certFile);
  return replaceOnce(text, '/etc/ssl/companion/privkey.pem', o.keyFile);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface Nginx {
  port: number;
  stderr(): string;
  stop(): Promise<void>;
}

export async function startNginx(bin: string, dir: string, o: { upstreamPorts: number[]; cert: string; key: string }): Promise<Nginx> {
  const port = await freePort();
  const certFile = join(dir, 'fullchain.pem');
  const keyFile = join(dir, 'privkey.pem');
  writeFileSync(certFile, o.cert);
  writeFileSync(keyFile, o.key, { mode: 0o600 });
  writeFileSync(
    join(dir, 'companion.conf'),
    renderSiteConfig(readFileSync(NGINX_CONF, 'utf8'), { ...o, listenPort: port, certFile, keyFile }),
  );
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t), { recursive: true });
  // Workers of a master started as root switch to `user` (default nobody), who could not use the
  // temp dirs made here (https://nginx.org/en/docs/ngx_core_module.html#user).
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `    ${t}_temp_path ${join(dir, t === 'client_body' ? 'body' : t)};`)
    .join('\n');
  const main = `${user}worker_processes 1;\nevents { worker_connections 256; }\nhttp {\n    access_log off;\n${temp}\n    include ${join(dir, 'companion.conf')};\n}\n`;
  writeFileSync(join(dir, 'nginx.conf'), main);
  const child: ChildProcess = spawn(
    bin,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', `daemon off; pid ${join(dir, 'nginx.pid')}; error_log stderr;`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Up when it accepts connections on its port.
  const end = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    if (await accepts(port)) break;
    if (Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not listen on ${port}: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
