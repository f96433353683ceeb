/** Publishing through the registry: the client a run uses, the tags to publish, and putting them. */
import * as core from '@actions/core';
import * as semver from 'semver';
import { Runner } from '../docker/command';
import { Manifest, isAttestation } from '../oci/manifest';
import { Repo, imageName, parseReference, repoOf } from '../oci/reference';
import { Config } from '../policy/config';
import { RegistryLogin } from '../policy/logins';
import { PublishTags, PublishedVersion, guardedTags, holdBackwardMoves, publishTags } from '../policy/tags';
import { RegistryClient } from './client';
import { Registry, RegistryReader, RegistryWriter } from './registry';
import { dockerConfigCredentials, firstOf, staticCredentials } from './credentials';
import { plainHttpRegistries } from '../policy/plain-http-hosts';

/**
 * The registries the client may speak plain HTTP to (with the credentials it holds for them). A
 * buildkitd-config file on an untrusted event is the checked-out code's, which could mark
 * `[registry."ghcr.io"] http = true` and have a token sent in clear: there only the workflow's
 * inline config counts (loopback is always plain HTTP-capable).
 */
export function plainHttpHostsFor(cfg: Pick<Config, 'event' | 'buildkitdConfig' | 'buildkitdConfigInline'>): string[] {
  if (cfg.event.untrusted) return plainHttpRegistries(cfg.buildkitdConfigInline);
  return plainHttpRegistries(cfg.buildkitdConfig?.text ?? cfg.buildkitdConfigInline);
}

/** Credentials from the run's logins first, then the run's docker config. */
export function registryClient(cfg: Config, logins: RegistryLogin[], dockerConfigDir: string, run: Runner): Registry {
  return new RegistryClient({
    credentials: firstOf(staticCredentials(logins), dockerConfigCredentials(dockerConfigDir, run)),
    plainHttpHosts: plainHttpHostsFor(cfg)
  });
}

const VERSION_KEY = 'org.opencontainers.image.version';

/** Full release tags (`1.4.0`, `v1.4.0`), the names a promoted image is known by. */
const RELEASE_TAG = /^v?\d+\.\d+\.\d+$/;
/** How many of the newest release tags are asked where an image's version is looked up by its tags. */
const RELEASE_TAGS_ASKED = 16;

/**
 * The newest release tag of the repository that points at `digest`. A promoted image keeps the
 * annotations of the build it came from (`edge`, `sha-…`), so its release shows only in its tags.
 */
async function releaseTagAt(client: RegistryReader, repo: Repo, digest: string): Promise<string | undefined> {
  const newest = (await client.listTags(repo))
    .filter(t => RELEASE_TAG.test(t))
    .sort((a, b) => semver.rcompare(semver.clean(a) ?? a, semver.clean(b) ?? b))
    .slice(0, RELEASE_TAGS_ASKED);
  const found = await Promise.all(newest.map(t => client.findManifest(repo, t)));
  const i = found.findIndex(m => m?.digest === digest);
  return i >= 0 ? (semver.clean(newest[i]) ?? undefined) : undefined;
}

/**
 * The version a published tag points at: a release version its index or images name (below),
 * else the newest release tag on the same digest (a promoted image), else what they name.
 */
async function versionAt(client: RegistryReader, image: string, tag: string): Promise<string | undefined> {
  const repo = repoOf(image);
  const top = await client.findManifest(repo, tag);
  if (!top) return undefined;
  const named = await namedVersion(client, repo, top);
  if (named && semver.valid(named)) return named;
  return (await releaseTagAt(client, repo, top.digest)) ?? named;
}

/**
 * The version annotation of an index or manifest, else (an index written without annotations)
 * that of its first image, else that image's label.
 */
