/**
 * buildx-version downloads buildx through @actions/tool-cache from a mirror (here a local HTTP
 * server holding this machine's buildx binary under the release layout), verifies its checksum,
 * caches it, and builds with it. Without a checksums.txt it fails closed unless
 * buildx-allow-unverified accepts the risk; a version the mirror lacks fails naming the URL tried.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { REGISTRY, builderContainers, commandLines, errorLines, localStackInputs, runAction, tagList, uniqueRepo } from './stack';

jest.setTimeout(300_000);

const PLUGIN = '/usr/libexec/docker/cli-plugins/docker-buildx';
const VERSION = '0.13.1';
const FILE = `buildx-v${VERSION}.linux-amd64`;

function serve(files: Record<string, Buffer>): Promise<{ url: string; hits: string[]; close: () => void }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files[req.url ?? ''];
    res.writeHead(body ? 200 : 404).end(body);
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ url: `http://127.0.0.1:${port}/releases`, hits, close: () => server.close() });
    })
  );
}

describe('buildx-version: download from a mirror through the tool cache', () => {
  const binary = fs.readFileSync(PLUGIN);
  const sum = crypto.createHash('sha256').update(binary).digest('hex');
  const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));

  /** A fresh tool cache per run, so no earlier download hides this one. */
  const freshToolCache = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'));

  /** Runs the action for linux/amd64 with buildx downloaded from `mirrorUrl`, pushing to `repo`:x. */
  const runWithMirror = (
    mirrorUrl: string,
    repo: string,
    inputs: Record<string, string>,
    opts: { toolCache: string; env?: Record<string, string> }
  ) =>
    runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${repo}:x`,
        'buildx-download-url': mirrorUrl,
        ...inputs
      },
      ...opts
    });

  test('downloads, verifies, caches, builds; a second run uses the cache', async () => {
    const mirror = await serve({
      [`/releases/v${VERSION}/${FILE}`]: binary,
      [`/releases/v${VERSION}/checksums.txt`]: Buffer.from(`${sum} *${FILE}\n`)
    });
    try {
      const repo = uniqueRepo('downloaded-buildx');
      const inputs = {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${repo}:dl`,
        'buildx-version': `v${VERSION}`,
        'buildx-download-url': mirror.url
      };
      const first = await runAction({ inputs, toolCache });
      expect(first.main.code).toBe(0);
      expect(first.main.stdout).toContain(`buildx ${VERSION}: downloading ${mirror.url}/v${VERSION}/${FILE}`);
      expect(first.main.stdout).toContain(`buildx ${VERSION} (downloaded)`);
      expect(first.main.stdout).toMatch(new RegExp(`\\[command\\]${toolCache}/buildx/${VERSION}/amd64/docker-buildx build `));
      expect(mirror.hits).toEqual([`/releases/v${VERSION}/${FILE}`, `/releases/v${VERSION}/checksums.txt`]);
      expect(await tagList(REGISTRY, repo)).toEqual(['dl']);
      expect(first.post?.stdout).toMatch(/Removed builder multiarch-/);

      const second = await runAction({ inputs: { ...inputs, tags: `${REGISTRY}/${repo}:again` }, toolCache });
      expect(second.main.code).toBe(0);
      expect(second.main.stdout).toContain(`buildx ${VERSION}: found in the tool cache`);
      expect(mirror.hits).toHaveLength(2);
    } finally {
      mirror.close();
    }
  });

  test('a checksum mismatch fails before anything is built or pushed', async () => {
    const mirror = await serve({
      [`/releases/v${VERSION}/${FILE}`]: binary,
      [`/releases/v${VERSION}/checksums.txt`]: Buffer.from(`${'0'.repeat(64)}  ${FILE}\n`)
    });
    try {
      const repo = uniqueRepo('bad-checksum');
      const r = await runWithMirror(mirror.url, repo, { 'buildx-version': VERSION }, { toolCache: freshToolCache() });
      expect(r.main.code).toBe(1);
      expect(r.main.stdout).toContain(`::error::buildx: ${FILE} checksum mismatch (expected ${'0'.repeat(64)}, got ${sum})`);
      expect(r.main.stdout).not.toContain('buildx build');
      expect(await tagList(REGISTRY, repo)).toBeUndefined();
    } finally {
      mirror.close();
    }
  });

  test('a mirror without checksums.txt fails closed before anything is built, naming the opt-out', async () => {
    const mirror = await serve({ [`/releases/v${VERSION}/${FILE}`]: binary });
    try {
      const repo = uniqueRepo('unverified-refused');
      const cache = freshToolCache();
      const runId = `no-build-${Date.now()}`;
      const r = await runWithMirror(mirror.url, repo, { 'buildx-version': VERSION }, { env: { GITHUB_RUN_ID: runId }, toolCache: cache });
      expect(r.main.code).toBe(1);
      expect(mirror.hits).toEqual([`/releases/v${VERSION}/${FILE}`, `/releases/v${VERSION}/checksums.txt`]);
      const errors = errorLines(r.main.stdout);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`${mirror.url}/v${VERSION}/checksums.txt`);
      expect(errors[0]).toContain('it is needed to verify the download (buildx-allow-unverified: true skips the check)');
      expect(r.main.stdout).not.toContain('::warning::');
      // Nothing ran: no builder created or booted, no build.
      expect(commandLines(r.main.stdout)).toEqual([]);
      expect(r.main.stdout).not.toContain('Creating builder');
      expect(r.state.builder).toBeUndefined();
      // Builders are named multiarch-<run id>-*; other runs on this machine may come and go meanwhile.
      expect(builderContainers().filter(n => n.includes(runId))).toEqual([]);
      // The unverified binary was not cached either (a later run would use it unchecked).
      expect(fs.existsSync(path.join(cache, 'buildx'))).toBe(false);
      expect(await tagList(REGISTRY, repo)).toBeUndefined();
    } finally {
      mirror.close();
    }
  });

  test('buildx-allow-unverified: true accepts it, with a warning, and builds and pushes', async () => {
    const mirror = await serve({ [`/releases/v${VERSION}/${FILE}`]: binary });
    try {
      const repo = uniqueRepo('unverified-allowed');
      const cache = freshToolCache();
      const r = await runWithMirror(
        mirror.url,
        repo,
        { 'buildx-version': VERSION, 'buildx-allow-unverified': 'true' },
        { toolCache: cache }
      );
      expect(r.main.code).toBe(0);
      expect(mirror.hits).toEqual([`/releases/v${VERSION}/${FILE}`, `/releases/v${VERSION}/checksums.txt`]);
      const warnings = r.main.stdout.split('\n').filter(l => l.startsWith('::warning::'));
      expect(warnings).toEqual([
        `::warning::buildx: ${mirror.url}/v${VERSION}/checksums.txt is not available; the download is not checksum-verified (buildx-allow-unverified)`
      ]);
      expect(errorLines(r.main.stdout)).toEqual([]);
      expect(r.main.stdout).toContain(`buildx ${VERSION} (downloaded)`);
      expect(r.main.stdout).toMatch(new RegExp(`^\\[command\\]${cache}/buildx/${VERSION}/amd64/docker-buildx build `, 'm'));
      expect(await tagList(REGISTRY, repo)).toEqual(['x']);
      expect(r.post?.stdout).toMatch(/Removed builder multiarch-/);
    } finally {
      mirror.close();
    }
  });

  test('a buildx-version the mirror does not have fails naming the version and the URL, before anything is built', async () => {
    const mirror = await serve({
      [`/releases/v${VERSION}/${FILE}`]: binary,
      [`/releases/v${VERSION}/checksums.txt`]: Buffer.from(`${sum} *${FILE}\n`)
    });
    try {
      const repo = uniqueRepo('missing-version');
      const cache = freshToolCache();
      const runId = `no-build-${Date.now()}`;
      const r = await runWithMirror(mirror.url, repo, { 'buildx-version': '0.99.0' }, { env: { GITHUB_RUN_ID: runId }, toolCache: cache });
      expect(r.main.code).toBe(1);
      const url = `${mirror.url}/v0.99.0/buildx-v0.99.0.linux-amd64`;
      expect(mirror.hits).toEqual(['/releases/v0.99.0/buildx-v0.99.0.linux-amd64']);
      const errors = errorLines(r.main.stdout);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^::error::buildx 0\.99\.0: /);
      expect(errors[0]).toContain(`could not download ${url} (`);
      expect(errors[0]).toContain('check buildx-version and buildx-download-url');
      expect(commandLines(r.main.stdout)).toEqual([]);
      expect(r.state.builder).toBeUndefined();
      // Builders are named multiarch-<run id>-*; other runs on this machine may come and go meanwhile.
      expect(builderContainers().filter(n => n.includes(runId))).toEqual([]);
      expect(fs.existsSync(path.join(cache, 'buildx'))).toBe(false);
      expect(await tagList(REGISTRY, repo)).toBeUndefined();
    } finally {
      mirror.close();
    }
  });
});
