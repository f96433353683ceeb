/**
 * The run as metadata-action sees it, from the RunEvent, its `DOCKER_METADATA_*` settings and the
 * clock: the ref (a pull_request_target builds `refs/pull/<n>/merge`), the commit (the pull
 * request's head with DOCKER_METADATA_PR_HEAD_SHA; untrusted code's own, with the safety rule), the short SHA, the commit date and the
 * branches `{{base_ref}}`, `{{is_default_branch}}` and `type=edge` compare with.
 */
import { RunEvent } from '../../inputs/event';

/**
 * Where metadata-action asks the GitHub API, the caller may answer (synchronously, e.g. from a
 * lookup made beforehand); without an answer the payload's facts are used.
 */
export interface GitHubApiHooks {
  /**
   * `type=edge` compares with the default branch the API reports (GET /repos/{owner}/{repo});
   * without this hook, the payload's `repository.default_branch` (the same unless it just changed).
   */
  defaultBranch?: () => string | undefined;
  /**
   * `{{commit_date}}` of a commit the payload does not date: metadata-action asks the API for its
   * committer date (GET /repos/{owner}/{repo}/commits/{sha}); without this hook or an answer, now.
   */
  commitDate?: (sha: string) => Date | undefined;
}

/** The environment settings metadata-action reads that change tags or the version. */
export type MetadataEnv = Record<string, string | undefined>;

export interface MetaRun {
  eventName: string;
  ref: string;
  sha: string;
  now: Date;
  /** The payload's default branch ({{is_default_branch}}). */
  payloadDefaultBranch?: string;
  /** The default branch `type=edge` uses. */
  edgeDefaultBranch: () => string;
  commitDate: () => Date;
  /** The short SHA; throws when DOCKER_METADATA_SHORT_SHA_LENGTH is not a number. */
  shortSha: () => string;
  pushBaseRef?: string;
  pullRequestBaseRef?: string;
  warn: (message: string) => void;
}

const DEFAULT_SHORT_SHA_LENGTH = 7;

/** metadata-action tests the name with /pull_request/, which also matches pull_request_target and the review events. */
function isPullRequestLike(eventName: string): boolean {
  return eventName.includes('pull_request');
}

function runRef(event: RunEvent, ownCodeOnly: boolean): string {
  const own = event.untrusted?.own;
  if (ownCodeOnly && own) return own.ref;
  if (!event.name.includes('pull_request_target')) return event.ref;
  return `refs/pull/${event.pullRequestPayload?.number ?? event.pullRequest?.number}/merge`;
}

/**
 * DOCKER_METADATA_PR_HEAD_SHA: any value containing "true" (any case) builds the pull request's
 * head. With `ownCodeOnly`, untrusted code whose event names the base branch's commit (GITHUB_SHA
 * on pull_request_target and issue_comment) gets its own commit: the pull request's head, or none
 * ('') when the payload names none.
 */
function runSha(event: RunEvent, env: MetadataEnv, ownCodeOnly: boolean): string {
  const own = event.untrusted?.own;
  if (ownCodeOnly && own) return own.sha ?? '';
  const head = event.pullRequestPayload?.headSha;
  if (/true/i.test(env.DOCKER_METADATA_PR_HEAD_SHA ?? '') && isPullRequestLike(event.name) && head !== undefined) return head;
  return event.sha;
}

function shortSha(sha: string, env: MetadataEnv): string {
  const setting = env.DOCKER_METADATA_SHORT_SHA_LENGTH;
  const length = setting ? Number(setting) : DEFAULT_SHORT_SHA_LENGTH;
  if (isNaN(length)) throw new Error(`DOCKER_METADATA_SHORT_SHA_LENGTH is not a number: ${JSON.stringify(setting)}`);
  return length >= sha.length ? sha : sha.substring(0, length);
}

function once<T>(f: () => T): () => T {
  let done: { value: T } | undefined;
  return () => (done ??= { value: f() }).value;
}

/** The payload's date of `sha` (a push's commits, then its head commit), else the API hook's, else now. */
function commitDate(event: RunEvent, sha: string, now: Date, api: GitHubApiHooks): Date {
  const dated = event.commitDates?.find(c => c.sha === sha);
  return dated ? new Date(dated.timestamp) : (api.commitDate?.(sha) ?? now);
}

/**
 * `ownCodeOnly` (this action's safety rule): untrusted code's run is its own ref and commit, never
 * the base branch's that GITHUB_REF and GITHUB_SHA name on some events (see inputs/event.ts).
 */
export function metaRun(
  event: RunEvent,
  env: MetadataEnv,
  now: Date,
  api: GitHubApiHooks,
  warn: (m: string) => void,
  ownCodeOnly = false
): MetaRun {
  const sha = runSha(event, env, ownCodeOnly);
  return {
    eventName: event.name,
    ref: runRef(event, ownCodeOnly),
    sha,
    now,
    payloadDefaultBranch: event.defaultBranch,
    edgeDefaultBranch: once(() => api.defaultBranch?.() ?? event.defaultBranch ?? ''),
    commitDate: once(() => commitDate(event, sha, now, api)),
    shortSha: () => shortSha(sha, env),
    pushBaseRef: event.pushBaseRef,
    pullRequestBaseRef: event.pullRequestPayload?.baseRef,
    warn
  };
}

export function refName(ref: string, kind: 'heads' | 'tags' | 'pull'): string | undefined {
  const prefix = `refs/${kind}/`;
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}
