/**
 * Layer `sign`: the keyless identity. The job's OIDC token (audience `sigstore`, masked at once)
 * buys a short-lived Fulcio certificate for an ephemeral key; one certificate signs every manifest
 * of the run, so a run asks Fulcio once.
 */
import * as core from '@actions/core';
import { FulcioSigner } from '@sigstore/sign';
import type { Signature, Signer } from '@sigstore/sign';
import { KeySigner, ephemeralKey } from './keys';

/** The claims of a GitHub Actions token that name who signs. */
export interface TokenClaims {
  iss: string;
  sub: string;
  /** owner/repo/.github/workflows/file.yml@ref of the job's workflow (a reusable workflow's own path when called). */
  job_workflow_ref?: string;
  workflow_ref?: string;
  repository?: string;
}

/** What a verifier requires of the certificate: its SAN and the OIDC issuer. */
export interface KeylessIdentity {
  identity: string;
  issuer: string;
}

export async function sigstoreToken(): Promise<string> {
  const token = await core.getIDToken('sigstore');
  core.setSecret(token);
  return token;
}

/** Reads a JWT's claims (no signature check: the token came from this job's runner, and Fulcio checks it). */
export function tokenClaims(token: string): TokenClaims {
  const part = token.split('.')[1] ?? '';
  const claims = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Partial<TokenClaims>;
  if (!claims.iss || !claims.sub) throw new Error('the OIDC token has no iss or sub claim');
  return claims as TokenClaims;
}

/**
 * The identity Fulcio puts in the certificate of a GitHub Actions token: the URL of the job's
 * workflow file at its ref (for a reusable workflow, the reusable workflow's), and the token's issuer.
 */
export function expectedIdentity(claims: TokenClaims, serverUrl: string): KeylessIdentity {
  const ref = claims.job_workflow_ref ?? claims.workflow_ref;
  return { identity: ref ? `${serverUrl}/${ref}` : claims.sub, issuer: claims.iss };
}

/** Signs with an ephemeral key certified once by Fulcio; later signatures reuse the certificate. */
export class CertifiedSigner implements Signer {
  private readonly keyHolder = new KeySigner(ephemeralKey());
  private certificate?: Promise<string>;
  private readonly fulcio: FulcioSigner;

  constructor(fulcioBaseURL: string, token: string) {
    this.fulcio = new FulcioSigner({
      fulcioBaseURL,
      keyHolder: this.keyHolder,
      identityProvider: { getToken: () => Promise.resolve(token) }
    });
  }

  async sign(data: Buffer): Promise<Signature> {
    this.certificate ??= this.fulcio.sign(Buffer.alloc(0)).then(s => (s.key.$case === 'x509Certificate' ? s.key.certificate : ''));
    const certificate = await this.certificate;
    if (!certificate) throw new Error('Fulcio returned no certificate');
    const { signature } = await this.keyHolder.sign(data);
    return { signature, key: { $case: 'x509Certificate', certificate } };
  }
}
