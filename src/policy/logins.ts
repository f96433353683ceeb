/**
 * Which registries to log in to, with which credentials. Each set of credentials goes to one
 * registry only (never a Docker Hub token to GHCR): the single `username`/`password` to the
 * `registry` input or the one registry the images are on (not counting those `registry-auth`
 * names), each `registry-auth` entry to its own `registry`. GHCR falls back to the workflow's
 * token. An ECR registry's credentials are AWS keys (or the environment's), exchanged for its
 * password at run time. A password left empty by an unset secret is fine where nothing is
 * pushed on untrusted code (a notice says so), and an error naming the input everywhere else.
 */
import { RunContext } from '../inputs/context';
import { RunEvent } from '../inputs/event';
import { Inputs } from '../inputs/inputs';
import { Problems } from '../inputs/problems';
import { EcrMode } from '../inputs/registry-auth';
import { parseReference } from '../oci/reference';
import { EcrRegistry, ecrFor } from './ecr';
import { isLoopbackHost, plainHttpRegistries } from './plain-http-hosts';

/** A login as `docker login` and the registry client take it. */
export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

/** Where a login's password comes from. */
export type LoginSource =
  | { kind: 'password'; username: string; password: string }
  /** Asked of the ECR API at run time, with these AWS keys or (none given) the environment's credentials. */
  | { kind: 'ecr'; ecr: EcrRegistry; keys?: { accessKeyId: string; secretAccessKey: string } };

export interface PlannedLogin {
  registry: string;
  /** The input it comes from, for messages (`username/password`, `registry-auth entry 2`, `github-token`). */
  from: string;
  source: LoginSource;
}

export interface LoginPlan {
  logins: PlannedLogin[];
  /** Said once the run starts: logins skipped because a secret is unset where none is needed. */
  notices: string[];
}

type LoginInputs = Pick<
  Inputs,
  'username' | 'password' | 'githubToken' | 'registries' | 'registryAuth' | 'ecr' | 'buildkitdConfigInline' | 'buildkitdConfig'
>;

/** What the event tells the logins: its name, whether its code is untrusted, and whether this run logs in at all. */
export interface LoginEvent {
  event: Pick<RunEvent, 'name' | 'untrusted'>;
  login: boolean;
}

/** One set of credentials and the registry it belongs to, before it is checked. */
interface Credentials {
  from: string;
  registry: string;
  username: string;
  password: string;
  ecr: EcrMode;
}

/** The registry the single username/password (or `ecr: true`) belong to, if they are wanted. */
function singleCredentials(i: LoginInputs, targets: string[], p: Problems): Credentials | undefined {
  if (i.username === '' && i.password !== '') {
    p.push('username/password: give both or neither (got a password without a username)');
    return undefined;
  }
  const named = i.registries.length === 1 && ecrFor(i.registries[0], i.ecr) !== undefined;
  if (i.username === '' && i.ecr !== 'true' && !named) return undefined;
  const covered = new Set(i.registryAuth.map(a => a.registry));
  const candidates = i.registries.length > 0 ? i.registries : targets.filter(t => !covered.has(t));
  if (candidates.length !== 1) {
    const what = i.username !== '' ? 'username/password belong to' : 'ecr: true is for';
    const where =
      candidates.length > 1
        ? ` (the images are on ${candidates.join(', ')})`
        : ' (no image is on a registry that registry-auth does not name)';
    p.add('registry', i.registries.join(','), `must name the one registry ${what}${where}`);
    return undefined;
  }
  return { from: 'username/password', registry: candidates[0], username: i.username, password: i.password, ecr: i.ecr };
}

function allCredentials(i: LoginInputs, targets: string[], p: Problems): Credentials[] {
  const single = singleCredentials(i, targets, p);
  const entries = i.registryAuth.map(a => ({ ...a, from: `registry-auth entry ${a.entry}` }));
  const all = [...(single ? [single] : []), ...entries];
  const seen = new Map<string, string>();
  for (const c of all) {
    const first = seen.get(c.registry);
    if (first) p.push(`registry-auth: ${c.registry} is given twice (${first} and ${c.from}); give each registry one login`);
    else seen.set(c.registry, c.from);
  }
  return all;
}

