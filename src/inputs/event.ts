/**
 * What the GitHub event says about the run, decided in one place: whether it builds a pull
 * request's code, whether that code is trusted (and why not), the ref and commit being built,
 * and the release it publishes. Pure: trust, tags and labels all ask this module.
 */
import { RunContext } from './context';

/** Events whose code is a pull request's (the review events run on the pull request's merge ref). */
const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment'];

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

/** Code from a pull request, a comment on one, or a merge queue: not reviewed onto a branch yet. */
export interface UntrustedCode {
  /** Why, for the log. */
  reason: string;
  /** It runs with the base repository's secrets and write token (pull_request_target, issue_comment, workflow_run, merge queue). */
  withBaseSecrets: boolean;
  /**
   * From another repository (a fork), from no one known, or from Dependabot (third-party dependency
   * code, which GitHub itself runs like a fork's): not written by someone who could push here.
   */
  foreign: boolean;
  /**
   * The untrusted code's own ref and commit, on events whose GITHUB_REF and GITHUB_SHA are the base
   * branch's (pull_request_target, issue_comment): the pull request's merge ref, and its head commit
   * when the payload names it (an issue_comment names none). Its tags may name nothing else.
   */
  own?: { ref: string; sha?: string };
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
  /** Set when the code built is untrusted. */
  untrusted?: UntrustedCode;
  release?: ReleaseEvent;
  /** The ref and commit whose code is being built ('' when they cannot be told: see refProblem). */
  ref: string;
  sha: string;
  /** Why the ref is unknown, for the error of a run that needs it. */
  refProblem?: string;
  /**
   * The ref the built code is on, for its provenance: `ref`, or for a workflow_run whose ref was not
   * asked of the API, `refs/heads/<head_branch>` on the default branch and `refs/tags/<head_branch>`
   * after a release ('' when it cannot be told).
   */
  sourceRef: string;
  /** The repository's default branch, as the payload names it. */
  defaultBranch?: string;
  pullRequestPayload?: PullRequestPayload;
  /** A push's `base_ref` (e.g. `refs/heads/main`), when GitHub gives one. */
  pushBaseRef?: string;
  /** Commits the payload dates, in payload order. */
  commitDates?: DatedCommit[];
  /**
   * A workflow_run after a run on a branch other than the default one (not a tag, not a release):
   * it runs with the default branch's signing identity and Actions cache scope, which that code must
   * not get. Why, for the notice.
   */
  offDefaultBranch?: string;
}

export function isPullRequestEvent(eventName: string): boolean {
  return PULL_REQUEST_EVENTS.includes(eventName);
}

function refTag(ref: string): string | undefined {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
}

export type EventContext = Pick<RunContext, 'eventName' | 'payload' | 'ref' | 'sha' | 'workflowRunRef'> &
  Partial<Pick<RunContext, 'actor'>>;

/** The account Dependabot's runs are triggered by. */
export const DEPENDABOT = 'dependabot[bot]';

/** An issue_comment on a pull request (a ChatOps `/build`) acts on that pull request's code. */
function commentedPullRequest(ctx: EventContext): number | undefined {
  const issue = ctx.payload.issue;
  return ctx.eventName === 'issue_comment' && issue?.pull_request ? issue.number : undefined;
}

const sameRepository = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Branches GitHub's merge queue pushes its candidates to. */
const MERGE_QUEUE_BRANCH = /^(refs\/heads\/)?gh-readonly-queue\//;

const DEPENDABOT_BRANCH = /^(refs\/heads\/)?dependabot\//;

/** A Dependabot pull request: its author, or its head branch (where Dependabot pushes its updates). */
function byDependabot(logins: (string | undefined)[], branches: (string | undefined)[]): boolean {
  return logins.some(l => l?.toLowerCase() === DEPENDABOT) || branches.some(b => b !== undefined && DEPENDABOT_BRANCH.test(b));
}

/** The pull request's merge ref: what a pull request event builds, and what its tags are named after. */
const mergeRef = (n: number | undefined): string => `refs/pull/${n ?? ''}/merge`;

/**
 * A pull request event's code: from a fork unless its head repository is this one. With the base
 * repository's secrets (pull_request_target), a Dependabot pull request counts as a fork's too.
 */
