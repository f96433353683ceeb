import { RegistryClient } from '../../../src/registry/client';
import { putTags } from '../../../src/registry/publish';

const index = { bytes: Buffer.from('{}'), digest: 'sha256:abc', mediaType: 'application/vnd.oci.image.index.v1+json' };

/** A client whose PUT of `failing` is refused; records what was put. */
function fakeClient(failing: string): { client: RegistryClient; put: string[] } {
  const put: string[] = [];
  const client = {
    putManifest(registry: string, repository: string, reference: string) {
      const ref = `${registry}/${repository}:${reference}`;
      if (ref === failing) return Promise.reject(new Error('HTTP 403: denied'));
      put.push(ref);
      return Promise.resolve('sha256:x');
    }
  } as unknown as RegistryClient;
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
