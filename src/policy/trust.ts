/**
 * Layer `policy`: pure decisions. This module owns trust: from the event alone, whether this run
 * may push, log in to registries, and write the shared build cache.
 */
import { RunEvent } from '../inputs/event';
import { PublishInputs } from '../inputs/inputs';

export type TrustOptions = Pick<PublishInputs, 'pushMode' | 'pushPullRequests' | 'allowPullRequestTarget'> & {
  /** Custom outputs replace push and load. */
  hasOutputs: boolean;
};

export interface TrustDecision {
  push: boolean;
  /** Why push is on or off, for the log. */
  reason: string;
  /** Registry credentials are used only by a run that pushes. */
  login: boolean;
  /** May write the shared (GitHub Actions) build cache that release builds read. */
  writeCache: boolean;
  /** Set when untrusted code is built without publishing: why, for a notice. */
  untrusted?: string;
  /** Inputs the event does not allow. */
  problems: string[];
}

function problems(event: RunEvent, o: TrustOptions, untrusted: boolean, wantsPush: boolean): string[] {
  const out: string[] = [];
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
  if (o.hasOutputs) return { push: false, reason: 'outputs given' };
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
  const wantsPush = o.pushMode === 'true' || (o.pushMode === 'auto' && !o.hasOutputs && (!untrusted || o.pushPullRequests));
  const { push, reason } = pushAndReason(event, o, untrusted);
  return {
    push,
    reason,
    login: push,
    // Opt-ins included: a cache written from untrusted code would be read by release builds.
    writeCache: !untrusted,
    untrusted:
      source && !push ? `${source}: building without login or push (untrusted code; push-pull-requests: true publishes it)` : undefined,
    problems: problems(event, o, untrusted, wantsPush)
  };
}
