/** The parts of the GitHub run the action reads, gathered once so planning stays pure. */
import * as os from 'os';
import * as github from '@actions/github';

export interface RunContext {
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH), or {} when there is none. */
  payload: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
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
