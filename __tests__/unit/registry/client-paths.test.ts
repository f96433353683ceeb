/** RegistryClient over real sockets on loopback: a manifest that may not exist, a redirected manifest PUT, and HEAD of a manifest. */
import * as core from '@actions/core';
import * as http from 'http';
import { AddressInfo } from 'net';
import { sha256Digest } from '../../../src/oci/digest';
import { RegistryClient } from '../../../src/registry/client';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

/** A server on 127.0.0.1 that records every request with its full body before answering. */
async function serve(handler: Handler): Promise<{ host: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>(r => server.close(() => r()))
  };
}

const noSleep = { sleep: () => Promise.resolve() };
const BASIC = 'Basic ' + Buffer.from('u:p').toString('base64');
const credentials = () => Promise.resolve({ username: 'u', password: 'p' });

beforeEach(() => {
  jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('findManifest and getManifest', () => {
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }));
  const digest = sha256Digest(index);
  const answer: Handler = (req, res) => {
    if (req.url === '/v2/team/app/manifests/1.0') res.writeHead(200, { 'Docker-Content-Digest': digest }).end(index);
    else res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
  };

  test('a tag that exists: its bytes, digest and media type', async () => {
    const registry = await serve(answer);
    try {
      const m = await new RegistryClient(noSleep).findManifest(registry.host, 'team/app', '1.0');
      expect(m && { digest: m.digest, mediaType: m.mediaType, bytes: m.bytes.equals(index) }).toEqual({
        digest,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        bytes: true
      });
    } finally {
      await registry.close();
    }
  });

  test('a tag that does not exist: findManifest answers undefined, getManifest throws naming it; one request each, no retry', async () => {
    const registry = await serve(answer);
    try {
      const client = new RegistryClient(noSleep);
      expect(await client.findManifest(registry.host, 'team/app', 'missing')).toBeUndefined();
      await expect(client.getManifest(registry.host, 'team/app', 'missing')).rejects.toThrow(
        `registry ${registry.host}, repository team/app: HTTP 404: manifest missing not found`
      );
      expect(registry.seen.map(s => `${s.method} ${s.url}`)).toEqual([
        'GET /v2/team/app/manifests/missing',
        'GET /v2/team/app/manifests/missing'
      ]);
    } finally {
      await registry.close();
    }
  });
});

test('a manifest PUT redirected (307) to another host keeps its body and Content-Type, and leaves Authorization behind', async () => {
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] }));
  const digest = sha256Digest(index);
  const storage = await serve((_req, res) => res.writeHead(201, { 'Docker-Content-Digest': digest }).end());
  const registry = await serve((req, res) => {
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
      return;
    }
    res.writeHead(307, { Location: `http://${storage.host}/store/team/app/manifests/1.0?sig=abc` }).end();
  });
  try {
    const client = new RegistryClient({ credentials, ...noSleep });
    const mediaType = 'application/vnd.oci.image.index.v1+json';
    expect(await client.putManifest(registry.host, 'team/app', '1.0', index, mediaType)).toBe(digest);
    expect(registry.seen.map(s => [s.method, s.url, s.headers.authorization])).toEqual([
      ['PUT', '/v2/team/app/manifests/1.0', undefined],
      ['PUT', '/v2/team/app/manifests/1.0', BASIC]
    ]);
    expect(storage.seen).toHaveLength(1);
    const [moved] = storage.seen;
    expect(moved.method).toBe('PUT');
    expect(moved.url).toBe('/store/team/app/manifests/1.0?sig=abc');
    expect(moved.headers.authorization).toBeUndefined();
    expect(moved.headers['content-type']).toBe(mediaType);
    expect(moved.body.equals(index)).toBe(true);
  } finally {
    await storage.close();
    await registry.close();
  }
});

describe('hasManifest', () => {
  const DIGEST = `sha256:${'c'.repeat(64)}`;

  test.each([
    [200, true],
    [404, false]
  ])('HEAD answered %i → %s', async (status, expected) => {
    const registry = await serve((_req, res) => res.writeHead(status).end());
    try {
      const client = new RegistryClient({ retry: { attempts: 2 }, ...noSleep });
      expect(await client.hasManifest(registry.host, 'team/app', DIGEST)).toBe(expected);
      expect(registry.seen).toHaveLength(1);
      expect(registry.seen[0].method).toBe('HEAD');
      expect(registry.seen[0].url).toBe(`/v2/team/app/manifests/${DIGEST}`);
      expect(registry.seen[0].headers.accept).toContain('application/vnd.oci.image.index.v1+json');
    } finally {
      await registry.close();
    }
  });

  test('HEAD answered 500 every time: retried, then an error naming registry, repository and status', async () => {
    const registry = await serve((_req, res) => res.writeHead(500).end());
    try {
      const client = new RegistryClient({ retry: { attempts: 2 }, ...noSleep });
      await expect(client.hasManifest(registry.host, 'team/app', DIGEST)).rejects.toThrow(
        `registry ${registry.host}, repository team/app: HTTP 500: HEAD manifests/${DIGEST}: no details`
      );
      expect(registry.seen.map(s => s.method)).toEqual(['HEAD', 'HEAD']);
    } finally {
      await registry.close();
    }
  });
});
