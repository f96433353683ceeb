/**
 * Copies an image graph (graph.ts) into a target repository, on the source's registry or another,
 * so that every digest stays what it was: the same bytes under the same media types, children
 * before the manifests that name them. What the target already holds is skipped (a HEAD each), so
 * an interrupted copy resumes where it stopped. Then the supporting tags: cosign's objects and,
 * where the target has no referrers API, the referrers fallback indexes. Release tags are the
 * caller's, last.
 */
import * as core from '@actions/core';
import { Descriptor } from '../oci/manifest';
import { Repo, imageName } from '../oci/reference';
import { GraphNode, ImageGraph } from './graph';
import { CopyProgress, formatBytes, formatRate, mapBounded } from './progress';
import { mergedTaggedObject, writeFallbackIndex } from './referrers';
import { BlobCopy, Registry } from './registry';

/** Blobs copied at once: enough to fill a link, few enough to be kind to the registries. */
export const BLOB_CONCURRENCY = 6;
/** Existence checks (HEADs) at once. */
const HEAD_CONCURRENCY = 16;

/** One manifest and its blobs in the target: what was copied and what was already there. */
export interface GroupResult {
  label: string;
  digest: string;
  manifest: 'copied' | 'present';
  /** Blobs streamed from the source, mounted from another repository, already in the target. */
  blobs: Record<BlobCopy, number>;
  /** Bytes streamed. */
  bytes: number;
  /** From the group's first blob copy starting to its last one done. */
  ms: number;
}

export interface CopyResult {
  target: Repo;
  groups: GroupResult[];
  /** Supporting tags (cosign objects, referrers fallback indexes) written, and those in place already. */
  tags: { written: number; present: number };
  ms: number;
}

interface Group {
  result: GroupResult;
  blobs: Descriptor[];
  pending: number;
  started?: number;
}

/** True the first time `key` is seen. */
function firstSighting(seen: Set<string>, key: string): boolean {
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}

/** One group per manifest; a blob named by several missing manifests is copied with the first. */
function planGroups(graph: ImageGraph, missing: Set<string>): Group[] {
  const assigned = new Set<string>();
  return [...graph.nodes.entries()].map(([digest, node]) => {
    const blobs = missing.has(digest) ? node.blobs.filter(b => firstSighting(assigned, b.digest)) : [];
    const result: GroupResult = {
      label: node.label,
      digest,
      manifest: missing.has(digest) ? 'copied' : 'present',
      blobs: { present: 0, mounted: 0, uploaded: 0 },
      bytes: 0,
      ms: 0
    };
    return { result, blobs, pending: blobs.length };
  });
}

function logGroup(target: Repo, r: GroupResult): void {
  const sent = r.blobs.uploaded
    ? `${r.blobs.uploaded} sent (${formatBytes(r.bytes)} in ${(r.ms / 1000).toFixed(1)} s, ${formatRate(r.bytes, r.ms)})`
    : '';
  const mounted = r.blobs.mounted ? `${r.blobs.mounted} mounted` : '';
  const there = r.blobs.present ? `${r.blobs.present} already there` : '';
  core.info(`promote: ${r.label} → ${imageName(target)}: blobs ${[sent, mounted, there].filter(Boolean).join(', ')}`);
}

/** Every blob of the missing manifests, at most BLOB_CONCURRENCY at a time, with progress. */
async function copyBlobs(client: Registry, graph: ImageGraph, target: Repo, missing: Set<string>): Promise<GroupResult[]> {
  const groups = planGroups(graph, missing);
  const jobs = groups.flatMap(g => g.blobs.map(blob => ({ g, blob })));
  const progress = new CopyProgress(
    `promote to ${imageName(target)}`,
    jobs.reduce((n, j) => n + j.blob.size, 0)
  );
  progress.start();
  try {
    await mapBounded(jobs, BLOB_CONCURRENCY, async ({ g, blob }) => {
      g.started ??= Date.now();
      g.result.blobs[await client.copyBlob(graph.source, target, blob, progress.counter(g.result))]++;
      if (--g.pending > 0) return;
      g.result.ms = Date.now() - g.started;
      logGroup(target, g.result);
    });
  } finally {
    progress.stop();
  }
  return groups.map(g => g.result);
}

