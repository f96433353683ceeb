/**
 * What docker/metadata-action asks the GitHub API for, asked beforehand and only when the
 * `meta-tags` rules need it and the payload does not say: the default branch (`type=edge` on an
 * event whose payload names no repository, such as `schedule`) and a commit's date
 * (`{{commit_date}}` of a commit the payload does not date).
 */
import { RunContext } from '../inputs/context';

type Facts = NonNullable<RunContext['metadataFacts']>;
type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>;

/** The commit metadata-action dates: the pull request's head with DOCKER_METADATA_PR_HEAD_SHA, else GITHUB_SHA. */
function datedSha(ctx: RunContext): string {
  const head = ctx.payload.pull_request?.head?.sha;
  return head && /true/i.test(ctx.metadataEnv?.DOCKER_METADATA_PR_HEAD_SHA ?? '') ? head : ctx.sha;
}

function payloadDates(ctx: RunContext, sha: string): boolean {
  const { commits, head_commit: head } = ctx.payload;
  return [...(commits ?? []), ...(head ? [head] : [])].some(c => c.id === sha && c.timestamp);
}

async function ask(ctx: RunContext, token: string, needs: { branch: boolean; dateOf?: string }): Promise<Facts> {
  const [owner, repo] = ctx.repository.split('/');
  const { getOctokit } = await import('@actions/github');
  const octokit: Octokit = getOctokit(token, { baseUrl: ctx.apiUrl });
  const facts: Facts = {};
  if (needs.branch) facts.defaultBranch = (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
  if (needs.dateOf) {
    const { data } = await octokit.rest.repos.getCommit({ owner, repo, ref: needs.dateOf });
    const date = data.commit.committer?.date;
    if (date) facts.commitDate = { sha: needs.dateOf, date };
  }
  return facts;
}

/**
 * The run context with `metadataFacts` set where the rules need them. Without a token, or when the
 * API fails, the payload's facts stand in (metadata-action would fail; a warning says so).
 */
export async function withMetadataFacts(ctx: RunContext, rules: string, token: string, warn: (m: string) => void): Promise<RunContext> {
  const branch = /type\s*=\s*edge/i.test(rules) && !ctx.payload.repository?.default_branch;
  const sha = datedSha(ctx);
  const dateOf = /commit_date/.test(rules) && sha && !payloadDates(ctx, sha) ? sha : undefined;
  if ((!branch && !dateOf) || !ctx.repository.includes('/')) return ctx;
  if (!token) {
    warn('meta-tags: github-token is empty, so the default branch or the commit date comes from the payload (or the clock)');
    return ctx;
  }
  try {
    return { ...ctx, metadataFacts: await ask(ctx, token, { branch, dateOf }) };
  } catch (e) {
    warn(`meta-tags: the GitHub API could not be asked for the default branch or the commit date (${(e as Error).message})`);
    return ctx;
  }
}
