/**
 * QEMU user emulation, only where needed: installing emulators for just the platforms this runner
 * cannot execute through the binfmt image (or the host's qemu-user-static handlers when the
 * image cannot be pulled), and checking the result.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { BinfmtHandler, binfmtInstallArgs, emulatorFor, parseBinfmtEntry, parseBinfmtOutput, planEmulation } from '../policy/emulation';
import { parseReference } from '../oci/reference';
import { Runner } from './command';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
export const HOST_BINFMT_CONF_DIR = '/usr/lib/binfmt.d';

export function readBinfmtHandlers(dir = BINFMT_DIR): Map<string, BinfmtHandler> {
  const out = new Map<string, BinfmtHandler>();
  if (!fs.existsSync(path.join(dir, 'register'))) return out;
  for (const name of fs.readdirSync(dir)) {
    if (name === 'register' || name === 'status') continue;
    try {
      out.set(name, parseBinfmtEntry(fs.readFileSync(path.join(dir, name), 'utf8')));
    } catch {
      // An entry removed while we read the directory is simply not there.
    }
  }
  return out;
}

export interface QemuResult {
  native: string[];
  emulated: string[];
  method: 'none' | 'already-registered' | 'binfmt-image' | 'host-qemu-user-static';
  version?: string;
}

/** Where QEMU setup logs its lines: the step's log by default. */
export interface QemuLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface QemuEnv {
  run: Runner;
  log?: QemuLog;
  host: string;
  /** Environment for docker (the run's Docker config, so registry logins apply to the pull). */
  dockerEnv?: Record<string, string>;
  binfmtDir?: string;
  hostConfDir?: string;
}

const log = (env: QemuEnv): QemuLog => env.log ?? core;

const PULL_ATTEMPTS = 3;

/**
 * Makes the image available: kept if already here (a self-hosted runner's cache, a mirror copy),
 * else pulled with retries (Docker Hub rate limits and blips are common for helper images).
 */
async function pullWithRetry(env: QemuEnv, image: string): Promise<void> {
  const present = await env.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
    silent: true,
    allowFailure: true,
    env: env.dockerEnv
  });
  if (present.exitCode === 0) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await env.run('docker', ['pull', '--quiet', image], { silent: true, env: env.dockerEnv });
      return;
    } catch (e) {
      if (attempt >= PULL_ATTEMPTS) throw e;
      log(env).info(`QEMU: pulling ${image} failed (attempt ${attempt} of ${PULL_ATTEMPTS}); retrying`);
      await new Promise(r => setTimeout(r, 1000 * 2 ** (attempt - 1)));
    }
  }
}

function ensureBinfmtMounted(dir: string): void {
  if (fs.existsSync(path.join(dir, 'register'))) return;
  throw new Error(`binfmt_misc is not mounted at ${dir}; mount it (mount -t binfmt_misc binfmt_misc ${dir}) or set qemu: false`);
}

async function installWithImage(env: QemuEnv, image: string, platforms: string[], replace: string[]): Promise<string> {
  if (!parseReference(image).digest) {
    log(env).warning(
      `QEMU: ${image} runs --privileged but is not pinned by digest (image:tag@sha256:…); a moved tag would run as root on this runner`
    );
  }
  const names = [...new Set(platforms.map(p => emulatorFor(p).install))];
  await pullWithRetry(env, image);
  const result = await env.run('docker', binfmtInstallArgs(image, names, replace), { silent: true, env: env.dockerEnv });
  // The image logs its progress on stderr and prints the resulting JSON on stdout.
  log(env).info([result.stderr.trim(), result.stdout.trim()].filter(Boolean).join('\n'));
  parseBinfmtOutput(result.stdout);
  const version = await env.run('docker', ['run', '--privileged', '--rm', image, '--version'], {
    silent: true,
    allowFailure: true,
    env: env.dockerEnv
  });
  return version.stdout.trim() || version.stderr.trim() || 'unknown';
}

/** Writes a binfmt_misc control file: directly as root, else through `sudo -n tee` (hosted runners). */
async function writeBinfmt(env: QemuEnv, file: string, text: string): Promise<void> {
  if (process.getuid?.() === 0) {
    fs.writeFileSync(file, text);
    return;
  }
  const r = await env.run('sudo', ['-n', 'tee', file], { input: text, silent: true, allowFailure: true });
  if (r.exitCode !== 0) throw new Error(`writing ${file} needs root: run as root or allow passwordless sudo (${r.stderr.trim()})`);
}

