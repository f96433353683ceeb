/** The builder inputs setup-buildx-action users know, and buildx's rules for them, checked before anything runs. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';
import { readInputs } from '../../../src/inputs/inputs';
import { Problems } from '../../../src/inputs/problems';
import { loadYamlFor } from '../../../src/inputs/yaml';

// The run loads the YAML parser before reading inputs written in it (append).
beforeAll(() => loadYamlFor('-'));

const ctx: RunContext = {
  eventName: 'push',
  payload: {},
  repository: 'o/r',
  actor: 'a',
  sha: '0123456',
  ref: 'refs/heads/main',
  runId: '1',
  runAttempt: '1',
  serverUrl: 'https://github.com',
  tempDir: '/tmp'
};

function read(inputs: Record<string, string>): { inputs: ReturnType<typeof readInputs>; problems: string[] } {
  const p = new Problems();
  const value = readInputs(name => inputs[name] ?? '', ctx, p);
  return { inputs: value, problems: p.list };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'builder-inputs-'));
const tomlFile = path.join(dir, 'buildkitd.toml');
fs.writeFileSync(tomlFile, '[registry."mirror.local:5000"]\n  http = true\n');
const badToml = path.join(dir, 'bad.toml');
fs.writeFileSync(badToml, '[registry."x"\n');

describe('append: a YAML list of nodes', () => {
  test('each node with setup-buildx-action fields, platforms normalised, lists as strings or YAML lists', () => {
    const append = [
      '- name: arm',
      '  endpoint: ssh://ci@10.0.0.2',
      '  platforms: linux/arm64/v8, linux/arm',
      '  driver-opts:',
      '    - cacert=/c/ca.pem',
      '    - key=/c/key.pem',
      '- endpoint: ctx2',
      '  driver-opts: |',
      '    image=moby/buildkit:master',
      '    network=host',
      '  buildkitd-flags: --debug'
    ].join('\n');
    const { inputs, problems } = read({ append });
    expect(problems).toEqual([]);
    expect(inputs.append).toEqual([
      {
        name: 'arm',
        endpoint: 'ssh://ci@10.0.0.2',
        platforms: ['linux/arm64', 'linux/arm/v7'],
        driverOpts: ['cacert=/c/ca.pem', 'key=/c/key.pem'],
        buildkitdFlags: undefined
      },
      {
        name: undefined,
        endpoint: 'ctx2',
        platforms: [],
        driverOpts: ['image=moby/buildkit:master', 'network=host'],
        buildkitdFlags: '--debug'
      }
    ]);
  });

  test.each([
    ['- name: [unclosed', /^append: is not YAML: /],
    ['name: one', /^append: must be a YAML list of nodes/],
    ['- just-a-string', /^append: node 1 is not a mapping/],
    [
      '- platform: linux/arm64',
      /^append: node 1: unknown field "platform"; a node has name, endpoint, platforms, driver-opts, buildkitd-flags/
    ],
    ['- platforms: linux/sparc', /^append: node 1: platforms: unknown architecture "sparc"/],
    ['- driver-opts: {a: 1}', /^append: node 1: driver-opts must be a string or a list of strings/],
    ['- name: "bad name"', /^append: node 1: name "bad name" is not a node name/],
    ['- name: n1\n- name: n1', /^append: node name "n1" is given twice/]
  ])('%j is a problem', (append, problem) => {
    expect(read({ append }).problems).toEqual([expect.stringMatching(problem)]);
  });

  test('is not parsed (nor the YAML parser loaded) when empty', () => {
    expect(read({ append: '  ' }).inputs.append).toEqual([]);
  });
});

describe('buildkitd-config: a file', () => {
  test('its path is resolved and its TOML read (for the registry client too)', () => {
    const { inputs, problems } = read({ 'buildkitd-config': tomlFile });
    expect(problems).toEqual([]);
    expect(inputs.buildkitdConfig).toEqual({ path: tomlFile, text: fs.readFileSync(tomlFile, 'utf8') });
  });

  test.each([
    [path.join(dir, 'missing.toml'), /^buildkitd-config: ".*missing\.toml" is not a file/],
    [dir, /^buildkitd-config: ".*" is not a file/],
    [badToml, /^buildkitd-config: is not TOML \(line 1\)/]
  ])('%s is a problem', (file, problem) => {
    expect(read({ 'buildkitd-config': file }).problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('version: setup-buildx-action’s buildx-version', () => {
  test.each([
    [{ version: 'v0.13.1' }, '0.13.1'],
    [{ 'buildx-version': '0.13.1', version: 'v0.13.1' }, '0.13.1'],
    [{ version: 'latest' }, 'latest'],
    [{ 'buildx-version': 'LATEST' }, 'latest'],
    [{ version: 'installed' }, undefined]
  ])('%j reads as %j', (inputs, version) => {
    const r = read(inputs);
    expect(r.problems).toEqual([]);
    expect(r.inputs.buildxVersion).toEqual(version);
  });

  test('both, different, is a problem', () => {
    expect(read({ 'buildx-version': '0.13.1', version: 'latest' }).problems).toEqual([
      'version and buildx-version: both name the buildx to use (latest, 0.13.1); give one'
    ]);
  });
});

describe('the other setup-buildx-action inputs', () => {
  test('defaults: cleanup, no keep-state, nothing declared for the nodes', () => {
    const { inputs, problems } = read({});
    expect(problems).toEqual([]);
    expect(inputs).toMatchObject({ cleanup: true, keepState: false, cacheBinary: true, nodePlatforms: [], append: [] });
    expect(inputs.name).toBeUndefined();
    expect(inputs.use).toBeUndefined();
  });

  test('name, endpoint, node-platforms, buildkitd-flags, use as given', () => {
    const { inputs, problems } = read({
      name: 'ci-builder',
      endpoint: 'unix:///var/run/docker.sock',
      'node-platforms': 'linux/amd64,linux/arm64/v8',
      'buildkitd-flags': '--debug',
      use: 'true'
    });
    expect(problems).toEqual([]);
    expect(inputs).toMatchObject({
      name: 'ci-builder',
      endpoint: 'unix:///var/run/docker.sock',
      nodePlatforms: ['linux/amd64', 'linux/arm64'],
      buildkitdFlags: '--debug',
      use: true
    });
  });

  test.each([
    [{ name: 'has space' }, /^name: "has space" is not a builder name/],
    [{ 'node-platforms': 'linux/sparc' }, /^node-platforms: unknown architecture "sparc"/],
    [{ use: 'sometimes' }, /^use: "sometimes" is not valid; use one of: true, false/],
    [{ cleanup: 'no' }, /^cleanup: "no" is not valid/]
  ])('%j is a problem', (inputs, problem) => {
    expect(read(inputs).problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe("buildx's rules for a builder", () => {
  const remote = { driver: 'remote', endpoint: 'tcp://127.0.0.1:1234' };
  test.each([
    [
      { 'buildkitd-config': tomlFile, 'buildkitd-config-inline': 'debug = true' },
      /^buildkitd-config and buildkitd-config-inline: give one/
    ],
    [{ builder: 'mine', name: 'other' }, /^builder and name: builder uses an existing builder as it is, name is the builder/],
    [
      { builder: 'mine', endpoint: 'ctx', append: '- endpoint: b' },
      /^builder: an existing builder is used as it is; endpoint, append only apply to a builder this action creates/
    ],
    [
      { driver: 'docker', 'buildkitd-flags': '--debug', name: 'x' },
      /^driver: "docker" is the engine's own builder, used as it is: it takes no buildkitd-flags, name; use docker-container/
    ],
    [{ driver: 'docker', append: '- endpoint: b' }, /^append: driver: docker is the engine's own builder, to which buildx adds no nodes/],
    [{ driver: 'remote' }, /^driver: remote needs endpoint/],
    [{ ...remote, 'buildkitd-flags': '--debug' }, /^driver: remote: buildx sets no buildkitd-flags on a BuildKit it does not start/],
    [{ ...remote, 'buildkitd-config-inline': 'debug = true' }, /^driver: remote: buildx sets no buildkitd-config-inline/],
    [{ ...remote, append: '- name: b' }, /^append: node 1 needs an endpoint: the remote driver/],
    [
      { ...remote, append: '- endpoint: tcp://127.0.0.1:1\n  buildkitd-flags: --debug' },
      /^driver: remote: buildx sets no append node 1's buildkitd-flags/
    ],
    [{ driver: 'kubernetes', 'keep-state': 'true' }, /^keep-state: "true" needs driver: docker-container/]
  ])('%j is a problem', (inputs, problem) => {
    expect(read(inputs).problems).toEqual([expect.stringMatching(problem)]);
  });

  test('a remote builder of two TLS nodes is valid', () => {
    const append =
      '- name: arm\n  endpoint: tcp://127.0.0.1:2\n  platforms: linux/arm64\n  driver-opts: [cacert=/ca.pem, cert=/c.pem, key=/k.pem]';
    const { problems } = read({
      ...remote,
      'node-platforms': 'linux/amd64',
      'driver-opts': 'cacert=/ca.pem\ncert=/c.pem\nkey=/k.pem',
      append
    });
    expect(problems).toEqual([]);
  });

  test("builder naming the builder name creates (build-push-action's builder: after setup-buildx-action's name:) is that builder, created here", () => {
    const { inputs, problems } = read({
      builder: 'ci',
      name: 'ci',
      endpoint: 'ctx',
      'buildkitd-flags': '--debug',
      append: '- endpoint: b'
    });
    expect(problems).toEqual([]);
    expect(inputs.builder).toBeUndefined();
    expect(inputs.name).toBe('ci');
  });
});

// Review 3, L2: secrets, the SSH agent and registry credentials go to a remote BuildKit.
describe('an endpoint over plain TCP to another machine', () => {
  const tls = 'cacert=/ca.pem\ncert=/c.pem\nkey=/k.pem';
  const plain = (input: string, endpoint: string): string =>
    `${input}: ${JSON.stringify(endpoint)} is plain TCP to another machine: build secrets, the SSH agent and registry credentials ` +
    'would cross the network unencrypted; give its TLS files in driver-opts (cacert=…, cert=…, key=…), or reach it over loopback or unix://';
  const plainDocker = (input: string, endpoint: string): string =>
    `${input}: ${JSON.stringify(endpoint)} is plain TCP to another machine: build secrets, the SSH agent and registry credentials ` +
    'would cross the network unencrypted; name a docker context with TLS (docker context create … --docker "host=tcp://…,ca=…,cert=…,key=…"), or use ssh://';

  test.each([
    [{ driver: 'remote', endpoint: 'tcp://builder.internal:1234' }, [plain('endpoint', 'tcp://builder.internal:1234')]],
    [{ driver: 'remote', endpoint: 'tcp://10.0.0.7:1234', 'driver-opts': 'servername=b' }, [plain('endpoint', 'tcp://10.0.0.7:1234')]],
    [
      { driver: 'remote', endpoint: 'tcp://127.0.0.1:1', 'driver-opts': tls, append: '- endpoint: tcp://arm.internal:1234' },
      [plain("append: node 1's endpoint", 'tcp://arm.internal:1234')]
    ],
    // Review 4: the other drivers' endpoints are Docker API addresses, as much in clear over tcp://.
    [{ driver: 'docker-container', endpoint: 'tcp://docker.internal:2376' }, [plainDocker('endpoint', 'tcp://docker.internal:2376')]],
    [{ driver: 'docker-container', endpoint: 'tcp://[fe80::1%25eth0]:2375' }, [plainDocker('endpoint', 'tcp://[fe80::1%25eth0]:2375')]],
    [
      { driver: 'docker-container', endpoint: 'unix:///var/run/docker.sock', append: '- endpoint: tcp://10.0.0.5:2375' },
      [plainDocker("append: node 1's endpoint", 'tcp://10.0.0.5:2375')]
    ]
  ])('%j is a problem', (inputs, problems) => {
    expect(read(inputs).problems).toEqual(problems);
  });

  test.each<Record<string, string>>([
    { driver: 'remote', endpoint: 'tcp://builder.internal:1234', 'driver-opts': tls },
    { driver: 'remote', endpoint: 'tcp://builder.internal:1234', 'driver-opts': 'cacert=/ca.pem' },
    { driver: 'remote', endpoint: 'tcp://127.0.0.1:1234' },
    { driver: 'remote', endpoint: 'tcp://localhost:1234' },
    { driver: 'remote', endpoint: 'tcp://[::1]:1234' },
    { driver: 'remote', endpoint: 'unix:///run/buildkit/buildkitd.sock' },
    { driver: 'remote', endpoint: 'docker-container://buildkitd' },
    // The docker-container driver's endpoint is a docker context or endpoint, not a BuildKit.
    { driver: 'docker-container', endpoint: 'arm-context' },
    { driver: 'docker-container', endpoint: 'ssh://ci@arm.internal' },
    { driver: 'docker-container', endpoint: 'tcp://127.0.0.1:2375' }
  ])('%j is accepted', inputs => {
    expect(read(inputs).problems).toEqual([]);
  });
});
