/**
 * What refers to a manifest, found and written as the OCI distribution spec 1.1 says: the
 * referrers API where the registry has one, else the referrers tag schema (the tag `<alg>-<hex>`
 * of the subject holds an image index listing its referrers). Also cosign's older tag scheme:
 * `sha256-<hex>.sig`, `.att` and `.sbom`, each a manifest of its own under that tag.
 */
import * as core from '@actions/core';
import { Descriptor, MEDIA_TYPES, Manifest } from '../oci/manifest';
import { Repo, imageName } from '../oci/reference';
import { Registry, RegistryReader } from './registry';

/** The referrers of one subject, and the fallback index they were read from (when they were). */
export interface SubjectReferrers {
  descriptors: Descriptor[];
  fallback?: Manifest;
}

/** A cosign tag-scheme object: its tag and what it is, for the log. */
export interface TaggedObject {
  tag: string;
  kind: string;
  manifest: Manifest;
}

/** What refers to one manifest. */
export interface FoundReferrers {
  referrers?: SubjectReferrers;
  tagged: TaggedObject[];
}

const COSIGN_SUFFIXES: Record<string, string> = { sig: 'signature', att: 'attestation', sbom: 'SBOM' };

/** The referrers tag schema's tag for a digest: `sha256:abc…` → `sha256-abc…`. */
export function fallbackTag(digest: string): string {
  return digest.replace(':', '-');
}

/**
 * Reads a tag, or says there is none: from the repository's tag list when it could be read (one
 * request for the whole walk), else by asking for the tag itself.
 */
async function tagReader(client: RegistryReader, repo: Repo): Promise<(tag: string) => Promise<Manifest | undefined>> {
  let tags: Set<string> | undefined;
  try {
    tags = new Set(await client.listTags(repo));
  } catch (e) {
    core.info(`promote: could not list the tags of ${imageName(repo)} (${(e as Error).message}); asking for each tag instead`);
  }
  return tag => (tags && !tags.has(tag) ? Promise.resolve(undefined) : client.findManifest(repo, tag));
}

/**
 * A finder of what refers to a manifest of `repo`. Whether the registry has the referrers API is
 * learnt from the first answer (404: it has not) and remembered for the rest of the walk.
 */
export async function referrerFinder(client: RegistryReader, repo: Repo): Promise<(digest: string) => Promise<FoundReferrers>> {
  const readTag = await tagReader(client, repo);
  let hasApi: boolean | undefined;
  const viaApiOrTag = async (digest: string): Promise<SubjectReferrers | undefined> => {
    if (hasApi !== false) {
      const listed = await client.referrers(repo, digest);
      hasApi = listed !== undefined;
      if (listed) return listed.length > 0 ? { descriptors: listed } : undefined;
    }
    const fallback = await readTag(fallbackTag(digest));
    return fallback?.json.manifests?.length ? { descriptors: fallback.json.manifests, fallback } : undefined;
  };
  return async digest => {
    const suffixes = Object.keys(COSIGN_SUFFIXES);
    const [referrers, ...objects] = await Promise.all([viaApiOrTag(digest), ...suffixes.map(s => readTag(`${fallbackTag(digest)}.${s}`))]);
    const tagged = suffixes.flatMap((s, i) => {
      const manifest = objects[i];
      return manifest ? [{ tag: `${fallbackTag(digest)}.${s}`, kind: COSIGN_SUFFIXES[s], manifest }] : [];
    });
    return { referrers, tagged };
  };
}

/** An index listing `descriptors` in the referrers tag schema's form. */
function fallbackIndex(descriptors: Descriptor[]): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: descriptors }));
}

/**
 * Makes the target's fallback tag of `subject` list every referrer copied: the source's own index
 * as it is (same digest) when the target has none, else the target's list with the missing ones
 * appended. Says whether it wrote anything.
 */
export async function writeFallbackIndex(client: Registry, target: Repo, subject: string, found: SubjectReferrers): Promise<boolean> {
  const tag = fallbackTag(subject);
  const current = await client.findManifest(target, tag);
  if (!current) {
    const bytes = found.fallback?.bytes ?? fallbackIndex(found.descriptors);
    await client.putManifest(target, tag, bytes, MEDIA_TYPES.ociIndex);
    return true;
  }
  const listed = current.json.manifests ?? [];
  const missing = found.descriptors.filter(d => !listed.some(l => l.digest === d.digest));
  if (missing.length === 0) return false;
  await client.putManifest(target, tag, fallbackIndex([...listed, ...missing]), MEDIA_TYPES.ociIndex);
  return true;
}

/**
 * A cosign object under a tag the target already holds with other content (signed there too):
 * cosign's own way of adding a signature, the layers of both in one manifest (the source's
 * first, then those only the target had). Undefined when the target's already has them all.
 */
export function mergedTaggedObject(source: Manifest, existing: Manifest): Buffer | undefined {
  const layers = source.json.layers ?? [];
  const extra = (existing.json.layers ?? []).filter(l => !layers.some(s => s.digest === l.digest));
  const missing = layers.filter(l => !(existing.json.layers ?? []).some(e => e.digest === l.digest));
  if (missing.length === 0) return undefined;
  return extra.length === 0 ? source.bytes : Buffer.from(JSON.stringify({ ...source.json, layers: [...layers, ...extra] }));
}
