/** The record each leg hands to the merge, and how the merge picks one per platform. */
import { isDigest } from '../oci/digest';

export interface LegRecord {
  platform: string;
  /** Digest pushed by the leg (an index when attestations are on). */
  digest: string;
  /** A re-run leg's record supersedes its earlier attempts. */
  runAttempt: number;
}

export function isLegRecord(x: unknown): x is LegRecord {
  const r = x as Partial<LegRecord> | null;
  return typeof r === 'object' && r !== null && typeof r.platform === 'string' && isDigest(r.digest) && typeof r.runAttempt === 'number';
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
