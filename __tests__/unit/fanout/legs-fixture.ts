/** What two fan-out legs pushed, in an in-memory registry: the fixture of the merge and targets tests. */
import { LegRecord } from '../../../src/fanout/records';
import { Descriptor, MEDIA_TYPES } from '../../../src/oci/manifest';
import { FakeRegistry } from '../fake-registry';

export const OCI_MANIFEST = MEDIA_TYPES.ociManifest;
export const OCI_INDEX = MEDIA_TYPES.ociIndex;
export const REGISTRY = '127.0.0.1:5000';
export const SOURCE = `${REGISTRY}/team/app`;

/**
 * What two legs pushed to `registry/repository`: linux/amd64 as a single image manifest,
 * linux/arm64 as an index with its image and an attestation manifest.
 */
export function pushLegs(reg: FakeRegistry, registry: string, repository: string) {
  const image = (arch: string, layer: string): Descriptor => {
    const config = reg.addBlob(registry, repository, Buffer.from(JSON.stringify({ os: 'linux', architecture: arch, rootfs: {} })));
    const layerBlob = reg.addBlob(registry, repository, Buffer.from(layer));
    return reg.addManifest(
      registry,
      repository,
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [layerBlob]
      },
      OCI_MANIFEST
    );
  };
  const amd64 = image('amd64', 'amd64 layer');
  const arm64 = image('arm64', 'arm64 layer');
  const provenance = reg.addBlob(registry, repository, Buffer.from('{"predicateType":"https://slsa.dev/provenance/v0.2"}'));
  const attestConfig = reg.addBlob(registry, repository, Buffer.from('{"architecture":"unknown","os":"unknown"}'));
  const attestation = reg.addManifest(
    registry,
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config: attestConfig, layers: [provenance] },
    OCI_MANIFEST
  );
  const attestationDescriptor: Descriptor = {
    ...attestation,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': arm64.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  };
  const armIndex = reg.addManifest(
    registry,
    repository,
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...arm64, platform: { os: 'linux', architecture: 'arm64' } }, attestationDescriptor]
    },
    OCI_INDEX
  );
  const records: LegRecord[] = [
    { platform: 'linux/amd64', digest: amd64.digest, runAttempt: 1 },
    { platform: 'linux/arm64', digest: armIndex.digest, runAttempt: 1 }
  ];
  return { amd64, arm64, attestation: attestationDescriptor, armIndex, records };
}
