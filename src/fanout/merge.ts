/**
 * The merge: collects the legs' pushed manifests, composes one OCI image index (same legs, same
 * bytes, same digest), and makes sure every repository a tag names holds all of its children.
 * Putting the tags is the caller's next step.
 */
import * as core from '@actions/core';
import { sha256Digest } from '../oci/digest';
import { Descriptor, describeIndex, MEDIA_TYPES } from '../oci/manifest';
import { imageName, parseReference } from '../oci/reference';
import { RegistryClient } from '../registry/client';
import { configPlatform } from '../registry/readback';
import { LegContent, composeIndex, legDescriptors } from './compose';
import { LegRecord } from './records';

async function fetchLeg(client: RegistryClient, image: string, record: LegRecord): Promise<LegContent> {
  const ref = parseReference(image);
  const top = await client.getManifest(ref.registry, ref.repository, record.digest);
  if (top.json.manifests) return { platform: record.platform, top };
  return { platform: record.platform, top, configPlatform: await configPlatform(client, ref.registry, ref.repository, top) };
}

export interface MergedIndex {
  bytes: Buffer;
  digest: string;
  /** platform → manifest digest. */
  digests: Record<string, string>;
  /** Every manifest the index names (runnable and attestation). */
  children: string[];
  /** Those just read from `source` by digest, so known to be there. */
  fetched: string[];
  /** The repository the legs pushed to, which holds every child. */
  source: string;
  attestations: number;
}

/** The index of the chosen legs (one record per planned platform), read from the first image. */
export async function mergeLegs(
  client: RegistryClient,
  images: string[],
  chosen: LegRecord[],
  annotations: Record<string, string>
): Promise<MergedIndex> {
  const legs = await Promise.all(chosen.map(r => fetchLeg(client, images[0], r)));
  const bytes = composeIndex(legs, annotations);
  const digest = sha256Digest(bytes);
  const children = legs.flatMap(legDescriptors).map(d => d.digest);
  const index = describeIndex({
    mediaType: MEDIA_TYPES.ociIndex,
    digest,
    bytes,
    json: JSON.parse(bytes.toString()) as Record<string, unknown>
  });
  const fetched = legs.map(l => l.top.digest);
  return {
    bytes,
    digest,
    digests: index.digests,
    children,
    fetched,
    source: images[0],
    attestations: Object.keys(index.attestations).length
  };
}

interface Repo {
  registry: string;
  repository: string;
  name: string;
}

function repoOf(ref: string): Repo {
  const { registry, repository } = parseReference(ref);
  return { registry, repository, name: imageName({ registry, repository }) };
}

/** The repositories the tags put the index into, each once. */
function targetRepos(refs: string[]): Repo[] {
  const seen = new Map<string, Repo>();
  for (const r of refs.map(repoOf)) seen.set(r.name, r);
  return [...seen.values()];
}

/** The children a repository lacks (HEADs in parallel). */
async function missingChildren(client: RegistryClient, repo: Repo, children: string[]): Promise<string[]> {
  const present = await Promise.all(children.map(d => client.hasManifest(repo.registry, repo.repository, d)));
  return children.filter((_d, i) => !present[i]);
}

/** Copies one child manifest from the source repository: its blobs first (mounted), then the manifest by digest. */
async function copyChild(client: RegistryClient, source: Repo, target: Repo, digest: string): Promise<void> {
  const m = await client.getManifest(source.registry, source.repository, digest);
  const blobs = [m.json.config, ...(m.json.layers ?? [])].filter((d): d is Descriptor => d !== undefined);
  await Promise.all(blobs.map(b => client.copyBlob(target.registry, source.repository, target.repository, b.digest)));
  await client.putManifest(target.registry, target.repository, digest, m.bytes, m.mediaType);
}

/**
 * Every child must be in every repository a tag puts the index into. A repository on the legs'
 * registry that lacks some gets them copied (blobs mounted across repositories, then the
 * manifests); one on another registry is refused before anything is put.
 */
export async function prepareTargets(
  client: RegistryClient,
  merged: Pick<MergedIndex, 'source' | 'children' | 'fetched'>,
  refs: string[]
): Promise<void> {
  const source = repoOf(merged.source);
  const unread = merged.children.filter(d => !merged.fetched.includes(d));
  const lost = await missingChildren(client, source, unread);
  if (lost.length > 0) throw new Error(`merge: ${source.name} lacks ${lost.join(', ')} that the legs pushed; nothing was tagged`);
  const targets = targetRepos(refs).filter(t => t.name !== source.name);
  const missing = await Promise.all(targets.map(t => missingChildren(client, t, merged.children)));
  const foreign = targets.flatMap((t, i) =>
    missing[i].length > 0 && t.registry !== source.registry ? [`${t.name} lacks ${missing[i].join(', ')}`] : []
  );
  if (foreign.length > 0) {
    throw new Error(
      `merge: ${foreign.join('; ')}, on another registry than the legs' ${source.name}; ` +
        'push the legs there too (add it to images) or drop those tags; nothing was tagged'
    );
  }
  for (const [i, t] of targets.entries()) {
    if (missing[i].length === 0) continue;
    core.info(`merge: copying ${missing[i].length} manifest(s) from ${source.name} to ${t.name}`);
    await Promise.all(missing[i].map(d => copyChild(client, source, t, d)));
  }
}
