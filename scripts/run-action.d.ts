/** Types for run-action.js, so the TypeScript tests can import it (keep in step with the JS). */

/** One step's exit code (null when a signal ended it) and its captured output. */
export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ActionRun {
  /** The run's temporary directory (command files, runner temp, HOME). */
  dir: string;
  home: string;
  main: StepResult;
  /** Absent when the post step was not run (`post: false`). */
  post?: StepResult;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

export interface RunActionOptions {
  /** Action inputs by name (action.yml defaults fill in the rest). */
  inputs?: Record<string, string>;
  /** GITHUB_EVENT_NAME (default push). */
  eventName?: string;
  /** The event payload. */
  event?: object;
  /** Extra environment. */
  env?: Record<string, string>;
  /** GITHUB_WORKSPACE and working directory (default the repository root). */
  workspace?: string;
  /** RUNNER_TOOL_CACHE (default a fresh directory in the run's). */
  toolCache?: string;
  /** What `${{ github.token }}` input defaults become. */
  token?: string;
  /** Stream the step's output. */
  echo?: boolean;
  /** Also run the post step (default true). */
  post?: boolean;
}

export const ROOT: string;
export function runAction(o?: RunActionOptions): Promise<ActionRun>;
export function parseCommandFile(file: string): Record<string, string>;
export function node24(): string;
/** The environment a runner gives a job's steps (see scripts/run-action.js). */
export function jobEnv(
  o: { eventName?: string; workspace?: string; env?: Record<string, string> },
  paths: { home: string; runnerTemp: string; toolCache: string; files: Record<string, string> }
): Record<string, string>;