/** Registers Debian/Ubuntu qemu-user-static handlers from /usr/lib/binfmt.d for the given platforms. */
async function registerHostHandlers(env: QemuEnv, platforms: string[]): Promise<string> {
  const confDir = env.hostConfDir ?? HOST_BINFMT_CONF_DIR;
  const binfmtDir = env.binfmtDir ?? BINFMT_DIR;
  for (const p of platforms) {
    const handler = emulatorFor(p).handler;
    const conf = path.join(confDir, `${handler}.conf`);
    if (!fs.existsSync(conf)) throw new Error(`no ${conf} on this runner for ${p} (install qemu-user-static)`);
    if (fs.existsSync(path.join(binfmtDir, handler))) {
      // Present but disabled or without the fix-binary flag: replace it.
      await writeBinfmt(env, path.join(binfmtDir, handler), '-1');
    }
    const line = fs
      .readFileSync(conf, 'utf8')
      .split('\n')
      .find(l => l.startsWith(':'));
    if (!line) throw new Error(`${conf} holds no binfmt registration line`);
    await writeBinfmt(env, path.join(binfmtDir, 'register'), line);
  }
  const first = emulatorFor(platforms[0]).handler;
  const v = await env.run(`/usr/bin/${first}-static`, ['--version'], { silent: true, allowFailure: true });
  return v.stdout.split('\n')[0]?.trim() || 'unknown';
}

function hostHandlersAvailable(env: QemuEnv, platforms: string[]): boolean {
  const dir = env.hostConfDir ?? HOST_BINFMT_CONF_DIR;
  return platforms.every(p => fs.existsSync(path.join(dir, `${emulatorFor(p).handler}.conf`)));
}

/**
 * Installs emulators through the binfmt image, or (when it cannot be used) registers the runner's
 * own qemu-user-static handlers. Handlers already registered for those platforms (disabled, no
 * fix-binary flag, or reinstalled on request) are removed first.
 */
async function installEmulators(env: QemuEnv, image: string, toInstall: string[]): Promise<Pick<QemuResult, 'method' | 'version'>> {
  const handlers = readBinfmtHandlers(env.binfmtDir ?? BINFMT_DIR);
  const replace = [...new Set(toInstall.map(p => emulatorFor(p).handler))].filter(h => handlers.has(h));
  try {
    return { method: 'binfmt-image', version: await installWithImage(env, image, toInstall, replace) };
  } catch (e) {
    if (!hostHandlersAvailable(env, toInstall)) throw e;
    log(env).warning(
      `QEMU: could not use ${image} (${(e as Error).message.split('\n')[0]}); registering this runner's qemu-user-static handlers from ${env.hostConfDir ?? HOST_BINFMT_CONF_DIR} instead`
    );
    return { method: 'host-qemu-user-static', version: await registerHostHandlers(env, toInstall) };
  }
}

export async function setupQemu(env: QemuEnv, mode: 'auto' | 'true' | 'false', image: string, platforms: string[]): Promise<QemuResult> {
  const binfmtDir = env.binfmtDir ?? BINFMT_DIR;
  const plan = planEmulation(platforms, env.host, readBinfmtHandlers(binfmtDir));
  const emulated = [...plan.registered, ...plan.missing];
  if (mode === 'false') {
    log(env).info(`QEMU: skipped (qemu: false); platforms needing emulation: ${emulated.join(', ') || 'none'}`);
    return { native: plan.native, emulated, method: 'none' };
  }
  if (emulated.length === 0) {
    log(env).info(`QEMU: not needed, every platform runs natively on this ${env.host} runner`);
    return { native: plan.native, emulated: [], method: 'none' };
  }
  if (plan.missing.length === 0 && mode === 'auto') {
    log(env).info(`QEMU: emulators already registered for ${plan.registered.join(', ')}`);
    return { native: plan.native, emulated, method: 'already-registered' };
  }
  const toInstall = mode === 'true' ? emulated : plan.missing;
  ensureBinfmtMounted(binfmtDir);
  log(env).info(`QEMU: installing emulators for ${toInstall.join(', ')} on this ${env.host} runner`);
  const { method, version } = await installEmulators(env, image, toInstall);
  log(env).info(`QEMU: emulator version ${version}`);
  const after = planEmulation(platforms, env.host, readBinfmtHandlers(binfmtDir));
  if (after.missing.length > 0) {
    throw new Error(
      `QEMU: still no usable emulator for ${after.missing.join(', ')} after installing; check that the runner allows privileged containers and binfmt_misc`
    );
  }
  return { native: plan.native, emulated, method, version };
}
