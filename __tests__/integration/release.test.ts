/**
 * Release-triggered publishing through the bundled action: a release-published payload yields
 * exactly the expected tags on one index, with OCI labels in each config and annotations on the
 * index and manifests; a later backport release does not move the floating tags backwards; a
 * fork pull request builds without login or push.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  ActionRun,
  BINFMT_STANDIN,
  FIXTURES,
  REGISTRY,
  blobJson,
  imageIndex,
  imageManifest,
  localStackInputs,
  manifest,
  runAction,
  tagList,
  uniqueRepo,
  untrustedStackInputs
} from './stack';
import { startHoldingProxy } from './registries';

jest.setTimeout(600_000);

/** A webhook payload fixture; of its fields these tests only change a release's tag. */
interface EventPayload {
  release?: { tag_name: string; prerelease?: boolean };
  [field: string]: unknown;
}

const event = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', name), 'utf8')) as EventPayload;

describe('release published: v2.3.4 on linux/amd64 + linux/arm64', () => {
  const repo = uniqueRepo('release');
  const image = `${REGISTRY}/${repo}`;
  let run: ActionRun;

  beforeAll(async () => {
    run = await runAction({
      eventName: 'release',
      event: event('release-published-stable.json'),
      env: { GITHUB_REF: 'refs/tags/v2.3.4', GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' },
      inputs: { ...localStackInputs(), platforms: 'linux/amd64,linux/arm64', images: image, 'qemu-image': BINFMT_STANDIN }
    });
  });

  test('the registry holds exactly 2.3.4, 2.3, 2 and latest, all on the same index', async () => {
    expect(run.main.code).toBe(0);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['2', '2.3', '2.3.4', 'latest']);
    for (const t of ['2.3.4', '2.3', '2', 'latest']) expect((await manifest(REGISTRY, repo, t))._digest).toBe(run.outputs.digest);
    expect(run.outputs.tags.split('\n')).toEqual(['2.3.4', '2.3', '2', 'latest'].map(t => `${image}:${t}`));
    expect(run.outputs.version).toBe('2.3.4');
  });

  test('the rule table is logged', () => {
    expect(run.main.stdout).toMatch(/2\.3\.4 +<- \{\{version\}\}/);
    expect(run.main.stdout).toMatch(/latest +<- latest \(stable release\)/);
  });

  test("each platform's config carries the OCI labels from the event", async () => {
    const digests = JSON.parse(run.outputs.digests) as Record<string, string>;
    expect(Object.keys(digests).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    for (const d of Object.values(digests)) {
      const m = await imageManifest(REGISTRY, repo, d);
      const labels = (await blobJson(REGISTRY, repo, m.config.digest)).config?.Labels;
      expect(labels).toEqual(
        expect.objectContaining({
          'org.opencontainers.image.title': 'Hello-World',
          'org.opencontainers.image.description': 'This your first repo!',
          'org.opencontainers.image.source': 'https://github.com/Octo-Org/Hello-World',
          'org.opencontainers.image.version': '2.3.4',
          'org.opencontainers.image.revision': '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
          'org.opencontainers.image.licenses': 'Apache-2.0',
          'org.opencontainers.image.created': '2026-11-21T12:00:00.000Z'
        })
      );
      expect(m.annotations?.['org.opencontainers.image.version']).toBe('2.3.4');
    }
  });

  test('the index carries the annotations (what GHCR shows)', async () => {
    const index = await imageIndex(REGISTRY, repo, 'latest');
    expect(index.annotations).toEqual(
      expect.objectContaining({
        'org.opencontainers.image.description': 'This your first repo!',
        'org.opencontainers.image.version': '2.3.4',
        'org.opencontainers.image.source': 'https://github.com/Octo-Org/Hello-World'
      })
    );
    const json = JSON.parse(run.outputs.json) as { version: string; annotations: string[] };
    expect(json.version).toBe('2.3.4');
    expect(json.annotations).toContain('index:org.opencontainers.image.version=2.3.4');
  });

  test('a later backport release v2.2.9 moves neither 2 nor latest', async () => {
    const backport = event('release-published-stable.json');
    if (!backport.release) throw new Error('release-published-stable.json has no release');
    backport.release.tag_name = 'v2.2.9';
    const r = await runAction({
      eventName: 'release',
      event: backport,
      env: { GITHUB_REF: 'refs/tags/v2.2.9' },
      inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: image }
    });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain(`::notice::Not moving ${image}:2: it points at 2.3.4, newer than 2.2.9`);
    expect(r.main.stdout).toContain(`::notice::Not moving ${image}:latest: it points at 2.3.4, newer than 2.2.9`);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['2', '2.2', '2.2.9', '2.3', '2.3.4', 'latest']);
    expect((await manifest(REGISTRY, repo, 'latest'))._digest).toBe(run.outputs.digest);
    expect((await manifest(REGISTRY, repo, '2'))._digest).toBe(run.outputs.digest);
    expect((await manifest(REGISTRY, repo, '2.2'))._digest).toBe(r.outputs.digest);
  });
});