/** The manifests in levels: each after every manifest it names or refers to. */
export function putLevels(graph: ImageGraph): string[][] {
  const depth = new Map<string, number>();
  const depthOf = (digest: string): number => {
    const node = graph.nodes.get(digest);
    if (!node) return -1;
    if (!depth.has(digest)) depth.set(digest, 1 + Math.max(-1, ...node.after.map(depthOf)));
    return depth.get(digest) as number;
  };
  const levels: string[][] = [];
  for (const digest of graph.nodes.keys()) (levels[depthOf(digest)] ??= []).push(digest);
  return levels;
}

/**
 * PUTs the missing manifests by digest, level by level. Says whether the target keeps referrers
 * lists itself (a manifest with a subject answered with OCI-Subject); undefined when none was put.
 */
async function putManifests(client: Registry, graph: ImageGraph, target: Repo, missing: Set<string>): Promise<boolean | undefined> {
  let indexesSubjects: boolean | undefined;
  const put = async (node: GraphNode): Promise<void> => {
    const m = node.manifest;
    if (!m.json.subject) return void (await client.putManifest(target, m.digest, m.bytes, m.mediaType));
    const indexed = await client.putReferrer(target, m);
    indexesSubjects = (indexesSubjects ?? true) && indexed;
  };
  for (const level of putLevels(graph)) {
    await Promise.all(level.filter(d => missing.has(d)).map(d => put(graph.nodes.get(d) as GraphNode)));
  }
  return indexesSubjects;
}

/** A cosign object under its tag: written when absent, merged when the target's holds other signatures. */
async function putTaggedObject(client: Registry, graph: ImageGraph, target: Repo, t: { tag: string; digest: string }): Promise<boolean> {
  const source = (graph.nodes.get(t.digest) as GraphNode).manifest;
  const existing = await client.findManifest(target, t.tag);
  if (existing?.digest === source.digest) return false;
  const bytes = existing ? mergedTaggedObject(source, existing) : source.bytes;
  if (!bytes) return false;
  if (existing) core.info(`promote: ${imageName(target)}:${t.tag} held other signatures too; they are kept beside the source's`);
  await client.putManifest(target, t.tag, bytes, source.mediaType);
  return true;
}

/** Whether the target needs the fallback tags: it did not answer OCI-Subject, or (nothing put now) has no referrers API. */
async function needsFallbackTags(client: Registry, graph: ImageGraph, target: Repo, indexesSubjects?: boolean): Promise<boolean> {
  const first = graph.referrers.keys().next();
  if (first.done) return false;
  if (indexesSubjects !== undefined) return !indexesSubjects;
  return (await client.listReferrers(target, first.value)) === undefined;
}

async function putSupportingTags(
  client: Registry,
  graph: ImageGraph,
  target: Repo,
  indexesSubjects?: boolean
): Promise<CopyResult['tags']> {
  const fallback = await needsFallbackTags(client, graph, target, indexesSubjects);
  const written = await Promise.all([
    ...graph.tags.map(t => putTaggedObject(client, graph, target, t)),
    ...(fallback ? [...graph.referrers].map(([subject, found]) => writeFallbackIndex(client, target, subject, found)) : [])
  ]);
  return { written: written.filter(Boolean).length, present: written.filter(w => !w).length };
}

/** Copies the graph into `target`: what it lacks, blobs first, manifests children first, then the supporting tags. */
export async function copyGraph(client: Registry, graph: ImageGraph, target: Repo): Promise<CopyResult> {
  const started = Date.now();
  const digests = [...graph.nodes.keys()];
  const present = await mapBounded(digests, HEAD_CONCURRENCY, d => client.hasManifest(target, d));
  const missing = new Set(digests.filter((_d, i) => !present[i]));
  core.info(`promote: ${imageName(target)} lacks ${missing.size} of ${digests.length} manifest(s)`);
  const groups = await copyBlobs(client, graph, target, missing);
  const indexesSubjects = await putManifests(client, graph, target, missing);
  const tags = await putSupportingTags(client, graph, target, indexesSubjects);
  return { target, groups, tags, ms: Date.now() - started };
}
