/**
 * metadata-action's tag syntax over the event payload fixtures: each row is an event, the `tags`
 * and `flavor` blocks and the DOCKER_METADATA_* settings, and the exact tags metadata-action gives
 * (the `version` output is always the first of them). The expectations follow metadata-action's
 * README (its tables for each type, expression and flavor option); where the README is silent the
 * behaviour was read in its source (src/meta.ts, src/tag.ts, src/flavor.ts, src/context.ts), and
 * every row was also run through metadata-action's published build (dist/index.cjs, v6) with the
 * same payload, settings and clock, which gave the same tags.
 */
import { Case, runCase } from './run';

const SEMVER3 = 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

const CASES: (Case & { label: string; expected: string[] })[] = [
  { label: 'default rules', event: 'main', tags: '', expected: ['main'] },
  { label: 'default rules', event: 'feature', tags: '', expected: ['Feature-Login_Page'] },
  { label: 'default rules', event: 'develop', tags: '', expected: ['develop'] },
  { label: 'default rules', event: 'tag', tags: '', expected: ['v1.2.3', 'latest'] },
  { label: 'default rules', event: 'rcTag', tags: '', expected: ['v1.2.3-rc.1', 'latest'] },
  { label: 'default rules', event: 'pepTag', tags: '', expected: ['1.2.3rc1', 'latest'] },
  { label: 'default rules', event: 'release', tags: '', expected: ['v2.3.4', 'latest'] },
  { label: 'default rules', event: 'releaseRc', tags: '', expected: ['v2.4.0-rc.1', 'latest'] },
  { label: 'default rules', event: 'releaseBox', tags: '', expected: ['v2.5.0', 'latest'] },
  { label: 'default rules', event: 'releaseV0', tags: '', expected: ['v0.9.1', 'latest'] },
  { label: 'default rules', event: 'pr', tags: '', expected: ['pr-7'] },
  { label: 'default rules', event: 'prFork', tags: '', expected: ['pr-42'] },
  { label: 'default rules', event: 'prTarget', tags: '', expected: ['pr-42'] },
  { label: 'default rules', event: 'schedule', tags: '', expected: ['nightly', 'main'] },
  { label: 'default rules', event: 'dispatch', tags: '', expected: ['main'] },
  {
    label: 'default rules',
    event: 'mergeGroup',
    tags: '',
    expected: ['gh-readonly-queue-main-pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246']
  },
  // A workflow_run builds the triggering run's commit, whose ref only the GitHub API tells (none here):
  // no branch tag, where metadata-action would name the fork's code after GITHUB_REF (`main`).
  { label: 'default rules', event: 'workflowRunFork', tags: '', expected: [] },
  {
    label: 'README semver example',
    event: 'main',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['main']
  },
  {
    label: 'README semver example',
    event: 'feature',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['Feature-Login_Page']
  },
  {
    label: 'README semver example',
    event: 'tag',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['1.2.3', '1.2', 'latest']
  },
  {
    label: 'README semver example',
    event: 'rcTag',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['1.2.3-rc.1']
  },
  {
    label: 'README semver example',
    event: 'release',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['2.3.4', '2.3', 'latest']
  },
  {
    label: 'README semver example',
    event: 'releaseV0',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['0.9.1', '0.9', 'latest']
  },
  {
    label: 'README semver example',
    event: 'pr',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['pr-7']
  },
  {
    label: 'README semver example',
    event: 'schedule',
    tags: 'type=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}',
    expected: ['main']
  },
  {
    label: 'every type',
    event: 'main',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['edge', 'main', 'sha-6113728']
  },
  {
    label: 'every type',
    event: 'tag',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['1.2.3', '1.2', '1', 'sha-6113728', 'latest']
  },
  {
    label: 'every type',
    event: 'rcTag',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['1.2.3-rc.1', 'sha-6113728']
  },
  {
    label: 'every type',
    event: 'releaseBox',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['2.5.0', '2.5', '2', 'sha-6113728', 'latest']
  },
  {
    label: 'every type',
    event: 'pr',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['pr-7', 'sha-6113728']
  },
  {
    label: 'every type',
    event: 'schedule',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['nightly', 'edge', 'main', 'sha-6113728']
  },
  {
    label: 'every type',
    event: 'dispatch',
    tags: 'type=schedule\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=ref,event=branch\ntype=ref,event=pr\ntype=sha\ntype=edge',
    expected: ['edge', 'main', 'sha-6113728']
  },
  { label: 'schedule: nightly by default', event: 'schedule', tags: 'type=schedule', expected: ['nightly'] },
  { label: 'schedule: a date pattern', event: 'schedule', tags: "type=schedule,pattern={{date 'YYYYMMDD'}}", expected: ['20261120'] },
  {
    label: 'schedule: a date in a zone',
    event: 'schedule',
    tags: "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    expected: ['20261120-190000']
  },
  {
    label: 'schedule: the commit date (no commit in a schedule payload: now)',
    event: 'schedule',
    tags: "type=schedule,pattern={{commit_date 'YYYY.MM.DD'}}",
    expected: ['2026.11.20']
  },
  // From the source: a schedule pattern is rendered with date and commit_date only.
  {
    label: 'schedule: only date and commit_date in a pattern',
    event: 'schedule',
    tags: 'type=schedule,pattern=nightly-{{branch}}',
    expected: ['nightly-']
  },
  { label: 'schedule: not on a push', event: 'main', tags: 'type=schedule\ntype=raw,value=x', expected: ['x'] },
  {
    label: 'semver {{raw}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern={{raw}}',
    expected: ['v1.2.3', 'latest']
  },
  {
    label: 'semver {{version}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern={{version}}',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'semver {{major}}.{{minor}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern={{major}}.{{minor}}',
    expected: ['1.2', 'latest']
  },
  {
    label: 'semver v{{major}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern=v{{major}}',
    expected: ['v1', 'latest']
  },
  {
    label: 'semver {{minor}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern={{minor}}',
    expected: ['2', 'latest']
  },
  {
    label: 'semver {{patch}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=semver,pattern={{patch}}',
    expected: ['3', 'latest']
  },
  {
    label: 'semver {{raw}} of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=semver,pattern={{raw}}',
    expected: ['v2.0.8-beta.67']
  },
  {
    label: 'semver {{version}} of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=semver,pattern={{version}}',
    expected: ['2.0.8-beta.67']
  },
  {
    label: 'semver {{major}} of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=semver,pattern={{major}}',
    expected: ['2.0.8-beta.67']
  },
  {
    label: 'semver {{major}}.{{minor}} of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=semver,pattern={{major}}.{{minor}}',
    expected: ['2.0.8-beta.67']
  },
  {
    label: 'semver {{version}} of v1.2.3+build.5',
    event: 'tag',
    ref: 'refs/tags/v1.2.3+build.5',
    tags: 'type=semver,pattern={{version}}',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'semver {{raw}} of v1.2.3+build.5',
    event: 'tag',
    ref: 'refs/tags/v1.2.3+build.5',
    tags: 'type=semver,pattern={{raw}}',
    expected: ['v1.2.3-build.5', 'latest']
  },
  {
    label: 'semver: match narrows the tag',
    event: 'tag',
    ref: 'refs/tags/p1/v1.2.3',
    tags: 'type=semver,pattern={{version}},match=v(\\d.\\d.\\d)$',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'semver: a match that fails leaves the tag as it is',
    event: 'tag',
    ref: 'refs/tags/p1/v1.2.3',
    tags: 'type=semver,pattern={{version}},match=x(\\d)$',
    expected: []
  },
  {
    label: 'semver: value instead of the tag, on a branch',
    event: 'main',
    tags: 'type=semver,pattern={{version}},value=v3.4.5\ntype=semver,pattern={{major}},value=v3.4.5',
    expected: ['3.4.5', '3', 'latest']
  },
  {
    label: 'semver: not semver: no tag',
    event: 'tag',
    ref: 'refs/tags/nightly/2026.11',
    tags: SEMVER3 + '\ntype=ref,event=tag',
    expected: ['nightly-2026.11', 'latest']
  },
  {
    label: 'semver: 0.x gives a bare 0',
    event: 'releaseV0',
    tags: SEMVER3,
    expected: ['0.9.1', '0.9', '0', 'latest']
  },
  {
    label: 'semver: 0.x with major left out by enable',
    event: 'releaseV0',
    tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}},enable=false',
    expected: ['0.9.1', '0.9', 'latest']
  },
  {
    label: 'semver: pre-release release, raw kept',
    event: 'releaseRc',
    tags: 'type=semver,pattern={{raw}}\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
    expected: ['v2.4.0-rc.1', '2.4.0-rc.1']
  },
  {
    label: 'semver: the box ticked is not a semver pre-release',
    event: 'releaseBox',
    tags: SEMVER3,
    expected: ['2.5.0', '2.5', '2', 'latest']
  },
  {
    label: 'pep440 {{raw}} of 1.2.3',
    event: 'tag',
    ref: 'refs/tags/1.2.3',
    tags: 'type=pep440,pattern={{raw}}',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'pep440 {{version}} of 1.2.3',
    event: 'tag',
    ref: 'refs/tags/1.2.3',
    tags: 'type=pep440,pattern={{version}}',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'pep440 {{version}} of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=pep440,pattern={{version}}',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'pep440 {{major}}.{{minor}} of 1.2.3',
    event: 'tag',
    ref: 'refs/tags/1.2.3',
    tags: 'type=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.2', 'latest']
  },
  {
    label: 'pep440 v{{major}} of 1.2.3',
    event: 'tag',
    ref: 'refs/tags/1.2.3',
    tags: 'type=pep440,pattern=v{{major}}',
    expected: ['v1', 'latest']
  },
  {
    label: 'pep440 {{raw}} of v1.2.3rc2',
    event: 'tag',
    ref: 'refs/tags/v1.2.3rc2',
    tags: 'type=pep440,pattern={{raw}}',
    expected: ['v1.2.3rc2']
  },
  {
    label: 'pep440 {{version}} of 1.2.3rc2',
    event: 'tag',
    ref: 'refs/tags/1.2.3rc2',
    tags: 'type=pep440,pattern={{version}}',
    expected: ['1.2.3rc2']
  },
  {
    label: 'pep440 {{major}}.{{minor}} of 1.2.3rc2',
    event: 'tag',
    ref: 'refs/tags/1.2.3rc2',
    tags: 'type=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.2.3rc2']
  },
  {
    label: 'pep440 {{major}}.{{minor}} of 1.2.3post1',
    event: 'tag',
    ref: 'refs/tags/1.2.3post1',
    tags: 'type=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.2.3.post1']
  },
  {
    label: 'pep440 {{major}}.{{minor}} of 1.2.3beta2',
    event: 'tag',
    ref: 'refs/tags/1.2.3beta2',
    tags: 'type=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.2.3b2']
  },
  {
    label: 'pep440 {{major}}.{{minor}} of 1.0dev4',
    event: 'tag',
    ref: 'refs/tags/1.0dev4',
    tags: 'type=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.0.dev4']
  },
  {
    label: 'pep440 {{major}}.{{minor}}.{{patch}} of 1.2',
    event: 'tag',
    ref: 'refs/tags/1.2',
    tags: 'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
    expected: ['1.2.0', 'latest']
  },
  {
    label: 'pep440: match narrows the tag',
    event: 'tag',
    ref: 'refs/tags/p1/v1.2.3',
    tags: 'type=pep440,pattern={{version}},match=v(\\d.\\d.\\d)$',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'pep440: the pushed pre-release',
    event: 'pepTag',
    tags: 'type=pep440,pattern={{version}}\ntype=pep440,pattern={{major}}.{{minor}}',
    expected: ['1.2.3rc1']
  },
  {
    label: 'pep440: not PEP 440: no tag',
    event: 'tag',
    ref: 'refs/tags/release-candidate',
    tags: 'type=pep440,pattern={{version}}',
    expected: []
  },
  {
    label: 'match \\d.\\d.\\d group 0 of v1.2.3',
    event: 'tag',
    ref: 'refs/tags/v1.2.3',
    tags: 'type=match,pattern=\\d.\\d.\\d,group=0',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'match v(.*) group 1 of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=match,pattern=v(.*),group=1',
    expected: ['2.0.8-beta.67', 'latest']
  },
  {
    label: 'match v(\\d.\\d) group 1 of v2.0.8-beta.67',
    event: 'tag',
    ref: 'refs/tags/v2.0.8-beta.67',
    tags: 'type=match,pattern=v(\\d.\\d),group=1',
    expected: ['2.0', 'latest']
  },
  {
    label: 'match \\d+ group 0 of 20200110-RC2',
    event: 'tag',
    ref: 'refs/tags/20200110-RC2',
    tags: 'type=match,pattern=\\d+,group=0',
    expected: ['20200110', 'latest']
  },
  {
    label: 'match p1/v(\\d.\\d.\\d) group 1 of p1/v1.2.3',
    event: 'tag',
    ref: 'refs/tags/p1/v1.2.3',
    tags: 'type=match,pattern=p1/v(\\d.\\d.\\d),group=1',
    expected: ['1.2.3', 'latest']
  },
  // From the source: a /body/flags pattern is a regular expression literal.
  { label: 'match: a /regex/flags literal', event: 'tag', tags: 'type=match,pattern=/^V(\\d)/i,group=1', expected: ['1', 'latest'] },
  {
    label: 'match: a group that does not exist, a pattern that does not match',
    event: 'tag',
    tags: 'type=match,pattern=v(\\d),group=2\ntype=match,pattern=^x\ntype=match,pattern=v(\\d),group=01',
    expected: []
  },
  {
    label: 'match: value instead of the tag',
    event: 'main',
    tags: 'type=match,pattern=ma(i),group=1,value={{branch}}',
    expected: ['i', 'latest']
  },
  {
    label: 'match: latest=auto adds latest even for a pre-release',
    event: 'rcTag',
    tags: 'type=match,pattern=v(.*),group=1',
    expected: ['1.2.3-rc.1', 'latest']
  },
  { label: 'edge: on the default branch', event: 'main', tags: 'type=edge\ntype=ref,event=branch', expected: ['edge', 'main'] },
  { label: 'edge: another branch', event: 'feature', tags: 'type=edge\ntype=ref,event=branch', expected: ['Feature-Login_Page'] },
  { label: 'edge: branch=', event: 'develop', tags: 'type=edge,branch=develop', expected: ['edge'] },
  // metadata-action reads the default branch for type=edge from the API; the hook stands in for it.
  { label: 'edge: the default branch from the API hook', event: 'develop', tags: 'type=edge', api: 'develop', expected: ['edge'] },
  { label: 'edge: not on a tag', event: 'tag', tags: 'type=edge', expected: [] },
  { label: 'ref: a branch with a slash', event: 'feature', tags: 'type=ref,event=branch', expected: ['Feature-Login_Page'] },
  { label: 'ref: a tag', event: 'rcTag', tags: 'type=ref,event=tag', expected: ['v1.2.3-rc.1', 'latest'] },
  { label: 'ref: pr, prefix pr- by default', event: 'prFork', tags: 'type=ref,event=pr', expected: ['pr-42'] },
  { label: 'ref: pr, own prefix and suffix', event: 'prFork', tags: 'type=ref,event=pr,prefix=,suffix=-review', expected: ['42-review'] },
  {
    label: 'ref: pull_request_target builds refs/pull/<n>/merge',
    event: 'prTarget',
    tags: 'type=ref,event=pr\ntype=ref,event=branch',
    expected: ['pr-42']
  },
  {
    label: 'ref: a pull head ref keeps its tail',
    event: 'prFork',
    ref: 'refs/pull/42/head',
    tags: 'type=ref,event=pr',
    expected: ['pr-42-head']
  },
  {
    label: 'ref: branch, tag and pr do not apply to other refs',
    event: 'tag',
    tags: 'type=ref,event=branch\ntype=ref,event=pr',
    expected: []
  },
  { label: 'raw: three spellings', event: 'main', tags: 'type=raw,value=foo\ntype=raw,bar\nbaz', expected: ['foo', 'bar', 'baz'] },
  {
    label: 'raw: an empty value gives nothing, unless a prefix',
    event: 'main',
    tags: 'type=raw,value=\ntype=raw,value=,prefix=p',
    expected: ['p']
  },
  {
    label: 'raw: sanitising',
    event: 'main',
    tags: 'type=raw,value=Feat/ÜBER  x\ntype=raw,value=--a..b',
    expected: ['Feat-BER-x', '--a..b']
  },
  {
    label: 'sha: short, long, own prefix',
    event: 'main',
    tags: 'type=sha\ntype=sha,format=long\ntype=sha,prefix=commit-,suffix=-x',
    expected: ['sha-6113728', 'sha-6113728f27ae82c7b1a177c8d03f9e96e0adf246', 'commit-6113728-x']
  },
  // From the source: sha- (and pr-) are the rule's own prefix, which wins over the flavor's.
  {
    label: 'sha: the flavor prefix does not replace sha-',
    event: 'main',
    tags: 'type=sha\ntype=ref,event=branch',
    flavor: 'prefix=app-',
    expected: ['app-main', 'sha-6113728']
  },
  {
    label: 'sha: DOCKER_METADATA_SHORT_SHA_LENGTH',
    event: 'main',
    tags: 'type=sha\ntype=raw,value=x-{{sha}}',
    env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' },
    expected: ['x-6113728f27ae', 'sha-6113728f27ae']
  },
  {
    label: 'sha: a length over the SHA gives all of it',
    event: 'main',
    tags: 'type=sha',
    env: { DOCKER_METADATA_SHORT_SHA_LENGTH: '64' },
    expected: ['sha-6113728f27ae82c7b1a177c8d03f9e96e0adf246']
  },
  {
    label: 'sha: the merge commit of a pull request',
    event: 'pr',
    tags: 'type=sha\ntype=raw,value={{sha}}',
    expected: ['6113728', 'sha-6113728']
  },
  {
    label: 'sha: DOCKER_METADATA_PR_HEAD_SHA=true: its head',
    event: 'pr',
    tags: 'type=sha\ntype=raw,value={{sha}}',
    env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
    expected: ['cccc111', 'sha-cccc111']
  },
  // From the source: any value containing "true", on any event whose name contains pull_request.
  {
    label: 'sha: DOCKER_METADATA_PR_HEAD_SHA on pull_request_target',
    event: 'prTarget',
    tags: 'type=sha',
    env: { DOCKER_METADATA_PR_HEAD_SHA: 'True' },
    expected: ['sha-aaaabbb']
  },
  {
    label: 'sha: DOCKER_METADATA_PR_HEAD_SHA does nothing on a push',
    event: 'main',
    tags: 'type=sha',
    env: { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
    expected: ['sha-6113728']
  },
  { label: 'enable=false', event: 'main', tags: 'type=raw,value=a,enable=false\ntype=raw,value=b', expected: ['b'] },
  {
    label: 'enable from expressions',
    event: 'main',
    tags: 'type=raw,value=on-default,enable={{is_default_branch}}\ntype=raw,value=elsewhere,enable={{is_not_default_branch}}',
    expected: ['on-default']
  },
  {
    label: 'enable from expressions, another branch',
    event: 'feature',
    tags: 'type=raw,value=on-default,enable={{is_default_branch}}\ntype=raw,value=elsewhere,enable={{is_not_default_branch}}',
    expected: ['elsewhere']
  },
  {
    label: 'latest on the default branch only',
    event: 'main',
    tags: 'type=raw,value=latest,enable={{is_default_branch}}\ntype=ref,event=branch',
    expected: ['main', 'latest']
  },
  {
    label: 'priority: highest first, written order for equal ones',
    event: 'tag',
    tags: 'type=sha,priority=2000\ntype=semver,pattern={{version}}\ntype=raw,value=a,priority=900\ntype=raw,value=b,priority=901',
    expected: ['sha-6113728', 'b', '1.2.3', 'a']
  },
  {
    label: 'priority: the version is the highest-priority tag',
    event: 'tag',
    tags: 'type=ref,event=tag\ntype=semver,pattern={{version}}',
    expected: ['1.2.3', 'v1.2.3', 'latest']
  },
  {
    label: 'priority: each tag once, first rule first',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}\ntype=semver,pattern={{version}},suffix=-x\ntype=raw,value=1.2.3\ntype=match,pattern=\\d.\\d.\\d',
    expected: ['1.2.3', '1.2.3-x', 'latest']
  },
  {
    label: 'prefix and suffix with expressions',
    event: 'main',
    tags: "type=sha,prefix={{branch}}-,suffix=-{{date 'YYYYMMDD'}}",
    expected: ['main-6113728-20261120']
  },
  {
    label: "a rule prefix (even empty) beats the flavor's",
    event: 'main',
    tags: 'type=ref,event=branch,prefix=\ntype=raw,value=x',
    flavor: 'prefix=p-\nsuffix=-s',
    expected: ['main-s', 'p-x-s']
  },
  {
    label: '{{branch}} {{tag}} {{sha}} {{base_ref}} on a push',
    event: 'feature',
    tags: 'type=raw,value=b-{{branch}}_t-{{tag}}_s-{{sha}}_r-{{base_ref}}',
    expected: ['b-Feature-Login_Page_t-_s-6113728_r-']
  },
  {
    label: '{{tag}} and {{base_ref}} on a tag push with base_ref',
    event: 'rcTag',
    tags: 'type=raw,value=t-{{tag}}_r-{{base_ref}}_b-{{branch}}',
    expected: ['t-v1.2.3-rc.1_r-main_b-']
  },
  { label: '{{base_ref}} of a pull request', event: 'pr', tags: 'type=raw,value={{base_ref}}-{{branch}}', expected: ['develop-'] },
  // From the source: create, discussion, issues and schedule events count as on the default branch.
  {
    label: '{{is_default_branch}} is true on a schedule',
    event: 'schedule',
    tags: 'type=raw,value={{is_default_branch}}',
    expected: ['true']
  },
  { label: '{{is_default_branch}} on a tag push', event: 'tag', tags: 'type=raw,value=d-{{is_default_branch}}', expected: ['d-false'] },
  {
    label: '{{date}} in a zone with a half-hour offset',
    event: 'main',
    tags: "type=raw,value={{date 'YYYYMMDD-HHmm' tz='Asia/Kolkata'}}",
    expected: ['20261120-1530']
  },
  {
    label: "{{commit_date}}: the push's commit, in a zone",
    event: 'develop',
    tags: "type=raw,value={{commit_date 'YYYYMMDD-HHmmss' tz='Europe/Paris'}}",
    expected: ['20261120-001530']
  },
  {
    label: '{{commit_date}}: head_commit',
    event: 'main',
    tags: "type=raw,value={{commit_date 'YYYYMMDDHHmm'}}",
    expected: ['202611200959']
  },
  {
    label: '{{commit_date}}: the API hook when the payload has none',
    event: 'dispatch',
    tags: "type=raw,value={{commit_date 'YYYYMMDDHHmm'}}",
    api: 'commit',
    expected: ['202601020304']
  },
  // From the source: Handlebars HTML-escapes {{…}} (not {{{…}}}); type=ref is not templated.
  {
    label: '{{…}} output is HTML-escaped, then sanitised',
    event: 'feature',
    ref: 'refs/heads/a&b',
    tags: 'type=raw,value={{branch}}\ntype=raw,value={{{branch}}}\ntype=ref,event=branch',
    expected: ['a-b', 'a-amp-b']
  },
  { label: 'an unknown name is empty', event: 'main', tags: 'type=raw,value=x{{version}}y', expected: ['xy'] },
  // From the source: with latest=auto, the rule of the first (highest-priority) tag decides.
  {
    label: "latest=auto: the first tag's rule decides (semver stable)",
    event: 'tag',
    tags: SEMVER3 + '\ntype=sha',
    expected: ['1.2.3', '1.2', '1', 'sha-6113728', 'latest']
  },
  {
    label: "latest=auto: the first tag's rule decides (sha first: no latest)",
    event: 'tag',
    tags: 'type=sha,priority=1000\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}',
    expected: ['sha-6113728', '1.2.3', '1.2', '1']
  },
  {
    label: 'latest=false',
    event: 'tag',
    tags: SEMVER3,
    flavor: 'latest=false',
    expected: ['1.2.3', '1.2', '1']
  },
  { label: 'latest=true on a branch', event: 'main', tags: 'type=ref,event=branch', flavor: 'latest=true', expected: ['main', 'latest'] },
  { label: 'latest=true and nothing to tag', event: 'tag', tags: 'type=ref,event=branch', flavor: 'latest=true', expected: [] },
  {
    label: 'prefix/suffix: not on latest by default',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}',
    flavor: 'prefix=app-\nsuffix=-alpine',
    expected: ['app-1.2.3-alpine', 'latest']
  },
  {
    label: 'prefix onlatest=true',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}',
    flavor: 'prefix=app-,onlatest=true\nsuffix=-alpine',
    expected: ['app-1.2.3-alpine', 'app-latest']
  },
  {
    label: 'suffix onlatest=true',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}',
    flavor: 'prefix=app-\nsuffix=-alpine,onlatest=true',
    expected: ['app-1.2.3-alpine', 'latest-alpine']
  },
  {
    label: 'onlatest belongs to the last prefix or suffix of its line',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}',
    flavor: 'prefix=app-,suffix=-alpine,onlatest=true',
    expected: ['app-1.2.3-alpine', 'latest-alpine']
  },
  // metadata-action lists latest twice here (its source appends it without looking); once is the same tag.
  {
    label: 'a raw latest and latest=auto: latest once',
    event: 'tag',
    tags: 'type=semver,pattern={{version}}\ntype=raw,value=latest',
    expected: ['1.2.3', 'latest']
  },
  {
    label: 'a value with a comma, quoted for both passes',
    event: 'tag',
    tags: 'type=match,"""pattern=\\d{1,3}""",group=0',
    expected: ['1', 'latest']
  },
  // From the source: the input is split into lines by a first CSV pass that drops the quotes.
  {
    label: 'quotes removed by the first pass: the comma splits',
    event: 'tag',
    tags: 'type=match,"pattern=\\d{1,3}",group=0',
    expected: []
  },
  {
    label: 'comments: a # line, and # inside a value',
    event: 'main',
    tags: 'type=raw,value=a\n#type=raw,value=b\ntype=raw,value=c#d',
    expected: ['a', 'c-d']
  },
  { label: 'keys in any case, spaces around', event: 'main', tags: ' TYPE = raw , Value = spaced ', expected: ['spaced'] },
  // From the source: a field splits at its first = only.
  { label: 'a second = belongs to the value', event: 'main', tags: 'type=raw,value=a=b', expected: ['a-b'] }
];

