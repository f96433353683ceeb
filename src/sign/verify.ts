/**
 * Layer `sign`: reading signatures back from the registry and verifying them as a consumer would,
 * with @sigstore/verify: the certificate chain to a trusted CA, its identity and issuer (keyless)
 * or the signing key, the transparency-log entry or timestamp, and that the signed payload names
 * the digest. Any one valid signature by the expected signer passes (cosign's rule too).
 */
import { bundleFromJSON, toMessageSignatureBundle } from '@sigstore/bundle';
import type { Bundle, TransparencyLogEntry } from '@sigstore/bundle';
import { Verifier, toSignedEntity } from '@sigstore/verify';
import type { TrustMaterial, VerificationPolicy } from '@sigstore/verify';
import { sha256Digest } from '../oci/digest';
import { Descriptor } from '../oci/manifest';
import { Repo } from '../oci/reference';
import { findReferrers } from '../registry/referrers';
import { RegistryReader } from '../registry/registry';
import { INTOTO_PAYLOAD_TYPE, SIMPLE_SIGNING_MEDIA_TYPE, Statement, signedDigests } from './payloads';
import { BUNDLE_MEDIA_TYPE, COSIGN_ANNOTATIONS, signatureTag } from './store';
import { ExpectedSigner } from './signer';

/** Checks one bundle over its artifact (a message signature's payload; a DSSE envelope carries its own). */
export type BundleCheck = (bundle: Bundle, artifact?: Buffer) => void;

export function bundleCheck(material: TrustMaterial, expected: ExpectedSigner, thresholds: { tlog: boolean; tsa: boolean }): BundleCheck {
  const verifier = new Verifier(material, {
    tlogThreshold: thresholds.tlog ? 1 : 0,
    tsaThreshold: thresholds.tsa ? 1 : 0,
    ctlogThreshold: material.ctlogs.length > 0 && expected.method === 'keyless' ? 1 : 0
  });
  const policy: VerificationPolicy =
    expected.method === 'keyless' ? { subjectAlternativeName: expected.identity, extensions: { issuer: expected.issuer } } : {};
  return (bundle, artifact) => {
    verifier.verify(toSignedEntity(bundle, artifact), policy);
  };
}

function derOfPem(text: string): Buffer {
  return Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function tlogEntry(annotation: string | undefined): TransparencyLogEntry[] {
  if (!annotation) return [];
  const b = JSON.parse(annotation) as {
    SignedEntryTimestamp: string;
    Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
  };
  return [
    {
      logIndex: String(b.Payload.logIndex),
      logId: { keyId: Buffer.from(b.Payload.logID, 'hex') },
      kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
      integratedTime: String(b.Payload.integratedTime),
      inclusionPromise: { signedEntryTimestamp: Buffer.from(b.SignedEntryTimestamp, 'base64') },
      inclusionProof: undefined,
      canonicalizedBody: Buffer.from(b.Payload.body, 'base64')
    }
  ];
}

/** A bundle rebuilt from a cosign signature layer's annotations, for the same verifier. */
export function bundleOfLayer(annotations: Record<string, string>, payload: Buffer, expected: ExpectedSigner): Bundle {
  const certificate = annotations[COSIGN_ANNOTATIONS.certificate];
  const bundle: Bundle = toMessageSignatureBundle({
    digest: Buffer.from(sha256Digest(payload).slice('sha256:'.length), 'hex'),
    signature: Buffer.from(annotations[COSIGN_ANNOTATIONS.signature] ?? '', 'base64'),
    certificate: certificate ? derOfPem(certificate) : undefined,
    keyHint: certificate || expected.method !== 'key' ? undefined : expected.key.hint,
    certificateChain: true
  });
  bundle.verificationMaterial.tlogEntries = tlogEntry(annotations[COSIGN_ANNOTATIONS.bundle]);
  const ts = annotations[COSIGN_ANNOTATIONS.timestamp];
  if (ts) {
    const signedTimestamp = Buffer.from((JSON.parse(ts) as { SignedRFC3161Timestamp: string }).SignedRFC3161Timestamp, 'base64');
    bundle.verificationMaterial.timestampVerificationData = { rfc3161Timestamps: [{ signedTimestamp }] };
  }
  return bundle;
}

/** Runs each candidate until one passes; else throws with every reason. */
async function anyPasses(what: string, candidates: (() => Promise<void>)[]): Promise<number> {
  const reasons: string[] = [];
  for (const [i, check] of candidates.entries()) {
    try {
      await check();
      return i;
    } catch (e) {
      reasons.push((e as Error).message);
    }
  }
  throw new Error(
    `${what}: ${candidates.length === 0 ? 'none found' : `no valid signature by the expected signer (${reasons.join('; ')})`}`
  );
}

/** The cosign 2.x signature of `digest` in `repo`: some layer of its `.sig` manifest verifies. */
export async function verifyCosignSignature(
  registry: RegistryReader,
  repo: Repo,
  digest: string,
  check: BundleCheck,
  expected: ExpectedSigner
): Promise<string> {
  const manifest = await registry.findManifest(repo, signatureTag(digest));
  const layers = (manifest?.json.layers ?? []).filter(l => l.mediaType === SIMPLE_SIGNING_MEDIA_TYPE);
  await anyPasses(
    `${repo.repository}:${signatureTag(digest)}`,
    layers.map(l => async () => {
      const payload = await registry.getBlob(repo, l.digest);
      if (!signedDigests(payload).includes(digest)) throw new Error(`a signature over ${signedDigests(payload).join(', ')}, not ${digest}`);
      check(bundleOfLayer(l.annotations ?? {}, payload, expected), payload);
    })
  );
  return manifest?.digest ?? '';
}

/** A DSSE bundle that refers to `digest` with a statement of `predicateType` about it. */
export async function verifyReferrerBundle(
  registry: RegistryReader,
  repo: Repo,
  digest: string,
  predicateType: string,
  check: BundleCheck
): Promise<string> {
  const referrers = (await findReferrers(registry, repo, digest, BUNDLE_MEDIA_TYPE)).filter(
    d => d.annotations?.['dev.sigstore.bundle.predicateType'] === predicateType
  );
  const passed = await anyPasses(
    `${predicateType} bundle for ${repo.repository}@${digest}`,
    referrers.map(d => () => checkReferrer(registry, repo, d, digest, predicateType, check))
  );
  return referrers[passed].digest;
}

async function checkReferrer(
  registry: RegistryReader,
  repo: Repo,
  d: Descriptor,
  digest: string,
  predicateType: string,
  check: BundleCheck
): Promise<void> {
  const manifest = await registry.getManifest(repo, d.digest);
  const layer = manifest.json.layers?.find(l => l.mediaType === BUNDLE_MEDIA_TYPE);
  if (!layer) throw new Error(`referrer ${d.digest} holds no bundle`);
  const bundle = bundleFromJSON(JSON.parse((await registry.getBlob(repo, layer.digest)).toString('utf8')));
  if (bundle.content.$case !== 'dsseEnvelope' || bundle.content.dsseEnvelope.payloadType !== INTOTO_PAYLOAD_TYPE)
    throw new Error(`referrer ${d.digest} is no in-toto envelope`);
  const payload = bundle.content.dsseEnvelope.payload;
  const s = JSON.parse(payload.toString('utf8')) as Statement;
  if (s.predicateType !== predicateType) throw new Error(`referrer ${d.digest} states ${s.predicateType}`);
  if (!signedDigests(payload).includes(digest)) throw new Error(`a statement about ${signedDigests(payload).join(', ')}, not ${digest}`);
  check(bundle);
}
