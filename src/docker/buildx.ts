/**
 * Layer `docker`: effects on the runner. This module owns buildx: finding or downloading it, and
 * the lifecycle of the builder this action creates (create, bootstrap, removal).
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BuildxUse, buildxProblems, supports } from '../policy/buildx-support';
import { InspectedBuilder, InspectedNode } from '../policy/builder-nodes';
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
  /** Path of the buildkitd.toml (buildkitd-config, or one written from buildkitd-config-inline). */
  configFile?: string;
  buildkitdFlags?: string;
  /** The first node's endpoint (a docker context or endpoint, or a BuildKit address). */
  endpoint?: string;
  /** The first node's fixed platforms. */
  platforms: string[];
}

/** A node appended to the builder. */
export interface NodeSpec {
  name: string;
  endpoint?: string;
  platforms: string[];
  driverOpts: string[];
  buildkitdFlags?: string;
}

/** Flags shared by a builder's first node and the nodes appended to it. */
function nodeFlags(node: { platforms: string[]; driverOpts: string[]; buildkitdFlags?: string }): string[] {
  const args: string[] = [];
  if (node.platforms.length > 0) args.push('--platform', node.platforms.join(','));
  for (const opt of node.driverOpts) args.push('--driver-opt', opt);
  if (node.buildkitdFlags) args.push('--buildkitd-flags', node.buildkitdFlags);
  return args;
}

export function createBuilderArgs(bx: Buildx, spec: BuilderSpec): string[] {
  const args = ['create', '--name', spec.name, '--driver', spec.driver, ...nodeFlags(spec)];
  if (spec.configFile) args.push(supports(bx.version, 'buildkitdConfigFlag') ? '--buildkitd-config' : '--config', spec.configFile);
  if (spec.endpoint) args.push(spec.endpoint);
  return args;
}

/** `buildx create --append`: the node takes the builder's driver (buildx keeps one per builder). */
export function appendNodeArgs(builder: string, node: NodeSpec): string[] {
  return ['create', '--append', '--name', builder, '--node', node.name, ...nodeFlags(node), ...(node.endpoint ? [node.endpoint] : [])];
}

export function removeBuilderArgs(name: string, keepState: boolean): string[] {
  return ['rm', ...(keepState ? ['--keep-state'] : []), name];
}

/** `Key: value` lines of one inspect section, keys lower-cased. */
function fields(section: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of section.matchAll(/^([A-Za-z][A-Za-z ]*?):[ \t]*(.*)$/gm)) {
    if (!out.has(m[1].toLowerCase())) out.set(m[1].toLowerCase(), m[2].trim());
  }
  return out;
}

/** inspect's `Driver Options: key="value" …`. */
function driverOptions(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/([^\s=]+)="((?:[^"\\]|\\.)*)"/g)].map(m => `${m[1]}=${m[2].replace(/\\(.)/g, '$1')}`);
}

function inspectedNode(section: string): InspectedNode {
  const f = fields(section);
  const listed = (f.get('platforms') ?? '')
    .split(',')
    .map(p => p.trim())
    .filter(Boolean);
  return {
    name: f.get('name') ?? '',
    endpoint: f.get('endpoint') ?? '',
    status: f.get('status') ?? '',
    buildkit: f.get('buildkit version') ?? f.get('buildkit') ?? undefined,
    flags: f.get('buildkit daemon flags') ?? f.get('flags') ?? undefined,
    driverOpts: driverOptions(f.get('driver options')),
    platforms: listed.map(p => p.replace(/\*$/, '')),
    declared: listed.filter(p => p.endsWith('*')).map(p => p.replace(/\*$/, ''))
  };
}

/** `buildx inspect` output: the builder, then each node's section (each starts with its `Name:`). */
export function parseInspect(inspect: string): InspectedBuilder {
  const [head, nodesText = ''] = inspect.split(/^Nodes:\s*$/m);
  const builder = fields(head);
  const sections = nodesText.split(/^(?=Name:)/m).filter(s => /^Name:/.test(s));
  return { name: builder.get('name') ?? '', driver: builder.get('driver') ?? '', nodes: sections.map(inspectedNode) };
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

/** The nodes of `buildx inspect` output: the builder's driver, each node's endpoint and declared platforms. */
export function parseBuilderNodes(inspect: string): BuilderNode[] {
  const { driver, nodes } = parseInspect(inspect);
  if (nodes.length === 0) return [{ driver, endpoint: '', platforms: [] }];
  return nodes.map(n => ({ driver, endpoint: n.endpoint, platforms: n.declared }));
}

/** An existing builder's nodes, read without booting it. */
export async function inspectBuilder(run: Runner, bx: Buildx, name: string, env: Record<string, string>): Promise<BuilderNode[]> {
  const out = await run(...buildxArgs(bx, ['inspect', '--builder', name]), { env, silent: true });
  return parseBuilderNodes(out.stdout);
}

/** Whether a builder of that name exists (inspect fails for a name buildx does not know). */
export async function builderExists(run: Runner, bx: Buildx, name: string, env: Record<string, string>): Promise<boolean> {
  const out = await run(...buildxArgs(bx, ['inspect', '--builder', name]), { env, silent: true, allowFailure: true });
  return out.exitCode === 0;
}

/** Creates the builder's first node, then appends the others one by one (buildx adds one node a call). */
export async function createBuilder(
  run: Runner,
  bx: Buildx,
  spec: BuilderSpec,
  append: NodeSpec[],
  env: Record<string, string>
): Promise<void> {
  await core.group(`Creating builder ${spec.name} (${spec.driver}${append.length > 0 ? `, ${append.length + 1} nodes` : ''})`, async () => {
    await run(...buildxArgs(bx, createBuilderArgs(bx, spec)), { env });
    for (const node of append) await run(...buildxArgs(bx, appendNodeArgs(spec.name, node)), { env });
  });
}

/**
 * Boots the builder and returns what inspect then reports: its driver and nodes, with the
 * platforms each lists as of its start (checkBuilderPlatforms counts the emulators registered since).
 */
export async function bootBuilder(run: Runner, bx: Buildx, name: string, env: Record<string, string>): Promise<InspectedBuilder> {
  const out = await core.group(`Bootstrapping builder ${name}`, async () =>
    run(...buildxArgs(bx, ['inspect', '--bootstrap', '--builder', name]), { env })
  );
  return parseInspect(out.stdout);
}

export async function removeBuilder(
  run: Runner,
  bx: Pick<Buildx, 'command' | 'prefix'>,
  name: string,
  env: Record<string, string>,
  keepState = false
): Promise<void> {
  await run(bx.command, [...bx.prefix, ...removeBuilderArgs(name, keepState)], { env });
}
