/**
 * Composing one OCI image index from per-platform leg results: runnable manifests plus their
 * attestation manifests (platform unknown/unknown, reference annotations intact), serialised
 * deterministically so the same legs always give the same digest.
 */
import { ATTESTATION_REF_DIGEST, Descriptor, MEDIA_TYPES, Manifest, isAttestation } from '../oci/manifest';
import { normalizePlatform, parsePlatform } from '../oci/platform';

export interface LegContent {
  platform: string;
  /** What the leg pushed: an index (with attestations) or a single image manifest. */
  top: Manifest;
  /** The platform of a single image manifest, read from its config. */
  configPlatform?: string;
}

function descriptorOf(m: Manifest, platform: string): Descriptor {
  return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length, platform: parsePlatform(platform) };
}

/** A leg's descriptors for the merged index: its runnable manifest first, then its attestations. */
export function legDescriptors(leg: LegContent): Descriptor[] {
  if (!leg.top.json.manifests) {
    if (leg.configPlatform !== leg.platform) {
      throw new Error(`leg ${leg.platform} pushed ${leg.top.digest}, whose config is for ${leg.configPlatform ?? 'an unknown platform'}`);
    }
    return [descriptorOf(leg.top, leg.platform)];
  }
  const runnable = leg.top.json.manifests.filter(d => !isAttestation(d));
  if (runnable.length !== 1 || !runnable[0].platform || normalizePlatform(runnable[0].platform) !== leg.platform) {
    const got = runnable.map(d => (d.platform ? normalizePlatform(d.platform) : 'no platform')).join(', ');
    throw new Error(`leg ${leg.platform} pushed ${leg.top.digest} holding ${got || 'no image'}; expected exactly ${leg.platform}`);
  }
  const attestations = leg.top.json.manifests.filter(
    d => isAttestation(d) && d.annotations?.[ATTESTATION_REF_DIGEST] === runnable[0].digest
  );
  return [runnable[0], ...attestations];
}

/** Fixed key order, so equal content always serialises to equal bytes. */
function canonicalDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.platform) {
    out.platform = {
      os: d.platform.os,
      architecture: d.platform.architecture,
      ...(d.platform.variant ? { variant: d.platform.variant } : {})
    };
  }
  if (d.annotations && Object.keys(d.annotations).length > 0) out.annotations = sortedObject(d.annotations);
  return out;
}

function sortedObject(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The merged index bytes: legs in plan order, index-level annotations sorted by key. */
export function composeIndex(legs: LegContent[], annotations: Record<string, string>): Buffer {
  const manifests = legs.flatMap(legDescriptors).map(canonicalDescriptor);
  const index: Record<string, unknown> = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests };
  if (Object.keys(annotations).length > 0) index.annotations = sortedObject(annotations);
  return Buffer.from(JSON.stringify(index));
}
