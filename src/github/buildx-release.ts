/**
 * `buildx-version: latest`: the newest buildx release, asked of the GitHub API (GITHUB_API_URL,
 * so GitHub Enterprise Server and stand-ins work), then downloaded and verified like a pinned one.
 */
import * as semver from 'semver';

/** The version of docker/buildx's latest release (its tag without the `v`). */
export async function latestBuildxVersion(apiUrl: string | undefined, token: string): Promise<string> {
  if (!token)
    throw new Error('buildx-version: latest asks the GitHub API for the newest buildx release; give github-token, or pin a version');
  let tag: string;
  try {
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token, apiUrl ? { baseUrl: apiUrl } : {});
    tag = (await octokit.rest.repos.getLatestRelease({ owner: 'docker', repo: 'buildx' })).data.tag_name;
  } catch (e) {
    throw new Error(
      `buildx-version: latest: the GitHub API could not tell the newest buildx release (${(e as Error).message}); pin a version`
    );
  }
  const version = semver.valid(tag.replace(/^v/, ''));
  if (!version)
    throw new Error(`buildx-version: latest: the newest buildx release is tagged ${JSON.stringify(tag)}, which is not a version; pin one`);
  return version;
}
