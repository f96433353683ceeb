/**
 * Layer `sign`, its entry point (loaded by dynamic import, only by runs that sign): signs every
 * manifest a run publishes in both stored formats, attests the index, reads everything back from
 * each repository and verifies it as a consumer would, and only then lets the caller move tags.
 */
import * as core from '@actions/core';
import type { Bundle } from '@sigstore/bundle';
import { Descriptor } from '../oci/manifest';
import { repoOf } from '../oci/reference';
import { SigningPlan } from '../policy/signing';
import { Registry } from '../registry/registry';
import { BuiltSource, describeRun, provenancePredicate, provenanceStatement, recordWithGitHub } from './attestation';
import { cosignVerifyCommand, ghAttestationCommand } from './commands';
import { COSIGN_SIGN_PREDICATE, INTOTO_PAYLOAD_TYPE, SLSA_PROVENANCE_V1, imageSignatureStatement, simpleSigningPayload } from './payloads';
import { Signing, SigningSecrets, prepareSigning } from './signer';
import { storeBundle, storeCosignSignature } from './store';
import { SigningReport } from './report';
import { trustMaterialFor } from './trusted-root';
import { BundleCheck, bundleCheck, verifyCosignSignature, verifyReferrerBundle } from './verify';

export type { SigningReport } from './report';

export interface SigningJob {
  registry: Registry;
  plan: SigningPlan;
  /** Image names the signatures go to (every repository a tag names). */
  images: string[];
  /** The manifests to sign: each platform's, and the index. */
  manifests: Descriptor[];
  /** The published index (or single manifest): the attestation's subject. */
  top: Descriptor;
  refs: string[];
  /** The ref and commit built: the provenance's source (a workflow_run's head_sha, not GITHUB_SHA). */
  source: BuiltSource;
  secrets: SigningSecrets;
  github: { apiUrl: string; repository: string; token: string; onGitHub: boolean };
  cacheDir: string;
}

async function signManifest(job: SigningJob, s: Signing, d: Descriptor): Promise<void> {
  const payload = simpleSigningPayload(job.images[0], d.digest);
  const message = await s.message.create({ data: payload });
  const dsse = await s.dsse.create({ data: imageSignatureStatement(job.images[0], d.digest), type: INTOTO_PAYLOAD_TYPE });
  for (const image of job.images) {
    await storeCosignSignature(job.registry, repoOf(image), d.digest, payload, message);
    await storeBundle(job.registry, repoOf(image), d, dsse, COSIGN_SIGN_PREDICATE);
  }
}

async function attestTop(job: SigningJob, s: Signing): Promise<Bundle> {
  const predicate = await provenancePredicate(describeRun(), s.claims, job.source);
  const bundle = await s.dsse.create({ data: provenanceStatement(job.refs, job.top.digest, predicate), type: INTOTO_PAYLOAD_TYPE });
  for (const image of job.images) await storeBundle(job.registry, repoOf(image), job.top, bundle, SLSA_PROVENANCE_V1);
  return bundle;
}

async function verifyManifest(job: SigningJob, image: string, d: Descriptor, check: BundleCheck, s: Signing) {
  const repo = repoOf(image);
  const [cosign, bundle] = await Promise.all([
    verifyCosignSignature(job.registry, repo, d.digest, check, s.expected),
    verifyReferrerBundle(job.registry, repo, d.digest, COSIGN_SIGN_PREDICATE, check)
  ]);
  return { cosign, bundle };
}

/** Every signature in every repository, read back at once; the first repository's digests are reported. */
async function verifyAll(job: SigningJob, check: BundleCheck, s: Signing, report: SigningReport): Promise<void> {
  const manifests = job.plan.signManifests ? job.manifests : [];
  const signatures = job.images.map(image => Promise.all(manifests.map(d => verifyManifest(job, image, d, check, s))));
  const attestations = job.plan.attest
    ? job.images.map(image => verifyReferrerBundle(job.registry, repoOf(image), job.top.digest, SLSA_PROVENANCE_V1, check))
    : [];
  const [found, attested] = await Promise.all([Promise.all(signatures), Promise.all(attestations)]);
  manifests.forEach((d, i) => (report.signatures[d.digest] = found[0][i]));
  report.attestation = attested[0];
}

function commands(job: SigningJob, s: Signing): string[] {
  const image = `${job.images[0]}@${job.top.digest}`;
  const out = job.plan.signManifests ? [cosignVerifyCommand(image, job.plan, s.expected)] : [];
  if (job.plan.attest) out.push(ghAttestationCommand(image, job.github.repository, s.expected));
  return out;
}

export async function signAndVerify(job: SigningJob): Promise<SigningReport> {
  const s = await prepareSigning(job.plan, job.secrets);
  const material = await trustMaterialFor(job.plan.services, s.expected, job.cacheDir);
  if (job.plan.signManifests) await Promise.all(job.manifests.map(d => signManifest(job, s, d)));
  const attestation = job.plan.attest ? await attestTop(job, s) : undefined;
  const report: SigningReport = { signatures: {}, commands: commands(job, s) };
  const check = bundleCheck(material, s.expected, { tlog: job.plan.transparencyLog, tsa: Boolean(job.plan.services.tsa) });
  await verifyAll(job, check, s, report);
  if (s.expected.method === 'key') report.publicKey = s.expected.key.publicKeyPem;
  else report.identity = { identity: s.expected.identity, issuer: s.expected.issuer, repository: s.expected.repository };
  if (attestation && s.expected.method === 'keyless' && job.github.onGitHub) {
    report.attestationId = await recordWithGitHub(attestation, job.github);
    core.info(`Attestation recorded with GitHub (id ${report.attestationId})`);
  }
  return report;
}