test.each(CASES)('$label ($event): $expected', c => {
  const r = runCase(c);
  expect(r.errors).toEqual([]);
  expect(r.tags.map(t => t.tag)).toEqual(c.expected);
  expect(r.version).toBe(c.expected[0] ?? '');
});

describe('what is wrong is reported, every line at once, and no tag comes out', () => {
  test('lines that fail while computing the tags name their line too', () => {
    const r = runCase({
      event: 'main',
      tags: [
        'type=raw,value=a,enable=maybe',
        'type=raw,value={{date}}',
        "type=raw,value={{date 'YYYY' foo='x'}}",
        "type=raw,value={{date 'YYYY' tz=''}}",
        "type=raw,value={{foo 'a'}}",
        'type=raw,value={{branch',
        "type=raw,value={{date 'W'}}",
        'type=raw,value={{#if x}}y{{/if}}',
        'type=ref',
        'type=raw,value=ok'
      ].join('\n'),
      flavor: 'latest=maybe'
    });
    expect(r.errors).toEqual([
      'meta-tags: "type=ref" (line 9) has no event=',
      'flavor: "latest=maybe" (line 1) has latest=maybe; use auto, true or false',
      'meta-tags: "type=raw,value=a,enable=maybe" (line 1) has enable=maybe, which gives "maybe": it must give true or false',
      'meta-tags: "type=raw,value={{date}}" (line 2) {{date}} needs a quoted format, e.g. {{date \'YYYYMMDD\'}}',
      "meta-tags: \"type=raw,value={{date 'YYYY' foo='x'}}\" (line 3) {{date}} has no foo= option (only tz=)",
      "meta-tags: \"type=raw,value={{date 'YYYY' tz=''}}\" (line 4) {{date}}: tz takes a quoted zone name, e.g. tz='Asia/Tokyo'",
      'meta-tags: "type=raw,value={{foo \'a\'}}" (line 5) {{foo …}}: there is no foo here',
      'meta-tags: "type=raw,value={{branch" (line 6) {{branch: an expression is not closed with }}',
      'meta-tags: "type=raw,value={{date \'W\'}}" (line 7) the date format token W is not supported (use [text] for literal letters)',
      'meta-tags: "type=raw,value={{#if x}}y{{/if}}" (line 8) {{#if x}}: blocks, partials and else are not supported'
    ]);
    expect({ tags: r.tags, version: r.version }).toEqual({ tags: [], version: '' });
  });

  test('enable must come out exactly true or false', () => {
    expect(runCase({ event: 'main', tags: 'type=raw,value=a,enable=TRUE' }).errors).toEqual([
      'meta-tags: "type=raw,value=a,enable=TRUE" (line 1) has enable=TRUE, which gives "TRUE": it must give true or false'
    ]);
  });

  test('DOCKER_METADATA_SHORT_SHA_LENGTH that is not a number, when a short SHA is asked for', () => {
    const env = { DOCKER_METADATA_SHORT_SHA_LENGTH: 'twelve' };
    expect(runCase({ event: 'main', tags: 'type=sha', env }).errors).toEqual([
      'meta-tags: "type=sha" (line 1) DOCKER_METADATA_SHORT_SHA_LENGTH is not a number: "twelve"'
    ]);
    expect(runCase({ event: 'main', tags: 'type=sha,format=long', env }).errors).toEqual([]);
  });
});

