import * as core from '@actions/core';
import { loadConfig } from '../../../src/policy/config';
import { lastMomentGuard, plainHttpHostsFor, putTags } from '../../../src/registry/publish';
import { ctxFor } from '../policy/events';
import { FakeRegistry } from '../fake-registry';

const index = { bytes: Buffer.from('{}'), digest: 'sha256:abc', mediaType: 'application/vnd.oci.image.index.v1+json' };

/** A registry that refuses the PUT of `failing`; `put` lists what was put. */
function fakeClient(failing: string): { client: FakeRegistry; put: string[] } {
  const client = new FakeRegistry();
  client.refusePut = ref => ref === failing;
  const put: string[] = [];
  const putManifest = client.putManifest.bind(client);
  client.putManifest = async (repo, reference, bytes, mediaType) => {
    const digest = await putManifest(repo, reference, bytes, mediaType);
    put.push(`${repo.registry}/${repo.repository}:${reference}`);
    return digest;
  };
  return { client, put };
}

test('a tag PUT failing part-way says exactly which references moved and which did not', async () => {
  const refs = ['ghcr.io/o/app:2.3.4', 'ghcr.io/o/app:2.3', 'ghcr.io/o/app:2', 'ghcr.io/o/app:latest'];
  const { client, put } = fakeClient('ghcr.io/o/app:2');
  await expect(putTags(client, refs, index)).rejects.toThrow(
    'tagging ghcr.io/o/app:2 failed: HTTP 403: denied; moved to sha256:abc: ghcr.io/o/app:2.3.4, ghcr.io/o/app:2.3; ' +
      'not moved: ghcr.io/o/app:2, ghcr.io/o/app:latest'
  );
  expect(put).toEqual(['ghcr.io/o/app:2.3.4', 'ghcr.io/o/app:2.3']);
});

test('a failure on the first tag moved nothing', async () => {
  const { client } = fakeClient('ghcr.io/o/app:1');
  await expect(putTags(client, ['ghcr.io/o/app:1'], index)).rejects.toThrow('moved to sha256:abc: none; not moved: ghcr.io/o/app:1');
});

describe('the backport guard once more, right before each PUT', () => {
  const release = ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4');
  const cfg = loadConfig(n => ({ 'github-token': 'x', images: 'ghcr.io/o/app' })[n] ?? '', release);
  const annotated = (version: string) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: index.mediaType,
        manifests: [],
        annotations: { 'org.opencontainers.image.version': version }
      })
    );

  test('a tag another release moved since the tags were read is left where it is; the others move', async () => {
    const { client, put } = fakeClient('none');
    const app = { registry: 'ghcr.io', repository: 'o/app' };
    // Read before the build: latest at 2.3.3. Meanwhile 3.0.0 was published and moved latest.
    await client.putManifest(app, 'latest', annotated('3.0.0'), index.mediaType);
    await client.putManifest(app, '2', annotated('2.3.3'), index.mediaType);
    put.length = 0;
    const refs = ['2.3.4', '2.3', '2', 'latest'].map(t => `ghcr.io/o/app:${t}`);
    const notice = jest.spyOn(core, 'notice').mockImplementation(() => undefined);
    jest.spyOn(core, 'info').mockImplementation(() => undefined);
    try {
      await putTags(client, refs, index, lastMomentGuard(cfg, client));
      expect(put).toEqual(['ghcr.io/o/app:2.3.4', 'ghcr.io/o/app:2.3', 'ghcr.io/o/app:2']);
      expect(notice).toHaveBeenCalledWith('Not moving ghcr.io/o/app:latest: it points at 3.0.0, newer than 2.3.4');
    } finally {
      jest.restoreAllMocks();
    }
  });

  test('no guard for explicit tags, or for a build whose tags hold no release', () => {
    const explicit = loadConfig(n => ({ 'github-token': 'x', tags: 'ghcr.io/o/app:1' })[n] ?? '', release);
    expect(lastMomentGuard(explicit, new FakeRegistry())).toBeUndefined();
    const branch = loadConfig(n => ({ 'github-token': 'x' })[n] ?? '', ctxFor('push', 'push-feature-branch.json', 'refs/heads/feature/x'));
    expect(lastMomentGuard(branch, new FakeRegistry())).toBeUndefined();
  });
});

// Review 3, L3: a buildkitd-config file on an untrusted event is the checked-out code's.
describe('plain-HTTP registries of the action’s own client', () => {
  const fileConfig = { path: '/ws/buildkitd.toml', text: '[registry."ghcr.io"]\n  http = true\n' };
  const inline = '[registry."mirror.internal:5000"]\n  http = true\n';
  const config = (eventName: string, file: string, ref: string) => ({
    event: loadConfig(n => ({ 'github-token': 'x', push: 'false' })[n] ?? '', ctxFor(eventName, file, ref)).event,
    buildkitdConfig: fileConfig,
    buildkitdConfigInline: undefined as string | undefined
  });

  test.each([
    ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'],
    ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main'],
    ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main'],
    ['merge_group', 'merge-group.json', 'refs/heads/gh-readonly-queue/main/pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246']
  ])('on %s a buildkitd-config file marks no host plain HTTP for the client; the inline config does', (eventName, file, ref) => {
    expect(plainHttpHostsFor(config(eventName, file, ref))).toEqual([]);
    expect(plainHttpHostsFor({ ...config(eventName, file, ref), buildkitdConfig: undefined, buildkitdConfigInline: inline })).toEqual([
      'mirror.internal:5000'
    ]);
  });

  test('on a trusted event the file counts', () => {
    expect(plainHttpHostsFor(config('push', 'push-default-branch.json', 'refs/heads/main'))).toEqual(['ghcr.io']);
  });
});
