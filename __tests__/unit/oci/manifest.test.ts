import { describeIndex } from '../../../src/oci/manifest';

describe('describeIndex', () => {
  const manifest = (digest: string, platform?: object, annotations?: Record<string, string>) => ({
    mediaType: 'm',
    digest,
    size: 1,
    platform,
    annotations
  });
  const index = (manifests: object[]) => ({ mediaType: 'i', digest: 'sha256:idx', bytes: Buffer.from(''), json: { manifests } }) as never;

  test('maps platforms and attestations', () => {
    const r = describeIndex(
      index([
        manifest('sha256:a', { os: 'linux', architecture: 'amd64' }),
        manifest('sha256:b', { os: 'linux', architecture: 'arm64', variant: 'v8' }),
        manifest(
          'sha256:c',
          { os: 'unknown', architecture: 'unknown' },
          { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:a' }
        )
      ])
    );
    expect(r.digests).toEqual({ 'linux/amd64': 'sha256:a', 'linux/arm64': 'sha256:b' });
    expect(r.attestations).toEqual({ 'sha256:c': 'sha256:a' });
  });

  test('a platform listed twice is an error', () => {
    expect(() =>
      describeIndex(
        index([manifest('sha256:a', { os: 'linux', architecture: 'amd64' }), manifest('sha256:b', { os: 'linux', architecture: 'amd64' })])
      )
    ).toThrow(/lists linux\/amd64 twice/);
  });
});
