/** RegistryClient over real sockets on loopback: redirects, Basic auth, retries, shared token requests. */
import * as http from 'http';
import { AddressInfo } from 'net';
import { RegistryClient } from '../../../src/registry/client';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function serve(
  handler: Handler,
  address = '127.0.0.1'
): Promise<{ host: string; seen: http.IncomingHttpHeaders[]; close: () => void }> {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    handler(req, res);
  });
  await new Promise<void>(r => server.listen(0, address, r));
  return { host: `${address}:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

const BLOB = Buffer.from('hello');
const BLOB_DIGEST = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const noSleep = { sleep: () => Promise.resolve() };

test('Authorization is not forwarded when a blob redirects to another host', async () => {
  const storage = await serve((_req, res) => res.writeHead(200).end(BLOB));
  const registry = await serve((req, res) => {
    if (req.headers.authorization !== 'Basic ' + Buffer.from('u:p').toString('base64')) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
      return;
    }
    res.writeHead(307, { Location: `http://${storage.host}/blob-store/x` }).end();
  });
  try {
    const client = new RegistryClient({ credentials: () => Promise.resolve({ username: 'u', password: 'p' }), ...noSleep });
    expect(await client.getBlob(registry.host, 'a/b', BLOB_DIGEST)).toEqual(BLOB);
    expect(registry.seen.at(-1)?.authorization).toMatch(/^Basic /);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0].authorization).toBeUndefined();
  } finally {
    storage.close();
    registry.close();
  }
});

test('408, 429 and 502 are retried; a 404 is not', async () => {
  const statuses = [408, 429, 502];
  const registry = await serve((req, res) => {
    const s = statuses.shift();
    if (s) res.writeHead(s, s === 429 ? { 'Retry-After': '0' } : {}).end();
    else if (req.url?.includes('missing')) res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
    else res.writeHead(200).end(BLOB);
  });
  try {
    const client = new RegistryClient(noSleep);
    expect(await client.getBlob(registry.host, 'a/b', BLOB_DIGEST)).toEqual(BLOB);
    const before = registry.seen.length;
    await expect(client.getBlob(registry.host, 'a/missing', BLOB_DIGEST)).rejects.toThrow(
      `registry ${registry.host}, repository a/missing: HTTP 404: GET blobs/${BLOB_DIGEST}: BLOB_UNKNOWN blob unknown`
    );
    expect(registry.seen.length - before).toBe(1);
  } finally {
    registry.close();
  }
});

test('retries stop after the configured attempts', async () => {
  const registry = await serve((_req, res) => res.writeHead(503).end());
  try {
    const client = new RegistryClient({ retry: { attempts: 3 }, ...noSleep });
    await expect(client.getBlob(registry.host, 'a/b', BLOB_DIGEST)).rejects.toThrow(/HTTP 503/);
    expect(registry.seen).toHaveLength(3);
  } finally {
    registry.close();
  }
});

test('a blob whose bytes do not match its digest is refused', async () => {
  const registry = await serve((_req, res) => res.writeHead(200).end('tampered'));
  try {
    await expect(new RegistryClient(noSleep).getBlob(registry.host, 'a/b', BLOB_DIGEST)).rejects.toThrow(/failed verification/);
  } finally {
    registry.close();
  }
});

test('a Bearer token is masked, reused until it expires, then renewed', async () => {
  const core = await import('@actions/core');
  const masked = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
  let issued = 0;
  const tokens = await serve((_req, res) => res.writeHead(200).end(JSON.stringify({ token: `tok-${++issued}`, expires_in: 11 })));
  const registry = await serve((req, res) => {
    if (!req.headers.authorization?.startsWith('Bearer tok-')) {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` }).end();
      return;
    }
    res.writeHead(200).end(BLOB);
  });
  try {
    const client = new RegistryClient({ credentials: () => Promise.resolve({ username: 'u', password: 'p' }), ...noSleep });
    await client.getBlob(registry.host, 'a/b', BLOB_DIGEST);
    await client.getBlob(registry.host, 'a/b', BLOB_DIGEST);
    expect(issued).toBe(1);
    expect(masked).toHaveBeenCalledWith('tok-1');
    await new Promise(r => setTimeout(r, 1100)); // lifetime: expires_in minus a 10 s margin
    await client.getBlob(registry.host, 'a/b', BLOB_DIGEST);
    expect(issued).toBe(2);
    expect(masked).toHaveBeenCalledWith('tok-2');
  } finally {
    masked.mockRestore();
    tokens.close();
    registry.close();
  }
});

describe('plain HTTP only where allowed', () => {
  // 0.0.0.0 reaches this machine's listeners but is not a loopback name: it stands in for a
  // registry on the network. A plain-HTTP registry there that wants Basic credentials:
  const wantsBasic: Handler = (req, res) => {
    if (req.headers.authorization === 'Basic ' + Buffer.from('u:p').toString('base64')) res.writeHead(200).end(BLOB);
    else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
  };
  const credentials = () => Promise.resolve({ username: 'u', password: 'p' });
  const oneTry = { retry: { attempts: 1 }, ...noSleep };

  test('a host not marked http = true (e.g. insecure = true) is never downgraded, so no credential goes out in clear', async () => {
    const registry = await serve(wantsBasic, '0.0.0.0');
    try {
      const client = new RegistryClient({ credentials, plainHttpHosts: [], ...oneTry });
      await expect(client.getBlob(registry.host, 'a/b', BLOB_DIGEST)).rejects.toThrow(/registry 0\.0\.0\.0:\d+/);
      expect(registry.seen).toEqual([]);
    } finally {
      registry.close();
    }
  });

  test('a host marked http = true is spoken to over plain HTTP, credentials included', async () => {
    const registry = await serve(wantsBasic, '0.0.0.0');
    try {
      const client = new RegistryClient({ credentials, plainHttpHosts: [registry.host], ...oneTry });
      expect(await client.getBlob(registry.host, 'a/b', BLOB_DIGEST)).toEqual(BLOB);
      expect(registry.seen.at(-1)?.authorization).toMatch(/^Basic /);
      // Its scheme is known: no TLS probe, just the challenge and the authorised request.
      expect(client.requests).toBe(2);
    } finally {
      registry.close();
    }
  });
});
