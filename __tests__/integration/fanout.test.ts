/**
 * Native fan-out through the bundled action: plan → two legs built on the real stack
 * (docker-container driver, provenance on, pushed by digest, directory handoff) → merge through
 * the registry API on a runner without docker.
 *
 * Every describe block (and every test outside one) has its own repository, hand-off directory
 * and GITHUB_RUN_ID, and builds the legs it needs itself: none depends on another having run.
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

/** No docker or buildx on the merge runner: PATH holds nothing but a directory without them. */
const NO_DOCKER = { PATH: '/nonexistent' };

/** A leg's handoff record (the `record` output, and the file the merge reads). */
type LegRecord = { platform: string; digest: string; runAttempt: number };

/** One fan-out of its own: a fresh repository, hand-off directory and workflow run id. */
interface Fanout {
  repo: string;
  image: string;
  handoffDir: string;
  runId: string;
}

function fanout(name: string): Fanout {
  const repo = uniqueRepo(name);
  return {
    repo,
    image: `${REGISTRY}/${repo}`,
    handoffDir: tempDir(`handoff-${name}-`),
    runId: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
  };
}

/** One leg of `f` for `platform`, built on the real stack and handed off to `f.handoffDir`. */
function leg(f: Fanout, platform: string, opts: { provenance?: string; runAttempt?: string } = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...localStackInputs(),
      mode: 'leg',
      platforms: platform,
      images: f.image,
      provenance: opts.provenance ?? 'mode=max',
      'qemu-image': BINFMT_STANDIN,
      'handoff-dir': f.handoffDir
    },
    env: { GITHUB_RUN_ID: f.runId, ...(opts.runAttempt ? { GITHUB_RUN_ATTEMPT: opts.runAttempt } : {}) }
  });
}

function mergeInputs(f: Fanout, tags: string[]): Record<string, string> {
  return {
    mode: 'merge',
    platforms: 'linux/amd64,linux/arm64',
    images: f.image,
    tags: tags.map(t => `${f.image}:${t}`).join('\n'),
    'handoff-dir': f.handoffDir
  };
}

function merge(f: Fanout, tags: string[]): Promise<ActionRun> {
  return runAction({ inputs: mergeInputs(f, tags), env: { ...NO_DOCKER, GITHUB_RUN_ID: f.runId } });
}

/** The directory this run's leg records went to: `<handoff-dir>/<run id>/<key>/`, one key per fan-out. */
function recordDir(f: Fanout): string {
  const runDir = path.join(f.handoffDir, f.runId);
  const keys = fs.readdirSync(runDir);
  expect(keys).toHaveLength(1);
  return path.join(runDir, keys[0]);
}

