/**
 * Manifests and indexes as the OCI image spec writes them: media types, descriptors, and how an
 * index maps platforms to manifests with attestation manifests beside them.
 */
import { normalizePlatform } from './platform';

export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
  /** An artifact's type (OCI 1.1), in a referrers list. */
  artifactType?: string;
  /** Where a non-distributable layer can be fetched instead of the registry. */
  urls?: string[];
}

export interface Manifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
  json: {
    mediaType?: string;
    manifests?: Descriptor[];
    config?: Descriptor;
    layers?: Descriptor[];
    annotations?: Record<string, string>;
    /** The manifest this one refers to (OCI 1.1: a signature, an SBOM…). */
    subject?: Descriptor;
    artifactType?: string;
    [k: string]: unknown;
  };
}

export const ATTESTATION_REF_TYPE = 'vnd.docker.reference.type';
export const ATTESTATION_REF_DIGEST = 'vnd.docker.reference.digest';

export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[ATTESTATION_REF_TYPE] === 'attestation-manifest';
}

export interface IndexContents {
  digest: string;
  mediaType: string;
  /** platform → manifest digest, runnable manifests only. */
  digests: Record<string, string>;
  /** attestation manifest digest → the manifest digest it describes. */
  attestations: Record<string, string>;
}

/**
 * Maps the runnable manifests of an index we wrote (or had buildx write) by platform; a duplicate
 * or missing platform is an error there. Read someone else's index with `offeredPlatforms`.
 */
export function describeIndex(index: Manifest): IndexContents {
  const digests: Record<string, string> = {};
  const attestations: Record<string, string> = {};
  for (const d of index.json.manifests ?? []) {
    if (isAttestation(d)) {
      attestations[d.digest] = d.annotations?.[ATTESTATION_REF_DIGEST] ?? '';
      continue;
    }
    if (!d.platform) throw new Error(`index ${index.digest} has a manifest without a platform (${d.digest})`);
    const p = normalizePlatform(d.platform);
    if (digests[p]) throw new Error(`index ${index.digest} lists ${p} twice`);
    digests[p] = d.digest;
  }
  return { digest: index.digest, mediaType: index.mediaType, digests, attestations };
}

/** platform → manifest digest of someone else's index, read tolerantly: the first of a platform listed twice wins. */
export function platformDigests(index: Manifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of index.json.manifests ?? []) {
    if (isAttestation(d) || !d.platform) continue;
    try {
      out[normalizePlatform(d.platform)] ??= d.digest;
    } catch {
      // A platform this action does not know is still copied; it is only left out of this map.
    }
  }
  return out;
}

/**
 * The platforms someone else's index offers, read tolerantly: many published images list a
 * platform several times (Docker Official Images have one windows/amd64 per os.version) or name
 * platforms this action does not know; those are kept once or skipped, never fatal.
 */
export function offeredPlatforms(index: Manifest): string[] {
  const out = new Set<string>();
  for (const d of index.json.manifests ?? []) {
    if (isAttestation(d) || !d.platform) continue;
    try {
      out.add(normalizePlatform(d.platform));
    } catch {
      // A platform this action cannot build for cannot be asked for either.
    }
  }
  return [...out];
}
