/** The layer content check against a real HTTP registry on loopback serving images built here. */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { sha256Digest } from '../../../src/oci/digest';
import { EM } from '../../../src/oci/elf';
import { MEDIA_TYPES } from '../../../src/oci/manifest';
import { zstdDecompressor } from '../../../src/oci/tar';
import { RegistryClient } from '../../../src/registry/client';
import { checkImageContent } from '../../../src/registry/content';
import { inspectPublished } from '../../../src/registry/readback';
import { FixtureEntry, fakeElf, randomBytes, tarArchive } from '../oci/tar-fixture';

const REPO = 'team/app';
const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const TAR = 'application/vnd.oci.image.layer.v1.tar';
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const BIN = path.join(__dirname, '..', '..', 'fixtures', '.bin');

const ARM64 = fakeElf(EM.AARCH64);
const AMD64 = fakeElf(EM.X86_64);

interface Sent {
  total: number;
  sent: number;
  finished: boolean;
  closed: boolean;
}

/** A registry of manifests and blobs by digest; blobs are sent in 16 KiB writes that wait for the socket. */
class Registry {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  readonly sent = new Map<string, Sent>();
  host = '';
  private server?: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    this.host = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): void {
    this.server?.closeAllConnections();
    this.server?.close();
  }

  blob(bytes: Buffer): string {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  manifest(json: object): string {
    const bytes = Buffer.from(JSON.stringify(json));
    const digest = sha256Digest(bytes);
    this.manifests.set(digest, { bytes, mediaType: (json as { mediaType: string }).mediaType });
    return digest;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
    if (!m || m[1] !== REPO) {
      res.writeHead(req.url === '/v2/' ? 200 : 404).end();
      return;
    }
    if (m[2] === 'manifests') {
      const found = this.manifests.get(m[3]);
      if (!found) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': found.mediaType, 'Docker-Content-Digest': m[3] }).end(found.bytes);
      return;
    }
    const bytes = this.blobs.get(m[3]);
    if (!bytes) {
      res.writeHead(404).end();
      return;
    }
    const stat: Sent = { total: bytes.length, sent: 0, finished: false, closed: false };
    this.sent.set(m[3], stat);
    res.on('finish', () => (stat.finished = true));
    res.on('close', () => (stat.closed = true));
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    const pump = (): void => {
      while (stat.sent < bytes.length) {
        if (res.destroyed) return;
        const chunk = bytes.subarray(stat.sent, stat.sent + 16384);
        stat.sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }
}

interface Layer {
  entries: FixtureEntry[];
  mediaType?: string;
  /** gzip level (default 6). */
  level?: number;
}

interface ImageSpec {
  platform: string;
  /** Bottom layer first, as in a manifest. */
  layers: Layer[];
  config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[]; WorkingDir?: string };
}

function layerBytes(l: Layer): Buffer {
  const tar = tarArchive(l.entries);
  const mt = l.mediaType ?? GZIP;
  if (mt === TAR) return tar;
  if (mt === ZSTD) {
    const compress = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
    return compress ? compress(tar) : Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tar]);
  }
  return zlib.gzipSync(tar, { level: l.level ?? 6 });
}

/** Pushes the image; its manifest digest. */
function push(reg: Registry, spec: ImageSpec): string {
  const [os, architecture, variant] = spec.platform.split('/');
  const layers = spec.layers.map(l => {
    const bytes = layerBytes(l);
    return { mediaType: l.mediaType ?? GZIP, digest: reg.blob(bytes), size: bytes.length };
  });
  const config = Buffer.from(
    JSON.stringify({
      os,
      architecture,
      variant,
      config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], ...spec.config },
      rootfs: { type: 'layers' }
    })
  );
  return reg.manifest({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: reg.blob(config), size: config.length },
    layers
  });
}

