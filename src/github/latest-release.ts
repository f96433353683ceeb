/**
 * Which release GitHub calls the repository's latest (the "Set as the latest release" box, or its
 * default: the newest by date), asked only on a run that publishes a stable release, so `latest`
 * follows GitHub's own designation as well as the version order.
 */
import { RunContext } from '../inputs/context';

type LatestRelease = NonNullable<RunContext['latestRelease']>;

/** The stable release this run publishes, if it is one. */
function publishedRelease(ctx: RunContext): string | undefined {
  if (ctx.eventName === 'release') {
    const r = ctx.payload.release;
    return r?.tag_name && !r.prerelease ? r.tag_name : undefined;
  }
  const viaRun = ctx.workflowRunRef?.release;
  return viaRun && !viaRun.prerelease ? viaRun.tagName : undefined;
}

async function askLatest(ctx: RunContext, token: string): Promise<LatestRelease> {
  const [owner, repo] = ctx.repository.split('/');
  const { getOctokit } = await import('@actions/github');
  try {
    const { data } = await getOctokit(token, { baseUrl: ctx.apiUrl }).rest.repos.getLatestRelease({ owner, repo });
    return { tagName: data.tag_name };
  } catch (e) {
    if ((e as { status?: number }).status === 404) return { tagName: undefined };
    return { problem: (e as Error).message };
  }
}

/** The run context with `latestRelease` set when the run publishes a stable release and a token is given. */
export async function withLatestRelease(ctx: RunContext, token: string): Promise<RunContext> {
  if (publishedRelease(ctx) === undefined || !token || !ctx.repository.includes('/')) return ctx;
  return { ...ctx, latestRelease: await askLatest(ctx, token) };
}
