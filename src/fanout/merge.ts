/**
 * The merge: collects the legs' pushed manifests and composes one OCI image index (same legs, same
 * bytes, same digest). Making every tagged repository hold its children (registry/targets.ts) and
 * putting the tags are the caller's next steps.
 */
import { sha256Digest } from '../oci/digest';
import { describeIndex, MEDIA_TYPES } from '../oci/manifest';
import { repoOf } from '../oci/reference';
import { RegistryReader } from '../registry/registry';
import { configPlatform } from '../registry/readback';
import { IndexChildren } from '../registry/targets';
import { LegContent, composeIndex, legDescriptors } from './compose';
import { LegRecord } from './records';

async function fetchLeg(client: RegistryReader, image: string, record: LegRecord): Promise<LegContent> {
  const repo = repoOf(image);
  const top = await client.getManifest(repo, record.digest);
  if (top.json.manifests) return { platform: record.platform, top };
  return { platform: record.platform, top, configPlatform: await configPlatform(client, repo, top) };
}

export interface MergedIndex extends IndexChildren {
  bytes: Buffer;
  digest: string;
  /** platform → manifest digest. */
  digests: Record<string, string>;
  attestations: number;
}

/** The index of the chosen legs (one record per planned platform), read from the first image. */
export async function mergeLegs(
  client: RegistryReader,
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
