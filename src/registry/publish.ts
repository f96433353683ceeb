/** Shared by the build and merge paths: registry access, the tags to publish, the OCI metadata. */
import * as core from '@actions/core';
import { Buildx, plainHttpRegistries, supports } from './buildx';
import { Runner } from './command';
import { Config } from './config';
import { RunContext } from './context';
import { dockerConfigCredentials, firstOf, staticCredentials } from './credentials';
import { eventTimestamp, mergeAnnotations, mergeLabels, ociMetadata } from './labels';
import { parseReference } from './reference';
import { RegistryClient } from './registry';
import { PublishTags, publishTags } from './tags';

export function registryClient(cfg: Config, env: Record<string, string>, run: Runner): RegistryClient {
  return new RegistryClient({
    credentials: firstOf(staticCredentials(cfg.logins), dockerConfigCredentials(env.DOCKER_CONFIG, run)),
    insecureHosts: plainHttpRegistries(cfg.buildkitdConfigInline)
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

/** Our OCI labels and annotations merged under the user's (annotations only where buildx can). */
export function metadataFor(cfg: Config, ctx: RunContext, bx: Buildx): { labels: string[]; annotations: string[]; version: string } {
  const version = cfg.derived?.version ?? '';
  const ours = ociMetadata(ctx, version, eventTimestamp(ctx, () => new Date()));
  const labels = mergeLabels(cfg.labels, ours);
  if (!supports(bx, 'annotations')) {
    core.warning(`buildx ${bx.version} cannot write annotations (needs 0.12.0); the OCI annotations are skipped`);
    return { labels, annotations: cfg.annotations, version };
  }
  // BuildKit refuses index-level annotations when only one platform is exported.
  const levels = cfg.platforms.length > 1 ? ['manifest', 'index'] : ['manifest'];
  return { labels, annotations: mergeAnnotations(cfg.annotations, ours, levels), version };
}
