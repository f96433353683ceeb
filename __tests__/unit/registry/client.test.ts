/**
 * The distribution client: its retry and challenge parsing, then over real sockets on loopback
 * (one test server): redirects, Basic and Bearer auth, retries, plain HTTP only where allowed,
 * manifests that may not exist, a redirected manifest PUT, and HEAD of a manifest.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import { sha256Digest } from '../../../src/oci/digest';
import { Repo } from '../../../src/oci/reference';
import { RegistryClient, mergeScopes, parseChallenge, retryDelay } from '../../../src/registry/client';
import { RegistryStandin, StandinOptions } from '../registry-standin';
import { Handler, serve } from '../test-server';

const noSleep = { sleep: () => Promise.resolve() };
const BASIC = 'Basic ' + Buffer.from('u:p').toString('base64');
const credentials = () => Promise.resolve({ username: 'u', password: 'p' });

beforeEach(() => {
  jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 };

// Whichever concurrent request is challenged first names the access in its own order.
describe('mergeScopes', () => {
  test.each([
    [['repository:a:pull,push', 'repository:a:push,pull'], ['repository:a:pull,push']],
    [
      ['repository:t:pull,push repository:s:pull', 'repository:t:push,pull'],
      ['repository:t:pull,push', 'repository:s:pull']
    ],
    [['repository:a:pull', 'repository:a:push'], ['repository:a:pull,push']],
    [['repository:a:pull', ''], ['repository:a:pull']],
    [
      ['repository(plugin):a/b:pull', 'registry:catalog:*'],
      ['repository(plugin):a/b:pull', 'registry:catalog:*']
    ]
  ])('%j → %j', (lists, merged) => {
    expect(mergeScopes(...lists)).toEqual(merged);
  });
});

describe('retryDelay', () => {
  test.each([
    ['exponential', 0, null, 100],
    ['doubles', 3, null, 800],
    ['capped', 10, null, 2000],
    ['Retry-After seconds', 0, '1', 1000],
    ['Retry-After honoured beyond the backoff cap', 0, '30', 30_000],
    ['Retry-After longer than the policy waits', 0, '120', -1],
    ['Retry-After date', 0, new Date(1_000_000 + 1500).toUTCString(), 1000]
  ])('%s', (_name, attempt, header, expected) => {
    expect(retryDelay(attempt, header, policy, 1_000_000)).toBe(expected);
  });
});

test('parseChallenge', () => {
  expect(parseChallenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"')).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull' }
  });
  expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
});

const BLOB = Buffer.from('hello');
const BLOB_DIGEST = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';

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
    expect(await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).toEqual(BLOB);
    expect(registry.seen.at(-1)?.headers.authorization).toMatch(/^Basic /);
    expect(storage.seen).toHaveLength(1);
    expect(storage.seen[0].headers.authorization).toBeUndefined();
  } finally {
    await storage.close();
    await registry.close();
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
    expect(await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).toEqual(BLOB);
    const before = registry.seen.length;
    await expect(client.getBlob({ registry: registry.host, repository: 'a/missing' }, BLOB_DIGEST)).rejects.toThrow(
      `registry ${registry.host}, repository a/missing: HTTP 404: GET blobs/${BLOB_DIGEST}: BLOB_UNKNOWN blob unknown`
    );
    expect(registry.seen.length - before).toBe(1);
  } finally {
    await registry.close();
  }
});

test('retries stop after the configured attempts', async () => {
  const registry = await serve((_req, res) => res.writeHead(503).end());
  try {
    const client = new RegistryClient({ retry: { attempts: 3 }, ...noSleep });
    await expect(client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).rejects.toThrow(/HTTP 503/);
    expect(registry.seen).toHaveLength(3);
  } finally {
    await registry.close();
  }
});

test('a blob whose bytes do not match its digest is refused', async () => {
  const registry = await serve((_req, res) => res.writeHead(200).end('tampered'));
  try {
    await expect(new RegistryClient(noSleep).getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).rejects.toThrow(
      /failed verification/
    );
  } finally {
    await registry.close();
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
    await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST);
    await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST);
    expect(issued).toBe(1);
    expect(masked).toHaveBeenCalledWith('tok-1');
    await new Promise(r => setTimeout(r, 1100)); // lifetime: expires_in minus a 10 s margin
    await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST);
    expect(issued).toBe(2);
    expect(masked).toHaveBeenCalledWith('tok-2');
  } finally {
    masked.mockRestore();
    await tokens.close();
    await registry.close();
  }
});

describe('plain HTTP only where allowed', () => {
  // 0.0.0.0 reaches this machine's listeners but is not a loopback name: it stands in for a
  // registry on the network. A plain-HTTP registry there that wants Basic credentials:
  const wantsBasic: Handler = (req, res) => {
    if (req.headers.authorization === 'Basic ' + Buffer.from('u:p').toString('base64')) res.writeHead(200).end(BLOB);
    else res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
  };
  const oneTry = { retry: { attempts: 1 }, ...noSleep };

  test('a host not marked http = true (e.g. insecure = true) is never downgraded, so no credential goes out in clear', async () => {
    const registry = await serve(wantsBasic, '0.0.0.0');
    try {
      const client = new RegistryClient({ credentials, plainHttpHosts: [], ...oneTry });
      await expect(client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).rejects.toThrow(/registry 0\.0\.0\.0:\d+/);
      expect(registry.seen).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  test('a host marked http = true is spoken to over plain HTTP, credentials included', async () => {
    const registry = await serve(wantsBasic, '0.0.0.0');
    try {
      const client = new RegistryClient({ credentials, plainHttpHosts: [registry.host], ...oneTry });
      expect(await client.getBlob({ registry: registry.host, repository: 'a/b' }, BLOB_DIGEST)).toEqual(BLOB);
      expect(registry.seen.at(-1)?.headers.authorization).toMatch(/^Basic /);
      // Its scheme is known: no TLS probe, just the challenge and the authorised request.
      expect(client.requests).toBe(2);
    } finally {
      await registry.close();
    }
  });
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
      const m = await new RegistryClient(noSleep).findManifest({ registry: registry.host, repository: 'team/app' }, '1.0');
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
      expect(await client.findManifest({ registry: registry.host, repository: 'team/app' }, 'missing')).toBeUndefined();
      await expect(client.getManifest({ registry: registry.host, repository: 'team/app' }, 'missing')).rejects.toThrow(
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
    expect(await client.putManifest({ registry: registry.host, repository: 'team/app' }, '1.0', index, mediaType)).toBe(digest);
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
      expect(await client.hasManifest({ registry: registry.host, repository: 'team/app' }, DIGEST)).toBe(expected);
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
      await expect(client.hasManifest({ registry: registry.host, repository: 'team/app' }, DIGEST)).rejects.toThrow(
        `registry ${registry.host}, repository team/app: HTTP 500: HEAD manifests/${DIGEST}: no details`
      );
      expect(registry.seen.map(s => s.method)).toEqual(['HEAD', 'HEAD']);
    } finally {
      await registry.close();
    }
  });
});

test("a 401 from another host (a redirect target) is not answered with the registry's credentials", async () => {
  const thief = await serve((req, res) => {
    if (req.url.startsWith('/token')) res.writeHead(200).end('{"token":"x"}');
    else res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${thief.host}/token",service="s"` }).end();
  });
  const registry = await serve((_req, res) => res.writeHead(307, { Location: `http://${thief.host}/blob` }).end());
  try {
    const client = new RegistryClient({ credentials, ...noSleep });
    await expect(client.getBlob({ registry: registry.host, repository: 'a/b' }, `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
      `${thief.host} asked for authentication; only ${registry.host} gets this registry's credentials`
    );
    // The thief's token realm was never asked, so no Basic credentials went there.
    expect(thief.seen.map(s => s.url)).toEqual(['/blob']);
  } finally {
    await thief.close();
    await registry.close();
  }
});

test('127.evil.example is no loopback host: never spoken to over plain HTTP', async () => {
  const client = new RegistryClient({ retry: { attempts: 1 }, ...noSleep });
  await expect(client.getBlob({ registry: '127.evil.example:1', repository: 'a/b' }, `sha256:${'a'.repeat(64)}`)).rejects.toThrow(
    /registry 127\.evil\.example:1/
  );
  // HTTPS from the start: no TLS probe, which a loopback host gets before plain HTTP is allowed.
  expect(client.requests).toBe(1);
});

test('a mount asks for a token that may also pull the source repository', async () => {
  const scopes: string[][] = [];
  const tokens = await serve((req, res) => {
    scopes.push(new URL(req.url, 'http://x').searchParams.getAll('scope'));
    res.writeHead(200).end(JSON.stringify({ token: 'tok', expires_in: 300 }));
  });
  const registry = await serve((req, res) => {
    if (!req.headers.authorization) {
      res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${tokens.host}/token",service="s"` }).end();
      return;
    }
    if (req.method === 'HEAD') res.writeHead(404).end();
    else res.writeHead(201).end();
  });
  try {
    const client = new RegistryClient({ credentials, ...noSleep });
    const to = { registry: registry.host, repository: 'team/mirror' };
    const blob = { digest: `sha256:${'a'.repeat(64)}`, size: 1 };
    expect(await client.copyBlob({ registry: registry.host, repository: 'team/app' }, to, blob)).toBe('mounted');
    expect(scopes).toContainEqual(['repository:team/mirror:pull,push', 'repository:team/app:pull']);
  } finally {
    await tokens.close();
    await registry.close();
  }
});

describe('the operations a promotion uses, against an in-process registry stand-in', () => {
  const layer = crypto.randomBytes(300_000);
  const layerBlob = { digest: sha256Digest(layer), size: layer.length };
  let source: RegistryStandin;
  let target: RegistryStandin;

  afterEach(async () => {
    await source?.close();
    await target?.close();
  });

  async function twoRegistries(o: StandinOptions = {}): Promise<{ client: RegistryClient; from: Repo; to: Repo }> {
    source = await RegistryStandin.start();
    target = await RegistryStandin.start(o);
    source.repo('team/app').blobs.set(layerBlob.digest, layer);
    const client = new RegistryClient(noSleep);
    return { client, from: { registry: source.host, repository: 'team/app' }, to: { registry: target.host, repository: 'prod/app' } };
  }

  test('a blob is streamed to another registry: the GET body goes out as one PATCH with its Content-Length, then PUT with the digest', async () => {
    const { client, from, to } = await twoRegistries();
    const counted: number[] = [];
    expect(await client.copyBlob(from, to, layerBlob, n => counted.push(n))).toBe('uploaded');
    expect(target.repo('prod/app').blobs.get(layerBlob.digest)?.equals(layer)).toBe(true);
    expect(target.seen.map(s => s.replace(/uploads\/[\w-]+/, 'uploads/ID'))).toEqual([
      `HEAD /v2/prod/app/blobs/${layerBlob.digest}`,
      'POST /v2/prod/app/blobs/uploads/',
      `PATCH /v2/prod/app/blobs/uploads/ID (${layer.length} bytes)`,
      'PUT /v2/prod/app/blobs/uploads/ID'
    ]);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(layer.length);
    expect(counted.length).toBeGreaterThan(1);
  });

  test('a blob the target holds is not sent again', async () => {
    const { client, from, to } = await twoRegistries();
    target.repo('prod/app').blobs.set(layerBlob.digest, layer);
    expect(await client.copyBlob(from, to, layerBlob)).toBe('present');
    expect(source.seen).toEqual([]);
  });

  test('a connection cut during the upload: a fresh upload, with the source opened again, and the bytes counted once', async () => {
    let cuts = 1;
    const { client, from, to } = await twoRegistries({
      fault: (method: string) => (method === 'PATCH' && cuts-- > 0 ? 'reset' : undefined)
    });
    let total = 0;
    expect(await client.copyBlob(from, to, layerBlob, n => (total += n))).toBe('uploaded');
    expect(target.repo('prod/app').blobs.get(layerBlob.digest)?.equals(layer)).toBe(true);
    expect(target.seen.filter(s => s.startsWith('POST'))).toHaveLength(2);
    expect(source.seen.filter(s => s.startsWith('GET'))).toHaveLength(2);
    expect(total).toBe(layer.length);
  });

  test('a digest the target refuses (400) fails at once, naming the registry', async () => {
    const { client, from, to } = await twoRegistries({ fault: (method: string) => (method === 'PUT' ? 400 : undefined) });
    await expect(client.copyBlob(from, to, layerBlob)).rejects.toThrow(`registry ${target.host}, repository prod/app: HTTP 400`);
    expect(target.seen.filter(s => s.startsWith('POST'))).toHaveLength(1);
  });

  test('on the same registry the blob is mounted from the source repository, nothing streamed', async () => {
    const { client, from } = await twoRegistries();
    const to = { registry: source.host, repository: 'team/mirror' };
    expect(await client.copyBlob(from, to, layerBlob)).toBe('mounted');
    expect(source.repo('team/mirror').blobs.get(layerBlob.digest)?.equals(layer)).toBe(true);
    expect(source.seen.filter(s => s.startsWith('GET') || s.startsWith('PATCH'))).toEqual([]);
  });

  test('listTags follows the Link header through every page; an unknown repository has none', async () => {
    const { client, to } = await twoRegistries({ pageSize: 2 });
    for (const t of ['a', 'b', 'c', 'd', 'e']) target.repo('prod/app').manifests.set(t, { bytes: Buffer.from('{}'), mediaType: 'x' });
    expect(await client.listTags(to)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(target.seen.filter(s => s.includes('tags/list'))).toHaveLength(3);
    expect(await client.listTags({ ...to, repository: 'none/here' })).toEqual([]);
  });

  test('referrers: the API index where the registry has one, undefined (fall back to the tag) where it answers 404', async () => {
    const { client, from, to } = await twoRegistries({ referrersApi: true });
    const subject = `sha256:${'1'.repeat(64)}`;
    const sig = Buffer.from(
      JSON.stringify({ schemaVersion: 2, artifactType: 'application/vnd.example.sig', subject: { digest: subject }, layers: [] })
    );
    const mediaType = 'application/vnd.oci.image.manifest.v1+json';
    expect(await client.putReferrer(to, { bytes: sig, digest: sha256Digest(sig), mediaType })).toBe(true);
    expect(await client.listReferrers(to, subject)).toEqual([
      { mediaType, digest: sha256Digest(sig), size: sig.length, artifactType: 'application/vnd.example.sig' }
    ]);
    expect(await client.listReferrers(from, subject)).toBeUndefined();
    expect(await client.putReferrer(from, { bytes: sig, digest: sha256Digest(sig), mediaType })).toBe(false);
  });
});

test('a source that breaks off mid-blob: the copy starts over from a fresh upload, and the blob arrives whole', async () => {
  const layer = crypto.randomBytes(200_000);
  const blob = { digest: sha256Digest(layer), size: layer.length };
  let truncations = 1;
  const source = await RegistryStandin.start({
    fault: (method, path) => (method === 'GET' && path.includes('/blobs/') && truncations-- > 0 ? 'truncate' : undefined)
  });
  const target = await RegistryStandin.start();
  try {
    source.repo('team/app').blobs.set(blob.digest, layer);
    const client = new RegistryClient(noSleep);
    const to = { registry: target.host, repository: 'prod/app' };
    expect(await client.copyBlob({ registry: source.host, repository: 'team/app' }, to, blob)).toBe('uploaded');
    expect(target.repo('prod/app').blobs.get(blob.digest)?.equals(layer)).toBe(true);
    expect(source.seen.filter(s => s.startsWith('GET'))).toHaveLength(2);
    expect(target.seen.filter(s => s.startsWith('POST'))).toHaveLength(2);
  } finally {
    await source.close();
    await target.close();
  }
});

describe('putBlob and listReferrers', () => {
  const repo = (host: string) => ({ registry: host, repository: 'team/app' });

  test('a blob is uploaded in one session: POST, then PUT of its bytes with the digest', async () => {
    const bytes = Buffer.from('{"payload":1}');
    const registry = await serve((req, res) => {
      if (req.method === 'POST') res.writeHead(202, { Location: '/v2/team/app/blobs/uploads/u1?state=x' }).end();
      else res.writeHead(201).end();
    });
    try {
      expect(await new RegistryClient(noSleep).putBlob(repo(registry.host), bytes)).toBe(sha256Digest(bytes));
      const put = registry.seen.filter(s => s.method !== 'GET');
      expect(put.map(s => `${s.method} ${s.url}`)).toEqual([
        'POST /v2/team/app/blobs/uploads/',
        `PUT /v2/team/app/blobs/uploads/u1?state=x&digest=${encodeURIComponent(sha256Digest(bytes))}`
      ]);
      expect(put[1].body.equals(bytes)).toBe(true);
    } finally {
      await registry.close();
    }
  });

  test('the referrers API lists its descriptors; a 404 (distribution 2.8) means there is none', async () => {
    const listed = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: 'm', digest: 'sha256:1', size: 1, artifactType: 'a' }]
    };
    const registry = await serve((req, res) => {
      if (req.url.endsWith('sha256:aa'))
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' }).end(JSON.stringify(listed));
      else res.writeHead(404).end('404 page not found');
    });
    try {
      const client = new RegistryClient(noSleep);
      expect(await client.listReferrers(repo(registry.host), 'sha256:aa')).toEqual(listed.manifests);
      expect(await client.listReferrers(repo(registry.host), 'sha256:bb')).toBeUndefined();
    } finally {
      await registry.close();
    }
  });
});
