/** What the main step leaves for the post step (saved as soon as each resource exists). */
import * as core from '@actions/core';

export interface PostState {
  /** This run's private directory (docker config, secrets, metadata). */
  runDir?: string;
  /** DOCKER_CONFIG the logins were written to. */
  dockerConfig?: string;
  buildxConfig?: string;
  /** Registries logged in to that the post step logs out of. */
  loggedIn?: string[];
  /** Builder this action created, and how to call buildx to remove it. */
  builder?: string;
  buildxCommand?: string;
  buildxPrefix?: string[];
  /** false: the builder is kept after the job (the cleanup input). */
  cleanup?: boolean;
  /** Remove the builder with buildx rm --keep-state. */
  keepState?: boolean;
}

const KEY = 'post-state';

export function isPost(): boolean {
  return core.getState('isPost') === 'true';
}

export function markMainStarted(): void {
  core.saveState('isPost', 'true');
}

let current: PostState = {};

export function recordState(patch: Partial<PostState>): void {
  current = { ...current, ...patch };
  core.saveState(KEY, JSON.stringify(current));
}

export function loadState(): PostState {
  const raw = core.getState(KEY);
  return raw ? (JSON.parse(raw) as PostState) : {};
}
