/**
 * Layer `docker`: effects on the runner. This module owns buildx: finding or downloading it, and
 * the lifecycle of the builder this action creates (create, bootstrap, removal).
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BuildxUse, buildxProblems, supports } from '../policy/buildx-support';
import { BuilderNode } from '../policy/emulation';
import { Runner } from './command';

/** How to invoke buildx: as the docker CLI plugin, or a downloaded standalone binary. */
export interface Buildx {
  command: string;
  prefix: string[];
  version: string;
}

export function buildxArgs(bx: Buildx, args: string[]): [string, string[]] {
  return [bx.command, [...bx.prefix, ...args]];
}

export function parseBuildxVersion(output: string): string | undefined {
  const m = /\bv?(\d+\.\d+\.\d+)/.exec(output);
  return m ? m[1] : undefined;
}

export function downloadUrl(base: string, version: string, arch: string): string {
  return `${base}/v${version}/buildx-v${version}.linux-${arch}`;
}

export function buildxArch(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm-v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  const a = map[nodeArch];
  if (!a) throw new Error(`no buildx download exists for runner architecture ${nodeArch}`);
  return a;
}

async function sha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a download against the release's checksums.txt when the mirror publishes one. */
/** The tool cache, loaded only when a buildx version is pinned (a separate chunk of the bundle). */
const toolCache = (): Promise<typeof import('@actions/tool-cache')> => import('@actions/tool-cache');

/** A download that fails names the version and the URL tried. */
async function download(url: string, version: string): Promise<string> {
  const tc = await toolCache();
  try {
    return await tc.downloadTool(url);
  } catch (e) {
    throw new Error(`buildx ${version}: could not download ${url} (${(e as Error).message}); check buildx-version and buildx-download-url`);
  }
}

/**
 * Checks a download against the release's checksums.txt. Without one the download fails closed,
 * unless `allowUnverified` (the buildx-allow-unverified input) accepts the risk.
 */
async function verifyChecksum(file: string, base: string, version: string, fileName: string, allowUnverified: boolean): Promise<void> {
  let sums: string;
  try {
    sums = fs.readFileSync(await download(`${base}/v${version}/checksums.txt`, version), 'utf8');
  } catch (e) {
    if (!allowUnverified)
      throw new Error(`${(e as Error).message}; it is needed to verify the download (buildx-allow-unverified: true skips the check)`);
    core.warning(
      `buildx: ${base}/v${version}/checksums.txt is not available; the download is not checksum-verified (buildx-allow-unverified)`
    );
    return;
  }
  const line = sums.split('\n').find(l => l.trim().endsWith(` ${fileName}`) || l.trim().endsWith(`*${fileName}`));
  if (!line) throw new Error(`buildx: checksums.txt for v${version} lists no ${fileName}`);
  const expected = line.trim().split(/\s+/)[0];
  const actual = await sha256(file);
  if (expected !== actual) throw new Error(`buildx: ${fileName} checksum mismatch (expected ${expected}, got ${actual})`);
}

/** Downloads buildx through the tool cache (reused on later runs of the same runner). */
async function downloadBuildx(version: string, base: string, nodeArch: string, allowUnverified: boolean): Promise<string> {
  const arch = buildxArch(nodeArch);
  const tc = await toolCache();
  const cached = tc.find('buildx', version, arch);
  if (cached) {
    core.info(`buildx ${version}: found in the tool cache`);
    return path.join(cached, 'docker-buildx');
  }
  const url = downloadUrl(base, version, arch);
  core.info(`buildx ${version}: downloading ${url}`);
  const file = await download(url, version);
  await verifyChecksum(file, base, version, path.basename(url), allowUnverified);
  const dir = await tc.cacheFile(file, 'docker-buildx', 'buildx', version, arch);
  const bin = path.join(dir, 'docker-buildx');
  fs.chmodSync(bin, 0o755);
  return bin;
}

/**
 * The buildx this run drives: the pinned version (already passed through the version gate with the
 * inputs), else the installed plugin, which goes through the gate here.
 */