describe('2.3.3, then 2.4.0 with the pre-release checkbox, then the stable hotfix 2.3.4', () => {
  const repo = uniqueRepo('hotfix');
  const image = `${REGISTRY}/${repo}`;

  function release(tag: string, prerelease: boolean): Promise<ActionRun> {
    const payload = event('release-published-stable.json');
    payload.release = { tag_name: `v${tag}`, prerelease };
    return runAction({
      eventName: 'release',
      event: payload,
      env: { GITHUB_REF: `refs/tags/v${tag}` },
      inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: image }
    });
  }

  test('the hotfix moves 2, 2.3 and latest (the pre-release moved none of them), never 2.4.0', async () => {
    const first = await release('2.3.3', false);
    const pre = await release('2.4.0', true);
    expect([first.main.code, pre.main.code]).toEqual([0, 0]);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['2', '2.3', '2.3.3', '2.4.0', 'latest']);

    const hotfix = await release('2.3.4', false);
    expect(hotfix.main.code).toBe(0);
    expect(hotfix.main.stdout).not.toContain('Not moving');
    for (const t of ['2.3.4', '2.3', '2', 'latest']) expect((await manifest(REGISTRY, repo, t))._digest).toBe(hotfix.outputs.digest);
    expect((await manifest(REGISTRY, repo, '2.4.0'))._digest).toBe(pre.outputs.digest);
  });
});

describe('two releases at once: 2.5.1 has read its tags and built when 3.0.0 is published', () => {
  const repo = uniqueRepo('interleaved');

  function release(tag: string, registry: string): Promise<ActionRun> {
    const payload = event('release-published-stable.json');
    payload.release = { tag_name: `v${tag}`, prerelease: false };
    return runAction({
      eventName: 'release',
      event: payload,
      env: { GITHUB_REF: `refs/tags/v${tag}` },
      inputs: { ...localStackInputs([registry]), platforms: 'linux/amd64', images: `${registry}/${repo}`, provenance: 'false' }
    });
  }

  test('2.5.1, held between its reads and its writes, moves 2.5.1, 2.5 and 2, and leaves latest at 3.0.0', async () => {
    expect((await release('2.5.0', REGISTRY)).main.code).toBe(0);
    // 2.5.1 goes through a proxy that holds its first tag PUT: it has read latest (2.5.0) by then.
    const proxy = await startHoldingProxy(REGISTRY, /^PUT \/v2\/.*\/manifests\/2\.5\.1$/);
    try {
      const older = release('2.5.1', proxy.host);
      await proxy.arrived;
      const newer = await release('3.0.0', REGISTRY);
      expect(newer.main.code).toBe(0);
      proxy.release();
      const held = await older;
      expect(held.main.code).toBe(0);
      expect(held.main.stdout).toContain(`::notice::Not moving ${proxy.host}/${repo}:latest: it points at 3.0.0, newer than 2.5.1`);
      expect((await manifest(REGISTRY, repo, 'latest'))._digest).toBe(newer.outputs.digest);
      for (const t of ['2.5.1', '2.5', '2']) expect((await manifest(REGISTRY, repo, t))._digest).toBe(held.outputs.digest);
    } finally {
      proxy.stop();
    }
  });
});

test('a push to a branch named like a release tag (7.2) leaves that tag on the release', async () => {
  const repo = uniqueRepo('branch-7-2');
  const image = `${REGISTRY}/${repo}`;
  const payload = event('release-published-stable.json');
  payload.release = { tag_name: 'v7.2.1', prerelease: false };
  const released = await runAction({
    eventName: 'release',
    event: payload,
    env: { GITHUB_REF: 'refs/tags/v7.2.1' },
    inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: image, provenance: 'false' }
  });
  expect(released.main.code).toBe(0);
  const branch = await runAction({
    eventName: 'push',
    event: event('push-feature-branch.json'),
    env: { GITHUB_REF: 'refs/heads/7.2' },
    inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: image, provenance: 'false' }
  });
  expect(branch.main.code).toBe(0);
  expect(branch.main.stdout).toContain(`::notice::Not moving ${image}:7.2: it points at 7.2.1, a release, and this build (7.2) is none`);
  expect((await manifest(REGISTRY, repo, '7.2'))._digest).toBe(released.outputs.digest);
  expect((await manifest(REGISTRY, repo, 'sha-0123456'))._digest).toBe(branch.outputs.digest);
});

test('a fork pull request builds without login or push, and says so', async () => {
  const repo = uniqueRepo('pr');
  const r = await runAction({
    eventName: 'pull_request',
    event: event('pull-request-fork.json'),
    env: { GITHUB_REF: 'refs/pull/42/merge' },
    inputs: {
      ...untrustedStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${repo}`,
      username: 'someone',
      password: 'not-used'
    }
  });
  expect(r.main.code).toBe(0);
  expect(r.main.stdout).toContain('Push: no (pull_request event (build only))');
  expect(r.main.stdout).toContain('::notice::pull_request: building without login or push');
  expect(r.main.stdout).not.toContain('Logging in');
  expect(r.main.stdout).not.toMatch(/\[command\]\S*docker login/);
  expect(r.outputs.tags).toBe(`${REGISTRY}/${repo}:pr-42`);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
});