const dir = (p: string): FixtureEntry => ({ path: p, type: '5' });
const exe = (p: string, content: Buffer | string): FixtureEntry => ({ path: p, content, mode: 0o755 });
const link = (p: string, target: string): FixtureEntry => ({ path: p, type: '2', linkname: target });

let reg: Registry;
let client: RegistryClient;

beforeEach(async () => {
  reg = new Registry();
  await reg.start();
  client = new RegistryClient({ sleep: () => Promise.resolve() });
});

afterEach(() => reg.stop());

async function check(spec: ImageSpec, maxBytes = 64 * 1024 * 1024): Promise<ReturnType<typeof checkImageContent>> {
  return checkImageContent(client, { registry: reg.host, repository: REPO }, push(reg, spec), spec.platform, { maxBytes });
}

describe('checkImageContent', () => {
  test('an arm64 entrypoint in an arm64 image', async () => {
    const c = await check({ platform: 'linux/arm64', layers: [{ entries: [exe('app', ARM64)] }], config: { Entrypoint: ['/app'] } });
    expect(c).toEqual({
      platform: 'linux/arm64',
      file: '/app',
      found: { bits: 64, endian: 'LSB', machine: EM.AARCH64 },
      ok: true,
      detail: 'linux/arm64: /app is ELF 64-bit LSB ARM aarch64 (entrypoint /app)',
      bytesRead: expect.any(Number) as number,
      bounded: false
    });
  });

  test('an x86-64 entrypoint in an arm64 image is a mismatch', async () => {
    const c = await check({ platform: 'linux/arm64', layers: [{ entries: [exe('app', AMD64)] }], config: { Entrypoint: ['/app'] } });
    expect(c).toMatchObject({
      ok: false,
      file: '/app',
      found: { bits: 64, endian: 'LSB', machine: EM.X86_64 },
      detail: 'linux/arm64: /app is ELF 64-bit LSB x86-64, not ELF 64-bit LSB ARM aarch64',
      bounded: false
    });
  });

  describe('real busybox binaries in a merged-/usr base layer (/bin → usr/bin)', () => {
    const base = (busybox: string): Layer => ({
      entries: [
        dir('usr/'),
        dir('usr/bin/'),
        link('bin', 'usr/bin'),
        exe('usr/bin/busybox', fs.readFileSync(path.join(BIN, busybox))),
        link('usr/bin/sh', 'busybox')
      ]
    });
    const app: Layer = { entries: [dir('srv/'), { path: 'srv/index.html', content: '<p>hi</p>' }] };

    test.each([
      ['linux/arm64', 'busybox-arm64'],
      ['linux/arm/v7', 'busybox-arm'],
      ['linux/amd64', 'busybox-amd64']
    ])('%s with %s: ok', async (platform, busybox) => {
      const c = await check({ platform, layers: [base(busybox), app], config: { Cmd: ['/bin/sh', '-c', 'httpd -f'] } });
      expect(c).toMatchObject({ ok: true, file: '/usr/bin/busybox', bounded: false });
      expect(c.detail).toMatch(new RegExp(`^${platform}: /usr/bin/busybox is ELF .* \\(command /bin/sh\\)$`));
    });

    test('the amd64 busybox in the arm64 image: a mismatch', async () => {
      const c = await check({ platform: 'linux/arm64', layers: [base('busybox-amd64'), app], config: { Cmd: ['/bin/sh', '-c', 'x'] } });
      expect(c).toMatchObject({
        ok: false,
        detail: 'linux/arm64: /usr/bin/busybox is ELF 64-bit LSB x86-64, not ELF 64-bit LSB ARM aarch64'
      });
    });

    test('the arm busybox in the arm64 image: 32-bit ARM is not aarch64', async () => {
      const c = await check({ platform: 'linux/arm64', layers: [base('busybox-arm'), app], config: { Cmd: ['sh'] } });
      expect(c).toMatchObject({ ok: false, detail: 'linux/arm64: /usr/bin/busybox is ELF 32-bit LSB ARM, not ELF 64-bit LSB ARM aarch64' });
    });
  });

  test('the entrypoint through a symlink in a lower layer to a file in an upper one', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [
        { entries: [dir('usr/'), dir('usr/local/'), dir('usr/local/bin/'), dir('sbin/'), link('sbin/entry', '../usr/local/bin/app')] },
        { entries: [dir('usr/'), dir('usr/local/'), dir('usr/local/bin/'), exe('usr/local/bin/app', ARM64)] }
      ],
      config: { Entrypoint: ['/sbin/entry'], Cmd: ['--serve'] }
    });
    expect(c).toMatchObject({
      ok: true,
      file: '/usr/local/bin/app',
      detail: 'linux/arm64: /usr/local/bin/app is ELF 64-bit LSB ARM aarch64 (entrypoint /sbin/entry)'
    });
  });

  test('an absolute symlink, a symlink loop', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [dir('opt/'), exe('opt/real', ARM64), link('entry', '/opt/../opt/real'), link('loop', 'loop')] }],
      config: { Entrypoint: ['/entry'] }
    });
    expect(c).toMatchObject({ ok: true, file: '/opt/real' });
    const loop = await check({ platform: 'linux/arm64', layers: [{ entries: [link('loop', 'loop')] }], config: { Entrypoint: ['/loop'] } });
    expect(loop).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/too many levels of symbolic links at \/loop.*content not checked/) as string
    });
  });

  test('a bare command through PATH from the config, and a relative one from WorkingDir', async () => {
    const layers: Layer[] = [
      { entries: [dir('opt/'), dir('opt/tools/'), exe('opt/tools/tool', ARM64), dir('srv/'), exe('srv/run', ARM64)] }
    ];
    const bare = await check({ platform: 'linux/arm64', layers, config: { Cmd: ['tool'], Env: ['A=1', 'PATH=/nowhere:/opt/tools'] } });
    expect(bare).toMatchObject({ ok: true, file: '/opt/tools/tool' });
    const relative = await check({ platform: 'linux/arm64', layers, config: { Entrypoint: ['./run'], WorkingDir: '/srv' } });
    expect(relative).toMatchObject({ ok: true, file: '/srv/run' });
  });

  test('a whiteout hides a lower layer’s file', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', AMD64)] }, { entries: [{ path: '.wh.app' }] }],
      config: { Entrypoint: ['/app'] }
    });
    expect(c).toMatchObject({
      ok: true,
      detail: 'linux/arm64: entrypoint /app is not in the image (/app does not exist); content not checked'
    });
  });

  test('a whiteout does not hide a file of its own layer', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', AMD64)] }, { entries: [exe('app', ARM64), { path: '.wh.app' }] }],
      config: { Entrypoint: ['/app'] }
    });
    expect(c).toMatchObject({ ok: true, file: '/app', found: { machine: EM.AARCH64 } });
  });

  test('an opaque directory hides a lower layer’s files, not its own', async () => {
    const layers: Layer[] = [
      { entries: [dir('opt/'), exe('opt/app', AMD64), exe('opt/kept', AMD64)] },
      { entries: [dir('opt/'), { path: 'opt/.wh..wh..opq' }, exe('opt/kept', ARM64)] }
    ];
    expect(await check({ platform: 'linux/arm64', layers, config: { Entrypoint: ['/opt/app'] } })).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/not in the image/) as string
    });
    expect(await check({ platform: 'linux/arm64', layers, config: { Entrypoint: ['/opt/kept'] } })).toMatchObject({
      ok: true,
      file: '/opt/kept'
    });
  });

  test('an upper layer’s file shadows a lower one', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', AMD64)] }, { entries: [exe('app', ARM64)] }],
      config: { Entrypoint: ['/app'] }
    });
    expect(c).toMatchObject({ ok: true, file: '/app', found: { machine: EM.AARCH64 } });
  });

  describe('no entrypoint or command: the first ELF executable from the top layer down', () => {
    test('in the top layer, skipping non-executable ELF files and other files', async () => {
      const c = await check({
        platform: 'linux/arm64',
        layers: [
          { entries: [exe('bin/lower', AMD64)] },
          {
            entries: [
              dir('etc/'),
              { path: 'etc/motd', content: 'hello' },
              exe('usr/bin/script', '#!/bin/sh\n'),
              { path: 'usr/lib/libx.so', content: AMD64, mode: 0o644 },
              exe('usr/bin/app', ARM64)
            ]
          }
        ],
        config: { Entrypoint: null, Cmd: null }
      });
      expect(c).toMatchObject({ ok: true, file: '/usr/bin/app', detail: expect.stringContaining('the first ELF executable') as string });
    });

    test('in a lower layer when the top has none, not one an upper whiteout hides', async () => {
      const c = await check({
        platform: 'linux/arm64',
        layers: [
          { entries: [dir('bin/'), exe('bin/bad', AMD64), exe('bin/good', ARM64)] },
          { entries: [{ path: 'bin/.wh.bad' }, dir('data/')] }
        ]
      });
      expect(c).toMatchObject({ ok: true, file: '/bin/good' });
    });

    test('none at all', async () => {
      const c = await check({ platform: 'linux/arm64', layers: [{ entries: [{ path: 'README', content: 'x' }] }] });
      expect(c).toMatchObject({ ok: true, detail: 'linux/arm64: no ELF executable in the image; content not checked' });
    });
  });

  describe('scripts', () => {
    const layers = (busybox: Buffer, script = '#!/bin/sh -e\nexec app\n'): Layer[] => [
      { entries: [dir('bin/'), exe('bin/busybox', busybox), link('bin/sh', 'busybox')] },
      { entries: [exe('entry.sh', script)] }
    ];

    test('its interpreter is checked instead', async () => {
      const c = await check({ platform: 'linux/arm64', layers: layers(AMD64), config: { Entrypoint: ['/entry.sh'] } });
      expect(c).toMatchObject({
        ok: false,
        file: '/bin/busybox',
        detail: 'linux/arm64: /bin/busybox is ELF 64-bit LSB x86-64, not ELF 64-bit LSB ARM aarch64'
      });
      const good = await check({ platform: 'linux/arm64', layers: layers(ARM64), config: { Entrypoint: ['/entry.sh'] } });
      expect(good).toMatchObject({
        ok: true,
        detail: 'linux/arm64: /bin/busybox is ELF 64-bit LSB ARM aarch64 (interpreter /bin/sh of /entry.sh)'
      });
    });

    test('an interpreter that is itself a script, or a file without #! or ELF: nothing checked', async () => {
      const c = await check({ platform: 'linux/arm64', layers: layers(Buffer.from('#!/other\n')), config: { Entrypoint: ['/entry.sh'] } });
      expect(c).toMatchObject({
        ok: true,
        file: '/bin/busybox',
        detail: 'linux/arm64: /bin/busybox (interpreter /bin/sh of /entry.sh) is a script for /other, not a binary; content not checked'
      });
      const data = await check({
        platform: 'linux/arm64',
        layers: [{ entries: [exe('app', 'just text')] }],
        config: { Entrypoint: ['/app'] }
      });
      expect(data).toMatchObject({
        ok: true,
        detail: 'linux/arm64: /app (entrypoint /app) is neither an ELF binary nor a script; content not checked'
      });
    });
  });

  test('an uncompressed layer', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', ARM64)], mediaType: TAR }],
      config: { Entrypoint: ['/app'] }
    });
    expect(c).toMatchObject({ ok: true, file: '/app' });
  });

  test('a zstd layer: read where this Node.js can, else said so', async () => {
    const c = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', ARM64)], mediaType: ZSTD }],
      config: { Entrypoint: ['/app'] }
    });
    if (zstdDecompressor()) expect(c).toMatchObject({ ok: true, file: '/app' });
    else
      expect(c).toMatchObject({
        ok: true,
        detail: expect.stringMatching(/^linux\/arm64: cannot read zstd layer: .*content not checked$/) as string
      });
  });

  test('a missing entrypoint, and a platform without a known ELF, check nothing', async () => {
    const missing = await check({
      platform: 'linux/arm64',
      layers: [{ entries: [exe('other', ARM64)] }],
      config: { Entrypoint: ['/app'] }
    });
    expect(missing).toMatchObject({ ok: true, detail: expect.stringMatching(/entrypoint \/app is not in the image/) as string });
    const windows = await check({
      platform: 'windows/amd64',
      layers: [{ entries: [exe('app', ARM64)] }],
      config: { Entrypoint: ['/app'] }
    });
    expect(windows).toMatchObject({ ok: true, bytesRead: 0, detail: expect.stringMatching(/no known ELF machine/) as string });
  });

  test('the byte bound: stops there, unverified, and says so', async () => {
    const maxBytes = 256 * 1024;
    const c = await check(
      {
        platform: 'linux/arm64',
        layers: [{ entries: [{ path: 'big', content: randomBytes(2 * 1024 * 1024) }, exe('app', AMD64)] }],
        config: { Entrypoint: ['/app'] }
      },
      maxBytes
    );
    expect(c).toMatchObject({
      ok: true,
      bounded: true,
      bytesRead: maxBytes,
      detail:
        'linux/arm64: stopped at the 256 KiB bound of layer bytes read before finding entrypoint /app (0 of 1 layers and 1 entries looked through); content not verified'
    });
    expect(c.file).toBeUndefined();
  });

  test('reading stops once the header is read: the rest of the layer is never sent', async () => {
    const spec: ImageSpec = {
      platform: 'linux/arm64',
      layers: [{ entries: [exe('app', ARM64), { path: 'big', content: randomBytes(32 * 1024 * 1024) }], level: 1 }],
      config: { Entrypoint: ['/app'] }
    };
    const digest = push(reg, spec);
    const c = await checkImageContent(client, { registry: reg.host, repository: REPO }, digest, spec.platform, {
      maxBytes: 64 * 1024 * 1024
    });
    expect(c).toMatchObject({ ok: true, file: '/app', bounded: false });
    expect(c.bytesRead).toBeLessThan(1024 * 1024);
    const layerDigest = [...reg.sent.keys()].find(d => reg.sent.get(d)!.total > 1024 * 1024)!;
    const stat = reg.sent.get(layerDigest)!;
    for (let i = 0; i < 100 && !stat.closed; i++) await new Promise(r => setTimeout(r, 20));
    expect(stat.closed).toBe(true);
    expect(stat.finished).toBe(false);
    expect(stat.sent).toBeLessThan(stat.total / 2);
  });

  test('top layer first: a lower layer is not opened when the upper one decides', async () => {
    const lower: Layer = { entries: [{ path: 'filler', content: randomBytes(64 * 1024) }] };
    const spec: ImageSpec = {
      platform: 'linux/arm64',
      layers: [lower, { entries: [exe('app', ARM64)] }],
      config: { Entrypoint: ['/app'] }
    };
    const lowerDigest = sha256Digest(layerBytes(lower));
    const c = await check(spec);
    expect(c).toMatchObject({ ok: true, file: '/app' });
    expect(reg.sent.has(lowerDigest)).toBe(false);
  });
});