function pullRequestSource(ctx: EventContext): UntrustedCode {
  const pr = ctx.payload.pull_request;
  const withBaseSecrets = ctx.eventName === 'pull_request_target';
  const dependabot = withBaseSecrets && byDependabot([pr?.user?.login], [pr?.head?.ref]);
  const foreign = dependabot || !sameRepository(pr?.head?.repo?.full_name, ctx.payload.repository?.full_name);
  const reason = dependabot ? `${ctx.eventName} of a Dependabot pull request` : ctx.eventName;
  // pull_request_target runs on the base branch: the pull request's own ref and head are in the payload.
  const own = withBaseSecrets ? { ref: mergeRef(pr?.number ?? ctx.payload.number), sha: pr?.head?.sha } : undefined;
  return { reason, withBaseSecrets, foreign, ...(own ? { own } : {}) };
}

/** A workflow_run after a pull request's run, or after a merge queue candidate's. */
function workflowRunSource(ctx: EventContext): UntrustedCode | undefined {
  const run = ctx.payload.workflow_run;
  if (!run) return undefined;
  if (run.event === 'merge_group' || MERGE_QUEUE_BRANCH.test(run.head_branch ?? '')) {
    return { reason: 'workflow_run of a merge queue candidate', withBaseSecrets: true, foreign: true };
  }
  // Dependabot's branch, whatever the run's event (GitHub runs a push there like a fork's pull request).
  const dependabot = {
    reason: 'workflow_run of Dependabot code (its pull request or a dependabot/ branch)',
    withBaseSecrets: true,
    foreign: true
  };
  if (byDependabot([], [run.head_branch])) return dependabot;
  if (!isPullRequestEvent(run.event ?? '')) return undefined;
  // Its author, on a pull request's run only: a merge Dependabot was asked to make pushes the base branch as the bot.
  const heads = (run.pull_requests ?? []).map(p => p.head?.ref);
  if (byDependabot([run.actor?.login, run.triggering_actor?.login], heads)) return dependabot;
  const head = run.head_repository?.full_name;
  // A same-repository pull request is still unreviewed code, run here with the base repository's token.
  if (sameRepository(head, ctx.payload.repository?.full_name)) {
    return { reason: `workflow_run of pull request code from ${head ?? 'this repository'}`, withBaseSecrets: true, foreign: false };
  }
  return { reason: `workflow_run of a pull request from ${head ?? 'a deleted fork'}`, withBaseSecrets: true, foreign: true };
}

/**
 * The untrusted source of the code: pull requests and the events about them (forks have no
 * registry secrets; pull_request_target, a comment and a workflow_run hand them the base
 * repository's), a workflow_run triggered by a fork's pull request, merge queue candidates, and
 * any other run Dependabot triggered (a push to its branch).
 */
function untrustedSource(ctx: EventContext): UntrustedCode | undefined {
  if (isPullRequestEvent(ctx.eventName)) return pullRequestSource(ctx);
  const commented = commentedPullRequest(ctx);
  if (commented !== undefined) {
    const reason = `issue_comment on pull request #${commented} (a comment that builds the pull request's code)`;
    // GITHUB_REF and GITHUB_SHA are the default branch's; the payload names no commit of the pull request.
    return { reason, withBaseSecrets: true, foreign: true, own: { ref: mergeRef(commented) } };
  }
  if (ctx.eventName === 'merge_group' || (ctx.eventName !== 'workflow_run' && MERGE_QUEUE_BRANCH.test(ctx.ref))) {
    return { reason: `${ctx.eventName} (a merge queue candidate, not yet merged)`, withBaseSecrets: true, foreign: true };
  }
  if (ctx.eventName === 'workflow_run') return workflowRunSource(ctx);
  // Dependabot's own pushes (its branches) run like its pull requests: no Actions secrets, a read-only token.
  if (ctx.actor === DEPENDABOT) {
    return {
      reason: `${ctx.eventName} by Dependabot (its runs get no Actions secrets and a read-only token)`,
      withBaseSecrets: false,
      foreign: false
    };
  }
  return undefined;
}

