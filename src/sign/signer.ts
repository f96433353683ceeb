/**
 * Layer `sign`: how this run signs, from the plan: the signer (the user's key, or an ephemeral key
 * certified by Fulcio), the witnesses (a Rekor entry, an RFC 3161 timestamp), and the two bundle
 * builders: message signatures (cosign 2.x) and DSSE envelopes (statements).
 */
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, RekorWitness, TSAWitness } from '@sigstore/sign';
import type { BundleBuilder, Signer, Witness } from '@sigstore/sign';
import { SigningPlan } from '../policy/signing';
import { CertifiedSigner, KeylessIdentity, TokenClaims, expectedIdentity, sigstoreToken, tokenClaims } from './identity';
import { KeySigner, SigningKey, readSigningKey } from './keys';

/** Who a verifier must find behind a signature. */
export type ExpectedSigner = { method: 'key'; key: SigningKey } | ({ method: 'keyless' } & KeylessIdentity);

export interface Signing {
  message: BundleBuilder;
  dsse: BundleBuilder;
  expected: ExpectedSigner;
  /** Keyless only: the token's claims (the provenance's builder). */
  claims?: TokenClaims;
}

export interface SigningSecrets {
  signingKey?: string;
  signingKeyPassword?: string;
  serverUrl: string;
}

function witnesses(plan: SigningPlan): Witness[] {
  const out: Witness[] = [];
  if (plan.transparencyLog && plan.services.rekor) out.push(new RekorWitness({ rekorBaseURL: plan.services.rekor, fetchOnConflict: true }));
  if (plan.services.tsa) out.push(new TSAWitness({ tsaBaseURL: plan.services.tsa }));
  return out;
}

async function signerFor(
  plan: SigningPlan,
  s: SigningSecrets
): Promise<{ signer: Signer; expected: ExpectedSigner; claims?: TokenClaims }> {
  if (plan.method === 'key') {
    const key = readSigningKey(s.signingKey ?? '', s.signingKeyPassword ?? '');
    return { signer: new KeySigner(key), expected: { method: 'key', key } };
  }
  const token = await sigstoreToken();
  const claims = tokenClaims(token);
  const signer = new CertifiedSigner(plan.services.fulcio ?? '', token);
  return { signer, expected: { method: 'keyless', ...expectedIdentity(claims, s.serverUrl) }, claims };
}

export async function prepareSigning(plan: SigningPlan, secrets: SigningSecrets): Promise<Signing> {
  const { signer, expected, claims } = await signerFor(plan, secrets);
  const options = { signer, witnesses: witnesses(plan) };
  return { message: new MessageSignatureBundleBuilder(options), dsse: new DSSEBundleBuilder(options), expected, claims };
}
