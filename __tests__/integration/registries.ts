/**
 * Real registries (distribution's docker-registry) started by tests on their own ports: with
 * htpasswd Basic auth, TLS from a self-signed certificate, or Bearer tokens from a small token
 * server fixture; plus a fault-injecting proxy. Several may share one storage directory, so an
 * image pushed through an open registry is served by an authenticated one.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';

export interface RunningRegistry {
  host: string;
  stop: () => Promise<void>;
}

export interface RegistryOptions {
  /** Default: a free port chosen by the OS. */
  port?: number;
  storage: string;
  htpasswd?: { user: string; password: string };
  tls?: { cert: string; key: string };
  token?: { realm: string; service: string; issuer: string; rootCert: string };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A self-signed certificate for 127.0.0.1 (also usable to sign tokens). */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1'
    ],
    { stdio: 'ignore' }
  );
  return { cert, key };
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise(r => server.close(r));
  return port;
}

export async function startRegistry(o: RegistryOptions): Promise<RunningRegistry> {
  const dir = tempDir('registry-');
  const port = o.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log: { level: warn }',
    `storage: { filesystem: { rootdirectory: ${o.storage} }, delete: { enabled: true } }`
  ];
  lines.push(o.tls ? `http: { addr: "${host}", tls: { certificate: ${o.tls.cert}, key: ${o.tls.key} } }` : `http: { addr: "${host}" }`);
  if (o.htpasswd) {
    fs.writeFileSync(
      path.join(dir, 'htpasswd'),
      execFileSync('htpasswd', ['-Bbn', o.htpasswd.user, o.htpasswd.password], { encoding: 'utf8' })
    );
    lines.push(`auth: { htpasswd: { realm: test-realm, path: ${dir}/htpasswd } }`);
  }
  if (o.token) {
    lines.push(
      `auth: { token: { realm: "${o.token.realm}", service: ${o.token.service}, issuer: ${o.token.issuer}, rootcertbundle: ${o.token.rootCert} } }`
    );
  }
  fs.writeFileSync(path.join(dir, 'config.yml'), lines.join('\n'));
  const child: ChildProcess = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    host,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise(r => child.once('exit', r));
        child.kill();
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}) before listening on ${port}`);
    const ok = await new Promise<boolean>(resolve => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

function base64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/**
 * A token server for distribution's token auth: checks Basic credentials and grants the
 * requested repository scope in an RS256 JWT carrying the signing certificate (x5c).
 */
export async function startTokenServer(o: {
  cert: string;
  key: string;
  issuer: string;
  service: string;
  user: string;
  password: string;
}): Promise<{
  realm: string;
  requests: string[];
  stop: () => void;
}> {
  const der = new crypto.X509Certificate(fs.readFileSync(o.cert)).raw;
  const key = fs.readFileSync(o.key);
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.searchParams.getAll('scope').join(' '));
    const expected = 'Basic ' + Buffer.from(`${o.user}:${o.password}`).toString('base64');
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"bad credentials"}');
      return;
    }
    const access = (url.searchParams.getAll('scope') ?? []).map(s => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: actions.split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [der.toString('base64')] };
    const claims = {
      iss: o.issuer,
      sub: o.user,
      aud: o.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: crypto.randomUUID(),
      access
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = crypto.sign('RSA-SHA256', Buffer.from(signingInput), key);
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ token: `${signingInput}.${base64url(signature)}`, expires_in: 300 }));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { realm: `http://127.0.0.1:${port}/token`, requests, stop: () => server.close() };
}

export type Fault = '429' | '500' | '503' | 'reset';

/**
 * A proxy in front of a registry that answers the first requests with the given faults (429 with
 * Retry-After: 1, 500, 503, or a connection reset), or every request with 403 when `forbidden`.
 */
export async function startFaultProxy(
  target: string,
  o: { faults?: Fault[]; forbidden?: boolean }
): Promise<{ host: string; log: string[]; times: number[]; stop: () => void }> {
  const faults = [...(o.faults ?? [])];
  const log: string[] = [];
  const times: number[] = [];
  const [targetHost, targetPort] = target.split(':');
  const server = http.createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    times.push(Date.now());
    if (o.forbidden) {
      log.push(`403 ${line}`);
      res
        .writeHead(403, { 'Content-Type': 'application/json' })
        .end('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}');
      return;
    }
    const fault = faults.shift();
    log.push(`${fault ?? 'pass'} ${line}`);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault) {
      res.writeHead(Number(fault), fault === '429' ? { 'Retry-After': '1' } : {}).end();
      return;
    }
    const upstream = http.request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { host: `127.0.0.1:${port}`, log, times, stop: () => server.close() };
}

