/**
 * The caller's repository in what a keyless signature is held to (review 3, M3): a reusable
 * workflow's identity is the same for every repository that calls it, so the verify commands pin
 * the repository and the action's own check reads Fulcio's repository extensions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toMessageSignatureBundle } from '@sigstore/bundle';
import { toSignedEntity } from '@sigstore/verify';
import { SigningPlan } from '../../../src/policy/signing';
import { cosignVerifyCommand, ghAttestationCommand } from '../../../src/sign/commands';
import { expectedIdentity } from '../../../src/sign/identity';
import { checkSourceRepository } from '../../../src/sign/verify';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'cosign');
const REUSABLE = 'example-org/multiarch-publish-action/.github/workflows/multiarch.yml@refs/tags/v1';
const ISSUER = 'https://token.actions.githubusercontent.com';
const PLAN: SigningPlan = {
  method: 'keyless',
  signManifests: true,
  attest: true,
  transparencyLog: true,
  services: { instance: 'public-good' }
};

/** A merge job's token: the reusable workflow signs, the caller's repository runs it. */
const MERGE = expectedIdentity(
  { iss: ISSUER, sub: 'repo:octo-org/Hello-World:ref:refs/tags/v2.0.0', job_workflow_ref: REUSABLE, repository: 'octo-org/Hello-World' },
  'https://github.com',
  'octo-org/Hello-World'
);

/** The certificate of a fixture, as the verifier reads it from a bundle. */
function certificate(name: string) {
  const pem = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const bundle = toMessageSignatureBundle({
    digest: Buffer.alloc(32),
    signature: Buffer.alloc(64),
    certificate: der,
    certificateChain: true
  });
  const key = toSignedEntity(bundle, Buffer.alloc(0)).key;
  if (key.$case !== 'certificate') throw new Error('no certificate');
  return key.certificate;
}

test('the merge-mode cosign command pins the caller repository besides the reusable workflow identity', () => {
  expect(MERGE).toEqual({
    identity: `https://github.com/${REUSABLE}`,
    issuer: ISSUER,
    repository: 'octo-org/Hello-World',
    repositoryUri: 'https://github.com/octo-org/Hello-World'
  });
  expect(cosignVerifyCommand('ghcr.io/octo-org/app@sha256:abc', PLAN, { method: 'keyless', ...MERGE })).toBe(
    `cosign verify --certificate-identity https://github.com/${REUSABLE} --certificate-oidc-issuer ${ISSUER} ` +
      '--certificate-github-workflow-repository octo-org/Hello-World ghcr.io/octo-org/app@sha256:abc'
  );
});

test('the gh command names the repository (--repo), not only its owner', () => {
  expect(ghAttestationCommand('ghcr.io/octo-org/app@sha256:abc', 'octo-org/Hello-World', { method: 'keyless', ...MERGE })).toBe(
    'gh attestation verify oci://ghcr.io/octo-org/app@sha256:abc --repo octo-org/Hello-World ' +
      '--signer-workflow example-org/multiarch-publish-action/.github/workflows/multiarch.yml'
  );
});

describe("the action's own check of a certificate's repository", () => {
  test("a certificate naming the caller's repository (both extensions) passes, whatever the case", () => {
    expect(() => checkSourceRepository(certificate('fulcio-caller-repo.pem'), MERGE)).not.toThrow();
    const upper = { repository: 'Octo-Org/hello-world', repositoryUri: 'https://github.com/OCTO-ORG/Hello-World' };
    expect(() => checkSourceRepository(certificate('fulcio-caller-repo.pem'), upper)).not.toThrow();
  });

  test('the same workflow identity, called from another repository, is refused', () => {
    expect(() => checkSourceRepository(certificate('fulcio-other-repo.pem'), MERGE)).toThrow(
      'certificate source repository error - expected https://github.com/octo-org/Hello-World, got https://github.com/mallory/evil'
    );
  });

  test('both extensions must agree with the run: a Source Repository URI of another repository is refused', () => {
    expect(() => checkSourceRepository(certificate('fulcio-mixed-repo.pem'), MERGE)).toThrow(/source repository error/);
  });

  test('a certificate that names no repository is refused', () => {
    expect(() => checkSourceRepository(certificate('fulcio-no-repo.pem'), MERGE)).toThrow(
      'the certificate names no source repository (expected https://github.com/octo-org/Hello-World)'
    );
  });
});
