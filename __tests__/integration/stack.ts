/** Helpers for tests against the real local stack (see .ci/testenv.sh). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as runner from '../../scripts/run-action.js';
import { parseBuildxVersion } from '../../src/docker/buildx';

export type ActionRun = runner.ActionRun;
export const ROOT: string = runner.ROOT;
export const REGISTRY = process.env.REGISTRY_ADDR ?? '127.0.0.1:5000';
export const BINFMT_STANDIN = 'localhost/test-fixture/binfmt-standin:latest';
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export function runAction(opts: {
  inputs?: Record<string, string>;
  eventName?: string;
  event?: object;
  env?: Record<string, string>;
  toolCache?: string;
  post?: boolean;
  /** What `${{ github.token }}` input defaults become. */
  token?: string;
}): Promise<ActionRun> {
  return runner.runAction({ echo: process.env.ECHO_ACTION === '1', ...opts, inputs: withStackBuildx(opts.inputs) });
}

/**
 * Where the stack's buildx is not the runner's (the minimum stack on a GitHub-hosted runner), every
 * run downloads it through the action's own buildx-version, unless a test pins its own.
 */
function withStackBuildx(inputs: Record<string, string> | undefined): Record<string, string> | undefined {
  const pinned = process.env.TESTENV_BUILDX_VERSION;
  if (!pinned || inputs?.['buildx-version'] !== undefined) return inputs;
  return { ...inputs, 'buildx-version': pinned };
}

export type StackName = 'minimum' | 'current';

/** The stack these tests run on (.ci/testenv.sh): its name and the buildx the action drives. */
export interface Stack {
  name: StackName;
  buildx: string;
}

let stackInUse: Stack | undefined;

export function stack(): Stack {
  if (!stackInUse) {
    const name = (process.env.TESTENV_STACK || 'minimum') as StackName;
    const installed = parseBuildxVersion(docker(['buildx', 'version'])) ?? '';
    stackInUse = { name, buildx: process.env.TESTENV_BUILDX_VERSION?.replace(/^v/, '') || installed };
  }
  return stackInUse;
}

/**
 * A behaviour that differs between buildx versions: what the minimum stack's buildx (0.13) does and
 * what the current stack's (0.29 and newer) does. A version between the two has been seen by
 * neither stack, and the test fails until its behaviour is recorded.
 */
export function byBuildx<T>(expected: { minimum: T; current: T }): T {
  const [major, minor] = stack().buildx.split('.').map(Number);
  if (major === 0 && minor <= 13) return expected.minimum;
  if (major > 0 || minor >= 29) return expected.current;
  throw new Error(`buildx ${stack().buildx} lies between the two stacks (0.13 and 0.29): record what it does in this test`);
}

/** Inputs every test needs on this machine: host networking and a plain-HTTP registry. */
export function localStackInputs(registries: string[] = [REGISTRY]): Record<string, string> {
  return {
    context: FIXTURES,
    file: path.join(FIXTURES, 'app', 'Dockerfile'),
    network: 'host',
    'driver-opts': 'network=host',
    'buildkitd-config-inline': registries.map(r => `[registry."${r}"]\n  http = true`).join('\n')
  };
}

/**
 * The same for a run on an untrusted event, where the runner's network is refused by default (it
 * would give the pull request's RUN steps the runner's loopback services). The registry of this
 * machine listens on loopback, so the builder container needs the host's network, and with it so
 * do its RUN steps: these runs opt in, as a self-hosted runner with such a registry would.
 */
export function untrustedStackInputs(registries: string[] = [REGISTRY]): Record<string, string> {
  const inputs = localStackInputs(registries);
  delete inputs.network;
  return { ...inputs, 'allow-untrusted-host-network': 'true' };
}

/** The runner command lines (`[command]...`) of a step's output: every command the action ran. */
export function commandLines(out: string): string[] {
  return out.split('\n').filter(l => l.startsWith('[command]'));
}

/** The error annotations of a step's output, with or without a file and line. */
export function errorLines(out: string): string[] {
  return out.split('\n').filter(l => l.startsWith('::error'));
}

