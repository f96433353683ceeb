import { LegRecord, selectRecords } from '../../../src/fanout/records';

const rec = (platform: string, n: string, runAttempt = 1): LegRecord => ({ platform, digest: `sha256:${n.repeat(64)}`, runAttempt });

describe('selectRecords', () => {
  test('the newest record per platform wins (a re-run leg supersedes)', () => {
    const got = selectRecords(
      [rec('linux/amd64', 'a'), rec('linux/arm64', 'b'), rec('linux/arm64', 'c', 2)],
      ['linux/amd64', 'linux/arm64']
    );
    expect(got.map(r => r.digest[7])).toEqual(['a', 'c']);
  });
  test('two different results of one attempt for one platform are an error', () => {
    expect(() => selectRecords([rec('linux/amd64', 'a'), rec('linux/amd64', 'b')], ['linux/amd64'])).toThrow(
      /two leg results for linux\/amd64 in run attempt 1/
    );
  });
  test('a missing leg is an error and nothing is tagged', () => {
    expect(() => selectRecords([rec('linux/amd64', 'a')], ['linux/amd64', 'linux/arm64'])).toThrow(
      'merge: no leg result for linux/arm64 (did that leg fail or not run?); nothing was tagged'
    );
  });
  test('a platform outside the plan is an error', () => {
    expect(() => selectRecords([rec('linux/amd64', 'a'), rec('linux/s390x', 'b')], ['linux/amd64'])).toThrow(
      /not in the plan: linux\/s390x/
    );
  });
});
