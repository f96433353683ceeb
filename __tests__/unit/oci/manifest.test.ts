import { describeIndex, offeredPlatforms } from '../../../src/oci/manifest';

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

  test('a platform listed twice in an index we wrote is an error', () => {
    expect(() =>
      describeIndex(
        index([manifest('sha256:a', { os: 'linux', architecture: 'amd64' }), manifest('sha256:b', { os: 'linux', architecture: 'amd64' })])
      )
    ).toThrow(/lists linux\/amd64 twice/);
  });
});

describe('offeredPlatforms: reading an index someone else published', () => {
  const index = (manifests: object[]) => ({ mediaType: 'i', digest: 'sha256:idx', bytes: Buffer.from(''), json: { manifests } }) as never;
  const entry = (platform: object, annotations?: Record<string, string>) => ({
    mediaType: 'm',
    digest: 'sha256:x',
    size: 1,
    platform,
    annotations
  });

  test('a platform listed several times (one windows/amd64 per os.version) is offered once; unknown ones are skipped', () => {
    expect(
      offeredPlatforms(
        index([
          entry({ os: 'linux', architecture: 'amd64' }),
          entry({ os: 'linux', architecture: 'arm64', variant: 'v8' }),
          entry({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2655' }),
          entry({ os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.6189' }),
          entry({ os: 'linux', architecture: 'sparc64' }),
          entry({ os: 'unknown', architecture: 'unknown' }, { 'vnd.docker.reference.type': 'attestation-manifest' })
        ])
      )
    ).toEqual(['linux/amd64', 'linux/arm64', 'windows/amd64']);
  });
});
