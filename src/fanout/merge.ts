/**
 * The merge: collects the legs' pushed manifests, checks every child is in every target
 * repository, and composes one OCI image index (same legs, same bytes, same digest). Publishing
 * it under the tags is the caller's next step.
 */
import { sha256Digest } from '../oci/digest';
import { describeIndex, MEDIA_TYPES } from '../oci/manifest';
import { parseReference } from '../oci/reference';
import { RegistryClient } from '../registry/client';
import { configPlatform } from '../registry/readback';
import { LegContent, composeIndex, legDescriptors } from './compose';
import { LegRecord } from './records';

export interface MergedIndex {
  bytes: Buffer;
  digest: string;
  /** platform → manifest digest. */
  digests: Record<string, string>;
  attestations: number;
}

async function fetchLeg(client: RegistryClient, image: string, record: LegRecord): Promise<LegContent> {
  const ref = parseReference(image);
  const top = await client.getManifest(ref.registry, ref.repository, record.digest);
  if (top.json.manifests) return { platform: record.platform, top };
  return { platform: record.platform, top, configPlatform: await configPlatform(client, ref.registry, ref.repository, top) };
}

/**
 * Every manifest the index names must already be in every target repository. Those just fetched
 * by digest from the first image are known to be there; the rest are checked in parallel.
 */
async function checkChildren(client: RegistryClient, images: string[], digests: string[], fetched: string[]): Promise<void> {
  const checks = images.flatMap((image, i) => {
    const ref = parseReference(image);
    return digests
      .filter(d => i > 0 || !fetched.includes(d))
      .map(async d => {
        if (!(await client.hasManifest(ref.registry, ref.repository, d))) {
          throw new Error(`merge: ${image} lacks ${d} (the leg did not push to this image); nothing was tagged`);
        }
      });
  });
  await Promise.all(checks);
}

/** The index of the chosen legs (one record per planned platform), its children checked in every image. */
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
  await checkChildren(
    client,
    images,
    children,
    legs.map(l => l.top.digest)
  );
  const index = describeIndex({
    mediaType: MEDIA_TYPES.ociIndex,
    digest,
    bytes,
    json: JSON.parse(bytes.toString()) as Record<string, unknown>
  });
  return { bytes, digest, digests: index.digests, attestations: Object.keys(index.attestations).length };
}