/**
 * A TLS front for a plain-HTTP registry, misconfigured the way such proxies can be: it turns
 * blob mounts into plain uploads and hands out upload Locations with `http://` on its own host
 * and port. That port speaks plain HTTP too, and every request that reaches it that way is
 * recorded with the Authorization it carried: a client that follows the Location as given sends
 * its credentials in clear.
 */
export async function startDowngradingTlsFront(
  target: string,
  certs: { cert: string; key: string }
): Promise<{ host: string; plainRequests: { line: string; authorization?: string }[]; stop: () => void }> {
  const plainRequests: { line: string; authorization?: string }[] = [];
  let host = '';
  const [targetHost, targetPort] = target.split(':');
  const forward = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST') url.searchParams.delete('mount');
    const upstream = http.request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: req.method,
        path: url.pathname + url.search,
        headers: { ...req.headers, host: target }
      },
      up => {
        const headers = { ...up.headers };
        if (typeof headers.location === 'string')
          headers.location = new URL(headers.location, `http://${host}`).toString().replace(/^https?:\/\/[^/]+/, `http://${host}`);
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      }
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };
  const plain = http.createServer((req, res) => {
    plainRequests.push({ line: `${req.method} ${req.url}`, authorization: req.headers.authorization });
    forward(req, res);
  });
  const secure = https.createServer({ cert: fs.readFileSync(certs.cert), key: fs.readFileSync(certs.key) }, forward);
  const server = net.createServer(socket => {
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return;
      socket.unshift(first);
      // A TLS record starts with 0x16 (handshake).
      (first[0] === 0x16 ? secure : plain).emit('connection', socket);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { host, plainRequests, stop: () => server.close() };
}

/**
 * A proxy in front of a registry that holds the first request whose `METHOD path` matches until
 * the test releases it: a run is stopped between the reads it made and the writes it is about to make.
 */
export async function startHoldingProxy(
  target: string,
  hold: RegExp
): Promise<{ host: string; arrived: Promise<void>; release: () => void; stop: () => void }> {
  const [targetHost, targetPort] = target.split(':');
  let arrive: () => void = () => undefined;
  let release: () => void = () => undefined;
  const arrived = new Promise<void>(r => (arrive = r));
  const released = new Promise<void>(r => (release = r));
  let holding = true;
  const server = http.createServer((req, res) => {
    const forward = (): void => {
      const upstream = http.request(
        { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
        up => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    if (holding && hold.test(`${req.method} ${req.url}`)) {
      holding = false;
      req.pause();
      arrive();
      void released.then(() => {
        req.resume();
        forward();
      });
      return;
    }
    forward();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, arrived, release, stop: () => server.close() };
}

/**
 * A proxy in front of a registry that lets the first `uploads` blob upload bodies (PATCH) through
 * and cuts every later one after `cutAfterBytes` of its body (a smaller one before its end),
 * connection and all: a copy interrupted part-way. `log` has `METHOD path` of every request and
 * `cut …` for each cut.
 */
export async function startUploadCuttingProxy(
  target: string,
  o: { uploads: number; cutAfterBytes: number }
): Promise<{ host: string; log: string[]; stop: () => void }> {
  const log: string[] = [];
  const [targetHost, targetPort] = target.split(':');
  let patches = 0;
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const cut = req.method === 'PATCH' && ++patches > o.uploads;
    const upstream = http.request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      up => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }
    );
    upstream.on('error', () => res.destroy());
    let forwarded = 0;
    const cutHere = (): void => {
      log.push(`cut ${req.url} after ${forwarded} bytes`);
      upstream.destroy();
      req.socket.destroy();
    };
    req.on('data', (chunk: Buffer) => {
      if (cut && forwarded + chunk.length > o.cutAfterBytes) return cutHere();
      forwarded += chunk.length;
      upstream.write(chunk);
    });
    req.on('end', () => (cut ? cutHere() : upstream.end()));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    stop: () => {
      server.closeAllConnections();
      server.close();
    }
  };
}
