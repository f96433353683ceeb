/**
 * Layer `policy`: pure decisions. This module owns trust: from the event alone, whether this run
 * may push, log in to registries, and write the shared build cache.
 */
import { RunEvent } from '../inputs/event';
import { BuildInputs, PublishInputs } from '../inputs/inputs';
import { BuildSecret, secretLookingBuildArgs } from '../inputs/secrets';

export type TrustOptions = Pick<PublishInputs, 'pushMode' | 'pushPullRequests' | 'allowPullRequestTarget'> &
  Pick<BuildInputs, 'outputs' | 'allowUntrustedSecrets'>;

export interface TrustDecision {
  push: boolean;
  /** Why push is on or off, for the log. */
  reason: string;
  /** Registry credentials are used only by a run that pushes. */
  login: boolean;
  /** May write the shared (GitHub Actions) build cache that release builds read. */
  writeCache: boolean;
  /** May sign and attest what it publishes: never untrusted code, opt-ins included (no signing identity for a fork). */
  sign: boolean;
  /** Build secrets and secret-looking build-arg values reach the build (never untrusted code, unless opted in). */
  passSecrets: boolean;
  /** Set when untrusted code is built without publishing: why, for a notice. */
  untrusted?: string;
  /** Inputs the event does not allow. */
  problems: string[];
}

/** Outputs whose exporter pushes to a registry (`type=registry`, or `push=true` on an image exporter). */
export function pushingOutputs(outputs: string[]): string[] {
  return outputs.filter(o => {
    const fields = new Map(o.split(',').map(f => [f.split('=')[0].trim(), f.slice(f.indexOf('=') + 1).trim()]));
    return fields.get('type') === 'registry' || fields.get('push') === 'true';
  });
}

function problems(event: RunEvent, o: TrustOptions, untrusted: boolean, wantsPush: boolean): string[] {
  const out: string[] = [];
  for (const output of untrusted && !o.pushPullRequests ? pushingOutputs(o.outputs) : []) {
    out.push(
      `outputs: ${JSON.stringify(output)} pushes, and a ${event.name} event builds untrusted code, which is never published ` +
        'unless push-pull-requests: true; use a non-pushing output (type=local, type=tar, type=docker)'
    );
  }
  if (untrusted && o.pushMode === 'true' && !o.pushPullRequests) {
    out.push(`push: "true" pushes from a ${event.name} event (untrusted code) only with push-pull-requests: true`);
  }
  if (event.name === 'pull_request_target' && wantsPush && !o.allowPullRequestTarget) {
    out.push(
      "allow-pull-request-target: pushing from pull_request_target (untrusted code with the base repository's secrets) needs allow-pull-request-target: true"
    );
  }
  return out;
}

function pushAndReason(event: RunEvent, o: TrustOptions, untrusted: boolean): { push: boolean; reason: string } {
  if (o.pushMode !== 'auto') return { push: o.pushMode === 'true', reason: `push: ${o.pushMode}` };
  if (o.outputs.length > 0) return { push: false, reason: 'outputs given' };
  if (untrusted && !o.pushPullRequests) return { push: false, reason: `${event.name} event (build only)` };
  if (event.release && !event.release.publishes) {
    const action = event.release.action;
    return { push: false, reason: `release ${action ?? 'event'} (only published, released or prereleased releases publish)` };
  }
  return { push: true, reason: `${event.name || 'local'} event` };
}

export function decideTrust(event: RunEvent, o: TrustOptions): TrustDecision {
  const source = event.untrusted;
  const untrusted = source !== undefined;
  const wantsPush = o.pushMode === 'true' || (o.pushMode === 'auto' && o.outputs.length === 0 && (!untrusted || o.pushPullRequests));
  const { push, reason } = pushAndReason(event, o, untrusted);
  return {
    push,
    reason,
    login: push,
    // Opt-ins included: a cache written from untrusted code would be read by release builds.
    writeCache: !untrusted,
    sign: push && !untrusted,
    passSecrets: !untrusted || o.allowUntrustedSecrets,
    untrusted:
      source && !push ? `${source}: building without login or push (untrusted code; push-pull-requests: true publishes it)` : undefined,
    problems: problems(event, o, untrusted, wantsPush)
  };
}

/** What a build gets of its secrets: all of them, or (untrusted code without the opt-in) none, named in `withheld`. */
export interface SecretsPlan {
  secrets: BuildSecret[];
  buildArgs: string[];
  /** What was withheld, for the notice: secret ids and build-arg names. */
  withheld: { secrets: string[]; buildArgs: string[] };
}

/**
 * Untrusted code gets no build secret and no value of a secret-looking build-arg (a Dockerfile
 * line could send them anywhere), unless allow-untrusted-secrets says so.
 */
export function planSecrets(cfg: Pick<BuildInputs, 'secrets' | 'buildArgs'>, trust: Pick<TrustDecision, 'passSecrets'>): SecretsPlan {
  if (trust.passSecrets) return { secrets: cfg.secrets, buildArgs: cfg.buildArgs, withheld: { secrets: [], buildArgs: [] } };
  const secretArgs = secretLookingBuildArgs(cfg.buildArgs).map(a => a.name);
  return {
    secrets: [],
    buildArgs: cfg.buildArgs.filter(l => !secretArgs.includes(l.slice(0, l.indexOf('=')))),
    withheld: { secrets: cfg.secrets.map(s => s.id), buildArgs: secretArgs }
  };
}
