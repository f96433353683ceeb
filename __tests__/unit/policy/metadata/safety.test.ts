/**
 * The deliberate differences from metadata-action, each behind a switch: with
 * METADATA_ACTION_BEHAVIOUR the tags are metadata-action's (as checked against its build), with
 * ACTION_SAFETY this action's safety rules apply. And the result carries what the backport guard
 * (policy/tags.ts) needs.
 */
import { ACTION_SAFETY, METADATA_ACTION_BEHAVIOUR, asEventTags } from '../../../../src/policy/metadata';
import { holdBackwardMoves, publishTags } from '../../../../src/policy/tags';
import { DEFAULT_TAG_RULES } from '../../../../src/inputs/tag-rules';
import { SHA } from '../events';
import { Case, EventKey, runCase } from './run';

const SEMVER3 = 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

// case, metadata-action's tags, this action's tags, why latest is held
const LATEST_ON_PRERELEASE: [string, Case, string[], string[], string][] = [
  [
    'a release with the pre-release box ticked, stable semver',
    { event: 'releaseBox', tags: SEMVER3 },
    ['2.5.0', '2.5', '2', 'latest'],
    ['2.5.0', '2.5', '2'],
    'the release v2.5.0 is marked pre-release'
  ],
  [
    'the same with the default rules',
    { event: 'releaseBox', tags: '' },
    ['v2.5.0', 'latest'],
    ['v2.5.0'],
    'the release v2.5.0 is marked pre-release'
  ],
  [
    'a pushed semver pre-release, default rules (type=ref,event=tag)',
    { event: 'rcTag', tags: '' },
    ['v1.2.3-rc.1', 'latest'],
    ['v1.2.3-rc.1'],
    'v1.2.3-rc.1 is a pre-release'
  ],
  [
    'a pushed semver pre-release through type=match',
    { event: 'rcTag', tags: 'type=match,pattern=v(.*),group=1' },
    ['1.2.3-rc.1', 'latest'],
    ['1.2.3-rc.1'],
    'v1.2.3-rc.1 is a pre-release'
  ],
  [
    'latest=true on a pre-release',
    { event: 'rcTag', tags: SEMVER3, flavor: 'latest=true' },
    ['1.2.3-rc.1', 'latest'],
    ['1.2.3-rc.1'],
    'v1.2.3-rc.1 is a pre-release'
  ],
  ['a PEP 440 pre-release tag', { event: 'pepTag', tags: '' }, ['1.2.3rc1', 'latest'], ['1.2.3rc1'], '1.2.3rc1 is a pre-release'],
  [
    'a PEP 440 pre-release given as value= on a branch',
    { event: 'main', tags: 'type=pep440,pattern={{version}},value=2.0.0rc1', flavor: 'latest=true' },
    ['2.0.0rc1', 'latest'],
    ['2.0.0rc1'],
    '2.0.0rc1 (type=pep440,pattern={{version}},value=2.0.0rc1) is a pre-release'
  ],
  [
    'the flavor’s latest with its prefix',
    { event: 'rcTag', tags: '', flavor: 'prefix=app-,onlatest=true' },
    ['app-v1.2.3-rc.1', 'app-latest'],
    ['app-v1.2.3-rc.1'],
    'v1.2.3-rc.1 is a pre-release'
  ],
  [
    'a raw latest, even as the version: the next tag is the version',
    { event: 'releaseRc', tags: 'type=raw,value=latest,priority=1000\ntype=semver,pattern={{version}}' },
    ['latest', '2.4.0-rc.1'],
    ['2.4.0-rc.1'],
    'the release v2.4.0-rc.1 is marked pre-release'
  ]
];

test.each(LATEST_ON_PRERELEASE)('latest never moves on a pre-release: %s', (_what, c, theirs, ours, why) => {
  const compatible = runCase(c, METADATA_ACTION_BEHAVIOUR);
  expect(compatible.tags.map(t => t.tag)).toEqual(theirs);
  expect(compatible.held).toEqual([]);
  const safe = runCase(c, ACTION_SAFETY);
  expect(safe.tags.map(t => t.tag)).toEqual(ours);
  expect(safe.version).toBe(ours[0]);
  expect(safe.latestAdded).toBe(false);
  expect(safe.prerelease).toBe(why);
  expect(safe.held).toEqual(
    theirs.filter(t => !ours.includes(t)).map(tag => ({ tag, why: `latest does not move on a pre-release: ${why}` }))
  );
});

test.each<[string, Case]>([
  ['a stable release', { event: 'release', tags: SEMVER3 }],
  ['a stable tag, default rules', { event: 'tag', tags: '' }],
  ['latest=true on a branch', { event: 'main', tags: 'type=ref,event=branch', flavor: 'latest=true' }],
  ['a raw latest on the default branch', { event: 'main', tags: 'type=raw,value=latest,enable={{is_default_branch}}' }]
])('no pre-release, no difference: %s', (_what, c) => {
  const safe = runCase(c, ACTION_SAFETY);
  expect(safe.tags).toEqual(runCase(c, METADATA_ACTION_BEHAVIOUR).tags);
  expect(safe.tags.map(t => t.tag)).toContain('latest');
  expect(safe.held).toEqual([]);
});