describe('what each tag carries', () => {
  test('its rule, priority and the release it publishes; latest names the rule that decided it', () => {
    const r = runCase({ event: 'release', tags: `${SEMVER3}\ntype=sha` });
    expect(r.tags).toEqual([
      { tag: '2.3.4', priority: 900, rule: 'type=semver,pattern={{version}}', release: '2.3.4' },
      { tag: '2.3', priority: 900, rule: 'type=semver,pattern={{major}}.{{minor}}', release: '2.3.4' },
      { tag: '2', priority: 900, rule: 'type=semver,pattern={{major}}', release: '2.3.4' },
      { tag: 'sha-6113728', priority: 100, rule: 'type=sha', release: '2.3.4' },
      { tag: 'latest', priority: 900, rule: 'flavor latest=auto (type=semver,pattern={{version}})', release: '2.3.4', latest: true }
    ]);
    expect({ version: r.version, latestAdded: r.latestAdded, release: r.release?.version, prerelease: r.prerelease }).toEqual({
      version: '2.3.4',
      latestAdded: true,
      release: '2.3.4',
      prerelease: undefined
    });
  });

  test.each([
    ['a pushed stable tag with type=ref', 'tag', 'type=ref,event=tag', '1.2.3'],
    ['a semver value= on a branch', 'main', 'type=semver,pattern={{version}},value=3.4.5', '3.4.5'],
    ['a stable PEP 440 release', 'tag', 'type=pep440,pattern={{version}}', '1.2.3'],
    ['a semver pre-release', 'rcTag', SEMVER3, undefined],
    ['a branch push', 'main', 'type=ref,event=branch', undefined],
    ['a ticked release box (floating tags still move: the guard applies)', 'releaseBox', SEMVER3, '2.5.0']
  ] as const)('the release for the backport guard: %s', (_what, event, tags, release) => {
    expect(runCase({ event, tags }).release?.version).toBe(release);
  });

  test('metadata-action’s warnings, and an ignored attribute', () => {
    const r = runCase({
      event: 'tag',
      ref: 'refs/tags/nightly/2026.11',
      tags: 'type=semver,pattern={{version}}\ntype=pep440,pattern={{version}},size=big\ntype=match,pattern=^x'
    });
    expect(r.warnings).toEqual([
      'meta-tags: "type=pep440,pattern={{version}},size=big" (line 2) has size=, which type=pep440 does not use: ignored',
      'nightly-2026.11 is not a valid semver. More info: https://semver.org/',
      'nightly-2026.11 does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440',
      '^x does not match nightly/2026.11.',
      'meta-tags: no rule gives a tag for this event'
    ]);
    expect(r.tags).toEqual([]);
  });

  test('the clock is the caller’s', () => {
    const r = runCase(
      { event: 'schedule', tags: "type=schedule,pattern={{date 'YYYYMMDD'}}" },
      undefined,
      new Date('2027-02-03T04:05:06Z')
    );
    expect(r.version).toBe('20270203');
  });
});