async function namedVersion(client: RegistryReader, repo: Repo, top: Manifest): Promise<string | undefined> {
  const first = top.json.manifests?.find(d => !isAttestation(d));
  const m = first && !top.json.annotations?.[VERSION_KEY] ? await client.getManifest(repo, first.digest) : top;
  if (m.json.annotations?.[VERSION_KEY] || !m.json.config) return m.json.annotations?.[VERSION_KEY];
  const config = JSON.parse((await client.getBlob(repo, m.json.config.digest)).toString('utf8')) as {
    config?: { Labels?: Record<string, string> };
  };
  return config.config?.Labels?.[VERSION_KEY];
}

/** The version `image:tag` publishes now, or undefined (no such tag, or it cannot be read: warned). */
function publishedVersion(client: RegistryReader): PublishedVersion {
  return async (image, tag) => {
    try {
      return await versionAt(client, image, tag);
    } catch (e) {
      core.warning(`Could not read what ${image}:${tag} points at, to keep it from moving backwards: ${(e as Error).message}`);
      return undefined;
    }
  };
}

function noticeHeld(cfg: Config, h: { ref: string; version: string }): void {
  const why = cfg.derived?.release ? `newer than ${cfg.derived.version}` : `a release, and this build (${cfg.derived?.version}) is none`;
  core.notice(`Not moving ${h.ref}: it points at ${h.version}, ${why}`);
}

/** Tags to publish; for a stable release (and version-like tags), each is first checked against what it points at now. */
export async function resolveTags(cfg: Config, client: RegistryReader): Promise<PublishTags> {
  const result = await publishTags(cfg, cfg.push ? publishedVersion(client) : undefined);
  core.info(['Tags:', ...result.table.map(t => `  ${t.tag.padEnd(24)} <- ${t.rule}`)].join('\n'));
  for (const h of result.held) noticeHeld(cfg, h);
  return result;
}

/** Asked right before a tag's PUT: whether it may still move. */
export type TagGuard = (ref: string) => Promise<boolean>;

/**
 * The backport guard once more, right before each PUT: the tags were judged before the build,
 * minutes ago, and another release may have moved them since (3.0.0 published while 2.5.1 was
 * building must keep latest). Undefined when no tag is guarded.
 */
export function lastMomentGuard(cfg: Config, client: RegistryReader): TagGuard | undefined {
  const derived = cfg.derived;
  if (cfg.tags.length > 0 || !derived || guardedTags(derived).length === 0) return undefined;
  const read = publishedVersion(client);
  return async ref => {
    const { registry, repository, tag } = parseReference(ref);
    const entry = derived.tags.find(t => t.tag === tag);
    if (!entry || !guardedTags(derived).includes(entry)) return true;
    const version = await read(imageName({ registry, repository }), entry.tag);
    const { held } = holdBackwardMoves({ ...derived, tags: [entry] }, new Map([[entry.tag, version]]));
    if (held.length > 0) noticeHeld(cfg, { ref, version: version ?? '' });
    return held.length === 0;
  };
}

/**
 * PUTs one index (or manifest) under every reference, in order, each first asked of `guard`, and
 * returns those that moved. A failure part-way says exactly which references already point at it
 * and which do not.
 */
export async function putTags(
  client: RegistryWriter,
  refs: string[],
  m: Pick<Manifest, 'bytes' | 'digest' | 'mediaType'>,
  guard?: TagGuard
): Promise<string[]> {
  const { bytes, digest } = m;
  const moved: string[] = [];
  for (const [i, r] of refs.entries()) {
    const ref = parseReference(r);
    if (guard && !(await guard(r))) continue;
    try {
      await client.putManifest(ref, ref.tag as string, bytes, m.mediaType);
    } catch (e) {
      throw new Error(
        `tagging ${r} failed: ${(e as Error).message}; moved to ${digest}: ${moved.join(', ') || 'none'}; not moved: ${refs.slice(i).join(', ')}`
      );
    }
    moved.push(r);
    core.info(`Tagged ${r} → ${digest}`);
  }
  return moved;
}
