/** The post step: remove the builder, log out, delete this run's private files — also after a failure. */
import * as core from '@actions/core';
import * as fs from 'fs';
import { removeBuilder } from '../docker/buildx';
import { Runner, runCommand } from '../docker/command';
import { logout } from '../docker/login';
import { GITHUB_CACHE_ENV } from '../policy/build-command';
import { PostState, loadState } from '../report/state';

async function attempt(what: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch (e) {
    core.warning(`post: ${what} failed: ${(e as Error).message}`);
  }
}

export async function runPost(state: PostState = loadState(), run: Runner = runCommand): Promise<void> {
  // Removing a builder and logging out never need the Actions cache token.
  const env: Record<string, string> = Object.fromEntries(GITHUB_CACHE_ENV.map(k => [k, '']));
  if (state.dockerConfig) env.DOCKER_CONFIG = state.dockerConfig;
  if (state.buildxConfig) env.BUILDX_CONFIG = state.buildxConfig;
  if (state.builder && state.cleanup === false) core.info(`Kept builder ${state.builder} (cleanup: false)`);
  else if (state.builder && state.buildxCommand) {
    const bx = { command: state.buildxCommand, prefix: state.buildxPrefix ?? [] };
    await attempt(`removing builder ${state.builder}`, async () => {
      await removeBuilder(run, bx, state.builder as string, env, state.keepState === true);
      core.info(`Removed builder ${state.builder}${state.keepState ? " (BuildKit's state kept)" : ''}`);
    });
  }
  for (const registry of state.loggedIn ?? []) {
    await attempt(`logout from ${registry}`, async () => {
      await logout(run, registry, env);
      core.info(`Logged out of ${registry}`);
    });
  }
  if (state.runDir && fs.existsSync(state.runDir)) {
    await attempt('removing private files', () => {
      fs.rmSync(state.runDir as string, { recursive: true, force: true });
      core.info("Removed this run's private Docker config and secrets");
    });
  }
}