export async function resolveBuildx(
  run: Runner,
  opts: { wanted?: string; downloadUrl: string; allowUnverified: boolean; nodeArch: string; use: BuildxUse },
  env: Record<string, string>
): Promise<Buildx> {
  const { wanted, downloadUrl: base, nodeArch } = opts;
  if (wanted) {
    const bin = await downloadBuildx(wanted, base, nodeArch, opts.allowUnverified);
    const out = await run(bin, ['version'], { silent: true, env });
    const version = parseBuildxVersion(out.stdout) ?? wanted;
    core.info(`buildx ${version} (downloaded)`);
    return { command: bin, prefix: [], version };
  }
  const out = await run('docker', ['buildx', 'version'], { silent: true, allowFailure: true, env });
  const version = out.exitCode === 0 ? parseBuildxVersion(out.stdout) : undefined;
  if (!version) {
    throw new Error('docker buildx is not installed on this runner; set buildx-version (e.g. 0.30.1) to download it');
  }
  const problems = buildxProblems(version, opts.use, 'installed', 'set buildx-version to download another');
  if (problems.length > 0) throw new Error(problems.join('; '));
  core.info(`buildx ${version} (installed: ${out.stdout.trim()})`);
  return { command: 'docker', prefix: ['buildx'], version };
}

export interface BuilderSpec {
  name: string;
  driver: string;
  driverOpts: string[];
  /** Path of a buildkitd.toml written from buildkitd-config-inline. */
  configFile?: string;
}

export function createBuilderArgs(bx: Buildx, spec: BuilderSpec): string[] {
  const args = ['create', '--name', spec.name, '--driver', spec.driver];
  for (const opt of spec.driverOpts) args.push('--driver-opt', opt);
  if (spec.configFile) args.push(supports(bx.version, 'buildkitdConfigFlag') ? '--buildkitd-config' : '--config', spec.configFile);
  return args;
}

/**
 * Platforms from `buildx inspect` output ("Platforms: linux/amd64, linux/arm64*"), across every
 * node of the builder (an amd64 node plus an appended arm64 node builds both).
 */
export function parseBuilderPlatforms(inspect: string): string[] {
  const platforms = inspect
    .split('\n')
    .filter(l => /^\s*Platforms:/.test(l))
    .flatMap(l => l.replace(/^\s*Platforms:/, '').split(','))
    .map(p => p.trim().replace(/\*$/, ''))
    .filter(Boolean);
  return [...new Set(platforms)];
}

/** The nodes of `buildx inspect` output: the builder's driver, each node's endpoint. */
export function parseBuilderNodes(inspect: string): BuilderNode[] {
  const driver = /^Driver:\s*(\S+)/m.exec(inspect)?.[1] ?? '';
  const endpoints = [...inspect.matchAll(/^Endpoint:\s*(\S+)/gm)].map(m => m[1]);
  return (endpoints.length > 0 ? endpoints : ['']).map(endpoint => ({ driver, endpoint }));
}

/** An existing builder's nodes, read without booting it. */
export async function inspectBuilder(run: Runner, bx: Buildx, name: string, env: Record<string, string>): Promise<BuilderNode[]> {
  const out = await run(...buildxArgs(bx, ['inspect', '--builder', name]), { env, silent: true });
  return parseBuilderNodes(out.stdout);
}

export async function createBuilder(run: Runner, bx: Buildx, spec: BuilderSpec, env: Record<string, string>): Promise<void> {
  await core.group(`Creating builder ${spec.name} (${spec.driver})`, async () => {
    await run(...buildxArgs(bx, createBuilderArgs(bx, spec)), { env });
  });
}

/**
 * Boots the builder and returns the platforms it lists (as of its start: checkBuilderPlatforms
 * counts the emulators registered since).
 */
export async function bootBuilder(run: Runner, bx: Buildx, name: string, env: Record<string, string>): Promise<string[]> {
  const out = await core.group(`Bootstrapping builder ${name}`, async () =>
    run(...buildxArgs(bx, ['inspect', '--bootstrap', '--builder', name]), { env })
  );
  return parseBuilderPlatforms(out.stdout);
}

export async function removeBuilder(
  run: Runner,
  bx: Pick<Buildx, 'command' | 'prefix'>,
  name: string,
  env: Record<string, string>
): Promise<void> {
  await run(bx.command, [...bx.prefix, 'rm', name], { env });
}
