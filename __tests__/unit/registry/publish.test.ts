import { putTags } from '../../../src/registry/publish';
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
