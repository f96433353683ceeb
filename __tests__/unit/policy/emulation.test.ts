import {
  locallyBuiltPlatforms,
  binfmtInstallArgs,
  checkBuilderPlatforms,
  isLocalBuilder,
  parseBinfmtEntry,
  parseBinfmtOutput,
  planEmulation
} from '../../../src/policy/emulation';

const usable = { enabled: true, fixBinary: true };

describe('planEmulation', () => {
  test.each([
    [
      'amd64 runner, no handlers',
      'linux/amd64',
      {},
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      { native: ['linux/amd64'], registered: [], missing: ['linux/arm64', 'linux/arm/v7'] }
    ],
    [
      'x86-64 levels and 32-bit x86 run natively on an amd64 runner',
      'linux/amd64',
      {},
      ['linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'],
      { native: ['linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'], registered: [], missing: [] }
    ],
    [
      'amd64 runner, aarch64 registered',
      'linux/amd64',
      { 'qemu-aarch64': usable },
      ['linux/amd64', 'linux/arm64'],
      { native: ['linux/amd64'], registered: ['linux/arm64'], missing: [] }
    ],
    [
      'handler without fix-binary is not usable in containers',
      'linux/amd64',
      { 'qemu-aarch64': { enabled: true, fixBinary: false } },
      ['linux/arm64'],
      { native: [], registered: [], missing: ['linux/arm64'] }
    ],
    [
      'disabled handler',
      'linux/amd64',
      { 'qemu-aarch64': { enabled: false, fixBinary: true } },
      ['linux/arm64'],
      { native: [], registered: [], missing: ['linux/arm64'] }
    ],
    [
      'arm64 runner needs amd64 emulated',
      'linux/arm64',
      {},
      ['linux/amd64', 'linux/arm64'],
      { native: ['linux/arm64'], registered: [], missing: ['linux/amd64'] }
    ],
    ['all native', 'linux/amd64', {}, ['linux/amd64', 'linux/386'], { native: ['linux/amd64', 'linux/386'], registered: [], missing: [] }]
  ])('%s', (_name, host, handlers, requested, expected) => {
    expect(planEmulation(requested, host, new Map(Object.entries(handlers)))).toEqual(expected);
  });
});

describe('binfmt parsing', () => {
  test('entry with flags', () => {
    expect(parseBinfmtEntry('enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: OCF\noffset 0\n')).toEqual(usable);
    expect(parseBinfmtEntry('disabled\ninterpreter /x\nflags: P\n')).toEqual({ enabled: false, fixBinary: false });
  });

  test('install output: the JSON line after the progress lines', () => {
    const out = 'installing: arm64 OK\ninstalling: arm OK\n{"supported":["linux/amd64","linux/arm64"],"emulators":["qemu-aarch64"]}\n';
    expect(parseBinfmtOutput(out)).toEqual({ supported: ['linux/amd64', 'linux/arm64'], emulators: ['qemu-aarch64'] });
  });

  test('output without JSON is an error naming what came back', () => {
    expect(() => parseBinfmtOutput('installing: arm64 error\n')).toThrow(/printed no .*installing: arm64 error/);
  });

  test('install argv', () => {
    expect(binfmtInstallArgs('img:1', ['arm64', 'arm'])).toEqual(['run', '--privileged', '--rm', 'img:1', '--install', 'arm64,arm']);
  });
});

describe('isLocalBuilder: binfmt_misc on this runner only serves builders on this runner', () => {
  test.each([
    ['docker-container on the local engine', [{ driver: 'docker-container', endpoint: 'unix:///var/run/docker.sock' }], true],
    ["the engine's own builder", [{ driver: 'docker', endpoint: 'default' }], true],
    ['a builder this action creates', [{ driver: 'docker-container', endpoint: '' }], true],
    ['kubernetes', [{ driver: 'kubernetes', endpoint: 'kubernetes:///b?deployment=b0' }], false],
    ['remote', [{ driver: 'remote', endpoint: 'tcp://buildkitd:1234' }], false],
    ['docker-container on a remote engine', [{ driver: 'docker-container', endpoint: 'ssh://builder@arm-box' }], false],
    [
      'one local node and one remote',
      [
        { driver: 'docker-container', endpoint: 'unix:///var/run/docker.sock' },
        { driver: 'docker-container', endpoint: 'tcp://arm-box:2376' }
      ],
      false
    ]
  ])('%s', (_name, nodes, local) => {
    expect(isLocalBuilder(nodes)).toBe(local);
  });
});

describe('locallyBuiltPlatforms: QEMU here only for platforms a node on this runner builds', () => {
  const local = { driver: 'docker-container', endpoint: '', platforms: [] };
  const want = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
  test.each([
    ['a builder on this runner: every platform', [local], want],
    ['local nodes declared for platforms still run them here', [{ ...local, platforms: ['linux/arm64'] }], want],
    [
      'every node remote: none',
      [
        { driver: 'remote', endpoint: 'tcp://a:1', platforms: ['linux/amd64'] },
        { driver: 'remote', endpoint: 'tcp://b:1', platforms: [] }
      ],
      []
    ],
    [
      'a local node and a remote arm64 node: all but arm64',
      [local, { driver: 'docker-container', endpoint: 'tcp://arm-box:2376', platforms: ['linux/arm64'] }],
      ['linux/amd64', 'linux/arm/v7']
    ]
  ])('%s', (_what, nodes, platforms) => {
    expect(locallyBuiltPlatforms(nodes, want)).toEqual(platforms);
  });
});

describe('checkBuilderPlatforms', () => {
  // What the engine's own builder lists when it started with only qemu-aarch64 registered.
  const listed = ['linux/amd64', 'linux/amd64/v2', 'linux/arm64'];
  const NOTE = (unlisted: string) =>
    `builder default lists its platforms as of its start; ${unlisted} run on the QEMU emulators registered since`;

  test.each([
    ['every platform listed: no note', ['linux/amd64', 'linux/arm64'], [], undefined],
    ['listed platforms need no emulator even when one serves them', ['linux/arm64'], ['linux/arm64'], undefined],
    [
      'a platform not listed, served by an emulator registered since',
      ['linux/amd64', 'linux/arm/v7'],
      ['linux/arm/v7'],
      NOTE('linux/arm/v7')
    ],
    [
      'every platform emulated, the builder booted before any emulator',
      ['linux/arm/v7', 'linux/s390x'],
      ['linux/arm/v7', 'linux/s390x'],
      NOTE('linux/arm/v7, linux/s390x')
    ]
  ])('%s', (_name, platforms, emulated, note) => {
    expect(checkBuilderPlatforms('default', listed, { platforms, emulated })).toBe(note);
  });

  test.each([
    [
      'a platform neither listed nor emulated, named with what the builder lists',
      listed,
      ['linux/arm/v7', 'linux/s390x'],
      ['linux/arm/v7'],
      'builder default cannot build linux/s390x (it lists linux/amd64, linux/amd64/v2, linux/arm64); enable QEMU (qemu: true) or use a builder with those platforms'
    ],
    [
      'a builder that lists nothing',
      [],
      ['linux/amd64', 'linux/arm64'],
      [],
      'builder default cannot build linux/amd64, linux/arm64 (it lists no platforms); enable QEMU (qemu: true) or use a builder with those platforms'
    ]
  ])('%s', (_name, builderListed, platforms, emulated, message) => {
    expect(() => checkBuilderPlatforms('default', builderListed, { platforms, emulated })).toThrow(new Error(message));
  });
});
