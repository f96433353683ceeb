/** Which image a promotion reads, and when `source` cannot be promoted. */
import { promoteSource, sourceProblem } from '../../../src/policy/promote';

const SHA = 'abc1234def5678abc1234def5678abc1234def56';
const rules = { prefix: '', suffix: '' };

test.each([
  ['a tag, as given', 'ghcr.io/o/app:sha-1111111', rules, 'ghcr.io/o/app:sha-1111111'],
  ['a digest, as given', `ghcr.io/o/app@sha256:${'a'.repeat(64)}`, rules, `ghcr.io/o/app@sha256:${'a'.repeat(64)}`],
  ["a name alone: the commit's sha- tag, as a push build writes it", 'ghcr.io/o/app', rules, 'ghcr.io/o/app:sha-abc1234'],
  ['with the tag rules a build would use', 'ghcr.io/o/app', { prefix: 'web-', suffix: '-alpine' }, 'ghcr.io/o/app:web-sha-abc1234-alpine']
])('promoteSource: %s', (_name, source, r, expected) => {
  expect(promoteSource(source, SHA, r)).toBe(expected);
});

test.each([
  [
    'none given',
    undefined,
    SHA,
    /^source: mode: promote copies a published image; set source to image@sha256:…, image:tag, or an image name/
  ],
  [
    'a name alone, with no commit to take the tag from',
    'ghcr.io/o/app',
    '',
    /^source: "ghcr.io\/o\/app" names no tag or digest, and this run names no commit/
  ],
  ['a name alone with a commit', 'ghcr.io/o/app', SHA, undefined],
  ['a tag, no commit needed', 'ghcr.io/o/app:1', '', undefined],
  ['not a reference (its reader reports it)', 'Not A Ref!', SHA, undefined]
])('sourceProblem: %s', (_name, source, commit, expected) => {
  const problem = sourceProblem(source, commit);
  if (expected === undefined) expect(problem).toBeUndefined();
  else expect(problem).toMatch(expected);
});
