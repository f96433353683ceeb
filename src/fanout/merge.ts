/**
 * mode: merge — collects the legs' records, checks the plan is complete, and publishes one OCI
 * image index through the distribution API (no docker or buildx on this runner): same legs, same
 * bytes, same digest, under every tag of every image.
 */
import * as core from '@actions/core';
import { Config, loadConfig, maskSecrets } from './config';
import { RunContext, readRunContext } from './context';
import { LegRecord, selectRecords } from './fanout';
import { chooseHandoff, handoffKey } from './handoff';
import { configPlatform, describeIndex } from './inspect';
import { eventTimestamp, indexAnnotations, ociMetadata } from './labels';
import { userDockerConfigDir } from './login';
import { LegContent, composeIndex, legDescriptors } from './manifest';
import { registryClient, resolveTags } from './publish';
import { parseReference } from './reference';
import { MEDIA_TYPES, RegistryClient, sha256Digest } from './registry';
import { runCommand } from './command';

async function fetchLeg(client: RegistryClient, image: string, record: LegRecord): Promise<LegContent> {
  const ref = parseReference(image);
  const top = await client.getManifest(ref.registry, ref.repository, record.digest);
  if (top.json.manifests) return { platform: record.platform, top };
  return { platform: record.platform, top, configPlatform: await configPlatform(client, ref.registry, ref.repository, top) };
}

/**
 * Every manifest the index names must already be in every target repository. Those just fetched
 * by digest from the first image are known to be there; the rest are checked in parallel.
 */
async function checkChildren(client: RegistryClient, images: string[], digests: string[], fetched: string[]): Promise<void> {
  const checks = images.flatMap((image, i) => {
    const ref = parseReference(image);
    return digests
      .filter(d => i > 0 || !fetched.includes(d))
      .map(async d => {
        if (!(await client.hasManifest(ref.registry, ref.repository, d))) {
          throw new Error(`merge: ${image} lacks ${d} (the leg did not push to this image); nothing was tagged`);
        }
      });
  });
  await Promise.all(checks);
}

export async function mergeRecords(cfg: Config, ctx: RunContext, client: RegistryClient, records: LegRecord[]): Promise<{ digest: string; digests: Record<string, string>; refs: string[] }> {
  const chosen = selectRecords(records, cfg.platforms);
  const legs = await Promise.all(chosen.map(r => fetchLeg(client, cfg.images[0], r)));
  const annotations = indexAnnotations(cfg.annotations, ociMetadata(ctx, cfg.derived?.version ?? '', eventTimestamp(ctx)));
  const bytes = composeIndex(legs, annotations);
  const digest = sha256Digest(bytes);
  const children = legs.flatMap(legDescriptors).map(d => d.digest);
  await checkChildren(client, cfg.images, children, legs.map(l => l.top.digest));
  const { refs } = await resolveTags(cfg, client);
  if (refs.length === 0) throw new Error('merge: no tags to publish under; set tags or images');
  for (const r of refs) {
    const ref = parseReference(r);
    await client.putManifest(ref.registry, ref.repository, ref.tag as string, bytes, MEDIA_TYPES.ociIndex);
    core.info(`Tagged ${r} → ${digest}`);
  }
  const index = describeIndex({ mediaType: MEDIA_TYPES.ociIndex, digest, bytes, json: JSON.parse(bytes.toString()) });
  const attestations = Object.keys(index.attestations).length;
  core.info(`Merged ${chosen.length} legs (${attestations} attestation manifest${attestations === 1 ? '' : 's'}) into ${digest}`);
  return { digest, digests: index.digests, refs };
}

export async function runMergeMode(read: (name: string) => string): Promise<void> {
  const ctx = readRunContext();
  const cfg = loadConfig(read, ctx);
  maskSecrets(cfg);
  if (!cfg.push) {
    core.notice(`merge: not pushing (${cfg.pushReason}); nothing to publish`);
    return;
  }
  const handoff = chooseHandoff(cfg.handoffDir, ctx.runId, handoffKey(cfg.handoffKey, cfg.images));
  const records = await handoff.all();
  core.info(`merge: ${records.length} leg record(s) from ${handoff.describe}`);
  const client = registryClient(cfg, { DOCKER_CONFIG: userDockerConfigDir() }, runCommand);
  const result = await mergeRecords(cfg, ctx, client, records);
  core.setOutput('digest', result.digest);
  core.setOutput('digests', JSON.stringify(result.digests));
  core.setOutput('tags', result.refs.join('\n'));
  core.setOutput('platforms', cfg.platforms.join(','));
  core.info(`merge: ${client.requests} HTTP requests`);
}
