/**
 * Registry login in a private DOCKER_CONFIG for this run, so credentials never outlive it on a
 * self-hosted runner; the post step logs out and deletes the directory.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Runner } from './command';
import { DOCKER_HUB } from '../oci/reference';
import { RegistryLogin } from '../policy/logins';

/** The runner's own docker config directory (what DOCKER_CONFIG or ~/.docker point to). */
export function userDockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/**
 * Seeds a private config from the runner's: credentials from earlier steps (e.g. a Docker Hub
 * login for base images), the current context and CLI plugins keep working. Our logins land
 * only here: a credential store or helper that would keep them outside this directory is left
 * out for the registries we log in to (all of them, for a global credsStore).
 */
export function createPrivateDockerConfig(runDir: string, loginRegistries: string[], userDir = userDockerConfigDir()): string {
  const dir = path.join(runDir, 'docker-config');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const userConfig = path.join(userDir, 'config.json');
  const config = (fs.existsSync(userConfig) ? JSON.parse(fs.readFileSync(userConfig, 'utf8')) : {}) as {
    credsStore?: string;
    credHelpers?: Record<string, string>;
  };
  if (loginRegistries.length > 0) {
    delete config.credsStore;
    for (const r of loginRegistries) if (config.credHelpers) delete config.credHelpers[r];
  }
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2), { mode: 0o600 });
  for (const shared of ['contexts', 'cli-plugins']) {
    if (fs.existsSync(path.join(userDir, shared))) fs.symlinkSync(path.join(userDir, shared), path.join(dir, shared));
  }
  return dir;
}

/**
 * Environment for every docker/buildx command of this run: the config holding our logins, and
 * buildx state kept where later steps (and the post step) find the builder.
 */
export function dockerEnv(configDir: string, userDir = userDockerConfigDir()): Record<string, string> {
  return { DOCKER_CONFIG: configDir, BUILDX_CONFIG: process.env.BUILDX_CONFIG || path.join(userDir, 'buildx') };
}

/** Docker Hub is the CLI's default server: naming it (as docker.io) would file the login where pulls do not look. */
function serverArgs(registry: string): string[] {
  return registry === DOCKER_HUB ? [] : [registry];
}

export async function login(run: Runner, l: RegistryLogin, env: Record<string, string>): Promise<void> {
  core.info(`Logging in to ${l.registry} as ${l.username}`);
  await run('docker', ['login', '--username', l.username, '--password-stdin', ...serverArgs(l.registry)], {
    input: l.password,
    env,
    silent: true
  });
}

export async function logout(run: Runner, registry: string, env: Record<string, string>): Promise<void> {
  await run('docker', ['logout', ...serverArgs(registry)], { env, silent: true });
}
