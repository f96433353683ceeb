/**
 * Before an index is tagged in a repository, that repository must hold every manifest the index
 * names. A repository on the source's registry that lacks some gets them copied (blobs mounted
 * across repositories, then the manifests by digest); one on another registry is refused before
 * anything is put.
 */
import * as core from '@actions/core';
import { Descriptor } from '../oci/manifest';
import { Repo, imageName, repoOf } from '../oci/reference';
import { Registry, RegistryReader } from './registry';

/** Where an index's children are, and which of them are known to be there. */
export interface IndexChildren {
  /** Every manifest the index names (runnable and attestation). */
  children: string[];
  /** Those just read from `source` by digest, so known to be there. */
  fetched: string[];
  /** The repository that holds every child (where the legs or the build pushed). */
  source: string;
}

export type NamedRepo = Repo & { name: string };

function named(ref: string): NamedRepo {
  const repo = repoOf(ref);
  return { ...repo, name: imageName(repo) };
}

/** The repositories the tags put the index into, each once. */
export function targetRepos(refs: string[]): NamedRepo[] {
  const seen = new Map<string, NamedRepo>();
  for (const r of refs.map(named)) seen.set(r.name, r);
  return [...seen.values()];
}

/** The children a repository lacks (HEADs in parallel). */
async function missingChildren(client: RegistryReader, repo: Repo, children: string[]): Promise<string[]> {
  const present = await Promise.all(children.map(d => client.hasManifest(repo, d)));
  return children.filter((_d, i) => !present[i]);
}

/** Copies one child manifest from the source repository: its blobs first (mounted), then the manifest by digest. */
async function copyChild(client: Registry, source: Repo, target: Repo, digest: string): Promise<void> {
  const m = await client.getManifest(source, digest);
  const blobs = [m.json.config, ...(m.json.layers ?? [])].filter((d): d is Descriptor => d !== undefined);
  await Promise.all(blobs.map(b => client.copyBlob(source, target, b)));
  await client.putManifest(target, digest, m.bytes, m.mediaType);
}

/** Makes every repository `refs` name hold every child, or fails before anything is tagged. */
export async function prepareTargets(client: Registry, merged: IndexChildren, refs: string[]): Promise<void> {
  const source = named(merged.source);
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