export function uniqueRepo(name: string): string {
  return `test/${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function docker(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('docker', args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Unregisters every QEMU handler, so a test starts from a runner with no emulators. */
export function clearQemuHandlers(): void {
  for (const name of fs.readdirSync(BINFMT_DIR)) {
    if (name.startsWith('qemu-')) fs.writeFileSync(path.join(BINFMT_DIR, name), '-1');
  }
}

export function qemuHandlers(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(BINFMT_DIR)) {
    if (name.startsWith('qemu-')) out[name] = fs.readFileSync(path.join(BINFMT_DIR, name), 'utf8');
  }
  return out;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

type Auth = { username: string; password: string };

/** Reads the registry directly over HTTP (independent of the action's own client). */
export async function registryGet(
  host: string,
  repoPath: string,
  auth?: Auth
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (auth) headers.Authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  const res = await fetch(`http://${host}/v2/${repoPath}`, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI content descriptor (also the shape of Docker's v2 manifest list entries). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** An OCI image index or Docker manifest list. */
export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** An OCI image manifest or Docker v2 schema 2 manifest. */
export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** An image configuration blob (the fields these tests read). */
export interface ImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  config?: { Labels?: Record<string, string> };
  rootfs?: { type: string; diff_ids: string[] };
}

/** A manifest as the registry served it, with the Docker-Content-Digest it was served under. */
export type Served<T> = T & { _digest: string | null };

export async function manifest(host: string, repo: string, ref: string, auth?: Auth): Promise<Served<ImageIndex | ImageManifest>> {
  const r = await registryGet(host, `${repo}/manifests/${ref}`, auth);
  if (r.status !== 200) throw new Error(`GET ${repo}/manifests/${ref}: HTTP ${r.status} ${r.body.toString()}`);
  const parsed = JSON.parse(r.body.toString()) as ImageIndex | ImageManifest;
  return { ...parsed, _digest: r.headers.get('docker-content-digest') };
}

/** `manifest()` of a reference that must name an index (throws when it names anything else). */
export async function imageIndex(host: string, repo: string, ref: string, auth?: Auth): Promise<Served<ImageIndex>> {
  const m = await manifest(host, repo, ref, auth);
  if (!('manifests' in m)) throw new Error(`${repo}@${ref} is not an image index (mediaType ${m.mediaType})`);
  return m;
}

/** `manifest()` of a reference that must name a single-platform image (throws when it names anything else). */
export async function imageManifest(host: string, repo: string, ref: string, auth?: Auth): Promise<Served<ImageManifest>> {
  const m = await manifest(host, repo, ref, auth);
  if (!('config' in m)) throw new Error(`${repo}@${ref} is not an image manifest (mediaType ${m.mediaType})`);
  return m;
}

/** A descriptor's platform; throws when it has none, as every index these tests read gives each entry one. */
export function platformOf(d: Descriptor): Platform {
  if (!d.platform) throw new Error(`descriptor ${d.digest} has no platform`);
  return d.platform;
}

/** Reads a JSON blob; in these tests always an image configuration. */
export async function blobJson(host: string, repo: string, digest: string, auth?: Auth): Promise<ImageConfig> {
  const r = await registryGet(host, `${repo}/blobs/${digest}`, auth);
  if (r.status !== 200) throw new Error(`GET ${repo}/blobs/${digest}: HTTP ${r.status}`);
  return JSON.parse(r.body.toString()) as ImageConfig;
}

export async function tagList(host: string, repo: string, auth?: Auth): Promise<string[] | undefined> {
  const r = await registryGet(host, `${repo}/tags/list`, auth);
  if (r.status === 404) return undefined;
  return (JSON.parse(r.body.toString()) as { tags: string[] | null }).tags ?? [];
}

export function builderContainers(): string[] {
  return docker(['ps', '-a', '--filter', 'name=buildx_buildkit_', '--format', '{{.Names}}']).split('\n').filter(Boolean);
}
