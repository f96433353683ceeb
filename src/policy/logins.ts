/**
 * Which registries to log in to, with which credentials: a username/password pair goes to one
 * registry only (never a Docker Hub token to GHCR): the `registry` input, or the single registry
 * the images are on. GHCR falls back to the workflow's token.
 */
import { RunContext } from '../inputs/context';
import { Inputs } from '../inputs/inputs';
import { Problems } from '../inputs/problems';
import { parseReference } from '../oci/reference';

export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

type LoginInputs = Pick<Inputs, 'username' | 'password' | 'githubToken' | 'registries'>;

export function routeLogins(
  i: LoginInputs,
  ctx: Pick<RunContext, 'actor'>,
  pushTargets: string[],
  login: boolean,
  p: Problems
): RegistryLogin[] {
  if ((i.username === '') !== (i.password === '')) {
    p.push(
      `username/password: give both or neither (got ${i.username === '' ? 'a password without a username' : 'a username without a password'})`
    );
    return [];
  }
  const targets = [...new Set(pushTargets.map(ref => parseReference(ref).registry))];
  const credentialed = i.registries.length > 0 ? i.registries : targets;
  if (i.username !== '' && credentialed.length > 1) {
    p.add(
      'registry',
      i.registries.join(','),
      `must name the one registry username/password belong to (the images are on ${credentialed.join(', ')})`
    );
    return [];
  }
  if (!login) return [];
  const out: RegistryLogin[] = [];
  if (i.username !== '') out.push({ registry: credentialed[0], username: i.username, password: i.password });
  if (targets.includes('ghcr.io') && !out.some(l => l.registry === 'ghcr.io') && i.githubToken !== '' && ctx.actor !== '') {
    out.push({ registry: 'ghcr.io', username: ctx.actor, password: i.githubToken });
  }
  return out;
}
