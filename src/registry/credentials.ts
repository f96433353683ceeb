/** Registry credentials: from the action's login inputs, else the docker config (auths, credential helpers). */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { Runner } from '../docker/command';
import { DOCKER_HUB } from '../oci/reference';

export interface Credential {
  username: string;
  password: string;
}

export type CredentialSource = (registry: string) => Promise<Credential | undefined>;

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The keys a docker config may file a registry under. */
function configKeys(registry: string): string[] {
  if (registry === DOCKER_HUB) return ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
}

function fromAuthEntry(entry: NonNullable<DockerConfigFile['auths']>[string]): Credential | undefined {
  // Identity tokens need an OAuth2 exchange this client does not do: use other credentials.
  if (entry.identitytoken) return undefined;
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined;
}

async function fromHelper(run: Runner, helper: string, registry: string): Promise<Credential | undefined> {
  const server = registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
  const out = await run(`docker-credential-${helper}`, ['get'], { input: server, silent: true, allowFailure: true });
  if (out.exitCode !== 0) return undefined;
  let j: { Username?: string; Secret?: string };
  try {
    j = JSON.parse(out.stdout) as typeof j;
  } catch {
    core.warning(`docker-credential-${helper} printed no JSON for ${registry}; going on without its credentials`);
    return undefined;
  }
  return j.Secret ? { username: j.Username ?? '', password: j.Secret } : undefined;
}

function masked(c: Credential | undefined): Credential | undefined {
  if (c) core.setSecret(c.password);
  return c;
}

/** Reads credentials the way the docker CLI does: per-registry helper, then auths, then the store. */
export function dockerConfigCredentials(configDir: string, run: Runner): CredentialSource {
  return async registry => masked(await lookUp(configDir, run, registry));
}

async function lookUp(configDir: string, run: Runner, registry: string): Promise<Credential | undefined> {
  const file = path.join(configDir, 'config.json');
  if (!fs.existsSync(file)) return undefined;
  const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as DockerConfigFile;
  const keys = configKeys(registry);
  const helper = keys.map(k => cfg.credHelpers?.[k]).find(Boolean);
  if (helper) return fromHelper(run, helper, registry);
  for (const k of keys) {
    const entry = cfg.auths?.[k];
    const cred = entry && fromAuthEntry(entry);
    if (cred) return cred;
  }
  return cfg.credsStore ? fromHelper(run, cfg.credsStore, registry) : undefined;
}

/** Tries each source in order. */
export function firstOf(...sources: CredentialSource[]): CredentialSource {
  return async registry => {
    for (const s of sources) {
      const c = await s(registry);
      if (c) return c;
    }
    return undefined;
  };
}

export function staticCredentials(logins: { registry: string; username: string; password: string }[]): CredentialSource {
  return registry => {
    const l = logins.find(x => x.registry === registry);
    return Promise.resolve(l ? { username: l.username, password: l.password } : undefined);
  };
}
