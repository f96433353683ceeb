/**
 * A published multi-arch image in an in-memory registry, with everything a promotion carries
 * along: two platform images, an attestation manifest for each (as buildx writes them), the
 * index, a cosign signature of the index (`sha256-<hex>.sig`), an SBOM referrer of the index
 * (OCI 1.1 `subject`, listed in the `sha256-<hex>` fallback tag, or by the fake's referrers API),
 * and a cosign signature of that referrer.
 */
import { Descriptor, MEDIA_TYPES } from '../../../src/oci/manifest';
import { FakeRegistry } from '../fake-registry';

export const REGISTRY = '127.0.0.1:5000';
export const SOURCE = { registry: REGISTRY, repository: 'team/app' };
const OCI_MANIFEST = MEDIA_TYPES.ociManifest;
export const SBOM_TYPE = 'application/spdx+json';

const tagOf = (digest: string): string => digest.replace(':', '-');

/** A manifest with a config and one layer; the blobs are pushed too. */
function manifestOf(reg: FakeRegistry, config: string, layer: string, extra: object = {}): Descriptor {
  const { registry, repository } = SOURCE;
  const c = reg.addBlob(registry, repository, Buffer.from(config));
  const l = reg.addBlob(registry, repository, Buffer.from(layer));
  return reg.addManifest(
    registry,
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config: c, layers: [l], ...extra },
    OCI_MANIFEST
  );
}

/** Tags `descriptor`'s manifest as `tag` (its bytes as they are). */
function tag(reg: FakeRegistry, digest: string, name: string): void {
  const repo = reg.manifests.get(`${SOURCE.registry}/${SOURCE.repository}`);
  const stored = repo?.get(digest);
  if (!repo || !stored) throw new Error(`fixture: ${digest} not stored`);
  repo.set(name, stored);
}

function attestationFor(reg: FakeRegistry, image: Descriptor, arch: string): Descriptor {
  const m = manifestOf(reg, `{"attestation":"${arch}"}`, `{"predicateType":"https://slsa.dev/provenance/v0.2","arch":"${arch}"}`);
  return {
    ...m,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': image.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  };
}

/** The image, tagged `o.tag` (default `sha-abc1234`); `fallbackTag: false` leaves the referrers fallback index out (for a source with the API). */
export function publishImage(reg: FakeRegistry, o: { fallbackTag?: boolean; tag?: string } = {}) {
  const { registry, repository } = SOURCE;
  const amd64 = manifestOf(reg, '{"architecture":"amd64","os":"linux"}', 'amd64 layer');
  const arm64 = manifestOf(reg, '{"architecture":"arm64","os":"linux"}', 'arm64 layer');
  const attestations = [attestationFor(reg, amd64, 'amd64'), attestationFor(reg, arm64, 'arm64')];
  const platforms = [
    { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
    { ...arm64, platform: { os: 'linux', architecture: 'arm64' } }
  ];
  const manifests = [...platforms, ...attestations];
  const index = reg.addManifest(
    registry,
    repository,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests },
    MEDIA_TYPES.ociIndex
  );
  tag(reg, index.digest, o.tag ?? 'sha-abc1234');
  const signature = manifestOf(reg, '{"cosign":"config"}', `{"critical":{"image":{"docker-manifest-digest":"${index.digest}"}}}`);
  tag(reg, signature.digest, `${tagOf(index.digest)}.sig`);
  const sbom = manifestOf(reg, '{}', '{"spdxVersion":"SPDX-2.3"}', {
    artifactType: SBOM_TYPE,
    subject: { mediaType: MEDIA_TYPES.ociIndex, digest: index.digest, size: index.size }
  });
  const sbomDescriptor: Descriptor = { ...sbom, artifactType: SBOM_TYPE };
  if (o.fallbackTag !== false) {
    const fallback = reg.addManifest(
      registry,
      repository,
      { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [sbomDescriptor] },
      MEDIA_TYPES.ociIndex
    );
    tag(reg, fallback.digest, tagOf(index.digest));
  }
  const sbomSignature = manifestOf(reg, '{"cosign":"config"}', `{"critical":{"image":{"docker-manifest-digest":"${sbom.digest}"}}}`);
  tag(reg, sbomSignature.digest, `${tagOf(sbom.digest)}.sig`);
  return { index, amd64, arm64, attestations, signature, sbom: sbomDescriptor, sbomSignature };
}
