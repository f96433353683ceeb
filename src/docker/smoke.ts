/** Smoke tests: a command run in each platform's pushed image, natively or under QEMU. */
import { Runner } from './command';

export interface SmokeResult {
  platform: string;
  /** The docker command line that ran it. */
  command: string;
  exitCode: number;
  /** What the command printed (stdout then stderr). */
  output: string;
}

export function smokeArgs(image: string, platform: string, command: string[], network?: string): string[] {
  return ['run', '--rm', '--quiet', '--platform', platform, ...(network ? ['--network', network] : []), image, ...command];
}

/** Runs `command` in `image` (a digest reference) for every platform, in parallel; never throws for a failing command. */
export async function smokeTest(
  run: Runner,
  env: Record<string, string>,
  test: { image: string; platforms: string[]; command: string[]; network?: string }
): Promise<SmokeResult[]> {
  const results = await Promise.all(
    test.platforms.map(async platform => {
      const args = smokeArgs(test.image, platform, test.command, test.network);
      const r = await run('docker', args, { env, silent: true, allowFailure: true });
      return {
        platform,
        command: ['docker', ...args].join(' '),
        exitCode: r.exitCode,
        output: [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n')
      };
    })
  );
  // The image was pulled for the test only.
  await run('docker', ['image', 'rm', test.image], { env, silent: true, allowFailure: true });
  return results;
}
