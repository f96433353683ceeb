/** The post step with whatever state the main step got to save: each cleanup runs on its own, and one failing does not stop the rest. */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandError } from '../../../src/docker/command';
import { runPost } from '../../../src/modes/post';
import { ok, stubRunner } from '../stub-runner';

/** Records every argv; `fails` makes a matching call throw as runCommand does on a non-zero exit. */
function recorder(fails: (command: string, args: string[]) => boolean = () => false): ReturnType<typeof stubRunner> {
  return stubRunner((command, args) => (fails(command, args) ? new CommandError(`${command} ${args.join(' ')}`, 1, 'Error: boom') : ok()));
}

/** A run directory with a file in it, as the main step leaves it (private docker config, secrets). */
function runDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'post-run-'));
  fs.mkdirSync(path.join(dir, 'docker-config'));
  fs.writeFileSync(path.join(dir, 'docker-config', 'config.json'), '{"auths":{}}');
  return dir;
}

let warnings: jest.SpyInstance;

beforeEach(() => {
  warnings = jest.spyOn(core, 'warning').mockImplementation(() => undefined);
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

test('only a run directory (the main step failed early): the directory is removed and no command runs', async () => {
  const dir = runDir();
  const { run, calls } = recorder();
  await runPost({ runDir: dir }, run);
  expect(fs.existsSync(dir)).toBe(false);
  expect(calls).toEqual([]);
  expect(warnings).not.toHaveBeenCalled();
});

test('a builder without the buildx command to remove it with: no rm, the logouts still run', async () => {
  const { run, calls } = recorder();
  await runPost({ builder: 'multiarch-x', loggedIn: ['ghcr.io'] }, run);
  expect(calls.map(c => [c.command, ...c.args])).toEqual([['docker', 'logout', 'ghcr.io']]);
  expect(warnings).not.toHaveBeenCalled();
});

test('a failing logout is a warning; the other logouts and the removal of the run directory still happen', async () => {
  const dir = runDir();
  const { run, calls } = recorder((_command, args) => args[0] === 'logout' && args[1] === 'registry.example.com');
  await runPost({ runDir: dir, dockerConfig: path.join(dir, 'docker-config'), loggedIn: ['registry.example.com', 'ghcr.io'] }, run);
  expect(calls.map(c => [c.command, ...c.args])).toEqual([
    ['docker', 'logout', 'registry.example.com'],
    ['docker', 'logout', 'ghcr.io']
  ]);
  expect(warnings).toHaveBeenCalledTimes(1);
  expect(warnings).toHaveBeenCalledWith(
    'post: logout from registry.example.com failed: docker logout registry.example.com failed (exit code 1): Error: boom'
  );
  expect(fs.existsSync(dir)).toBe(false);
});

test('a failing builder removal is a warning; the logouts and the removal of the run directory still happen', async () => {
  const dir = runDir();
  const { run, calls } = recorder(command => command === '/opt/buildx');
  await runPost({ runDir: dir, builder: 'multiarch-x', buildxCommand: '/opt/buildx', buildxPrefix: [], loggedIn: ['ghcr.io'] }, run);
  expect(calls.map(c => [c.command, ...c.args])).toEqual([
    ['/opt/buildx', 'rm', 'multiarch-x'],
    ['docker', 'logout', 'ghcr.io']
  ]);
  expect(warnings).toHaveBeenCalledTimes(1);
  expect(warnings).toHaveBeenCalledWith(expect.stringMatching(/^post: removing builder multiarch-x failed: /));
  expect(fs.existsSync(dir)).toBe(false);
});

test('full state: buildx rm <builder>, then docker logout <registry> for each login, in that order, with the private configs', async () => {
  const dir = runDir();
  const dockerConfig = path.join(dir, 'docker-config');
  const buildxConfig = path.join(dir, 'buildx');
  const { run, calls } = recorder();
  await runPost(
    {
      runDir: dir,
      dockerConfig,
      buildxConfig,
      builder: 'multiarch-1234',
      buildxCommand: 'docker',
      buildxPrefix: ['buildx'],
      loggedIn: ['ghcr.io', 'docker.io']
    },
    run
  );
  expect(calls.map(c => [c.command, ...c.args])).toEqual([
    ['docker', 'buildx', 'rm', 'multiarch-1234'],
    ['docker', 'logout', 'ghcr.io'],
    // Docker Hub is the CLI's default server: logged out of without naming it.
    ['docker', 'logout']
  ]);
  // The private configs, and never the Actions cache token.
  const noCacheToken = { ACTIONS_RUNTIME_TOKEN: '', ACTIONS_CACHE_URL: '', ACTIONS_RESULTS_URL: '', ACTIONS_CACHE_SERVICE_V2: '' };
  for (const c of calls) expect(c.options?.env).toEqual({ DOCKER_CONFIG: dockerConfig, BUILDX_CONFIG: buildxConfig, ...noCacheToken });
  expect(fs.existsSync(dir)).toBe(false);
  expect(warnings).not.toHaveBeenCalled();
});

describe('the builder this run created', () => {
  const bx = { buildxCommand: 'docker', buildxPrefix: ['buildx'] };
  test.each([
    ['removed (cleanup, the default)', {}, [['docker', 'buildx', 'rm', 'b']], 'Removed builder b'],
    [
      "removed keeping BuildKit's state (keep-state)",
      { keepState: true },
      [['docker', 'buildx', 'rm', '--keep-state', 'b']],
      "Removed builder b (BuildKit's state kept)"
    ],
    ['kept (cleanup: false)', { cleanup: false, keepState: true }, [], 'Kept builder b (cleanup: false)']
  ])('%s', async (_what, state, argv, said) => {
    const infos = jest.spyOn(core, 'info').mockImplementation(() => undefined);
    const { run, calls } = recorder();
    await runPost({ builder: 'b', ...bx, ...state }, run);
    expect(calls.map(c => [c.command, ...c.args])).toEqual(argv);
    expect(infos).toHaveBeenCalledWith(said);
  });
});
