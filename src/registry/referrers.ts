/**
 * What refers to a manifest, found and written as the OCI distribution spec 1.1 says: the
 * referrers API where the registry has one, else the referrers tag schema (the tag `<alg>-<hex>`
 * of the subject holds an image index listing its referrers, which the writer keeps up to date).
 * Also cosign's older tag scheme: `sha256-<hex>.sig`, `.att` and `.sbom`, each a manifest of its
 * own under that tag. Signing attaches and verifies through this module; promotion walks and
 * copies through it.
 */
import * as core from '@actions/core';
import { sha256Digest } from '../oci/digest';
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

const COSIGN_SUFFIXES = { sig: 'signature', att: 'attestation', sbom: 'SBOM' } as const;
export type CosignSuffix = keyof typeof COSIGN_SUFFIXES;

/** A manifest to attach: its exact bytes and what a referrers list says of it. */
export interface ReferrerManifest {
  bytes: Buffer;
  mediaType: string;
  artifactType: string;
  annotations: Record<string, string>;
}

/** The referrers tag schema's tag for a digest: `sha256:abc…` → `sha256-abc…`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/** cosign's tag-scheme tag for what it attaches to a digest: `sha256-<hex>.sig`, `.att` or `.sbom`. */
export function cosignTag(digest: string, suffix: CosignSuffix): string {
  return `${referrersTag(digest)}.${suffix}`;
}

/** The subject's referrers: from the API, else from the fallback tag's index (none when it has no tag). */
export async function findReferrers(registry: RegistryReader, repo: Repo, subject: string, artifactType?: string): Promise<Descriptor[]> {
  const listed =
    (await registry.listReferrers(repo, subject)) ?? (await registry.findManifest(repo, referrersTag(subject)))?.json.manifests ?? [];
  return artifactType ? listed.filter(d => d.artifactType === artifactType) : listed;
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
      const listed = await client.listReferrers(repo, digest);
      hasApi = listed !== undefined;
      if (listed) return listed.length > 0 ? { descriptors: listed } : undefined;
    }
    const fallback = await readTag(referrersTag(digest));
    return fallback?.json.manifests?.length ? { descriptors: fallback.json.manifests, fallback } : undefined;
  };
  return async digest => {
    const suffixes = Object.keys(COSIGN_SUFFIXES) as CosignSuffix[];
    const [referrers, ...objects] = await Promise.all([viaApiOrTag(digest), ...suffixes.map(s => readTag(cosignTag(digest, s)))]);
    const tagged = suffixes.flatMap((s, i) => {
      const manifest = objects[i];
      return manifest ? [{ tag: cosignTag(digest, s), kind: COSIGN_SUFFIXES[s], manifest }] : [];
    });
    return { referrers, tagged };
  };
}

/**
 * PUTs the manifest by digest; where the registry does not index it (no `OCI-Subject` in its
 * answer: no referrers API), adds it to the subject's fallback index (read, extended, written
 * back) so every verifier finds it either way.
 */
export async function attachReferrer(registry: Registry, repo: Repo, subject: string, m: ReferrerManifest): Promise<string> {
  const digest = sha256Digest(m.bytes);
  if (await registry.putReferrer(repo, { bytes: m.bytes, digest, mediaType: m.mediaType })) return digest;
  const descriptor: Descriptor = {
    mediaType: m.mediaType,
    digest,
    size: m.bytes.length,
    artifactType: m.artifactType,
    annotations: m.annotations
  };
  await writeFallbackIndex(registry, repo, subject, { descriptors: [descriptor] });
  return digest;
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
  const tag = referrersTag(subject);
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