/** How a message names the credentials: `password` for the single login, the entry of `registry-auth`. */
function named(c: Credentials): string {
  return c.from === 'username/password' ? `username/password for ${c.registry}:` : `${c.from} (${c.registry}):`;
}

/** The problem prefix: the input, then what in it. */
function problemPrefix(c: Credentials): string {
  return c.from === 'username/password'
    ? `password: for ${c.registry},`
    : `registry-auth: entry ${c.from.split(' ').pop()} (${c.registry}):`;
}

/** A secret left unset: a notice where nothing is pushed on untrusted code, else an error naming the input. */
function unsetSecret(c: Credentials, what: string, on: LoginEvent, p: Problems, notices: string[]): void {
  const untrusted = on.event.untrusted;
  if (untrusted && !on.login) {
    notices.push(
      `${named(c)} ${what} empty (an unset secret: GitHub gives none to pull requests from forks or Dependabot); ` +
        `nothing is pushed on ${untrusted.reason}, so no login is needed`
    );
    return;
  }
  const why = on.login
    ? `this ${on.event.name || 'local'} run pushes and needs it`
    : `a ${on.event.name || 'local'} event gets the repository's secrets, so it is not set`;
  p.push(`${problemPrefix(c)} ${what} empty (an unset or misnamed secret?); ${why}: set the secret it comes from`);
}

/** Checks one set of credentials and says where its password comes from (undefined: no login). */
function sourceOf(c: Credentials, on: LoginEvent, p: Problems, notices: string[]): LoginSource | undefined {
  const ecr = ecrFor(c.registry, c.ecr);
  if (ecr && c.username === '' && c.password === '') return { kind: 'ecr', ecr };
  if (c.username === '' && c.password !== '') {
    p.push(`${problemPrefix(c)} a password is given without a username${ecr ? ' (for ECR, the AWS access key id)' : ''}`);
    return undefined;
  }
  if (c.password === '') {
    const what = c.username === '' ? 'username and password are' : ecr ? 'the password (AWS secret access key) is' : 'the password is';
    unsetSecret(c, what, on, p, notices);
    return undefined;
  }
  return ecr
    ? { kind: 'ecr', ecr, keys: { accessKeyId: c.username, secretAccessKey: c.password } }
    : { kind: 'password', username: c.username, password: c.password };
}

export function routeLogins(i: LoginInputs, ctx: Pick<RunContext, 'actor'>, pushTargets: string[], on: LoginEvent, p: Problems): LoginPlan {
  const targets = [...new Set(pushTargets.map(ref => parseReference(ref).registry))];
  // buildx takes one buildkitd.toml: the file's, or the inline text (both given is an input problem of its own).
  const tomlInput = i.buildkitdConfig ? 'buildkitd-config' : 'buildkitd-config-inline';
  const plainHttp = plainHttpRegistries(i.buildkitdConfig?.text ?? i.buildkitdConfigInline);
  const notices: string[] = [];
  const logins: PlannedLogin[] = [];
  for (const c of allCredentials(i, targets, p)) {
    if (plainHttp.includes(c.registry) && !isLoopbackHost(c.registry)) {
      p.push(
        `${tomlInput}: marks ${c.registry} http = true, and ${c.from} logs in to it: its credentials would cross the ` +
          'network in clear; serve it over TLS (insecure = true accepts a self-signed certificate)'
      );
      continue;
    }
    const source = sourceOf(c, on, p, notices);
    if (source) logins.push({ registry: c.registry, from: c.from, source });
  }
  if (!on.login) return { logins: [], notices };
  if (targets.includes('ghcr.io') && !logins.some(l => l.registry === 'ghcr.io') && i.githubToken !== '' && ctx.actor !== '') {
    logins.push({ registry: 'ghcr.io', from: 'github-token', source: { kind: 'password', username: ctx.actor, password: i.githubToken } });
  }
  return { logins, notices };
}
