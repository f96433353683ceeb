/**
 * buildx-version downloads buildx through @actions/tool-cache from a mirror (here a local HTTP
 * server holding this machine's buildx binary under the release layout), verifies its checksum,
 * caches it, and builds with it.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { REGISTRY, localStackInputs, runAction, tagList, uniqueRepo } from './stack';

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
      const r = await runAction({
        inputs: {
          ...localStackInputs(),
          platforms: 'linux/amd64',
          tags: `${REGISTRY}/${repo}:x`,
          'buildx-version': VERSION,
          'buildx-download-url': mirror.url
        },
        toolCache: fs.mkdtempSync(path.join(os.tmpdir(), 'tool-cache-'))
      });
      expect(r.main.code).toBe(1);
      expect(r.main.stdout).toContain(`::error::buildx: ${FILE} checksum mismatch (expected ${'0'.repeat(64)}, got ${sum})`);
      expect(r.main.stdout).not.toContain('buildx build');
      expect(await tagList(REGISTRY, repo)).toBeUndefined();
    } finally {
      mirror.close();
    }
  });
});
