/**
 * Native-runner fan-out: the plan (platform → runner matrix), the record each leg hands off, and
 * how the merge picks and checks those records.
 */
import { parsePlatform } from './platforms';

export const DEFAULT_RUNNER = 'ubuntu-24.04';
export const DEFAULT_ARM_RUNNER = 'ubuntu-24.04-arm';

export interface RunnerMap {
  byPlatform: Record<string, string[]>;
  default: string[];
}

/** A label, or several comma-separated (self-hosted: `self-hosted, linux, arm64`). */
function labels(value: string): string[] {
  return value
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/** `runners` lines: `linux/arm64=my-arm-label`, `default=ubuntu-24.04`. */
export function parseRunnerMap(raw: string): { map: RunnerMap; errors: string[] } {
  const map: RunnerMap = { byPlatform: {}, default: [] };
  const errors: string[] = [];
  for (const line of raw.split(/\r?\n/).map(l => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    const value = labels(eq > 0 ? line.slice(eq + 1) : '');
    if (key === '' || value.length === 0) {
      errors.push(`runners: "${line}" is not PLATFORM=LABEL[,LABEL...] or default=LABEL`);
      continue;
    }
    if (key === 'default') {
      map.default = value;
      continue;
    }
    try {
      const p = parsePlatform(key);
      map.byPlatform[[p.os, p.architecture, p.variant].filter(Boolean).join('/')] = value;
    } catch (e) {
      errors.push(`runners: "${line}": ${(e as Error).message}`);
    }
  }
  return { map, errors };
}

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

/** What a leg hands to the merge. */
export interface LegRecord {
  platform: string;
  /** Digest pushed by the leg (an index when attestations are on). */
  digest: string;
  images: string[];
  provenance: boolean;
  /** Run attempt and time, so a re-run leg's record wins. */
  runAttempt: number;
  createdAt: string;
}

export function isLegRecord(x: unknown): x is LegRecord {
  const r = x as LegRecord;
  return (
    typeof r === 'object' && r !== null && typeof r.platform === 'string' && /^sha256:[a-f0-9]{64}$/.test(r.digest ?? '') &&
    Array.isArray(r.images) && typeof r.createdAt === 'string'
  );
}

/**
 * The record of the latest run attempt per platform (re-run legs supersede failed or older
 * ones), checked against the plan: every planned platform exactly once, nothing unplanned.
 */
export function selectRecords(records: LegRecord[], planned: string[]): LegRecord[] {
  const newest = new Map<string, LegRecord>();
  const problems: string[] = [];
  for (const r of records) {
    const seen = newest.get(r.platform);
    // Two results of one attempt for one platform: two legs built it, and neither is "the" one.
    if (seen && seen.runAttempt === r.runAttempt && seen.digest !== r.digest) {
      problems.push(`two leg results for ${r.platform} in run attempt ${r.runAttempt} (${seen.digest}, ${r.digest})`);
    }
    if (!seen || r.runAttempt > seen.runAttempt) newest.set(r.platform, r);
  }
  const missing = planned.filter(p => !newest.has(p));
  const extra = [...newest.keys()].filter(p => !planned.includes(p));
  if (missing.length > 0) problems.push(`no leg result for ${missing.join(', ')} (did that leg fail or not run?)`);
  if (extra.length > 0) problems.push(`leg results for platforms not in the plan: ${extra.join(', ')}`);
  if (problems.length > 0) throw new Error(`merge: ${problems.join('; ')}; nothing was tagged`);
  return planned.map(p => newest.get(p) as LegRecord);
}
