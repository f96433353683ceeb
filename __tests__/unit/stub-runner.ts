/** A Runner for unit tests: records every call and answers it, so tests can check argument vectors. */
import { CommandResult, RunOptions, Runner } from '../../src/docker/command';

export interface Call {
  command: string;
  args: string[];
  options?: RunOptions;
}

/** What a call answers: a result, or an Error thrown as runCommand throws on a failed command. */
export type Answer = CommandResult | Error;

export const ok = (stdout = ''): CommandResult => ({ exitCode: 0, stdout, stderr: '' });

export function stubRunner(answer: (command: string, args: string[]) => Answer = () => ok()): { run: Runner; calls: Call[] } {
  const calls: Call[] = [];
  const run: Runner = (command, args, options) => {
    calls.push({ command, args, options });
    const a = answer(command, args);
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  return { run, calls };
}