describe('openBlob', () => {
  test('streams the body through a redirect, Authorization left behind, without checking the digest', async () => {
    const storage = await new Promise<{ host: string; seen: http.IncomingHttpHeaders[]; server: http.Server }>(resolve => {
      const seen: http.IncomingHttpHeaders[] = [];
      const server = http.createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200).end('not what the digest says');
      });
      server.listen(0, '127.0.0.1', () => resolve({ host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server }));
    });
    const auth = 'Basic ' + Buffer.from('u:p').toString('base64');
    const registry = http.createServer((req, res) => {
      if (req.headers.authorization !== auth) res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
      else res.writeHead(307, { Location: `http://${storage.host}/blob` }).end();
    });
    await new Promise<void>(r => registry.listen(0, '127.0.0.1', r));
    try {
      const authed = new RegistryClient({
        credentials: () => Promise.resolve({ username: 'u', password: 'p' }),
        sleep: () => Promise.resolve()
      });
      const host = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
      const body = await authed.openBlob({ registry: host, repository: REPO }, sha256Digest(Buffer.from('x')));
      const chunks: Buffer[] = [];
      for await (const c of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
      expect(Buffer.concat(chunks).toString()).toBe('not what the digest says');
      expect(storage.seen).toHaveLength(1);
      expect(storage.seen[0].authorization).toBeUndefined();
    } finally {
      registry.close();
      storage.server.close();
    }
  });
});

