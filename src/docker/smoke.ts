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

/** One platform's run (a failing command is a result, not an error). */
async function smokeOne(run: Runner, env: Record<string, string>, test: SmokeTest, platform: string): Promise<SmokeResult> {
  const args = smokeArgs(test.image, platform, test.command, test.network);
  const r = await run('docker', args, { env, silent: true, allowFailure: true });
  return {
    platform,
    command: ['docker', ...args].join(' '),
    exitCode: r.exitCode,
    output: [r.stdout.trim(), r.stderr.trim()].filter(Boolean).join('\n')
  };
}

export interface SmokeTest {
  /** A digest reference. */
  image: string;
  platforms: string[];
  command: string[];
  network?: string;
  /**
   * The engine's classic image store holds one platform per reference: the platforms then run
   * one after the other, the image removed in between (in parallel they fail "cannot overwrite digest").
   */
  onePlatformAtATime?: boolean;
}

/** Runs `command` in `image` for every platform; never throws for a failing command. The pulled image is removed. */
export async function smokeTest(run: Runner, env: Record<string, string>, test: SmokeTest): Promise<SmokeResult[]> {
  const remove = (): Promise<unknown> => run('docker', ['image', 'rm', test.image], { env, silent: true, allowFailure: true });
  if (!test.onePlatformAtATime) {
    const results = await Promise.all(test.platforms.map(p => smokeOne(run, env, test, p)));
    await remove();
    return results;
  }
  const results: SmokeResult[] = [];
  for (const p of test.platforms) {
    results.push(await smokeOne(run, env, test, p));
    await remove();
  }
  return results;
}
