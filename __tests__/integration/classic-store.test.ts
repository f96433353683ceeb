/**
 * The image-store-dependent behaviour on an engine with the classic image store (the default of
 * Docker 28 and of GitHub's hosted runners), the stack's second engine (.ci/testenv.sh classic):
 * the smoke test, load while pushing, and the engine's own builder; a multi-platform image the
 * classic store cannot hold is refused before anything runs.
 */
import { spawnSync } from 'child_process';
import { BINFMT_STANDIN, REGISTRY, commandLines, docker, errorLines, localStackInputs, runAction, tagList, uniqueRepo } from './stack';

jest.setTimeout(600_000);

const CLASSIC = { DOCKER_HOST: 'unix:///var/run/docker-classic.sock' };
const classicDocker = (args: string[]): string => docker(args, { ...process.env, ...CLASSIC });

test('the engine under test uses the classic store', () => {
  expect(classicDocker(['info', '--format', '{{json .DriverStatus}}'])).not.toContain('io.containerd.snapshotter');
});

test('smoke test: two platforms pushed by digest, each run with docker run --platform, then tagged', async () => {
  const repo = uniqueRepo('classic-smoke');
  const r = await runAction({
    env: CLASSIC,
    inputs: {
      ...localStackInputs(),
      platforms: 'linux/amd64,linux/arm64',
      tags: `${REGISTRY}/${repo}:1`,
      'qemu-image': BINFMT_STANDIN,
      'smoke-test': '/bin/uname -m'
    }
  });
  expect(r.main.code).toBe(0);
  expect(r.main.stdout).toContain('Smoke test passed on linux/amd64, linux/arm64');
  expect(await tagList(REGISTRY, repo)).toEqual(['1']);
});

test('load while pushing one platform: pushed, tagged, and the engine holds it under its tag', async () => {
  const repo = uniqueRepo('classic-load');
  const tag = `${REGISTRY}/${repo}:1`;
  const r = await runAction({ env: CLASSIC, inputs: { ...localStackInputs(), platforms: 'linux/amd64', tags: tag, load: 'true' } });
  try {
    expect(r.main.code).toBe(0);
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
    expect(classicDocker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', tag]).trim()).toBe('linux/amd64');
  } finally {
    spawnSync('docker', ['image', 'rm', tag], { env: { ...process.env, ...CLASSIC } });
  }
});

test.each([
  ['load: true', { load: 'true' }, /^::error::load: true with 2 platforms needs the Docker engine's containerd image store/],
  [
    'driver: docker',
    { driver: 'docker', push: 'false', 'driver-opts': '', 'buildkitd-config-inline': '' },
    /^::error::driver: docker \(the engine's own builder\) with 2 platforms needs the Docker engine's containerd image store/
  ]
])('%s with two platforms is refused before anything is built, with the ways out', async (_n, inputs, error) => {
  const repo = uniqueRepo('classic-refused');
  const r = await runAction({
    env: CLASSIC,
    inputs: { ...localStackInputs(), platforms: 'linux/amd64,linux/arm64', tags: `${REGISTRY}/${repo}:1`, ...inputs }
  });
  expect(r.main.code).toBe(1);
  const errors = errorLines(r.main.stdout);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(error);
  expect(errors[0]).toContain('containerd-snapshotter');
  expect(commandLines(r.main.stdout).filter(l => / buildx (create|build) /.test(l))).toEqual([]);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
});

test("driver: docker builds one platform with the engine's builder into the classic store", async () => {
  const tag = `localhost/test/classic-engine-builder:${Date.now().toString(36)}`;
  const r = await runAction({
    env: CLASSIC,
    inputs: {
      ...localStackInputs(),
      'driver-opts': '',
      'buildkitd-config-inline': '',
      driver: 'docker',
      platforms: 'linux/amd64',
      push: 'false',
      load: 'true',
      tags: tag
    }
  });
  try {
    expect(r.main.code).toBe(0);
    expect(classicDocker(['run', '--rm', '--pull', 'never', '--network', 'host', tag]).trim()).toBe('x86_64');
  } finally {
    spawnSync('docker', ['image', 'rm', tag], { env: { ...process.env, ...CLASSIC } });
  }
});
