/** Runs a workflow step's `run:` script the way the runner runs `shell: bash`, for tests of the workflows' scripts. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface StepRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the script wrote to $GITHUB_OUTPUT, as name → value. */
  outputs: Record<string, string>;
}

/**
 * `bash --noprofile --norc -eo pipefail` over the script, with only PATH (the `pathDirs` first),
 * GITHUB_OUTPUT and `env` in its environment; `cwd` defaults to a fresh directory.
 */
export function runBashStep(script: string, env: Record<string, string>, options: { cwd?: string; pathDirs?: string[] } = {}): StepRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'step-'));
  const file = path.join(dir, 'step.sh');
  const output = path.join(dir, 'output');
  fs.writeFileSync(file, script);
  fs.writeFileSync(output, '');
  try {
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd: options.cwd ?? dir,
      env: { PATH: [...(options.pathDirs ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'), GITHUB_OUTPUT: output, ...env },
      encoding: 'utf8'
    });
    const outputs = Object.fromEntries(
      fs
        .readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
