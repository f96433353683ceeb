/**
 * The deliberate differences from metadata-action, each behind a switch: with
 * METADATA_ACTION_BEHAVIOUR the tags are metadata-action's (as checked against its build), with
 * ACTION_SAFETY this action's safety rules apply. And the result carries what the backport guard
 * (policy/tags.ts) needs.
 */
import { ACTION_SAFETY, METADATA_ACTION_BEHAVIOUR, asEventTags } from '../../../../src/policy/metadata';
import { holdBackwardMoves, publishTags } from '../../../../src/policy/tags';
import { DEFAULT_TAG_RULES } from '../../../../src/inputs/tag-rules';
import { Case, runCase } from './run';

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
