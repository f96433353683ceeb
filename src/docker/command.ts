/** Runs external commands as argument vectors (never a shell string) and shapes their failures. */
import * as exec from '@actions/exec';
import { stripVTControlCharacters } from 'util';

export interface RunOptions {
  /** Written to the command's standard input (e.g. a password for --password-stdin). */
  input?: string;
  /** Extra environment on top of process.env. */
  env?: Record<string, string>;
  /** Do not echo output to the log (the result still captures it). */
  silent?: boolean;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: string[], options?: RunOptions) => Promise<CommandResult>;

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly detail: string
  ) {
    super(`${command} failed (exit code ${exitCode}): ${detail}`);
    this.name = 'CommandError';
  }
}

const ERROR_LINE = /^(#\d+ )?(docker: )?(ERROR|error|Error response from daemon|fatal)\b[:\s]/;

/**
 * The few lines of a failed command's stderr worth showing: its error lines if it printed any
 * (buildx and docker prefix them), else its last non-empty lines.
 */
export function lastMeaningfulLines(stderr: string, max = 3): string {
  const lines = stripVTControlCharacters(stderr)
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '' && !/^-+$/.test(l));
  const errors = [...new Set(lines.filter(l => ERROR_LINE.test(l)))];
  const picked = (errors.length > 0 ? errors : lines).slice(-max);
  return picked.length > 0 ? picked.join('\n') : 'no error output';
}

export const runCommand: Runner = async (command, args, options = {}) => {
  const result = await exec.getExecOutput(command, args, {
    ignoreReturnCode: true,
    silent: options.silent ?? false,
    input: options.input !== undefined ? Buffer.from(options.input) : undefined,
    env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined
  });
  if (result.exitCode !== 0 && !options.allowFailure) {
    const name = [command.split('/').pop(), ...args.slice(0, 2)].join(' ');
    throw new CommandError(name, result.exitCode, lastMeaningfulLines(result.stderr || result.stdout));
  }
  return result;
};
