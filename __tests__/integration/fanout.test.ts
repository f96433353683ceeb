/**
 * Native fan-out through the bundled action: plan → two legs built on the real stack
 * (docker-container driver, provenance on, pushed by digest, directory handoff) → merge through
 * the registry API on a runner without docker.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  ActionRun,
  BINFMT_STANDIN,
  ImageIndex,
  REGISTRY,
  docker,
  imageIndex,
  localStackInputs,
  manifest,
  platformOf,
  runAction,
  tagList,
  uniqueRepo
} from './stack';
import { tempDir } from './registries';

jest.setTimeout(600_000);

// No docker or buildx on the merge runner: PATH holds nothing but a directory without them.
const RUN = { GITHUB_RUN_ID: `fanout-${Date.now()}` };
const NO_DOCKER = { PATH: '/nonexistent', ...RUN };

/** A leg's handoff record (the `record` output, and the file the merge reads). */
type LegRecord = { platform: string; digest: string; runAttempt: number };

test('plan: platforms become a matrix with a runner each', async () => {
  const r = await runAction({
    inputs: { mode: 'plan', platforms: 'linux/amd64,linux/arm64/v8', runners: 'linux/amd64=self-hosted, x64' },
    env: NO_DOCKER
  });
  expect(r.main.code).toBe(0);
  expect(JSON.parse(r.outputs.matrix)).toEqual({
    include: [
      { platform: 'linux/amd64', runner: ['self-hosted', 'x64'], slug: 'linux-amd64' },
      { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm', slug: 'linux-arm64' }
    ]
  });
});

describe('two legs (linux/amd64, linux/arm64, provenance on) merged into one index', () => {
  const repo = uniqueRepo('fanout');
  const image = `${REGISTRY}/${repo}`;
  const handoffDir = tempDir('handoff-');
  const legs: Record<string, ActionRun> = {};
  let merged: ActionRun;
  const mergeInputs = {
    mode: 'merge',
    platforms: 'linux/amd64,linux/arm64',
    images: image,
    tags: `${image}:1.0\n${image}:latest`,
    'handoff-dir': handoffDir
  };

  beforeAll(async () => {
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      legs[platform] = await runAction({
        inputs: {
          ...localStackInputs(),
          mode: 'leg',
          platforms: platform,
          images: image,
          provenance: 'mode=max',
          'qemu-image': BINFMT_STANDIN,
          'handoff-dir': handoffDir
        },
        env: RUN
      });
    }
    merged = await runAction({ inputs: mergeInputs, env: NO_DOCKER });
  });

  test('each leg pushed by digest only (no tags) and handed off a record', () => {
    for (const [platform, leg] of Object.entries(legs)) {
      expect(leg.main.code).toBe(0);
      const record: unknown = JSON.parse(leg.outputs.record);
      expect(record).toEqual({ platform, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) as unknown, runAttempt: 1 });
      expect(leg.main.stdout).toContain('push-by-digest=true');
    }
    const runDir = path.join(handoffDir, RUN.GITHUB_RUN_ID);
    expect(fs.readdirSync(path.join(runDir, fs.readdirSync(runDir)[0]))).toHaveLength(2);
  });

  test('the registry holds one index with both platforms and both attestation manifests, under both tags', async () => {
    expect(merged.main.code).toBe(0);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['1.0', 'latest']);
    const index = await imageIndex(REGISTRY, repo, '1.0');
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index._digest).toBe(merged.outputs.digest);
    expect((await manifest(REGISTRY, repo, 'latest'))._digest).toBe(merged.outputs.digest);
    const runnable = index.manifests.filter(m => platformOf(m).os !== 'unknown');
    const attestations = index.manifests.filter(m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(runnable.map(m => `${platformOf(m).os}/${platformOf(m).architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(attestations).toHaveLength(2);
    for (const a of attestations) {
      expect(a.platform).toEqual({ os: 'unknown', architecture: 'unknown' });
      expect(runnable.map(m => m.digest)).toContain(a.annotations?.['vnd.docker.reference.digest']);
    }
    expect(JSON.parse(merged.outputs.digests)).toEqual(
      Object.fromEntries(runnable.map(m => [`${platformOf(m).os}/${platformOf(m).architecture}`, m.digest]))
    );
    expect(index.annotations?.['org.opencontainers.image.source']).toBe('https://github.com/octo-org/Hello-World');
  });

  test('docker buildx imagetools inspect agrees', () => {
    const raw = JSON.parse(docker(['buildx', 'imagetools', 'inspect', '--raw', `${image}:1.0`])) as ImageIndex;
    const listed = docker(['buildx', 'imagetools', 'inspect', `${image}:1.0`]);
    expect(listed).toContain(`Digest:    ${merged.outputs.digest}`);
    expect(raw.manifests).toHaveLength(4);
    expect(listed.match(/Platform: +linux\/(amd64|arm64)/g)).toHaveLength(2);
    expect(listed.match(/vnd\.docker\.reference\.type: +attestation-manifest/g)).toHaveLength(2);
  });

  test('merging again with the same records gives the same digest', async () => {
    const again = await runAction({ inputs: mergeInputs, env: NO_DOCKER });
    expect(again.main.code).toBe(0);
    expect(again.outputs.digest).toBe(merged.outputs.digest);
  });

  test('a re-run leg supersedes the earlier record for its platform', async () => {
    const rerun = await runAction({
      inputs: {
        ...localStackInputs(),
        mode: 'leg',
        platforms: 'linux/arm64',
        images: image,
        provenance: 'false',
        'qemu-image': BINFMT_STANDIN,
        'handoff-dir': handoffDir
      },
      env: { ...RUN, GITHUB_RUN_ATTEMPT: '2' }
    });
    expect(rerun.main.code).toBe(0);
    const r = await runAction({ inputs: { ...mergeInputs, tags: `${image}:rerun` }, env: NO_DOCKER });
    expect(r.main.code).toBe(0);
    const index = await imageIndex(REGISTRY, repo, 'rerun');
    const arm = index.manifests.find(m => platformOf(m).architecture === 'arm64');
    expect(arm?.digest).toBe((JSON.parse(rerun.outputs.record) as LegRecord).digest);
    // The new arm64 leg has no attestation: only amd64's remains.
    expect(index.manifests).toHaveLength(3);
  });

  test("another run's records on the same shared storage are never used", async () => {
    const key = fs.readdirSync(path.join(handoffDir, RUN.GITHUB_RUN_ID))[0];
    const other = path.join(handoffDir, 'some-older-run', key);
    fs.mkdirSync(other, { recursive: true });
    const stale = { platform: 'linux/arm64', digest: `sha256:${'0'.repeat(64)}`, runAttempt: 9 };
    fs.writeFileSync(path.join(other, 'arm64.json'), JSON.stringify(stale));
    const r = await runAction({ inputs: { ...mergeInputs, tags: `${image}:isolated` }, env: NO_DOCKER });
    expect(r.main.code).toBe(0);
    expect((JSON.parse(r.outputs.digests) as Record<string, string>)['linux/arm64']).not.toBe(stale.digest);
  });

  test('a missing leg fails the merge and creates no tag', async () => {
    const lonely = tempDir('handoff-missing-');
    const key = fs.readdirSync(path.join(handoffDir, RUN.GITHUB_RUN_ID))[0];
    const from = path.join(handoffDir, RUN.GITHUB_RUN_ID, key);
    const amd64 = fs
      .readdirSync(from)
      .map(f => path.join(from, f))
      .find(f => (JSON.parse(fs.readFileSync(f, 'utf8')) as LegRecord).platform === 'linux/amd64') as string;
    fs.mkdirSync(path.join(lonely, RUN.GITHUB_RUN_ID, key), { recursive: true });
    fs.copyFileSync(amd64, path.join(lonely, RUN.GITHUB_RUN_ID, key, 'amd64.json'));
    const r = await runAction({ inputs: { ...mergeInputs, tags: `${image}:incomplete`, 'handoff-dir': lonely }, env: NO_DOCKER });
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain('::error::merge: no leg result for linux/arm64 (did that leg fail or not run?); nothing was tagged');
    expect(await tagList(REGISTRY, repo)).not.toContain('incomplete');
  });
});
