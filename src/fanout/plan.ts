/**
 * Layer `fanout`: native-runner fan-out (plan, leg hand-off, merge). This module is the plan:
 * one matrix entry per platform, on a runner of that architecture.
 */
import { RunnerMap } from '../inputs/runners';
import { parsePlatform } from '../oci/platform';

export const DEFAULT_RUNNER = 'ubuntu-24.04';
export const DEFAULT_ARM_RUNNER = 'ubuntu-24.04-arm';

/** Built-in choice: arm runners for arm platforms, x86-64 for the rest (others use QEMU there). */
export function defaultRunner(platform: string): string {
  const arch = parsePlatform(platform).architecture;
  return arch === 'arm64' || arch === 'arm' ? DEFAULT_ARM_RUNNER : DEFAULT_RUNNER;
}

export interface MatrixEntry {
  platform: string;
  /** One label as a string, several as an array (what `runs-on` takes). */
  runner: string | string[];
  /** Platform with `/` → `-`, for names. */
  slug: string;
}

export function platformSlug(platform: string): string {
  return platform.replace(/\//g, '-');
}

export function planMatrix(platforms: string[], map: RunnerMap): { include: MatrixEntry[] } {
  return {
    include: platforms.map(platform => {
      const chosen = map.byPlatform[platform] ?? (map.default.length > 0 ? map.default : [defaultRunner(platform)]);
      return { platform, runner: chosen.length === 1 ? chosen[0] : chosen, slug: platformSlug(platform) };
    })
  };
}
