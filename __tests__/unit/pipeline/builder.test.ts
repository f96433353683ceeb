/** The builder phase with remote nodes: the buildx calls in order, what the post step is left, QEMU untouched, each platform's node. */
import * as core from '@actions/core';
import { Buildx } from '../../../src/docker/buildx';
import { RunContext } from '../../../src/inputs/context';
import { prepareBuilder } from '../../../src/pipeline/builder';
import { Run } from '../../../src/pipeline/run';
import { loadYamlFor } from '../../../src/inputs/yaml';
import { loadConfig } from '../../../src/policy/config';
import { Registry } from '../../../src/registry/registry';
import { ok, stubRunner } from '../stub-runner';

const ctx = {
  eventName: 'push',
  payload: {},
  repository: 'o/r',
  actor: 'a',
  sha: '1',
  ref: 'refs/heads/main',
  tempDir: '/tmp'
} as RunContext;
const bx: Buildx = { command: 'docker', prefix: ['buildx'], version: '0.29.1' };

/** What `buildx inspect` reports of the two-node remote builder `b`. */
const INSPECT = [
  'Name:   b',
  'Driver: remote',
  'Nodes:',
  'Name:      b0',
  'Endpoint:  tcp://10.0.0.1:1234',
  'Status:    running',
  'Platforms: linux/amd64*, linux/arm64',
  '',
  'Name:      arm',
  'Endpoint:  tcp://10.0.0.2:1234',
  'Status:    running',
  'Platforms: linux/arm64*'
].join('\n');

const REMOTE = {
  driver: 'remote',
  endpoint: 'tcp://10.0.0.1:1234',
  'node-platforms': 'linux/amd64',
  append: '- name: arm\n  endpoint: tcp://10.0.0.2:1234\n  platforms: linux/arm64'
};

function runWith(inputs: Record<string, string>, exists: boolean): { r: Run; calls: ReturnType<typeof stubRunner>['calls'] } {
  const cfg = loadConfig(n => ({ 'github-token': 'x', push: 'false', ...inputs })[n] ?? '', ctx);
  const { run, calls } = stubRunner((_c, args) => {
    const probe = args.includes('inspect') && !args.includes('--bootstrap');
    return probe && !exists ? { exitCode: 1, stdout: '', stderr: 'ERROR: no builder "b" found' } : ok(INSPECT);
  });
  return { r: { cfg, ctx, run, runDir: '/tmp', env: {}, logins: [], client: {} as Registry, bx }, calls };
}

// The run loads the YAML parser before reading inputs written in it (append).
beforeAll(() => loadYamlFor('-'));

let infos: string[];
let state: Record<string, string>;

beforeEach(() => {
  infos = [];
  state = {};
  jest.spyOn(core, 'info').mockImplementation(m => void infos.push(m));
  jest.spyOn(core, 'saveState').mockImplementation((k, v) => void (state[k] = String(v)));
  jest.spyOn(core, 'group').mockImplementation((_name, fn) => fn());
});

afterEach(() => {
  jest.restoreAllMocks();
});

test('a new builder: created, its node appended, booted; QEMU not touched; each platform on its declared node', async () => {
  const { r, calls } = runWith({ ...REMOTE, name: 'b', 'keep-state': 'false' }, false);
  const prepared = await prepareBuilder(r, 'b');
  expect(calls.map(c => c.args.join(' '))).toEqual([
    'buildx inspect --builder b',
    'buildx create --name b --driver remote --platform linux/amd64 tcp://10.0.0.1:1234',
    'buildx create --append --name b --node arm --platform linux/arm64 tcp://10.0.0.2:1234',
    'buildx inspect --bootstrap --builder b'
  ]);
  expect(JSON.parse(state['post-state'])).toMatchObject({ builder: 'b', cleanup: true, keepState: false });
  expect(prepared.qemu.method).toBe('none');
  expect(infos).toContain(
    'QEMU: not touched; the builder does not run on this runner (remote tcp://10.0.0.1:1234, remote tcp://10.0.0.2:1234): its nodes must provide linux/amd64, linux/arm64'
  );
  expect(prepared.platformNodes).toEqual({
    'linux/amd64': { node: 'b0', endpoint: 'tcp://10.0.0.1:1234', match: 'declared' },
    'linux/arm64': { node: 'arm', endpoint: 'tcp://10.0.0.2:1234', match: 'declared' }
  });
  expect(infos).toContain(
    'Builder b (remote, 2 nodes):\n  linux/amd64 → node b0 (tcp://10.0.0.1:1234; declared)\n  linux/arm64 → node arm (tcp://10.0.0.2:1234; declared)'
  );
});

test('cleanup: false is left for the post step', async () => {
  const { r } = runWith({ ...REMOTE, name: 'b', cleanup: 'false' }, false);
  await prepareBuilder(r, 'b');
  expect(JSON.parse(state['post-state'])).toMatchObject({ builder: 'b', cleanup: false });
});

test('a name that exists: the builder is used as it is, not created, and not left for removal', async () => {
  const { r, calls } = runWith({ name: 'b', use: 'true' }, true);
  await prepareBuilder(r, 'b');
  expect(calls.map(c => c.args.join(' '))).toEqual([
    'buildx inspect --builder b',
    'buildx inspect --builder b',
    'buildx inspect --bootstrap --builder b'
  ]);
  expect(state['post-state']).toBeUndefined();
  expect(infos).toContain('Builder b exists: it is used as it is (and not removed after the job)');
  expect(infos).toContain(
    "use: this action does not switch the runner's default builder; later steps name it: --builder b (the name output)"
  );
});
