/**
 * mode: merge — collects the legs' records and publishes one OCI image index through the
 * distribution API (no docker or buildx on this runner) under every tag of every image.
 */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { userDockerConfigDir } from '../docker/login';
import { chooseHandoff, handoffKey } from '../fanout/handoff';
import { mergeLegs } from '../fanout/merge';
import { selectRecords } from '../fanout/records';
import { RunContext } from '../inputs/context';
import { MEDIA_TYPES, Manifest } from '../oci/manifest';
import { imageName, parseReference } from '../oci/reference';
import { Config } from '../policy/config';
import { eventTimestamp, indexAnnotations, ociMetadata } from '../policy/labels';
import { resolveLogins } from '../registry/logins';
import { lastMomentGuard, putTags, registryClient, resolveTags } from '../registry/publish';
import { announceTagNotes } from '../pipeline/run';
import { prepareTargets } from '../registry/targets';
import { createRunDir } from '../pipeline/run';
import { signBeforeTagging } from '../pipeline/sign';
import { setIndexOutputs } from '../report/outputs';

export async function runMergeMode(cfg: Config, ctx: RunContext, run: Runner): Promise<void> {
  for (const notice of cfg.loginNotices) core.notice(notice);
  if (!cfg.push) {
    core.notice(`merge: not pushing (${cfg.pushReason}); nothing to publish`);
    return;
  }
  announceTagNotes(cfg);
  const handoff = await chooseHandoff(cfg.handoffDir, ctx.runId, handoffKey(cfg.handoffKey, cfg.images), cfg.handoffRetentionDays);
  const records = await handoff.all();
  core.info(`merge: ${records.length} leg record(s) from ${handoff.describe}`);
  const client = registryClient(cfg, await resolveLogins(cfg.logins), userDockerConfigDir(), run);
  const chosen = selectRecords(records, cfg.platforms);
  const annotations = indexAnnotations(cfg.annotations, ociMetadata(ctx, cfg.derived?.version ?? '', eventTimestamp(ctx)));
  const merged = await mergeLegs(client, cfg.images, chosen, annotations);
  const { refs } = await resolveTags(cfg, client);
  if (refs.length === 0) {
    throw new Error('merge: none of the tags may move (see the notices above: each points at a newer release); nothing was tagged');
  }
  await prepareTargets(client, merged, refs);
  const index: Manifest = {
    bytes: merged.bytes,
    digest: merged.digest,
    mediaType: MEDIA_TYPES.ociIndex,
    json: JSON.parse(merged.bytes.toString('utf8')) as Manifest['json']
  };
  if (cfg.signing || cfg.signingSkipped) {
    const images = [...new Set(refs.map(ref => imageName(parseReference(ref))))];
    await signBeforeTagging({ cfg, ctx, client, runDir: createRunDir(ctx) }, { images, top: index, refs, signTop: true });
  }
  const moved = await putTags(client, refs, index, lastMomentGuard(cfg, client));
  const n = merged.attestations;
  core.info(`Merged ${chosen.length} legs (${n} attestation manifest${n === 1 ? '' : 's'}) into ${merged.digest}`);
  setIndexOutputs({ digest: merged.digest, digests: merged.digests, refs: moved, platforms: cfg.platforms }, cfg);
  core.info(`merge: ${client.requests} HTTP requests`);
}
