/**
 * Merge into repositories the legs did not push to: another repository of the same registry gets
 * the children copied (blobs mounted, then manifests) before its tag; a repository on another
 * registry is refused before anything is put. The legs are synthetic single-platform images pushed
 * through the registry API; the merge runs from dist/ with no docker on PATH.
 */
import { RunningRegistry, startRegistry, tempDir } from './registries';
import { REGISTRY, imageIndex, imageManifest, registryGet, runAction, tagList, uniqueRepo } from './stack';
import { pushSyntheticImage, writeLegRecords } from '../../scripts/synthetic-image.js';

jest.setTimeout(120_000);

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const NO_DOCKER = { PATH: '/nonexistent' };

/** Legs pushed to `repo` on the test registry, with their records in a fresh hand-off dir. */
async function legs(repo: string, runId: string): Promise<{ dir: string; digests: Record<string, string> }> {
  const digests: Record<string, string> = {};
  for (const p of PLATFORMS) digests[p] = await pushSyntheticImage(REGISTRY, repo, p, runId);
  const dir = tempDir('handoff-');
  writeLegRecords(dir, runId, 'k', digests);
  return { dir, digests };
}

function merge(images: string, tags: string, dir: string, runId: string) {
  return runAction({
    inputs: { mode: 'merge', platforms: PLATFORMS.join(','), images, tags, 'handoff-dir': dir, 'handoff-key': 'k' },
    env: { ...NO_DOCKER, GITHUB_RUN_ID: runId }
  });
}

test('a tag in another repository of the same registry: children are copied there first, then tagged', async () => {
  const source = uniqueRepo('merge-source');
  const target = uniqueRepo('merge-target');
  const runId = `copy-${Date.now()}`;
  const { dir, digests } = await legs(source, runId);

  const r = await merge(`${REGISTRY}/${source}`, `${REGISTRY}/${target}:1.0`, dir, runId);

  expect(r.main.code).toBe(0);
  expect(r.main.stdout).toContain(`merge: copying 2 manifest(s) from ${REGISTRY}/${source} to ${REGISTRY}/${target}`);
  expect(await tagList(REGISTRY, target)).toEqual(['1.0']);
  const index = await imageIndex(REGISTRY, target, '1.0');
  expect(index._digest).toBe(r.outputs.digest);
  expect(index.manifests.map(m => m.digest).sort()).toEqual(Object.values(digests).sort());
  for (const d of Object.values(digests)) {
    // Each child, and every blob it names, now resolves in the target repository itself.
    const m = await imageManifest(REGISTRY, target, d);
    for (const blob of [m.config, ...m.layers]) {
      expect((await registryGet(REGISTRY, `${target}/blobs/${blob.digest}`)).status).toBe(200);
    }
  }
  expect(await tagList(REGISTRY, source)).toBeUndefined();
});

describe('a tag on another registry', () => {
  let other: RunningRegistry;
  beforeAll(async () => {
    other = await startRegistry({ storage: tempDir('other-registry-') });
  });
  afterAll(async () => {
    await other?.stop();
  });

  test('is refused before anything is put, naming the repository and the fix', async () => {
    const source = uniqueRepo('merge-source');
    const foreign = uniqueRepo('merge-foreign');
    const runId = `foreign-${Date.now()}`;
    const { dir } = await legs(source, runId);

    const r = await merge(`${REGISTRY}/${source}`, `${REGISTRY}/${source}:1.0\n${other.host}/${foreign}:1.0`, dir, runId);

    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain(`, on another registry than the legs' ${REGISTRY}/${source}; push the legs there too`);
    expect(r.main.stdout).toContain(`::error::merge: ${other.host}/${foreign} lacks sha256:`);
    expect(r.main.stdout).toContain('nothing was tagged');
    expect(await tagList(REGISTRY, source)).toBeUndefined();
    expect(await tagList(other.host, foreign)).toBeUndefined();
  });
});
