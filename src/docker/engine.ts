/** The Docker engine a run builds with: what its image store can hold. */
import { Runner } from './command';

/**
 * The engine's image store: `containerd` (holds multi-platform images) or `classic` (one platform
 * per image: the default of Docker 28 and older, and of GitHub's hosted runners).
 */
export async function engineImageStore(run: Runner, env: Record<string, string>): Promise<'containerd' | 'classic'> {
  const out = await run('docker', ['info', '--format', '{{json .DriverStatus}}'], { env, silent: true });
  return out.stdout.includes('io.containerd.snapshotter') ? 'containerd' : 'classic';
}
