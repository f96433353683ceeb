import { MEDIA_TYPES, Manifest } from '../../../src/oci/manifest';
import { manifestsToSign } from '../../../src/pipeline/sign';

const d = (n: string) => ({ mediaType: MEDIA_TYPES.ociManifest, digest: `sha256:${n.repeat(64)}`, size: 10 });
const attestation = {
  ...d('c'),
  platform: { os: 'unknown', architecture: 'unknown' },
  annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
};
const json = { mediaType: MEDIA_TYPES.ociIndex, manifests: [{ ...d('a'), platform: { os: 'linux', architecture: 'amd64' } }, attestation] };
const index: Manifest = {
  mediaType: MEDIA_TYPES.ociIndex,
  digest: `sha256:${'f'.repeat(64)}`,
  bytes: Buffer.from(JSON.stringify(json)),
  json
};

test('an index: each platform manifest and the index itself, never the attestation manifests', () => {
  expect(manifestsToSign({ images: [], top: index, refs: [], signTop: true }).map(x => x.digest)).toEqual([d('a').digest, index.digest]);
});

test('a leg: its platform manifests only (its own index is never published)', () => {
  expect(manifestsToSign({ images: [], top: index, refs: [], signTop: false }).map(x => x.digest)).toEqual([d('a').digest]);
});

test('a single manifest is its own platform manifest', () => {
  const single: Manifest = {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: d('b').digest,
    bytes: Buffer.from('{}'),
    json: { config: d('e') }
  };
  expect(manifestsToSign({ images: [], top: single, refs: [], signTop: true })).toEqual([
    { mediaType: MEDIA_TYPES.ociManifest, digest: d('b').digest, size: 2 }
  ]);
});