function pullRequestCode(ctx: EventContext): PullRequestCode | undefined {
  const p = ctx.payload;
  if (isPullRequestEvent(ctx.eventName)) return { number: p.pull_request?.number ?? p.number };
  const commented = commentedPullRequest(ctx);
  if (commented !== undefined) return { number: commented };
  const run = p.workflow_run;
  if (ctx.eventName !== 'workflow_run' || !run || !isPullRequestEvent(run.event ?? '')) return undefined;
  return { number: run.pull_requests?.[0]?.number, viaWorkflowRun: { headSha: run.head_sha } };
}

function releaseEvent(ctx: EventContext): ReleaseEvent | undefined {
  const resolved = ctx.workflowRunRef?.release;
  if (ctx.eventName === 'workflow_run' && resolved) return { ...resolved, action: 'published', publishes: true };
  if (ctx.eventName !== 'release') return undefined;
  const { release, action } = ctx.payload;
  return {
    tagName: release?.tag_name ?? refTag(ctx.ref),
    prerelease: release?.prerelease === true,
    action,
    publishes: PUBLISHING_RELEASE_ACTIONS.includes(action ?? '')
  };
}

/**
 * The code a run builds: GITHUB_REF and GITHUB_SHA, except for a workflow_run, which runs on the
 * default branch but (in the usual pattern) builds the triggering run's commit: its head_sha, on
 * the ref its head_branch names (a branch or a tag, told apart through the GitHub API beforehand).
 */
function builtCode(ctx: EventContext): Pick<RunEvent, 'ref' | 'sha' | 'refProblem' | 'sourceRef'> {
  const run = ctx.payload.workflow_run;
  if (ctx.eventName !== 'workflow_run' || !run) return { ref: ctx.ref, sha: ctx.sha, sourceRef: ctx.ref };
  const sha = run.head_sha ?? '';
  const resolved = ctx.workflowRunRef;
  if (resolved?.ref) return { ref: resolved.ref, sha, sourceRef: resolved.ref };
  const branch = run.head_branch ?? '';
  const told = (kind: string): string => (branch ? `refs/${kind}/${branch}` : '');
  const sourceRef = run.event === 'release' ? told('tags') : branch === ctx.payload.repository?.default_branch ? told('heads') : '';
  const refProblem = resolved?.problem ?? 'the workflow_run names no ref of the triggering run; set tags explicitly';
  return { ref: '', sha, refProblem, sourceRef };
}

/**
 * A workflow_run after a push (or another run) on a branch that is not the default one. Its job
 * runs on the default branch: the OIDC identity (job_workflow_ref) and the Actions cache token are
 * the default branch's, whatever branch the built code is from. A tag (told through the API
 * beforehand) and a release are not branches; a branch that could not be told apart from a tag
 * counts as one, unless it is named like the default branch.
 */
function offDefaultBranch(ctx: EventContext, untrusted: UntrustedCode | undefined): string | undefined {
  const run = ctx.payload.workflow_run;
  if (ctx.eventName !== 'workflow_run' || !run || untrusted || run.event === 'release') return undefined;
  const resolved = ctx.workflowRunRef?.ref;
  if (resolved?.startsWith('refs/tags/')) return undefined;
  const branch = run.head_branch ?? '';
  const defaultBranch = ctx.payload.repository?.default_branch;
  if (defaultBranch !== undefined && branch === defaultBranch && (!resolved || resolved === `refs/heads/${defaultBranch}`))
    return undefined;
  const told = resolved || !ctx.workflowRunRef?.problem ? '' : ` (whether it is a tag could not be told: ${ctx.workflowRunRef.problem})`;
  return (
    `workflow_run after a run on the branch "${branch}"${told}, not the default branch${defaultBranch ? ` "${defaultBranch}"` : ''}: ` +
    "this job has the default branch's signing identity and Actions cache, which that branch's code does not get"
  );
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
  const untrusted = untrustedSource(ctx);
  const offDefault = offDefaultBranch(ctx, untrusted);
  return {
    name: ctx.eventName,
    pullRequest: pullRequestCode(ctx),
    untrusted,
    release: releaseEvent(ctx),
    ...builtCode(ctx),
    defaultBranch: ctx.payload.repository?.default_branch,
    pullRequestPayload: pullRequestPayload(ctx),
    pushBaseRef: ctx.payload.base_ref ?? undefined,
    commitDates: commitDates(ctx),
    ...(offDefault ? { offDefaultBranch: offDefault } : {})
  };
}
