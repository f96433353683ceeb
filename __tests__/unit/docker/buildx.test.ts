import {
  Buildx,
  appendNodeArgs,
  bootBuilder,
  builderExists,
  createBuilder,
  createBuilderArgs,
  downloadUrl,
  parseBuilderNodes,
  parseBuilderPlatforms,
  parseBuildxVersion,
  parseInspect,
  removeBuilderArgs
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
    const spec = { name: 'n', driver: 'docker-container', driverOpts: ['network=host'], configFile: '/c.toml', platforms: [] };
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
      { driver: 'docker-container', endpoint: 'unix:///var/run/docker.sock', platforms: ['linux/amd64'] },
      { driver: 'docker-container', endpoint: 'tcp://arm-box:2376', platforms: ['linux/arm64'] }
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
  await expect(bootBuilder(run, bx('0.29.1'), 'default', { DOCKER_CONFIG: '/c' })).resolves.toEqual({
    name: 'default',
    driver: 'docker',
    nodes: [
      {
        name: 'default',
        endpoint: 'default',
        status: 'running',
        buildkit: 'v0.0.0+unknown',
        flags: undefined,
        driverOpts: [],
        platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'],
        declared: []
      }
    ]
  });
  expect(calls.map(c => [c.command, ...c.args])).toEqual([['docker', 'buildx', 'inspect', '--bootstrap', '--builder', 'default']]);
  expect(calls[0].options?.env).toEqual({ DOCKER_CONFIG: '/c' });
});

describe('create argv: the first node, then each appended node', () => {
  const remote = {
    name: 'b',
    driver: 'remote',
    driverOpts: ['cacert=/t/ca.pem', 'cert=/t/cert.pem', 'key=/t/key.pem'],
    platforms: ['linux/amd64'],
    endpoint: 'tcp://127.0.0.1:1234'
  };
  test.each([
    [
      'remote with TLS, a fixed platform and its endpoint last',
      remote,
      [
        ...['create', '--name', 'b', '--driver', 'remote', '--platform', 'linux/amd64'],
        ...['--driver-opt', 'cacert=/t/ca.pem', '--driver-opt', 'cert=/t/cert.pem', '--driver-opt', 'key=/t/key.pem'],
        'tcp://127.0.0.1:1234'
      ]
    ],
    [
      'docker-container with buildkitd flags, two platforms and a config file',
      {
        name: 'c',
        driver: 'docker-container',
        driverOpts: [],
        buildkitdFlags: '--debug --allow-insecure-entitlement network.host',
        platforms: ['linux/amd64', 'linux/arm64'],
        configFile: '/r/buildkitd.toml'
      },
      [
        ...['create', '--name', 'c', '--driver', 'docker-container', '--platform', 'linux/amd64,linux/arm64'],
        ...['--buildkitd-flags', '--debug --allow-insecure-entitlement network.host', '--buildkitd-config', '/r/buildkitd.toml']
      ]
    ],
    [
      'a docker context as endpoint',
      { name: 'd', driver: 'docker-container', driverOpts: [], platforms: [], endpoint: 'arm-box' },
      ['create', '--name', 'd', '--driver', 'docker-container', 'arm-box']
    ]
  ])('%s', (_what, spec, argv) => {
    expect(createBuilderArgs(bx('0.29.1'), spec)).toEqual(argv);
  });

  test.each([
    [
      'a named remote node with its platforms and TLS options',
      { name: 'arm', endpoint: 'tcp://127.0.0.1:2', platforms: ['linux/arm64'], driverOpts: ['cacert=/ca.pem', 'key=/k.pem'] },
      [
        'create',
        '--append',
        '--name',
        'b',
        '--node',
        'arm',
        '--platform',
        'linux/arm64',
        '--driver-opt',
        'cacert=/ca.pem',
        '--driver-opt',
        'key=/k.pem',
        'tcp://127.0.0.1:2'
      ]
    ],
    [
      'a node on the current docker context, with flags',
      { name: 'b2', platforms: [], driverOpts: [], buildkitdFlags: '--debug' },
      ['create', '--append', '--name', 'b', '--node', 'b2', '--buildkitd-flags', '--debug']
    ]
  ])('append: %s', (_what, node, argv) => {
    expect(appendNodeArgs('b', node)).toEqual(argv);
  });

  test('createBuilder runs the create, then one --append call per node, in order', async () => {
    const { run, calls } = stubRunner();
    const nodes = [
      { name: 'n1', endpoint: 'tcp://h:1', platforms: ['linux/arm64'], driverOpts: [] },
      { name: 'n2', endpoint: 'tcp://h:2', platforms: ['linux/s390x'], driverOpts: [] }
    ];
    await createBuilder(run, bx('0.29.1'), remote, nodes, {});
    expect(calls.map(c => c.args.slice(0, 7).join(' '))).toEqual([
      'buildx create --name b --driver remote --platform',
      'buildx create --append --name b --node n1',
      'buildx create --append --name b --node n2'
    ]);
  });

  test.each([
    [false, ['rm', 'b']],
    [true, ['rm', '--keep-state', 'b']]
  ])('rm with keep-state %s', (keep, argv) => {
    expect(removeBuilderArgs('b', keep)).toEqual(argv);
  });

  test.each([
    [0, true],
    [1, false]
  ])('builderExists: inspect exiting %i', async (exitCode, exists) => {
    const { run, calls } = stubRunner(() => ({ exitCode, stdout: '', stderr: 'ERROR: no builder "x" found' }));
    await expect(builderExists(run, bx('0.29.1'), 'x', {})).resolves.toBe(exists);
    expect(calls[0].args).toEqual(['buildx', 'inspect', '--builder', 'x']);
    expect(calls[0].options?.allowFailure).toBe(true);
  });
});