describe('the backport guard (policy/tags.ts) takes the result as it is', () => {
  const derived = asEventTags(runCase({ event: 'release', tags: `${SEMVER3}\ntype=sha` }, ACTION_SAFETY));

  test('asEventTags: the tags, their rules, the version and the release', () => {
    expect(derived.tags.map(t => t.tag)).toEqual(['2.3.4', '2.3', '2', 'sha-6113728', 'latest']);
    expect(derived.tags[0].rule).toBe('type=semver,pattern={{version}}');
    expect({ version: derived.version, release: derived.release?.version }).toEqual({ version: '2.3.4', release: '2.3.4' });
  });

  test('publishing 2.3.4 after 3.0.0 and 2.4.0 moves 2.3.4, 2.3 and the sha tag only', async () => {
    const now: Record<string, string> = { '2': '2.4.0', latest: '3.0.0', '2.3': '2.3.3' };
    expect(holdBackwardMoves(derived, new Map(Object.entries(now))).held.map(t => t.tag)).toEqual(['2', 'latest']);
    const result = await publishTags({ tags: [], images: ['ghcr.io/o/app'], tagRules: DEFAULT_TAG_RULES, derived }, (_image, tag) =>
      Promise.resolve(now[tag])
    );
    expect(result.refs).toEqual(['2.3.4', '2.3', 'sha-6113728'].map(t => `ghcr.io/o/app:${t}`));
    expect(result.held).toEqual([
      { ref: 'ghcr.io/o/app:2', version: '2.4.0' },
      { ref: 'ghcr.io/o/app:latest', version: '3.0.0' }
    ]);
  });

  test('a pre-release publishes no release: nothing is held back', () => {
    const rc = asEventTags(runCase({ event: 'rcTag', tags: SEMVER3 }, ACTION_SAFETY));
    expect(rc.release).toBeUndefined();
    expect(holdBackwardMoves(rc, new Map([['1.2.3-rc.1', '9.9.9']])).kept.map(t => t.tag)).toEqual(['1.2.3-rc.1']);
  });
});

describe("untrusted code's tags name only its own ref and commit, never the base branch's (GITHUB_REF, GITHUB_SHA)", () => {
  // GitHub sends pull_request_target and issue_comment with the base branch's GITHUB_REF (refs/heads/main) and GITHUB_SHA.
  const RULES = [
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=edge',
    'type=sha,format=long',
    'type=sha',
    'type=raw,value={{branch}}',
    'type=raw,value=latest,enable={{is_default_branch}}'
  ].join('\n');

  // event, this action's tags, what metadata-action gives (the base branch's)
  const TABLE: [EventKey, string[], string[]][] = [
    // A fork's pull request: its head commit, long form only (a fork can craft a short hash).
    ['prTarget', ['pr-42', 'sha-aaaabbbbccccddddeeeeffff0000111122223333'], ['pr-42', `sha-${SHA}`, 'sha-6113728']],
    // A same-repository pull request: its head commit, short form too.
    ['prTargetSame', ['pr-7', 'sha-cccc1111dddd2222eeee3333ffff444455556666', 'sha-cccc111'], ['pr-7', `sha-${SHA}`, 'sha-6113728']],
    // A comment's payload names the pull request but no commit of it: no sha tag at all.
    ['issueComment', ['pr-42'], ['main', 'edge', `sha-${SHA}`, 'sha-6113728', 'main', 'latest']]
  ];

  test.each(TABLE)('%s', (event, ours, theirs) => {
    const safe = runCase({ event, tags: RULES }, ACTION_SAFETY);
    const tags = safe.tags.map(t => t.tag);
    expect(tags).toEqual(ours);
    for (const tag of tags) {
      expect(tag).not.toMatch(/main|edge|latest/);
      expect(tag).not.toContain(SHA.slice(0, 7));
    }
    expect(new Set(runCase({ event, tags: RULES }).tags.map(t => t.tag))).toEqual(new Set(theirs));
  });

  test('a comment says why type=sha gives nothing', () => {
    expect(runCase({ event: 'issueComment', tags: 'type=ref,event=pr\ntype=sha' }, ACTION_SAFETY).warnings).toContain(
      "meta-tags: type=sha gives no tag: the issue_comment payload names no commit of the pull request, and GITHUB_SHA is the base branch's, not this untrusted code's"
    );
  });

  test('DOCKER_METADATA_PR_HEAD_SHA changes nothing: the head is already the commit', () => {
    const env = { DOCKER_METADATA_PR_HEAD_SHA: 'true' };
    expect(runCase({ event: 'prTargetSame', tags: 'type=sha', env }, ACTION_SAFETY).tags.map(t => t.tag)).toEqual(['sha-cccc111']);
  });
});
