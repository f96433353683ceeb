/** Publishing through the registry: the client a run uses, the tags to publish, and putting them. */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { Manifest, isAttestation } from '../oci/manifest';
import { imageName, parseReference, repoOf } from '../oci/reference';
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

/**
 * The version a published tag points at: the version annotation of its index or manifest, else
 * (an index written without annotations) that of its first image, else that image's label.
 */
async function versionAt(client: RegistryReader, image: string, tag: string): Promise<string | undefined> {
  const repo = repoOf(image);
  const top = await client.findManifest(repo, tag);
  if (!top) return undefined;
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
