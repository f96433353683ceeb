/** The parts of the GitHub run the action reads, gathered once so every decision stays pure. */
import * as os from 'os';
import * as github from '@actions/github';

interface PayloadRepository {
  id?: number;
  name?: string;
  full_name?: string;
  description?: string | null;
  html_url?: string;
  default_branch?: string;
  pushed_at?: string | number;
  fork?: boolean;
  license?: { spdx_id?: string } | null;
}

/** The fields of GitHub's event payloads this action reads. */
export interface EventPayload {
  action?: string;
  number?: number;
  release?: { tag_name?: string; prerelease?: boolean; published_at?: string };
  pull_request?: { number?: number; updated_at?: string; head?: { repo?: PayloadRepository | null } };
  head_commit?: { timestamp?: string } | null;
  repository?: PayloadRepository;
  workflow_run?: { event?: string; head_repository?: PayloadRepository | null; head_branch?: string };
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
  /** Directory for this run's private files (RUNNER_TEMP on GitHub). */
  tempDir: string;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const gh = github.context;
  return {
    eventName: gh.eventName ?? '',
    payload: gh.payload ?? {},
    repository: env.GITHUB_REPOSITORY ?? '',
    actor: gh.actor ?? '',
    sha: gh.sha ?? '',
    ref: gh.ref ?? '',
    runId: env.GITHUB_RUN_ID ?? String(process.pid),
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl: gh.serverUrl,
    tempDir: env.RUNNER_TEMP || os.tmpdir()
  };
}

export function isPullRequestEvent(eventName: string): boolean {
  return eventName === 'pull_request' || eventName === 'pull_request_target';
}
