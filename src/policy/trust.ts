/**
 * Layer `policy`: pure decisions. This module owns trust: from the event alone, whether this run
 * may push, log in to registries, and write the shared build cache.
 */
import { RunContext } from '../inputs/context';
import { Tristate } from '../inputs/inputs';

export interface TrustOptions {
  pushMode: Tristate;
  pushPullRequests: boolean;
  allowPullRequestTarget: boolean;
  /** Custom outputs replace push and load. */
  hasOutputs: boolean;
}

export interface TrustDecision {
  push: boolean;
  /** Why push is on or off, for the log. */
  reason: string;
  /** Registry credentials are used only by a run that pushes. */
  login: boolean;
  /** May write the shared (GitHub Actions) build cache that release builds read. */
  writeCache: boolean;
  /** Set when the event runs code nobody with write access has vetted: why, for a notice. */
  untrusted?: string;
  /** Inputs the event does not allow. */
  problems: string[];
}

const PUBLISHING_RELEASE_ACTIONS = ['published', 'released', 'prereleased'];

/** Events that build code from a pull request: fork pull requests have no registry secrets. */
export function untrustedReason(ctx: Pick<RunContext, 'eventName' | 'payload'>): string | undefined {
  if (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target') {
    return `${ctx.eventName}: building without login or push (fork pull requests have no registry secrets).`;
  }
  return undefined;
}

function problems(ctx: Pick<RunContext, 'eventName'>, o: TrustOptions, untrusted: boolean, wantsPush: boolean): string[] {
  const out: string[] = [];
  if (untrusted && o.pushMode === 'true' && !o.pushPullRequests) {
    out.push(`push: "true" pushes from a ${ctx.eventName} event only with push-pull-requests: true`);
  }
  if (ctx.eventName === 'pull_request_target' && wantsPush && !o.allowPullRequestTarget) {
    out.push(
      "allow-pull-request-target: pushing from pull_request_target (untrusted code with the base repository's secrets) needs allow-pull-request-target: true"
    );
  }
  return out;
}

function pushAndReason(
  ctx: Pick<RunContext, 'eventName' | 'payload'>,
  o: TrustOptions,
  untrusted: boolean
): { push: boolean; reason: string } {
  if (o.pushMode !== 'auto') return { push: o.pushMode === 'true', reason: `push: ${o.pushMode}` };
  if (o.hasOutputs) return { push: false, reason: 'outputs given' };
  if (untrusted && !o.pushPullRequests) return { push: false, reason: `${ctx.eventName} event (build only)` };
  const action = (ctx.payload as { action?: string }).action;
  if (ctx.eventName === 'release' && !PUBLISHING_RELEASE_ACTIONS.includes(action ?? '')) {
    return { push: false, reason: `release ${action ?? 'event'} (only published, released or prereleased releases publish)` };
  }
  return { push: true, reason: `${ctx.eventName || 'local'} event` };
}

export function decideTrust(ctx: Pick<RunContext, 'eventName' | 'payload'>, o: TrustOptions): TrustDecision {
  const why = untrustedReason(ctx);
  const untrusted = why !== undefined;
  const wantsPush = o.pushMode === 'true' || (o.pushMode === 'auto' && !o.hasOutputs && (!untrusted || o.pushPullRequests));
  const { push, reason } = pushAndReason(ctx, o, untrusted);
  return {
    push,
    reason,
    login: push,
    writeCache: true,
    untrusted: push ? undefined : why,
    problems: problems(ctx, o, untrusted, wantsPush)
  };
}
