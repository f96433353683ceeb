/**
 * Layer `sign`: where signatures are stored so verifiers find them.
 * - cosign 2.x: the tag `sha256-<hex>.sig` beside the image, an OCI manifest with one layer per
 *   signature: the simple-signing payload, annotated with the signature, certificate, Rekor bundle
 *   and RFC 3161 timestamp. A new signature is added to the layers already there.
 * - Sigstore bundles (cosign 3, gh, other bundle-aware verifiers): an OCI 1.1 referrer of the
 *   image whose one layer is the bundle, found through the referrers API or its tag schema.
 */
import { bundleToJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { sha256Digest } from '../oci/digest';
import { Descriptor, MEDIA_TYPES } from '../oci/manifest';
import { Repo } from '../oci/reference';
import { attachReferrer, cosignTag } from '../registry/referrers';
import { Registry } from '../registry/registry';
import { SIMPLE_SIGNING_MEDIA_TYPE } from './payloads';

export const COSIGN_ANNOTATIONS = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  timestamp: 'dev.sigstore.cosign/rfc3161timestamp'
} as const;

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };

/** cosign 2.x's signature tag of a digest, `sha256-<hex>.sig`. */
export function signatureTag(digest: string): string {
  return cosignTag(digest, 'sig');
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The leaf certificate of a bundle, as PEM, or undefined for a key. */
export function bundleCertificate(bundle: Bundle): string | undefined {
  const m = bundle.verificationMaterial.content;
  if (m.$case === 'certificate') return pem(m.certificate.rawBytes);
  if (m.$case === 'x509CertificateChain') return pem(m.x509CertificateChain.certificates[0].rawBytes);
  return undefined;
}

/** cosign's own Rekor bundle annotation, from the bundle's transparency-log entry. */
function rekorAnnotation(bundle: Bundle): string | undefined {
  const entry = bundle.verificationMaterial.tlogEntries[0];
  if (!entry?.inclusionPromise) return undefined;
  return JSON.stringify({
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp.toString('base64'),
    Payload: {
      body: entry.canonicalizedBody.toString('base64'),
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: entry.logId.keyId.toString('hex')
    }
  });
}

function timestampAnnotation(bundle: Bundle): string | undefined {
  const ts = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps[0];
  return ts ? JSON.stringify({ SignedRFC3161Timestamp: ts.signedTimestamp.toString('base64') }) : undefined;
}

/** The annotations of a signature layer: cosign's names for what the bundle holds. */
export function cosignAnnotations(bundle: Bundle): Record<string, string> {
  if (bundle.content.$case !== 'messageSignature') throw new Error('a cosign signature is a message signature');
  const values: [string, string | undefined][] = [
    [COSIGN_ANNOTATIONS.signature, bundle.content.messageSignature.signature.toString('base64')],
    [COSIGN_ANNOTATIONS.certificate, bundleCertificate(bundle)],
    [COSIGN_ANNOTATIONS.bundle, rekorAnnotation(bundle)],
    [COSIGN_ANNOTATIONS.timestamp, timestampAnnotation(bundle)]
  ];
  return Object.fromEntries(values.filter((v): v is [string, string] => v[1] !== undefined));
}

/** The signature layers already under the tag (an earlier run's, another signer's), kept beside the new one. */
async function existingLayers(registry: Registry, repo: Repo, tag: string): Promise<Descriptor[]> {
  const m = await registry.findManifest(repo, tag);
  return (m?.json.layers ?? []).filter(l => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE);
}

function cosignConfig(layers: Descriptor[]): Buffer {
  const config = {
    architecture: '',
    os: '',
    created: '0001-01-01T00:00:00Z',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map(l => l.digest) }
  };
  return Buffer.from(JSON.stringify(config));
}

/** Stores a message-signature bundle over `payload` under the image's `.sig` tag; returns that manifest's digest. */
export async function storeCosignSignature(
  registry: Registry,
  repo: Repo,
  subject: string,
  payload: Buffer,
  bundle: Bundle
): Promise<string> {
  const tag = signatureTag(subject);
  const layer: Descriptor = { mediaType: SIMPLE_SIGNING_MEDIA_TYPE, digest: await registry.putBlob(repo, payload), size: payload.length };
  layer.annotations = cosignAnnotations(bundle);
  const kept = (await existingLayers(registry, repo, tag)).filter(
    l => l.annotations?.[COSIGN_ANNOTATIONS.signature] !== layer.annotations?.[COSIGN_ANNOTATIONS.signature]
  );
  const layers = [...kept, layer];
  const config = cosignConfig(layers);
  await registry.putBlob(repo, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config), size: config.length },
    layers
  };
  return registry.putManifest(repo, tag, Buffer.from(JSON.stringify(manifest)), MEDIA_TYPES.ociManifest);
}

/** Attaches a DSSE bundle to `subject` as an OCI 1.1 referrer, annotated as cosign 3 does. */
export async function storeBundle(
  registry: Registry,
  repo: Repo,
  subject: Descriptor,
  bundle: Bundle,
  predicateType: string
): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(bundleToJSON(bundle)));
  if (!(await registry.hasBlob(repo, sha256Digest(EMPTY_CONFIG.bytes)))) await registry.putBlob(repo, EMPTY_CONFIG.bytes);
  const layer = { mediaType: BUNDLE_MEDIA_TYPE, digest: await registry.putBlob(repo, bytes), size: bytes.length };
  const annotations = {
    'dev.sigstore.bundle.content': 'dsse-envelope',
    'dev.sigstore.bundle.predicateType': predicateType,
    'org.opencontainers.image.created': new Date().toISOString()
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: BUNDLE_MEDIA_TYPE,
    config: { mediaType: EMPTY_CONFIG.mediaType, digest: sha256Digest(EMPTY_CONFIG.bytes), size: EMPTY_CONFIG.bytes.length },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations
  };
  const referrer = {
    bytes: Buffer.from(JSON.stringify(manifest)),
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: BUNDLE_MEDIA_TYPE,
    annotations
  };
  return attachReferrer(registry, repo, subject.digest, referrer);
}
