/**
 * Layer `github`: the GitHub API (through @actions/github, loaded only when a run needs it). This
 * module tells the ref a workflow_run's triggering run built: its payload names the branch or tag
 * (`head_branch`) but not which, so a tag of that name pointing at `head_sha` makes it a tag.
 */
import { RunContext } from '../inputs/context';
import { isPullRequestEvent } from '../inputs/event';

type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>;

/** Whether `refs/tags/<name>` exists and points (through an annotated tag too) at `sha`. */
async function tagPointsAt(octokit: Octokit, repository: string, name: string, sha: string): Promise<boolean> {
  const [owner, repo] = repository.split('/');
  try {
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `tags/${name}` });
    if (data.object.type !== 'tag') return data.object.sha === sha;
    const tag = await octokit.rest.git.getTag({ owner, repo, tag_sha: data.object.sha });
    return tag.data.object.sha === sha;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return false;
    throw e;
  }
}

/** A run on a release built its tag; the release says whether it is a pre-release (its checkbox). */
async function releaseRef(octokit: Octokit, repository: string, tag: string): Promise<NonNullable<RunContext['workflowRunRef']>> {
  const [owner, repo] = repository.split('/');
  const { data } = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag });
  return { ref: `refs/tags/${tag}`, release: { tagName: tag, prerelease: data.prerelease } };
}

export interface RefNeeds {
  /** Tags are given: the event names no tag (a plan derives none either). */
  tagsGiven: boolean;
  token: string;
  /** A plan publishes nothing: it needs no ref at all. */
  plan?: boolean;
}

/**
 * A workflow_run after a non-pull-request run needs the ref to derive its tags, and (tags given
 * or not) on a branch other than the default one, for trust: a tag may sign, a branch may not.
 */
function needsRef(ctx: RunContext, o: RefNeeds): boolean {
  const run = ctx.payload.workflow_run;
  if (o.plan || ctx.eventName !== 'workflow_run' || run === undefined || isPullRequestEvent(run.event ?? '')) return false;
  return !o.tagsGiven || run.head_branch !== ctx.payload.repository?.default_branch;
}

/**
 * The run context with `workflowRunRef` set where it is needed: the triggering run's tag or
 * branch, or why it cannot be told (then deriving tags fails with that reason, and a branch that
 * is not the default one is not signed: inputs/event.ts).
 */
export async function withWorkflowRunRef(ctx: RunContext, opts: RefNeeds): Promise<RunContext> {
  if (!needsRef(ctx, opts)) return ctx;
  const { head_branch: name, head_sha: sha } = ctx.payload.workflow_run ?? {};
  if (!name || !sha)
    return { ...ctx, workflowRunRef: { problem: 'the workflow_run names no head_branch or head_sha; set tags explicitly' } };
  const why = `to tell whether "${name}" (the triggering run's head_branch) is a branch or a tag`;
  if (!opts.token)
    return { ...ctx, workflowRunRef: { problem: `workflow_run: github-token is needed ${why}; give it, or set tags explicitly` } };
  try {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(opts.token, { baseUrl: ctx.apiUrl });
    if (ctx.payload.workflow_run?.event === 'release') return { ...ctx, workflowRunRef: await releaseRef(octokit, ctx.repository, name) };
    const tag = await tagPointsAt(octokit, ctx.repository, name, sha);
    return { ...ctx, workflowRunRef: { ref: `refs/${tag ? 'tags' : 'heads'}/${name}` } };
  } catch (e) {
    const problem = `workflow_run: the GitHub API could not be asked ${why} (${(e as Error).message}); set tags explicitly`;
    return { ...ctx, workflowRunRef: { problem } };
  }
}
