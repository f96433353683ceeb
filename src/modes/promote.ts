/**
 * mode: promote — copies a published image (its index, every platform and attestation manifest,
 * and the signatures and other referrers attached to them) from `source` to every repository the
 * tags name, without rebuilding, digests unchanged; then puts the tags through the same backport
 * guard as a build. Nothing is written before the whole source is read and every target accepts a
 * push; no tag moves before every target holds the whole graph. Needs neither docker nor buildx.
 */
import * as core from '@actions/core';
import { Runner } from '../docker/command';
import { userDockerConfigDir } from '../docker/login';
import { RunContext } from '../inputs/context';
import { platformDigests } from '../oci/manifest';
import { parseReference, repoOf } from '../oci/reference';
import { Config } from '../policy/config';
import { promoteSource } from '../policy/promote';
import { CopyResult, copyGraph } from '../registry/copy';
import { ImageGraph, readGraph, resolveSource } from '../registry/graph';
import { resolveLogins } from '../registry/logins';
import { lastMomentGuard, putTags, registryClient, resolveTags } from '../registry/publish';
import { targetRepos } from '../registry/targets';
import { Registry } from '../registry/registry';
import { checkPushAccess } from '../pipeline/push-access';
import { announceTagNotes } from '../pipeline/run';
import { setIndexOutputs } from '../report/outputs';
import { writePromoteSummary } from '../report/promote-summary';

/** The source's tag read once; the graph under its digest. */
async function readSource(client: Registry, source: string): Promise<ImageGraph> {
  const ref = parseReference(source);
  const root = await resolveSource(client, ref);
  if (!ref.digest) core.info(`promote: ${source} is ${root.digest}; read by digest from here on`);
  const graph = await readGraph(client, repoOf(source), root, root.json.manifests ? 'index' : 'image manifest');
  const referrers = [...graph.referrers.values()].reduce((n, r) => n + r.descriptors.length, 0);
  core.info(
    `promote: ${graph.nodes.size} manifest(s) to copy, ${referrers} referrer(s) and ${graph.tags.length} cosign object(s) among them`
  );
  return graph;
}

export interface Promotion {
  /** The reference read (its tag, or digest). */
  source: string;
  graph: ImageGraph;
  refs: string[];
  /** The references that moved (the backport guard may hold some back at the last moment). */
  moved: string[];
  copies: CopyResult[];
}

/**
 * The promotion, with the client given: the source read whole, every target checked for push
 * access, the graph copied into each, then the tags, last.
 */
export async function promote(cfg: Config, client: Registry): Promise<Promotion> {
  const source = promoteSource(cfg.source as string, cfg.event.sha, cfg.tagRules);
  const graph = await readSource(client, source);
  const { refs } = await resolveTags(cfg, client);
  if (refs.length === 0) {
    throw new Error('promote: no tags to publish under (set tags or images), or none may move (see the notices above); nothing was copied');
  }
  const targets = targetRepos(refs);
  await checkPushAccess(
    client,
    targets.map(t => t.name),
    'nothing was copied or tagged'
  );
  const copies: CopyResult[] = [];
  for (const target of targets) copies.push(await copyGraph(client, graph, target));
  const moved = await putTags(client, refs, graph.root, lastMomentGuard(cfg, client));
  return { source, graph, refs, moved, copies };
}

export async function runPromoteMode(cfg: Config, _ctx: RunContext, run: Runner): Promise<void> {
  for (const notice of cfg.loginNotices) core.notice(notice);
  if (!cfg.push) {
    core.notice(`promote: not pushing (${cfg.pushReason}); nothing was copied or tagged`);
    return;
  }
  announceTagNotes(cfg);
  const started = Date.now();
  const client = registryClient(cfg, await resolveLogins(cfg.logins), userDockerConfigDir(), run);
  const { source, graph, moved, copies } = await promote(cfg, client);
  const digest = graph.root.digest;
  const digests = platformDigests(graph.root);
  setIndexOutputs({ digest, digests, refs: moved, platforms: Object.keys(digests) }, cfg);
  await writePromoteSummary({ source, digest, refs: moved, copies, ms: Date.now() - started });
  core.info(
    `promote: ${source} (${digest}) published under ${moved.length} tag(s) in ${Date.now() - started} ms, ${client.requests} HTTP requests`
  );
}
