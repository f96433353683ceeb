/** Publishing through the registry: the client a run uses, the tags to publish, and putting them. */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { Manifest, isAttestation } from '../oci/manifest';
import { parseReference, repoOf } from '../oci/reference';
import { Config } from '../policy/config';
import { PublishTags, publishTags } from '../policy/tags';
import { RegistryClient } from './client';
import { Registry, RegistryReader, RegistryWriter } from './registry';
import { dockerConfigCredentials, firstOf, staticCredentials } from './credentials';
import { plainHttpRegistries } from './plain-http-hosts';

/** Credentials from the login inputs first, then the run's docker config. */
export function registryClient(cfg: Config, dockerConfigDir: string, run: Runner): Registry {
  return new RegistryClient({
    credentials: firstOf(staticCredentials(cfg.logins), dockerConfigCredentials(dockerConfigDir, run)),
    plainHttpHosts: plainHttpRegistries(cfg.buildkitdConfigInline)
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

/** Tags to publish; for a stable release, each tag is first checked against what it points at now. */
export async function resolveTags(cfg: Config, client: RegistryReader): Promise<PublishTags> {
  const published = async (image: string, tag: string): Promise<string | undefined> => {
    try {
      return await versionAt(client, image, tag);
    } catch (e) {
      core.warning(`Could not read what ${image}:${tag} points at, to keep it from moving backwards: ${(e as Error).message}`);
      return undefined;
    }
  };
  const result = await publishTags(cfg, cfg.push ? published : undefined);
  core.info(['Tags:', ...result.table.map(t => `  ${t.tag.padEnd(24)} <- ${t.rule}`)].join('\n'));
  for (const h of result.held) {
    core.notice(`Not moving ${h.ref}: it points at ${h.version}, newer than ${cfg.derived?.version}`);
  }
  return result;
}

/**
 * PUTs one index (or manifest) under every reference, in order. A failure part-way says exactly
 * which references already point at it and which do not.
 */
export async function putTags(client: RegistryWriter, refs: string[], m: Pick<Manifest, 'bytes' | 'digest' | 'mediaType'>): Promise<void> {
  const { bytes, digest } = m;
  for (const [i, r] of refs.entries()) {
    const ref = parseReference(r);
    try {
      await client.putManifest(ref, ref.tag as string, bytes, m.mediaType);
    } catch (e) {
      const moved = refs.slice(0, i).join(', ') || 'none';
      throw new Error(`tagging ${r} failed: ${(e as Error).message}; moved to ${digest}: ${moved}; not moved: ${refs.slice(i).join(', ')}`);
    }
    core.info(`Tagged ${r} → ${digest}`);
  }
}