test('plan: platforms become a matrix with a runner each', async () => {
  const r = await runAction({
    inputs: { mode: 'plan', platforms: 'linux/amd64,linux/arm64/v8', runners: 'linux/amd64=self-hosted, x64' },
    env: { ...NO_DOCKER, GITHUB_RUN_ID: `plan-${Date.now()}` }
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
  const f = fanout('fanout');
  const legs: Record<string, ActionRun> = {};
  let merged: ActionRun;
  let again: ActionRun;

  beforeAll(async () => {
    for (const platform of ['linux/amd64', 'linux/arm64']) legs[platform] = await leg(f, platform);
    merged = await merge(f, ['1.0', 'latest']);
    // The same records merged a second time, under the same tags.
    again = await merge(f, ['1.0', 'latest']);
  });

  test('each leg pushed by digest only (no tags) and handed off a record', () => {
    for (const [platform, run] of Object.entries(legs)) {
      expect(run.main.code).toBe(0);
      const record: unknown = JSON.parse(run.outputs.record);
      expect(record).toEqual({ platform, digest: expect.stringMatching(/^sha256:[a-f0-9]{64}$/) as unknown, runAttempt: 1 });
      expect(run.main.stdout).toContain('push-by-digest=true');
    }
    const dir = recordDir(f);
    const files = fs.readdirSync(dir);
    expect(files).toHaveLength(2);
    const handedOff = files.map(name => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as LegRecord);
    expect(handedOff.sort((a, b) => a.platform.localeCompare(b.platform))).toEqual(
      Object.values(legs).map(run => JSON.parse(run.outputs.record) as LegRecord)
    );
  });

  test('the registry holds one index with both platforms and both attestation manifests, under both tags', async () => {
    expect(merged.main.code).toBe(0);
    expect((await tagList(REGISTRY, f.repo))?.sort()).toEqual(['1.0', 'latest']);
    const index = await imageIndex(REGISTRY, f.repo, '1.0');
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index._digest).toBe(merged.outputs.digest);
    expect((await manifest(REGISTRY, f.repo, 'latest'))._digest).toBe(merged.outputs.digest);
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
    const raw = JSON.parse(docker(['buildx', 'imagetools', 'inspect', '--raw', `${f.image}:1.0`])) as ImageIndex;
    const listed = docker(['buildx', 'imagetools', 'inspect', `${f.image}:1.0`]);
    expect(listed).toContain(`Digest:    ${merged.outputs.digest}`);
    expect(raw.manifests).toHaveLength(4);
    expect(listed.match(/Platform: +linux\/(amd64|arm64)/g)).toHaveLength(2);
    expect(listed.match(/vnd\.docker\.reference\.type: +attestation-manifest/g)).toHaveLength(2);
  });

  test('merging again with the same records gives the same digest', () => {
    expect(merged.main.code).toBe(0);
    expect(again.main.code).toBe(0);
    expect(again.outputs.digest).toBe(merged.outputs.digest);
  });
});

describe('a re-run leg', () => {
  const f = fanout('fanout-rerun');

  test('supersedes the earlier record for its platform', async () => {
    for (const platform of ['linux/amd64', 'linux/arm64']) expect((await leg(f, platform)).main.code).toBe(0);
    const rerun = await leg(f, 'linux/arm64', { provenance: 'false', runAttempt: '2' });
    expect(rerun.main.code).toBe(0);
    const r = await merge(f, ['rerun']);
    expect(r.main.code).toBe(0);
    const index = await imageIndex(REGISTRY, f.repo, 'rerun');
    const arm = index.manifests.find(m => platformOf(m).architecture === 'arm64');
    expect(arm?.digest).toBe((JSON.parse(rerun.outputs.record) as LegRecord).digest);
    // The new arm64 leg has no attestation: only amd64's remains.
    expect(index.manifests).toHaveLength(3);
  });
});

describe('shared storage holding several runs', () => {
  const f = fanout('fanout-isolated');

  test("another run's records on the same shared storage are never used", async () => {
    const legs: Record<string, ActionRun> = {};
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      legs[platform] = await leg(f, platform);
      expect(legs[platform].main.code).toBe(0);
    }
    // A newer-looking attempt for arm64, filed under another run id with this fan-out's key.
    const other = path.join(f.handoffDir, 'some-older-run', path.basename(recordDir(f)));
    fs.mkdirSync(other, { recursive: true });
    const stale = { platform: 'linux/arm64', digest: `sha256:${'0'.repeat(64)}`, runAttempt: 9 };
    fs.writeFileSync(path.join(other, 'arm64.json'), JSON.stringify(stale));

    const r = await merge(f, ['isolated']);
    expect(r.main.code).toBe(0);
    const digests = JSON.parse(r.outputs.digests) as Record<string, string>;
    expect(digests['linux/arm64']).not.toBe(stale.digest);
    // Exactly this run's arm64 image.
    const armLeg = await imageIndex(REGISTRY, f.repo, (JSON.parse(legs['linux/arm64'].outputs.record) as LegRecord).digest);
    expect(digests['linux/arm64']).toBe(armLeg.manifests.find(m => platformOf(m).architecture === 'arm64')?.digest);
  });
});

describe('a missing leg', () => {
  const f = fanout('fanout-missing');

  test('fails the merge and creates no tag', async () => {
    expect((await leg(f, 'linux/amd64')).main.code).toBe(0);
    const r = await merge(f, ['incomplete']);
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain('::error::merge: no leg result for linux/arm64 (did that leg fail or not run?); nothing was tagged');
    // The leg pushed by digest only and the merge tagged nothing: the repository has no tag at all.
    expect((await tagList(REGISTRY, f.repo)) ?? []).toEqual([]);
  });
});
