/** Publishing through the registry: the client a run uses, the tags to publish, and putting them. */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { MEDIA_TYPES } from '../oci/manifest';
import { parseReference } from '../oci/reference';
import { Config } from '../policy/config';
import { PublishTags, publishTags } from '../policy/tags';
import { RegistryClient } from './client';
import { dockerConfigCredentials, firstOf, staticCredentials } from './credentials';
import { plainHttpRegistries } from './insecure-hosts';

/** Credentials from the login inputs first, then the run's docker config. */
export function registryClient(cfg: Config, dockerConfigDir: string, run: Runner): RegistryClient {
  return new RegistryClient({
    credentials: firstOf(staticCredentials(cfg.logins), dockerConfigCredentials(dockerConfigDir, run)),
    plainHttpHosts: plainHttpRegistries(cfg.buildkitdConfigInline)
  });
}

/** Tags to publish; floating tags are checked against the registry only when pushing. */
export async function resolveTags(cfg: Config, client: RegistryClient): Promise<PublishTags> {
  const existing = async (image: string): Promise<string[]> => {
    const ref = parseReference(image);
    try {
      return await client.listTags(ref.registry, ref.repository);
    } catch (e) {
      core.warning(`Could not list the tags of ${image} to keep floating tags from moving backwards: ${(e as Error).message}`);
      return [];
    }
  };
  const result = await publishTags(cfg, cfg.push ? existing : undefined);
  core.info(['Tags:', ...result.table.map(t => `  ${t.tag.padEnd(24)} <- ${t.rule}`)].join('\n'));
  for (const t of result.held) {
    core.notice(`Not moving ${t.tag}: a newer release than ${cfg.derived?.version} is already published`);
  }
  return result;
}

/**
 * PUTs one index under every reference, in order. A failure part-way says exactly which
 * references already point at the new index and which do not.
 */
export async function putIndex(client: RegistryClient, refs: string[], bytes: Buffer, digest: string): Promise<void> {
  for (const [i, r] of refs.entries()) {
    const ref = parseReference(r);
    try {
      await client.putManifest(ref.registry, ref.repository, ref.tag as string, bytes, MEDIA_TYPES.ociIndex);
    } catch (e) {
      const moved = refs.slice(0, i).join(', ') || 'none';
      throw new Error(`tagging ${r} failed: ${(e as Error).message}; moved to ${digest}: ${moved}; not moved: ${refs.slice(i).join(', ')}`);
    }
    core.info(`Tagged ${r} → ${digest}`);
  }
}