describe('inspectPublished runs the content check for every platform', () => {
  function pushIndex(images: ImageSpec[]): string {
    return reg.manifest({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: images.map(spec => {
        const digest = push(reg, spec);
        const [os, architecture, variant] = spec.platform.split('/');
        return {
          mediaType: MEDIA_TYPES.ociManifest,
          digest,
          size: reg.manifests.get(digest)!.bytes.length,
          platform: { os, architecture, variant }
        };
      })
    });
  }

  test('all binaries match: the checks are returned', async () => {
    const digest = pushIndex([
      { platform: 'linux/amd64', layers: [{ entries: [exe('app', AMD64)] }], config: { Entrypoint: ['/app'] } },
      { platform: 'linux/arm64', layers: [{ entries: [exe('app', ARM64)] }], config: { Entrypoint: ['/app'] } }
    ]);
    const published = await inspectPublished(client, { registry: reg.host, repository: REPO }, digest, ['linux/amd64', 'linux/arm64']);
    expect(Object.keys(published.digests).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    expect(published.content.map(c => [c.platform, c.ok, c.file])).toEqual([
      ['linux/amd64', true, '/app'],
      ['linux/arm64', true, '/app']
    ]);
  });

  test('an arm64 image with amd64 binaries fails the read-back with a hint', async () => {
    const digest = pushIndex([
      { platform: 'linux/amd64', layers: [{ entries: [exe('app', AMD64)] }], config: { Entrypoint: ['/app'] } },
      { platform: 'linux/arm64', layers: [{ entries: [exe('app', AMD64)] }], config: { Entrypoint: ['/app'] } }
    ]);
    await expect(
      inspectPublished(client, { registry: reg.host, repository: REPO }, digest, ['linux/amd64', 'linux/arm64'])
    ).rejects.toThrow(
      /^linux\/arm64: \/app is ELF 64-bit LSB x86-64, not ELF 64-bit LSB ARM aarch64\. .*base image has no linux\/arm64 variant.*preflight/
    );
  });

  test('a single-platform manifest is checked too, within the given bound', async () => {
    const digest = push(reg, {
      platform: 'linux/arm64',
      layers: [{ entries: [{ path: 'big', content: randomBytes(512 * 1024) }, exe('app', AMD64)] }],
      config: { Entrypoint: ['/app'] }
    });
    const published = await inspectPublished(client, { registry: reg.host, repository: REPO }, digest, ['linux/arm64'], 64 * 1024);
    expect(published.content).toEqual([expect.objectContaining({ platform: 'linux/arm64', ok: true, bounded: true })]);
    await expect(inspectPublished(client, { registry: reg.host, repository: REPO }, digest, ['linux/arm64'])).rejects.toThrow(
      /x86-64, not ELF 64-bit LSB ARM aarch64/
    );
  });
});
