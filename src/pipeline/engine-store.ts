/**
 * Before anything runs: a multi-platform image loaded into the engine, or built by the engine's
 * own builder, needs the containerd image store; with the classic store the step fails now, with
 * the ways out, instead of after the build.
 */
import { Runner } from '../docker/command';
import { engineImageStore } from '../docker/engine';
import { Config } from '../policy/config';

export async function checkEngineStore(cfg: Config, run: Runner, env: Record<string, string>): Promise<void> {
  const engineBuilder = cfg.driver === 'docker' && cfg.builder === 'default';
  if (cfg.platforms.length < 2 || !(cfg.load || engineBuilder)) return;
  if ((await engineImageStore(run, env)) === 'containerd') return;
  const what = cfg.load ? 'load: true' : "driver: docker (the engine's own builder)";
  throw new Error(
    `${what} with ${cfg.platforms.length} platforms needs the Docker engine's containerd image store, and this engine uses the classic ` +
      'store, which holds one platform per image; build one platform, push instead (driver: docker-container), or turn the ' +
      'containerd image store on (daemon.json: {"features": {"containerd-snapshotter": true}}); nothing was built'
  );
}
