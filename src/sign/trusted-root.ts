/**
 * Layer `sign`: what a verification trusts. A trusted_root.json named in `sigstore`; public-good
 * Sigstore's root through its TUF repository (as cosign and gh get it); otherwise (GitHub's
 * instance, a private one) the CA and timestamp chains the services themselves publish.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { TrustMaterial } from '@sigstore/verify';
import { SigstoreServices } from '../policy/signing';
import { ExpectedSigner } from './signer';

const TRUSTED_ROOT_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

function derOfPems(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(m => m[1].replace(/\s+/g, ''));
}

function authority(uri: string, certificates: string[]): object {
  return {
    uri,
    subject: {},
    certChain: { certificates: certificates.map(rawBytes => ({ rawBytes })) },
    validFor: { start: '1970-01-01T00:00:00Z' }
  };
}

async function getText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.text();
}

/** The services' own chains: Fulcio's trust bundle and the timestamp authority's chain. */
async function publishedChains(s: SigstoreServices): Promise<TrustedRoot> {
  const cas = s.fulcio
    ? (JSON.parse(await getText(`${s.fulcio}/api/v2/trustBundle`)) as { chains: { certificates: string[] }[] }).chains
    : [];
  const tsa = s.tsa ? derOfPems(await getText(`${s.tsa}/api/v1/timestamp/certchain`)) : [];
  core.info(
    `Verifying against the CA${s.tsa ? ' and timestamp' : ''} chains ${s.fulcio ?? s.tsa} publishes (${s.instance} Sigstore has no TUF root here)`
  );
  return TrustedRoot.fromJSON({
    ...EMPTY_ROOT,
    certificateAuthorities: cas.map(c => authority(s.fulcio ?? '', c.certificates.flatMap(derOfPems))),
    timestampAuthorities: tsa.length > 0 ? [authority(s.tsa ?? '', tsa)] : []
  });
}

const EMPTY_ROOT = { mediaType: TRUSTED_ROOT_TYPE, tlogs: [], ctlogs: [], certificateAuthorities: [], timestampAuthorities: [] };

async function trustedRoot(s: SigstoreServices, cacheDir: string): Promise<TrustedRoot> {
  // A key signer without a log or timestamp authority trusts its key alone.
  if (!s.fulcio && !s.rekor && !s.tsa && !s.trustedRoot) return TrustedRoot.fromJSON(EMPTY_ROOT);
  if (s.trustedRoot) return TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(s.trustedRoot, 'utf8')));
  if (s.instance === 'public-good') {
    const { getTrustedRoot } = await import('@sigstore/tuf');
    return getTrustedRoot({ cachePath: path.join(cacheDir, 'tuf') });
  }
  return publishedChains(s);
}

/** The trust material for this run's signer: the root, and for a key signer that key alone. */
export async function trustMaterialFor(s: SigstoreServices, expected: ExpectedSigner, cacheDir: string): Promise<TrustMaterial> {
  const root = await trustedRoot(s, cacheDir);
  if (expected.method !== 'key') return toTrustMaterial(root);
  const { key } = expected;
  return toTrustMaterial(root, hint => {
    if (hint !== key.hint)
      throw new Error(`signed with another key (${hint.slice(0, 12)}…), not the signing-key (${key.hint.slice(0, 12)}…)`);
    return { publicKey: key.publicKey, validFor: () => true };
  });
}
