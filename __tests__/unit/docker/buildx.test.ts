import {
  Buildx,
  bootBuilder,
  createBuilderArgs,
  downloadUrl,
  parseBuilderNodes,
  parseBuilderPlatforms,
  parseBuildxVersion
} from '../../../src/docker/buildx';
import { ok, stubRunner } from '../stub-runner';

const bx = (version: string): Buildx => ({ command: 'docker', prefix: ['buildx'], version });

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
    expect(createBuilderArgs(bx('0.13.1'), spec)).toEqual([
      'create',
      '--name',
      'n',
      '--driver',
      'docker-container',
      '--driver-opt',
      'network=host',
      '--buildkitd-config',
      '/c.toml'
    ]);
    expect(createBuilderArgs(bx('0.12.1'), spec)).toContain('--config');
  });

  // `buildx inspect` of a builder with an appended arm64 node (buildx create --append).
  const twoNodes = [
    'Name:          multi',
    'Driver:        docker-container',
    '',
    'Nodes:',
    'Name:      multi0',
    'Endpoint:  unix:///var/run/docker.sock',
    'Status:    running',
    'Platforms: linux/amd64*, linux/386',
    '',
    'Name:      multi1',
    'Endpoint:  tcp://arm-box:2376',
    'Status:    running',
    'Platforms: linux/arm64*, linux/arm/v7'
  ].join('\n');

  test('a multi-node builder builds what any of its nodes builds', () => {
    expect(parseBuilderPlatforms(twoNodes)).toEqual(['linux/amd64', 'linux/386', 'linux/arm64', 'linux/arm/v7']);
  });

  test('a multi-node builder has one driver and an endpoint per node', () => {
    expect(parseBuilderNodes(twoNodes)).toEqual([
      { driver: 'docker-container', endpoint: 'unix:///var/run/docker.sock' },
      { driver: 'docker-container', endpoint: 'tcp://arm-box:2376' }
    ]);
  });

  test('inspect platforms', () => {
    const out = 'Name: b\nDriver: docker-container\nPlatforms: linux/amd64*, linux/amd64/v2, linux/arm64, linux/arm/v7\n';
    expect(parseBuilderPlatforms(out)).toEqual(['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/arm/v7']);
  });

  test('download URL', () => {
    expect(downloadUrl('https://mirror/buildx', '0.30.1', 'amd64')).toBe('https://mirror/buildx/v0.30.1/buildx-v0.30.1.linux-amd64');
  });
});

test('bootBuilder boots the builder and returns the platforms it lists, checking nothing', async () => {
  // The engine's own builder (docker driver), started when only qemu-aarch64 was registered.
  const engineBuilder = [
    'Name:   default',
    'Driver: docker',
    'Nodes:',
    'Name:             default',
    'Endpoint:         default',
    'Status:           running',
    'BuildKit version: v0.0.0+unknown',
    'Platforms:        linux/amd64, linux/amd64/v2, linux/arm64'
  ].join('\n');
  const { run, calls } = stubRunner(() => ok(engineBuilder));
  await expect(bootBuilder(run, bx('0.29.1'), 'default', { DOCKER_CONFIG: '/c' })).resolves.toEqual([
    'linux/amd64',
    'linux/amd64/v2',
    'linux/arm64'
  ]);
  expect(calls.map(c => [c.command, ...c.args])).toEqual([['docker', 'buildx', 'inspect', '--bootstrap', '--builder', 'default']]);
  expect(calls[0].options?.env).toEqual({ DOCKER_CONFIG: '/c' });
});
