import { describeIndex } from '../../../src/oci/manifest';
import { parseChallenge, retryDelay } from '../../../src/registry/client';

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 60_000 };

describe('retryDelay', () => {
  test.each([
    ['exponential', 0, null, 100],
    ['doubles', 3, null, 800],
    ['capped', 10, null, 2000],
    ['Retry-After seconds', 0, '1', 1000],
    ['Retry-After honoured beyond the backoff cap', 0, '30', 30_000],
    ['Retry-After longer than the policy waits', 0, '120', -1],
    ['Retry-After date', 0, new Date(1_000_000 + 1500).toUTCString(), 1000]
  ])('%s', (_name, attempt, header, expected) => {
    expect(retryDelay(attempt, header, policy, 1_000_000)).toBe(expected);
  });
});

test('parseChallenge', () => {
  expect(parseChallenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull"')).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://auth.example/token', service: 'reg', scope: 'repository:a/b:pull' }
  });
  expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
});

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
