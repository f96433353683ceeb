/**
 * Signing before tagging: when the run signs or attests, the signing layer is loaded (only then:
 * runs that do not sign never load it), signs the manifests, reads them back and verifies them.
 * A failure ends the step before any tag moves.
 */
import * as core from '@actions/core';
import { RunContext } from '../inputs/context';
import { Descriptor, Manifest, isAttestation } from '../oci/manifest';
import { Config } from '../policy/config';
import { SigningPlan } from '../policy/signing';
import { Registry } from '../registry/registry';
import { setSigningOutputs } from '../report/outputs';
import { ReportedError } from '../report/reported-error';
import { writeSigningSummary } from '../report/summary';
import type { SigningJob } from '../sign/index';
import type { SigningReport } from '../sign/report';

export interface SignTarget {
  images: string[];
  /** The published index (or single manifest). */
  top: Manifest;
  refs: string[];
  /** Sign and attest the top manifest too (not a leg's own index, which is never published). */
  signTop: boolean;
}

export function descriptorOf(m: Manifest): Descriptor {
  return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
}

/** Each platform's manifest of the published image (attestation manifests are not signed), and the index. */
export function manifestsToSign(t: SignTarget): Descriptor[] {
  const children = (t.top.json.manifests ?? []).filter(d => !isAttestation(d));
  const platforms = t.top.json.manifests ? children : [descriptorOf(t.top)];
  return t.signTop && t.top.json.manifests ? [...platforms, descriptorOf(t.top)] : platforms;
}

type SigningRun = { cfg: Config; ctx: RunContext; client: Registry; runDir: string };

/** What the signing layer needs: the plan, the manifests, the secrets, and where GitHub's API is. */
function signingJob({ cfg, ctx, client, runDir }: SigningRun, plan: SigningPlan, t: SignTarget): SigningJob {
  return {
    registry: client,
    plan: { ...plan, attest: plan.attest && t.signTop },
    images: t.images,
    manifests: manifestsToSign(t),
    top: descriptorOf(t.top),
    refs: t.refs,
    source: { ref: cfg.event.sourceRef, sha: cfg.event.sha },
    secrets: {
      signingKey: cfg.signingKey,
      signingKeyPassword: cfg.signingKeyPassword,
      serverUrl: ctx.serverUrl,
      repository: ctx.repository
    },
    github: {
      apiUrl: ctx.apiUrl ?? 'https://api.github.com',
      repository: ctx.repository,
      token: cfg.githubToken,
      onGitHub: Boolean(ctx.idToken)
    },
    cacheDir: runDir
  };
}

export async function signBeforeTagging(c: SigningRun, t: SignTarget): Promise<SigningReport | undefined> {
  if (c.cfg.signingSkipped) core.notice(c.cfg.signingSkipped);
  const plan = c.cfg.signing;
  // A leg asked only to attest has nothing to do: the merge attests the published index.
  if (!plan || (!plan.signManifests && !t.signTop)) return undefined;
  const { signAndVerify } = await import('../sign/index.js');
  const [started, requests] = [Date.now(), c.client.requests];
  try {
    const report = await signAndVerify(signingJob(c, plan, t));
    const what = `${Object.keys(report.signatures).length} manifest(s)${report.attestation ? ' and the provenance attestation' : ''}`;
    core.info(`Signed and verified ${what} in ${Date.now() - started} ms (${c.client.requests - requests} registry requests)`);
    for (const command of report.commands) core.info(`Verify with: ${command}`);
    setSigningOutputs(report);
    await writeSigningSummary(report);
    return report;
  } catch (e) {
    const err = e as Error & { cause?: { message?: string } };
    core.error(`Signing: ${err.message}${err.cause?.message ? ` (${err.cause.message})` : ''}`);
    throw new ReportedError('Signing or its verification failed; no tag was moved');
  }
}
