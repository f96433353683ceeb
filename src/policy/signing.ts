/**
 * Layer `policy`: whether and how a run signs and attests what it publishes: keyless (the job's
 * OIDC identity, a Fulcio certificate) or with the user's key; with a transparency-log entry or a
 * timestamp authority; on which Sigstore services. Pure: decided from the inputs, the trust
 * decision and the repository's visibility.
 */
import { RunContext } from '../inputs/context';
import { SigstoreChoice, SignInputs } from '../inputs/inputs';
import { TrustDecision } from './trust';

export interface SigstoreServices {
  /** Where the services' public keys and CAs come from when verifying. */
  instance: 'public-good' | 'github' | 'custom';
  fulcio?: string;
  rekor?: string;
  tsa?: string;
  /** A trusted_root.json file; else the instance's TUF root (public-good). */
  trustedRoot?: string;
}

export interface SigningPlan {
  method: 'key' | 'keyless';
  /** Sign every published manifest (else only the attestation is signed). */
  signManifests: boolean;
  attest: boolean;
  transparencyLog: boolean;
  services: SigstoreServices;
}

export interface SigningDecision {
  plan?: SigningPlan;
  /** Why a requested signature is not made, for a notice. */
  skipped?: string;
  problems: string[];
}

export const PUBLIC_GOOD = { fulcio: 'https://fulcio.sigstore.dev', rekor: 'https://rekor.sigstore.dev' };

/** GitHub's own Sigstore instance (private repositories): Fulcio and a timestamp authority, no public log. */
export function githubServices(serverUrl: string): SigstoreServices {
  const host = new URL(serverUrl).hostname;
  const base = host === 'github.com' ? 'githubapp.com' : host;
  return { instance: 'github', fulcio: `https://fulcio.${base}`, tsa: `https://timestamp.${base}` };
}

function isPublic(ctx: RunContext): boolean {
  const repo = ctx.payload.repository;
  return repo?.visibility === 'public' || repo?.private === false;
}

function wantsLog(i: SignInputs, ctx: RunContext): boolean {
  return i.transparencyLog === 'auto' ? isPublic(ctx) : i.transparencyLog === 'true';
}

/** A key signer needs no Fulcio, and GitHub's timestamp authority is for its own certificates: only a log, if any. */
function keyServices(choice: SigstoreChoice, log: boolean): SigstoreServices {
  if (choice.instance === 'custom') return { ...choice, fulcio: undefined, rekor: log ? choice.rekor : undefined };
  return { instance: 'public-good', rekor: log ? PUBLIC_GOOD.rekor : undefined };
}

function services(choice: SigstoreChoice, log: boolean, ctx: RunContext): SigstoreServices {
  if (choice.instance === 'custom') return { ...choice, rekor: log ? choice.rekor : undefined };
  const instance = choice.instance === 'auto' ? (log ? 'public-good' : 'github') : choice.instance;
  if (instance === 'github') return githubServices(ctx.serverUrl);
  return { instance, fulcio: PUBLIC_GOOD.fulcio, rekor: log ? PUBLIC_GOOD.rekor : undefined };
}

function serviceProblems(plan: SigningPlan, ctx: RunContext): string[] {
  const out: string[] = [];
  const s = plan.services;
  if (plan.transparencyLog && !s.rekor)
    out.push(`transparency-log: true, but the ${s.instance} Sigstore services named have no transparency log (rekor=URL)`);
  if (plan.method === 'keyless' && !ctx.idToken)
    out.push('sign: keyless signing needs the job\'s OIDC token: grant the job "permissions: id-token: write", or give signing-key');
  if (plan.method === 'keyless' && !s.fulcio) out.push('sigstore: keyless signing needs a Fulcio (fulcio=URL)');
  if (plan.method === 'keyless' && !s.rekor && !s.tsa)
    out.push(
      `sigstore: a keyless signature needs a transparency log or a timestamp authority (the ${s.instance} services named have neither), or its short-lived certificate cannot be verified later`
    );
  return out;
}

/** Signs only what a trusted run publishes; the problems are the inputs' (reported before anything runs). */
export function decideSigning(i: SignInputs, trust: Pick<TrustDecision, 'push' | 'sign' | 'noSigning'>, ctx: RunContext): SigningDecision {
  if (!i.sign && !i.attest) return { problems: [] };
  if (!trust.push) return { problems: [] };
  if (!trust.sign) return { skipped: `sign, attest: not signing: ${trust.noSigning ?? 'this run may not sign'}`, problems: [] };
  const log = wantsLog(i, ctx);
  const method = i.signingKey ? 'key' : 'keyless';
  const plan: SigningPlan = {
    method,
    signManifests: i.sign,
    attest: i.attest,
    transparencyLog: log,
    services: method === 'key' ? keyServices(i.sigstore, log) : services(i.sigstore, log, ctx)
  };
  return { plan, problems: serviceProblems(plan, ctx) };
}
