/** The parts of the GitHub run the action reads, gathered once so every decision stays pure. */
import * as fs from 'fs';
import * as os from 'os';
import { InputError } from './problems';

interface PayloadRepository {
  id?: number;
  name?: string;
  full_name?: string;
  description?: string | null;
  html_url?: string;
  default_branch?: string;
  pushed_at?: string | number;
  fork?: boolean;
  private?: boolean;
  visibility?: string;
  license?: { spdx_id?: string } | null;
}

/** The fields of GitHub's event payloads this action reads. */
export interface EventPayload {
  action?: string;
  number?: number;
  release?: { tag_name?: string; prerelease?: boolean; published_at?: string };
  pull_request?: {
    number?: number;
    updated_at?: string;
    user?: { login?: string } | null;
    head?: { sha?: string; ref?: string; repo?: PayloadRepository | null };
    base?: { ref?: string };
  };
  /** push: the branch a pushed tag's commit is on, when GitHub gives one (often null). */
  base_ref?: string | null;
  commits?: { id?: string; timestamp?: string }[];
  head_commit?: { id?: string; timestamp?: string } | null;
  repository?: PayloadRepository;
  /** issue_comment: the issue, with pull_request set when it is a pull request. */
  issue?: { number?: number; pull_request?: object | null };
  workflow_run?: {
    event?: string;
    head_repository?: PayloadRepository | null;
    head_branch?: string;
    head_sha?: string;
    pull_requests?: { number?: number; head?: { ref?: string } }[];
    actor?: { login?: string } | null;
    triggering_actor?: { login?: string } | null;
  };
}

export interface RunContext {
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH), or {} when there is none. */
  payload: EventPayload;
  /** owner/name */
  repository: string;
  actor: string;
  sha: string;
  ref: string;
  runId: string;
  runAttempt: string;
  serverUrl: string;
  /** The GitHub API (GITHUB_API_URL; GitHub Enterprise Server has its own). */
  apiUrl?: string;
  /** Directory for this run's private files (RUNNER_TEMP on GitHub). */
  tempDir: string;
  /** The Actions runtime (artifacts, cache service) is reachable: a job on GitHub Actions. */
  actionsRuntime?: boolean;
  /**
   * workflow_run only: the triggering run's ref, told apart (branch or tag) through the GitHub API,
   * and the release it published when it ran on a release.
   */
  workflowRunRef?: { ref?: string; release?: { tagName: string; prerelease: boolean }; problem?: string };
  /**
   * On a run that publishes a stable release: the release GitHub marks as the repository's latest
   * (tagName undefined: none), or why it could not be asked.
   */
  latestRelease?: { tagName?: string; problem?: string };
  /** The runner can issue this job an OIDC token (the job has id-token: write). */
  idToken?: boolean;
  /** RUNNER_ENVIRONMENT: github-hosted or self-hosted (unset off GitHub's runners). */
  runnerEnvironment?: string;
  /** When the step started: the clock `{{date}}` in meta-tags reads. */
  startedAt?: Date;
  /** The DOCKER_METADATA_* settings docker/metadata-action reads from the environment. */
  metadataEnv?: Record<string, string>;
  /** What metadata-action asks the GitHub API, asked beforehand when meta-tags needs it (github/metadata-facts.ts). */
  metadataFacts?: { defaultBranch?: string; commitDate?: { sha: string; date: string } };
}

function metadataSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('DOCKER_METADATA_') && e[1] !== undefined)
  );
}

/** The event payload GitHub wrote to GITHUB_EVENT_PATH; a file that is not JSON is one clear error. */
function readPayload(file: string | undefined): EventPayload {
  if (!file || !fs.existsSync(file)) return {};
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as EventPayload;
  } catch (e) {
    throw new InputError(`the event payload file ${file} (GITHUB_EVENT_PATH) is not valid JSON: ${(e as Error).message}`);
  }
}

/** Read from the runner's environment (GitHub's documented GITHUB_* variables). */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH),
    repository: env.GITHUB_REPOSITORY ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    runId: env.GITHUB_RUN_ID ?? String(process.pid),
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    actionsRuntime: Boolean(env.ACTIONS_RUNTIME_TOKEN),
    startedAt: new Date(),
    metadataEnv: metadataSettings(env),
    idToken: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
    runnerEnvironment: env.RUNNER_ENVIRONMENT || undefined
  };
}