describe('parseInspect', () => {
  // buildx 0.29 inspect of two remote TLS nodes (GC policy and labels cut short).
  const remoteTwo = [
    'Name:          bx',
    'Driver:        remote',
    'Last Activity: 2026-12-07 03:25:08 +0000 UTC',
    '',
    'Nodes:',
    'Name:             bx0',
    'Endpoint:         tcp://127.0.0.1:18231',
    'Driver Options:   cacert="/t/ca.pem" cert="/t/client.pem" key="/t/client.key"',
    'Status:           running',
    'BuildKit version: v0.25.2+debian',
    'Platforms:        linux/amd64*, linux/amd64/v2, linux/arm64',
    'Labels:',
    ' org.mobyproject.buildkit.worker.hostname:         node1',
    'GC Policy rule#0:',
    ' All:            false',
    '',
    'Name:             arm',
    'Endpoint:         tcp://127.0.0.1:18232',
    'Status:           running',
    'BuildKit version: v0.25.2+debian',
    'Platforms:        linux/arm64*, linux/amd64'
  ].join('\n');

  test('the builder, then each node: endpoint, options, status, BuildKit, listed and declared platforms', () => {
    expect(parseInspect(remoteTwo)).toEqual({
      name: 'bx',
      driver: 'remote',
      nodes: [
        {
          name: 'bx0',
          endpoint: 'tcp://127.0.0.1:18231',
          status: 'running',
          buildkit: 'v0.25.2+debian',
          flags: undefined,
          driverOpts: ['cacert=/t/ca.pem', 'cert=/t/client.pem', 'key=/t/client.key'],
          platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'],
          declared: ['linux/amd64']
        },
        {
          name: 'arm',
          endpoint: 'tcp://127.0.0.1:18232',
          status: 'running',
          buildkit: 'v0.25.2+debian',
          flags: undefined,
          driverOpts: [],
          platforms: ['linux/arm64', 'linux/amd64'],
          declared: ['linux/arm64']
        }
      ]
    });
  });

  test('a docker-container node with daemon flags, not yet booted (no platforms), and the older "Flags:"/"Buildkit:" keys', () => {
    const text = [
      'Name: c',
      'Driver: docker-container',
      'Nodes:',
      'Name: c0',
      'Endpoint: unix:///var/run/docker.sock',
      'Status: inactive',
      'Flags: --debug',
      'Buildkit: v0.12.5',
      'Platforms:'
    ].join('\n');
    expect(parseInspect(text).nodes).toEqual([
      {
        name: 'c0',
        endpoint: 'unix:///var/run/docker.sock',
        status: 'inactive',
        buildkit: 'v0.12.5',
        flags: '--debug',
        driverOpts: [],
        platforms: [],
        declared: []
      }
    ]);
  });
});
