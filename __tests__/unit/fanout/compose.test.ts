import { composeIndex, legDescriptors } from '../../../src/fanout/compose';
import { sha256Digest } from '../../../src/oci/digest';
import { Descriptor, Manifest } from '../../../src/oci/manifest';
import { indexAnnotations } from '../../../src/policy/labels';

describe('composeIndex', () => {
  const manifestOf = (digest: string, json: object) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest,
    bytes: Buffer.from('x'.repeat(10)),
    json: json as never
  });
  const attested = {
    platform: 'linux/arm64',
    top: {
      mediaType: 'application/vnd.oci.image.index.v1+json',
      digest: 'sha256:idx',
      bytes: Buffer.from(''),
      json: {
        manifests: [
          { mediaType: 'm', digest: 'sha256:arm', size: 5, platform: { os: 'linux', architecture: 'arm64' } },
          {
            mediaType: 'm',
            digest: 'sha256:att',
            size: 6,
            platform: { os: 'unknown', architecture: 'unknown' },
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:arm' }
          }
        ]
      }
    }
  };
  const single = { platform: 'linux/amd64', top: manifestOf('sha256:amd', { config: {} }), configPlatform: 'linux/amd64' };

  test('keeps attestations with their subject and platforms from the configs', () => {
    const idx = JSON.parse(composeIndex([single, attested], { b: '2', a: '1' }).toString()) as Manifest['json'] & {
      manifests: Descriptor[];
      annotations: Record<string, string>;
    };
    expect(idx.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(idx.manifests.map((m: { digest: string }) => m.digest)).toEqual(['sha256:amd', 'sha256:arm', 'sha256:att']);
    expect(idx.manifests[0]).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: 'sha256:amd',
      size: 10,
      platform: { os: 'linux', architecture: 'amd64' }
    });
    expect(idx.manifests[2].annotations?.['vnd.docker.reference.digest']).toBe('sha256:arm');
    expect(Object.keys(idx.annotations)).toEqual(['a', 'b']);
  });

  test('same legs, same bytes, same digest: key order in the registry JSON and in the annotations does not matter', () => {
    // The same arm64 leg as a registry could serve it with its JSON keys in another order.
    const [arm, att] = attested.top.json.manifests;
    const reordered = {
      ...attested,
      top: {
        ...attested.top,
        json: {
          manifests: [
            { platform: { architecture: 'arm64', os: 'linux' }, size: arm.size, digest: arm.digest, mediaType: arm.mediaType },
            {
              annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:arm' },
              platform: { architecture: 'unknown', os: 'unknown' },
              size: att.size,
              digest: att.digest,
              mediaType: att.mediaType
            }
          ]
        }
      }
    };
    const a = composeIndex([single, attested], { a: '1', b: '2' });
    const b = composeIndex([single, reordered], { b: '2', a: '1' });
    expect(b.toString()).toBe(a.toString());
    expect(sha256Digest(b)).toBe(sha256Digest(a));
  });

  test('a leg whose image is for another platform is refused', () => {
    expect(() => legDescriptors({ ...single, configPlatform: 'linux/arm64' })).toThrow(/whose config is for linux\/arm64/);
    expect(() => legDescriptors({ ...attested, platform: 'linux/amd64' })).toThrow(/holding linux\/arm64; expected exactly linux\/amd64/);
  });

  test('index annotations: user index-level and unprefixed keys win over the event ones', () => {
    expect(indexAnnotations(['index:k1=mine', 'manifest:k2=m', 'k3=plain'], { k1: 'ours', k2: 'ours', k4: 'x' })).toEqual({
      k1: 'mine',
      k3: 'plain',
      k2: 'ours',
      k4: 'x'
    });
  });
});
