/**
 * What the GitHub event says about the run, decided in one place: whether it builds a pull
 * request's code, whether that code is trusted (and why not), the ref and commit being built,
 * and the release it publishes. Pure: trust, tags and labels all ask this module.
 */
import { RunContext } from './context';

/** Events whose code is a pull request's. */
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

/** Release activity types that publish (created and edited drafts do not). */
const PUBLISHING_RELEASE_ACTIONS = ['published', 'released', 'prereleased'];

export interface PullRequestCode {
  /** The pull request's number, when the event names one. */
  number?: number;
  /** Set when the event is a workflow_run after the pull request's own run. */
  viaWorkflowRun?: { headSha?: string };
}

export interface ReleaseEvent {
  /** The release's tag (or the ref's tag when the payload has none). */
  tagName?: string;
  /** The release's pre-release checkbox. */
  prerelease: boolean;
  /** The activity type (published, created, edited…). */
  action?: string;
  /** Only published, released and prereleased releases publish images. */
  publishes: boolean;
}

/** What the payload's `pull_request` says, on any event that carries one (reviews included). */
export interface PullRequestPayload {
  /** The payload's `number` (or the pull request's own). */
  number?: number;
  /** The pull request's head commit, which differs from GITHUB_SHA (the merge commit). */
  headSha?: string;
  /** The branch the pull request targets. */
  baseRef?: string;
}

/** A commit the payload dates (a push's `commits`, then its `head_commit`). */
export interface DatedCommit {
  sha: string;
  timestamp: string;
}

export interface RunEvent {
  name: string;
  /** Set when the code built is a pull request's. */
  pullRequest?: PullRequestCode;
  /** Why the code built is untrusted; undefined for trusted events. */
  untrusted?: string;
  release?: ReleaseEvent;
  /** The ref and commit whose code is being built. */
  ref: string;
  sha: string;
  /** The repository's default branch, as the payload names it. */
  defaultBranch?: string;
  pullRequestPayload?: PullRequestPayload;
  /** A push's `base_ref` (e.g. `refs/heads/main`), when GitHub gives one. */
  pushBaseRef?: string;
  /** Commits the payload dates, in payload order. */
  commitDates?: DatedCommit[];
}

export function isPullRequestEvent(eventName: string): boolean {
  return PULL_REQUEST_EVENTS.includes(eventName);
}

function refTag(ref: string): string | undefined {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

type EventContext = Pick<RunContext, 'eventName' | 'payload' | 'ref' | 'sha'>;

/** A workflow_run whose triggering run built a pull request from another repository (a fork). */
function forkOfWorkflowRun(ctx: EventContext): string | undefined {
  const run = ctx.payload.workflow_run;
  if (!run || !isPullRequestEvent(run.event ?? '')) return undefined;
  const head = run.head_repository?.full_name;
  const base = ctx.payload.repository?.full_name;
  if (head !== undefined && base !== undefined && head.toLowerCase() === base.toLowerCase()) return undefined;
  return head ?? 'a deleted fork';
}

/**
 * The untrusted source of the code: pull requests (forks have no registry secrets, and
 * pull_request_target hands them the base repository's), a workflow_run triggered by a fork's
 * pull request, and a merge queue candidate.
 */
function untrustedSource(ctx: EventContext): string | undefined {
  if (isPullRequestEvent(ctx.eventName)) return ctx.eventName;
  if (ctx.eventName === 'merge_group') return 'merge_group (a merge queue candidate, not yet merged)';
  const fork = forkOfWorkflowRun(ctx);
  return fork ? `workflow_run of a pull request from ${fork}` : undefined;
}

function pullRequestCode(ctx: EventContext): PullRequestCode | undefined {
  const p = ctx.payload;
  if (isPullRequestEvent(ctx.eventName)) return { number: p.pull_request?.number ?? p.number };
  const run = p.workflow_run;
  if (ctx.eventName !== 'workflow_run' || !run || !isPullRequestEvent(run.event ?? '')) return undefined;
  return { number: run.pull_requests?.[0]?.number, viaWorkflowRun: { headSha: run.head_sha } };
}

function releaseEvent(ctx: EventContext): ReleaseEvent | undefined {
  if (ctx.eventName !== 'release') return undefined;
  const { release, action } = ctx.payload;
  return {
    tagName: release?.tag_name ?? refTag(ctx.ref),
    prerelease: release?.prerelease === true,
    action,
    publishes: PUBLISHING_RELEASE_ACTIONS.includes(action ?? '')
  };
}

function pullRequestPayload(ctx: EventContext): PullRequestPayload | undefined {
  const { pull_request: pr, number } = ctx.payload;
  if (!pr) return undefined;
  return { number: number ?? pr.number, headSha: pr.head?.sha, baseRef: pr.base?.ref };
}

function commitDates(ctx: EventContext): DatedCommit[] {
  const { commits, head_commit: head } = ctx.payload;
  return [...(commits ?? []), ...(head ? [head] : [])].flatMap(c => (c.id && c.timestamp ? [{ sha: c.id, timestamp: c.timestamp }] : []));
}

export function classifyEvent(ctx: EventContext): RunEvent {
  return {
    name: ctx.eventName,
    pullRequest: pullRequestCode(ctx),
    untrusted: untrustedSource(ctx),
    release: releaseEvent(ctx),
    ref: ctx.ref,
    sha: ctx.sha,
    defaultBranch: ctx.payload.repository?.default_branch,
    pullRequestPayload: pullRequestPayload(ctx),
    pushBaseRef: ctx.payload.base_ref ?? undefined,
    commitDates: commitDates(ctx)
  };
}
