/** Helpers for tests against the real local stack (see .ci/testenv.sh). */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require('../../scripts/run-action.js');

export const ROOT: string = runner.ROOT;
export const REGISTRY = process.env.REGISTRY_ADDR ?? '127.0.0.1:5000';
export const BINFMT_STANDIN = 'localhost/test-fixture/binfmt-standin:latest';
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface ActionRun {
  dir: string;
  home: string;
  main: { code: number; stdout: string; stderr: string };
  post?: { code: number; stdout: string; stderr: string };
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

export function runAction(opts: {
  inputs?: Record<string, string>;
  eventName?: string;
  event?: object;
  env?: Record<string, string>;
  toolCache?: string;
  post?: boolean;
}): Promise<ActionRun> {
  return runner.runAction({ echo: process.env.ECHO_ACTION === '1', ...opts });
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

/** Reads the registry directly over HTTP (independent of the action's own client). */
export async function registryGet(
  host: string,
  repoPath: string,
  auth?: { username: string; password: string }
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const headers: Record<string, string> = { Accept: ACCEPT };
  if (auth) headers.Authorization = 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  const res = await fetch(`http://${host}/v2/${repoPath}`, { headers });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function manifest(host: string, repo: string, ref: string, auth?: { username: string; password: string }): Promise<any> {
  const r = await registryGet(host, `${repo}/manifests/${ref}`, auth);
  if (r.status !== 200) throw new Error(`GET ${repo}/manifests/${ref}: HTTP ${r.status} ${r.body.toString()}`);
  return { ...JSON.parse(r.body.toString()), _digest: r.headers.get('docker-content-digest') };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function blobJson(host: string, repo: string, digest: string, auth?: { username: string; password: string }): Promise<any> {
  const r = await registryGet(host, `${repo}/blobs/${digest}`, auth);
  if (r.status !== 200) throw new Error(`GET ${repo}/blobs/${digest}: HTTP ${r.status}`);
  return JSON.parse(r.body.toString());
}

export async function tagList(host: string, repo: string, auth?: { username: string; password: string }): Promise<string[] | undefined> {
  const r = await registryGet(host, `${repo}/tags/list`, auth);
  if (r.status === 404) return undefined;
  return (JSON.parse(r.body.toString()).tags as string[] | null) ?? [];
}

export function builderContainers(): string[] {
  return docker(['ps', '-a', '--filter', 'name=buildx_buildkit_', '--format', '{{.Names}}']).split('\n').filter(Boolean);
}
