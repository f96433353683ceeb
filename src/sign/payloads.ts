/**
 * Layer `sign`: signing and attesting what a run publishes, with Sigstore. This module writes the
 * payloads that get signed: cosign's simple-signing payload (what cosign 2.x verifies) and in-toto
 * statements (cosign 3's image signature and the SLSA provenance).
 */

export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** The predicate cosign 3 signs an image with (an empty predicate about the image digest). */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';

/** The signed claim cosign 2.x checks: this repository's manifest has this digest. */
export interface SimpleSigning {
  critical: { identity: { 'docker-reference': string }; image: { 'docker-manifest-digest': string }; type: string };
  optional: Record<string, string> | null;
}

export function simpleSigningPayload(image: string, digest: string): Buffer {
  const payload: SimpleSigning = {
    critical: {
      identity: { 'docker-reference': image },
      image: { 'docker-manifest-digest': digest },
      type: 'cosign container image signature'
    },
    optional: null
  };
  return Buffer.from(JSON.stringify(payload));
}

export interface StatementSubject {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: string;
  subject: StatementSubject[];
  predicateType: string;
  predicate: object;
}

export function subjectOf(name: string, digest: string): StatementSubject {
  const [algorithm, hex] = digest.split(':');
  return { name, digest: { [algorithm]: hex } };
}

export function statement(subjects: StatementSubject[], predicateType: string, predicate: object): Buffer {
  const s: Statement = { _type: INTOTO_STATEMENT_V1, subject: subjects, predicateType, predicate };
  return Buffer.from(JSON.stringify(s));
}

/** The statement cosign 3 signs for an image: no claims beyond the digest. */
export function imageSignatureStatement(image: string, digest: string): Buffer {
  return statement([subjectOf(image, digest)], COSIGN_SIGN_PREDICATE, {});
}

/** The digest a signed payload is about: simple signing's manifest digest, or a statement's subjects. */
export function signedDigests(payload: Buffer): string[] {
  const json = JSON.parse(payload.toString('utf8')) as Partial<SimpleSigning & Statement>;
  if (json.critical) return [json.critical.image['docker-manifest-digest']];
  return (json.subject ?? []).flatMap(s => Object.entries(s.digest).map(([a, h]) => `${a}:${h}`));
}
