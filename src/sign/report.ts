/** Layer `sign`: what a signing run reports (a type of its own, so reporting never loads the signing code). */
export interface SigningReport {
  /** manifest digest → the digests of its cosign signature manifest and its bundle referrer (in the first image). */
  signatures: Record<string, { cosign: string; bundle: string }>;
  /** The provenance attestation's referrer manifest. */
  attestation?: string;
  /** Its id in GitHub's artifact attestations. */
  attestationId?: string;
  /** Key signing: the public key consumers verify with. */
  publicKey?: string;
  /** Keyless: the certificate identity and issuer consumers require. */
  identity?: { identity: string; issuer: string };
  /** The commands a consumer runs. */
  commands: string[];
}
