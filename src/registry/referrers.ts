/**
 * OCI 1.1 referrers: a manifest whose `subject` names another is found through the registry's
 * referrers API, or, on a registry without it (distribution 2.8), through the referrers tag schema:
 * an index under the tag `sha256-<hex>` of the subject, which the writer keeps up to date.
 */
import { sha256Digest } from '../oci/digest';
import { Descriptor, MEDIA_TYPES } from '../oci/manifest';
import { Repo } from '../oci/reference';
import { Registry, RegistryReader } from './registry';

/** A manifest to attach: its exact bytes and what a referrers list says of it. */
export interface ReferrerManifest {
  bytes: Buffer;
  mediaType: string;
  artifactType: string;
  annotations: Record<string, string>;
}

/** The tag the referrers tag schema keeps a subject's referrers under. */
export function referrersTag(subject: string): string {
  return subject.replace(':', '-');
}

function descriptorOf(m: ReferrerManifest): Descriptor {
  return {
    mediaType: m.mediaType,
    digest: sha256Digest(m.bytes),
    size: m.bytes.length,
    artifactType: m.artifactType,
    annotations: m.annotations
  };
}

/** The subject's referrers: from the API, else from the fallback tag's index (none when it has no tag). */
export async function findReferrers(registry: RegistryReader, repo: Repo, subject: string, artifactType?: string): Promise<Descriptor[]> {
  const listed = (await registry.listReferrers(repo, subject)) ?? (await fallbackIndex(registry, repo, subject));
  return artifactType ? listed.filter(d => d.artifactType === artifactType) : listed;
}

async function fallbackIndex(registry: RegistryReader, repo: Repo, subject: string): Promise<Descriptor[]> {
  const index = await registry.findManifest(repo, referrersTag(subject));
  return index?.json.manifests ?? [];
}

/**
 * PUTs the manifest by digest; where the registry has no referrers API, adds it to the subject's
 * fallback index (read, extended, written back) so every verifier finds it either way.
 */
export async function attachReferrer(registry: Registry, repo: Repo, subject: string, m: ReferrerManifest): Promise<string> {
  const digest = await registry.putManifest(repo, sha256Digest(m.bytes), m.bytes, m.mediaType);
  if ((await registry.listReferrers(repo, subject)) !== undefined) return digest;
  const listed = await fallbackIndex(registry, repo, subject);
  if (listed.some(d => d.digest === digest)) return digest;
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...listed, descriptorOf(m)] };
  await registry.putManifest(repo, referrersTag(subject), Buffer.from(JSON.stringify(index)), MEDIA_TYPES.ociIndex);
  return digest;
}
