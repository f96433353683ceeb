import { buildArgs, parseMetadata } from '../../src/build';
import { Buildx, createBuilderArgs, downloadUrl, parseBuilderPlatforms, parseBuildxVersion } from '../../src/buildx';

const bx = (version: string): Buildx => ({ command: 'docker', prefix: ['buildx'], version });

const base = {
  platforms: ['linux/amd64', 'linux/arm64'],
  context: '.',
  buildArgs: [],
  labels: [],
  annotations: [],
  noCache: false,
  pull: false,
  cacheFrom: [],
  cacheTo: [],
  outputs: [],
  push: true,
  load: false
};
const plan = { builder: 'b1', tags: ['ghcr.io/o/r:1'], secretFiles: {}, metadataFile: '/tmp/m.json' };

describe('buildArgs', () => {
  test('minimal push', () => {
    expect(buildArgs(bx('0.13.1'), base, plan)).toEqual([
      'build', '--builder', 'b1', '--progress', 'plain', '--platform', 'linux/amd64,linux/arm64',
      '--output', 'type=image,push=true,oci-mediatypes=true', '--tag', 'ghcr.io/o/r:1', '--metadata-file', '/tmp/m.json', '.'
    ]);
  });

  test.each([
    ['file and target', { file: 'docker/Dockerfile', target: 'prod' }, ['--file', 'docker/Dockerfile', '--target', 'prod']],
    ['build args repeat', { buildArgs: ['A=1', 'B=x y'] }, ['--build-arg', 'A=1', '--build-arg', 'B=x y']],
    ['labels', { labels: ['org.opencontainers.image.title=x'] }, ['--label', 'org.opencontainers.image.title=x']],
    ['annotations', { annotations: ['index:org.opencontainers.image.description=d'] }, ['--annotation', 'index:org.opencontainers.image.description=d']],
    ['network', { network: 'host' }, ['--network', 'host']],
    ['no-cache and pull', { noCache: true, pull: true }, ['--no-cache', '--pull']],
    ['caches', { cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max'] }, ['--cache-from', 'type=gha', '--cache-to', 'type=gha,mode=max']],
    ['provenance off', { provenance: 'false' }, ['--provenance=false']],
    ['provenance attributes', { provenance: 'mode=max' }, ['--provenance=mode=max']],
    ['sbom', { sbom: 'true' }, ['--sbom=true']],
    ['custom outputs replace push', { outputs: ['type=local,dest=out'], push: false }, ['--output', 'type=local,dest=out']],
    ['load without push', { push: false, load: true }, ['--load']]
  ])('%s', (_name, over, expected) => {
    const args = buildArgs(bx('0.13.1'), { ...base, ...over }, plan);
    const at = args.indexOf(expected[0]);
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at, at + expected.length)).toEqual(expected);
  });

  test('secrets are passed as files, never values', () => {
    const args = buildArgs(bx('0.13.1'), base, { ...plan, secretFiles: { npm: '/run/s/npm' } });
    expect(args).toContain('id=npm,src=/run/s/npm');
  });

  test('the context is the last argument even when it looks like a flag', () => {
    const args = buildArgs(bx('0.13.1'), { ...base, context: '--evil' }, plan);
    expect(args[args.length - 1]).toBe('--evil');
  });

  test.each([
    ['annotations before 0.12', '0.11.2', { annotations: ['a=b'] }, /annotations need buildx 0\.12\.0/],
    ['push and load before 0.13', '0.12.1', { load: true }, /push together with load needs buildx 0\.13\.0/]
  ])('%s is refused', (_name, version, over, message) => {
    expect(() => buildArgs(bx(version), { ...base, ...over }, plan)).toThrow(message);
  });
});

describe('buildx helpers', () => {
  test.each([
    ['github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', '0.13.1'],
    ['github.com/docker/buildx v0.30.1 9e66234aa13328a5e75b75aa5574e1ca6d6d9c01', '0.30.1'],
    ['nonsense', undefined]
  ])('version of %j', (out, v) => {
    expect(parseBuildxVersion(out)).toBe(v);
  });

  test('create argv gates the config flag on the version', () => {
    const spec = { name: 'n', driver: 'docker-container', driverOpts: ['network=host'], configFile: '/c.toml' };
    expect(createBuilderArgs(bx('0.13.1'), spec)).toEqual(['create', '--name', 'n', '--driver', 'docker-container', '--driver-opt', 'network=host', '--buildkitd-config', '/c.toml']);
    expect(createBuilderArgs(bx('0.12.1'), spec)).toContain('--config');
  });

  test('inspect platforms', () => {
    const out = 'Name: b\nDriver: docker-container\nPlatforms: linux/amd64*, linux/amd64/v2, linux/arm64, linux/arm/v7\n';
    expect(parseBuilderPlatforms(out)).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/arm/v7']);
  });

  test('download URL', () => {
    expect(downloadUrl('https://mirror/buildx', '0.30.1', 'amd64')).toBe('https://mirror/buildx/v0.30.1/buildx-v0.30.1.linux-amd64');
  });

  test('metadata', () => {
    const m = parseMetadata('{"containerimage.digest":"sha256:1","containerimage.config.digest":"sha256:2"}');
    expect(m.digest).toBe('sha256:1');
    expect(m.imageId).toBe('sha256:2');
  });
});

test('plain-HTTP registries from an inline buildkitd config', () => {
  const { plainHttpRegistries } = jest.requireActual('../../src/buildx');
  const toml = '[registry."127.0.0.1:5000"]\n  http = true\n[registry."reg.internal:5000"]\n  insecure = true\n[registry."docker.io"]\n  mirrors = ["m"]\n[worker.oci]\n  http = true\n';
  expect(plainHttpRegistries(toml)).toEqual(['127.0.0.1:5000', 'reg.internal:5000']);
  expect(plainHttpRegistries(undefined)).toEqual([]);
});
