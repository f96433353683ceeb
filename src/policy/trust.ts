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
  /** Set when untrusted code is built without publishing: why, for a notice. */
  untrusted?: string;
  /** Inputs the event does not allow. */
  problems: string[];
}

const PUBLISHING_RELEASE_ACTIONS = ['published', 'released', 'prereleased'];

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/** A workflow_run whose triggering run built a pull request from another repository (a fork). */
function forkWorkflowRun(ctx: Pick<RunContext, 'payload'>): string | undefined {
  const run = ctx.payload.workflow_run;
  if (!run || !PULL_REQUEST_EVENTS.includes(run.event ?? '')) return undefined;
  const head = run.head_repository?.full_name;
  const base = ctx.payload.repository?.full_name;
  if (head !== undefined && base !== undefined && head.toLowerCase() === base.toLowerCase()) return undefined;
  return head ?? 'a deleted fork';
}

/**
 * The untrusted source of the code this event builds, or undefined for trusted events: pull
 * requests (forks have no registry secrets, and pull_request_target hands them the base
 * repository's), a workflow_run triggered by a fork's pull request, and a merge queue candidate.
 */
export function untrustedSource(ctx: Pick<RunContext, 'eventName' | 'payload'>): string | undefined {
  if (PULL_REQUEST_EVENTS.includes(ctx.eventName)) return ctx.eventName;
  if (ctx.eventName === 'merge_group') return 'merge_group (a merge queue candidate, not yet merged)';
  const fork = forkWorkflowRun(ctx);
  return fork ? `workflow_run of a pull request from ${fork}` : undefined;
}

function problems(ctx: Pick<RunContext, 'eventName'>, o: TrustOptions, untrusted: boolean, wantsPush: boolean): string[] {
  const out: string[] = [];
  if (untrusted && o.pushMode === 'true' && !o.pushPullRequests) {
    out.push(`push: "true" pushes from a ${ctx.eventName} event (untrusted code) only with push-pull-requests: true`);
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
  const source = untrustedSource(ctx);
  const untrusted = source !== undefined;
  const wantsPush = o.pushMode === 'true' || (o.pushMode === 'auto' && !o.hasOutputs && (!untrusted || o.pushPullRequests));
  const { push, reason } = pushAndReason(ctx, o, untrusted);
  return {
    push,
    reason,
    login: push,
    // Opt-ins included: a cache written from untrusted code would be read by release builds.
    writeCache: !untrusted,
    untrusted:
      source && !push ? `${source}: building without login or push (untrusted code; push-pull-requests: true publishes it)` : undefined,
    problems: problems(ctx, o, untrusted, wantsPush)
  };
}
