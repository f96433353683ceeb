/** Image references: `[registry/]repository[:tag][@digest]`, per the distribution reference grammar. */
import { DIGEST_PATTERN } from './digest';

export interface ImageRef {
  /** Registry host as written by users (`docker.io` when omitted). */
  registry: string;
  /** Repository path on that registry (`library/x` for Docker Hub official images). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** A repository on a registry: what every registry operation addresses. */
export type Repo = Pick<ImageRef, 'registry' | 'repository'>;

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const HOST_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9-]+)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

export const DOCKER_HUB = 'docker.io';

function looksLikeHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

/** Parses a reference; throws a message naming what is wrong. */
export function parseReference(raw: string): ImageRef {
  let rest = raw.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) throw new Error(`"${raw}" has an invalid digest "${digest}"`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) {
      throw new Error(`"${raw}" has an invalid tag "${tag}" (allowed: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
    }
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0])) {
    registry = parts.shift() as string;
    if (!HOST_PATTERN.test(registry)) throw new Error(`"${raw}" has an invalid registry host "${registry}"`);
  }
  if (parts.length === 0 || parts.some(p => !COMPONENT.test(p))) {
    const hint = rest !== rest.toLowerCase() ? ' (repository names must be lowercase)' : '';
    throw new Error(`"${raw}" is not a valid image name${hint}`);
  }
  registry = canonicalRegistry(registry);
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  return { registry, repository: parts.join('/'), tag, digest };
}

/** Docker Hub's other names (`index.docker.io`, `registry-1.docker.io`) are `docker.io`. */
export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

/** The repository a reference names (its tag or digest dropped). */
export function repoOf(ref: string): Repo {
  const { registry, repository } = parseReference(ref);
  return { registry, repository };
}

/** `registry/repository` as users write it (Docker Hub names stay short). */
export function imageName(ref: Pick<ImageRef, 'registry' | 'repository'>): string {
  if (ref.registry === DOCKER_HUB) return ref.repository.replace(/^library\//, '');
  return `${ref.registry}/${ref.repository}`;
}

/** The host that serves a registry's HTTP API. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}
