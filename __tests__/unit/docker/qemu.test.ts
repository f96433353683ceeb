/**
 * setupQemu against stand-ins: a temporary directory in the format of /proc/sys/fs/binfmt_misc,
 * another as /usr/lib/binfmt.d, and a Runner answering the docker commands. Files written into the
 * stand-in binfmt directory register nothing (there is no kernel behind it): what was written is
 * asserted instead, and a handler appears only where a test creates it.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandError, CommandResult, Runner } from '../../../src/docker/command';
import { QemuEnv, setupQemu } from '../../../src/docker/qemu';
import { Answer, Call, ok, stubRunner } from '../stub-runner';

const PINNED = `docker.io/tonistiigi/binfmt:qemu-v10.2.3-68@sha256:${'4'.repeat(64)}`;
const DOCKER_ENV = { DOCKER_CONFIG: '/run/private/docker-config' };
// The registration line of Debian's qemu-user-static (/usr/lib/binfmt.d/qemu-aarch64.conf).
const AARCH64_LINE =
  ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF';
// /proc/sys/fs/binfmt_misc/<name> of a registered handler.
const handlerEntry = (state: 'enabled' | 'disabled', flags: string): string =>
  `${state}\ninterpreter /usr/bin/qemu-aarch64-static\nflags: ${flags}\noffset 0\nmagic 7f454c460201010000000000000000000200b700\nmask ffffffffffffff00fffffffffffffffffeffffff\n`;

const stub = stubRunner;
const exit1 = (stderr: string): CommandResult => ({ exitCode: 1, stdout: '', stderr });
const argv = (calls: Call[]): string[][] => calls.map(c => [c.command, ...c.args]);

/** A stand-in binfmt_misc mount: `register` and `status` plus the given handlers. */
function binfmtDir(handlers: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt-'));
  fs.writeFileSync(path.join(dir, 'register'), '');
  fs.writeFileSync(path.join(dir, 'status'), 'enabled\n');
  for (const [name, text] of Object.entries(handlers)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A stand-in /usr/lib/binfmt.d holding qemu-user-static's aarch64 registration. */
function hostConfDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt.d-'));
  fs.writeFileSync(path.join(dir, 'qemu-aarch64.conf'), `# qemu-user-static\n${AARCH64_LINE}\n`);
  return dir;
}

let warnings: jest.SpyInstance;

beforeEach(() => {
  warnings = jest.spyOn(core, 'warning').mockImplementation(() => undefined);
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe('nothing to install', () => {
  test.each(['auto', 'true'] as const)('every platform native (qemu: %s): no command at all', async mode => {
    const { run, calls } = stub(() => new Error('no command expected'));
    const env: QemuEnv = { run, host: 'linux/amd64', binfmtDir: binfmtDir(), hostConfDir: hostConfDir() };
    expect(await setupQemu(env, mode, PINNED, ['linux/amd64', 'linux/386'])).toEqual({
      native: ['linux/amd64', 'linux/386'],
      emulated: [],
      method: 'none'
    });
    expect(calls).toEqual([]);
  });

  test('a usable handler already registered (qemu: auto): no command', async () => {
    const { run, calls } = stub(() => new Error('no command expected'));
    const env: QemuEnv = { run, host: 'linux/amd64', binfmtDir: binfmtDir({ 'qemu-aarch64': handlerEntry('enabled', 'F') }) };
    expect(await setupQemu(env, 'auto', PINNED, ['linux/amd64', 'linux/arm64'])).toEqual({
      native: ['linux/amd64'],
      emulated: ['linux/arm64'],
      method: 'already-registered'
    });
    expect(calls).toEqual([]);
  });

  test('binfmt_misc not mounted (no register file): an error saying how to mount it, before any command', async () => {
    const { run, calls } = stub(() => new Error('no command expected'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'no-binfmt-'));
    await expect(setupQemu({ run, host: 'linux/amd64', binfmtDir: dir }, 'auto', PINNED, ['linux/arm64'])).rejects.toThrow(
      `binfmt_misc is not mounted at ${dir}; mount it (mount -t binfmt_misc binfmt_misc ${dir}) or set qemu: false`
    );
    expect(calls).toEqual([]);
  });
});

describe('through the binfmt image', () => {
  /** `docker run --privileged ... --install arm64` registers qemu-aarch64 (here: creates its entry in the stand-in dir). */
  function installingDocker(dir: string, imagePresent: boolean): { run: Runner; calls: Call[] } {
    return stub((command, args) => {
      if (command !== 'docker') return new Error(`unexpected ${command}`);
      if (args[0] === 'image') return imagePresent ? ok('sha256:abc\n') : exit1(`Error: No such image: ${args.at(-1)}`);
      if (args[0] === 'pull') return ok(`${args.at(-1)}\n`);
      if (args.includes('--install')) {
        fs.writeFileSync(path.join(dir, 'qemu-aarch64'), handlerEntry('enabled', 'POCF'));
        return ok('installing: arm64 OK\n{"supported":["linux/amd64","linux/386","linux/arm64"],"emulators":["qemu-aarch64"]}\n');
      }
      if (args.includes('--version')) return ok('binfmt/a161c41 qemu/v10.2.3 go/1.24.9\n');
      return new Error(`unexpected docker ${args.join(' ')}`);
    });
  }

  test('image absent: pulled, run with --install for the missing platform only, then checked: method binfmt-image', async () => {
    const dir = binfmtDir();
    const { run, calls } = installingDocker(dir, false);
    const env: QemuEnv = { run, host: 'linux/amd64', dockerEnv: DOCKER_ENV, binfmtDir: dir, hostConfDir: hostConfDir() };
    expect(await setupQemu(env, 'auto', PINNED, ['linux/amd64', 'linux/arm64'])).toEqual({
      native: ['linux/amd64'],
      emulated: ['linux/arm64'],
      method: 'binfmt-image',
      version: 'binfmt/a161c41 qemu/v10.2.3 go/1.24.9'
    });
    expect(argv(calls)).toEqual([
      ['docker', 'image', 'inspect', '--format', '{{.Id}}', PINNED],
      ['docker', 'pull', '--quiet', PINNED],
      ['docker', 'run', '--privileged', '--rm', PINNED, '--install', 'arm64'],
      ['docker', 'run', '--privileged', '--rm', PINNED, '--version']
    ]);
    // Every docker call uses the run's Docker config, so this run's registry logins apply to the pull.
    for (const c of calls) expect(c.options?.env).toEqual(DOCKER_ENV);
    expect(fs.readFileSync(path.join(dir, 'register'), 'utf8')).toBe('');
    expect(warnings).not.toHaveBeenCalled();
  });

  test('image already present (a runner cache, a mirror copy): used without a pull', async () => {
    const dir = binfmtDir();
    const { run, calls } = installingDocker(dir, true);
    const r = await setupQemu({ run, host: 'linux/amd64', binfmtDir: dir }, 'auto', PINNED, ['linux/arm64']);
    expect(r.method).toBe('binfmt-image');
    expect(argv(calls).map(a => a[1])).toEqual(['image', 'run', 'run']);
  });

  // The image leaves a registered handler as it is: it is removed first (--uninstall), then installed.
  test('qemu: true reinstalls an emulator that is already registered', async () => {
    const dir = binfmtDir({ 'qemu-aarch64': handlerEntry('enabled', 'F') });
    const { run, calls } = installingDocker(dir, true);
    const r = await setupQemu({ run, host: 'linux/amd64', binfmtDir: dir }, 'true', PINNED, ['linux/arm64']);
    expect(r.method).toBe('binfmt-image');
    expect(argv(calls)).toContainEqual([
      'docker',
      'run',
      '--privileged',
      '--rm',
      PINNED,
      '--uninstall',
      'qemu-aarch64',
      '--install',
      'arm64'
    ]);
  });

  test.each([
    ['disabled', handlerEntry('disabled', 'F')],
    ['without the fix-binary flag', handlerEntry('enabled', '')]
  ])('a handler registered but %s (qemu: auto) is removed, then installed again', async (_what, entry) => {
    const dir = binfmtDir({ 'qemu-aarch64': entry });
    const { run, calls } = installingDocker(dir, true);
    await setupQemu({ run, host: 'linux/amd64', binfmtDir: dir }, 'auto', PINNED, ['linux/arm64']);
    expect(argv(calls)).toContainEqual([
      'docker',
      'run',
      '--privileged',
      '--rm',
      PINNED,
      '--uninstall',
      'qemu-aarch64',
      '--install',
      'arm64'
    ]);
  });

  test('with a log given, every line and warning goes there, in order, and none to the step log', async () => {
    const dir = binfmtDir();
    const { run } = installingDocker(dir, true);
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info: ${m}`), warning: (m: string) => lines.push(`warning: ${m}`) };
    await setupQemu({ run, host: 'linux/amd64', binfmtDir: dir, log }, 'auto', 'tonistiigi/binfmt:latest', ['linux/arm64']);
    expect(lines[0]).toBe('info: QEMU: installing emulators for linux/arm64 on this linux/amd64 runner');
    expect(lines[1]).toMatch(/^warning: QEMU: tonistiigi\/binfmt:latest runs --privileged/);
    expect(lines.at(-1)).toMatch(/^info: QEMU: emulator version /);
    expect(warnings).not.toHaveBeenCalled();
    expect(core.info).not.toHaveBeenCalled();
  });

  test('an image not pinned by digest is used, with a warning that it runs --privileged', async () => {
    const dir = binfmtDir();
    const { run } = installingDocker(dir, true);
    await setupQemu({ run, host: 'linux/amd64', binfmtDir: dir }, 'auto', 'tonistiigi/binfmt:latest', ['linux/arm64']);
    expect(warnings).toHaveBeenCalledWith(
      expect.stringMatching(/^QEMU: tonistiigi\/binfmt:latest runs --privileged but is not pinned by digest/)
    );
  });

  test('the image "succeeds" but no handler appears: the after-check fails', async () => {
    const { run } = stub((_command, args) =>
      args.includes('--install') ? ok('{"supported":["linux/amd64","linux/arm64"],"emulators":["qemu-aarch64"]}') : ok()
    );
    await expect(setupQemu({ run, host: 'linux/amd64', binfmtDir: binfmtDir() }, 'auto', PINNED, ['linux/arm64'])).rejects.toThrow(
      'QEMU: still no usable emulator for linux/arm64 after installing; check that the runner allows privileged containers and binfmt_misc'
    );
  });
});

describe("falling back to the runner's qemu-user-static handlers", () => {
  /** docker: the image is not here and every pull fails; the host's qemu-aarch64-static answers --version. */
  function unpullableAnswer(command: string, args: string[]): Answer {
    if (command === '/usr/bin/qemu-aarch64-static')
      return ok('qemu-aarch64 version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)\nCopyright (c) 2003-2022\n');
    if (args[0] === 'image') return exit1('Error: No such image');
    if (args[0] === 'pull') return new CommandError('docker pull --quiet', 1, 'Error response from daemon: toomanyrequests: rate limit');
    return new Error(`unexpected ${command} ${args.join(' ')}`);
  }
  const unpullable = (): { run: Runner; calls: Call[] } => stub(unpullableAnswer);

  /** Runs setupQemu with fake timers, so the 1 s and 2 s waits between pull attempts take no real time. */
  async function withFakeTimers(
    env: QemuEnv,
    calls: Call[]
  ): Promise<{ outcome: PromiseSettledResult<unknown>; pullsAt: Record<number, number> }> {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const settled = setupQemu(env, 'auto', PINNED, ['linux/amd64', 'linux/arm64']).then(
      value => ({ status: 'fulfilled', value }) as const,
      (reason: unknown) => ({ status: 'rejected', reason }) as const
    );
    const pulls = (): number => calls.filter(c => c.args[0] === 'pull').length;
    const pullsAt: Record<number, number> = {};
    await jest.advanceTimersByTimeAsync(0);
    pullsAt[0] = pulls();
    await jest.advanceTimersByTimeAsync(999);
    pullsAt[999] = pulls();
    await jest.advanceTimersByTimeAsync(1);
    pullsAt[1000] = pulls();
    await jest.advanceTimersByTimeAsync(1999);
    pullsAt[2999] = pulls();
    await jest.advanceTimersByTimeAsync(1);
    pullsAt[3000] = pulls();
    // Whatever waits remain (none, unless the backoff changed): run them, so a change fails the
    // assertions on pullsAt instead of timing out.
    await jest.runAllTimersAsync();
    return { outcome: await settled, pullsAt };
  }

  test('three failed pulls (backoff 1 s, 2 s), then the registration line from <hostConfDir>/qemu-aarch64.conf is written to <binfmtDir>/register', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(0); // root writes the control files itself
    const dir = binfmtDir();
    const conf = hostConfDir();
    const { run, calls } = unpullable();
    const { outcome, pullsAt } = await withFakeTimers({ run, host: 'linux/amd64', binfmtDir: dir, hostConfDir: conf }, calls);
    expect(pullsAt).toEqual({ 0: 1, 999: 1, 1000: 2, 2999: 2, 3000: 3 });
    expect(argv(calls)).toEqual([
      ['docker', 'image', 'inspect', '--format', '{{.Id}}', PINNED],
      ['docker', 'pull', '--quiet', PINNED],
      ['docker', 'pull', '--quiet', PINNED],
      ['docker', 'pull', '--quiet', PINNED],
      ['/usr/bin/qemu-aarch64-static', '--version']
    ]);
    expect(warnings).toHaveBeenCalledWith(
      `QEMU: could not use ${PINNED} (docker pull --quiet failed (exit code 1): Error response from daemon: toomanyrequests: rate limit); ` +
        `registering this runner's qemu-user-static handlers from ${conf} instead`
    );
    expect(fs.readFileSync(path.join(dir, 'register'), 'utf8')).toBe(AARCH64_LINE);
    // No kernel behind the stand-in: no handler appears, and the after-check says so.
    expect(outcome).toEqual({ status: 'rejected', reason: expect.any(Error) as unknown });
    expect(((outcome as PromiseRejectedResult).reason as Error).message).toBe(
      'QEMU: still no usable emulator for linux/arm64 after installing; check that the runner allows privileged containers and binfmt_misc'
    );
  });

  test('the registration took (a handler with the F flag appears): method host-qemu-user-static, version from qemu-aarch64-static', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(0);
    const dir = binfmtDir();
    // The kernel registers on the write itself, which the stand-in cannot observe. It registers at
    // the next command instead (the emulator's --version, which comes before the after-check), and
    // only if the register file holds the conf's line.
    const { run, calls } = stub((command, args) => {
      if (command === '/usr/bin/qemu-aarch64-static' && fs.readFileSync(path.join(dir, 'register'), 'utf8') === AARCH64_LINE) {
        fs.writeFileSync(path.join(dir, 'qemu-aarch64'), handlerEntry('enabled', 'POF'));
      }
      return unpullableAnswer(command, args);
    });
    const { outcome } = await withFakeTimers({ run, host: 'linux/amd64', binfmtDir: dir, hostConfDir: hostConfDir() }, calls);
    expect(outcome).toEqual({
      status: 'fulfilled',
      value: {
        native: ['linux/amd64'],
        emulated: ['linux/arm64'],
        method: 'host-qemu-user-static',
        version: 'qemu-aarch64 version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u16)'
      }
    });
  });

  test('a handler registered without the fix-binary flag is removed (-1) before the line is registered', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(0);
    const dir = binfmtDir({ 'qemu-aarch64': handlerEntry('enabled', 'OC') });
    const { run, calls } = unpullable();
    const { outcome } = await withFakeTimers({ run, host: 'linux/amd64', binfmtDir: dir, hostConfDir: hostConfDir() }, calls);
    expect(fs.readFileSync(path.join(dir, 'qemu-aarch64'), 'utf8')).toBe('-1');
    expect(fs.readFileSync(path.join(dir, 'register'), 'utf8')).toBe(AARCH64_LINE);
    expect(outcome.status).toBe('rejected');
  });

  test('not root: the control files are written through sudo -n tee', async () => {
    jest.spyOn(process, 'getuid').mockReturnValue(1001);
    const dir = binfmtDir();
    const { run, calls } = stub((command, args) => (command === 'sudo' ? ok() : unpullableAnswer(command, args)));
    const { outcome } = await withFakeTimers({ run, host: 'linux/amd64', binfmtDir: dir, hostConfDir: hostConfDir() }, calls);
    const sudo = calls.filter(c => c.command === 'sudo');
    expect(sudo.map(c => [c.args, c.options?.input])).toEqual([[['-n', 'tee', path.join(dir, 'register')], AARCH64_LINE]]);
    expect(fs.readFileSync(path.join(dir, 'register'), 'utf8')).toBe('');
    expect(outcome.status).toBe('rejected');
  });

  test('no host handler for a platform: the image error is reported as it is', async () => {
    const { run, calls } = unpullable();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'binfmt.d-'));
    const { outcome } = await withFakeTimers({ run, host: 'linux/amd64', binfmtDir: binfmtDir(), hostConfDir: empty }, calls);
    expect(((outcome as PromiseRejectedResult).reason as Error).message).toBe(
      'docker pull --quiet failed (exit code 1): Error response from daemon: toomanyrequests: rate limit'
    );
    expect(warnings).not.toHaveBeenCalled();
  });
});
