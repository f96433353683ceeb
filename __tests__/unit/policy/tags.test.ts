import { RunContext } from '../../../src/inputs/context';
import { classifyEvent } from '../../../src/inputs/event';
import { DEFAULT_TAG_RULES, parseTagRules } from '../../../src/inputs/tag-rules';
import { loadConfig } from '../../../src/policy/config';
import { ctxFor } from './events';
import { eventTags, guardedTags, holdBackwardMoves, publishTags, sanitizeTag } from '../../../src/policy/tags';

const DEFAULT_INPUTS: Record<string, string> = { 'github-token': 'ghs_x' };

// event, payload file, GITHUB_REF, exact tags, push?
const CASES: [string, string, string, string[], boolean][] = [
  ['release', 'release-published-stable.json', 'refs/tags/v2.3.4', ['2.3.4', '2.3', '2', 'latest'], true],
  ['release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1', ['2.4.0-rc.1'], true],
  ['release', 'release-prerelease-checkbox-only.json', 'refs/tags/v2.5.0', ['2.5.0'], true],
  ['release', 'release-published-v0.json', 'refs/tags/v0.9.1', ['0.9.1', '0.9', 'latest'], true],
  ['release', 'release-edited.json', 'refs/tags/v1.0.0', ['1.0.0', '1.0', '1', 'latest'], false],
  ['push', 'push-tag.json', 'refs/tags/v1.2.3', ['1.2.3', '1.2', '1', 'latest'], true],
  ['push', 'push-default-branch.json', 'refs/heads/main', ['edge', 'sha-6113728'], true],
  ['push', 'push-feature-branch.json', 'refs/heads/Feature/Login_Page', ['Feature-Login_Page', 'sha-6113728'], true],
  ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', ['pr-42'], false],
  ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', ['pr-42'], false],
  ['schedule', 'schedule.json', 'refs/heads/main', ['nightly'], true],
  ['workflow_dispatch', 'workflow-dispatch.json', 'refs/heads/main', ['edge', 'sha-6113728'], true]
];

describe('tags from real event payloads', () => {
  test.each(CASES)('%s (%s)', async (eventName, file, ref, tags, push) => {
    const ctx = ctxFor(eventName, file, ref);
    const cfg = loadConfig(n => DEFAULT_INPUTS[n] ?? '', ctx);
    expect(cfg.push).toBe(push);
    if (!push) expect(cfg.logins).toEqual([]);
    const result = await publishTags(cfg);
    expect(result.refs).toEqual(tags.map(t => `ghcr.io/octo-org/hello-world:${t}`));
  });
});

describe('rules', () => {
  const release = ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4');
  const branch = ctxFor('push', 'push-default-branch.json', 'refs/heads/main');
  const develop = { ...branch, ref: 'refs/heads/develop' };
  const rules = (raw: string) => {
    const r = parseTagRules(raw);
    expect(r.errors).toEqual([]);
    return r.rules;
  };
  const names = (ctx: RunContext, raw: string) => eventTags(classifyEvent(ctx), rules(raw)).tags.map(t => t.tag);

  test.each([
    ['latest=false', release, ['2.3.4', '2.3', '2']],
    ['semver={{major}}.{{minor}}', release, ['2.3', 'latest']],
    ['semver={{version}}\nsemver=v{{major}}', release, ['2.3.4', 'v2', 'latest']],
    ['prefix=app-\nsuffix=-alpine', release, ['app-2.3.4-alpine', 'app-2.3-alpine', 'app-2-alpine', 'app-latest-alpine']],
    ['raw=stable', release, ['2.3.4', '2.3', '2', 'latest', 'stable']],
    ['raw=stable\nsuffix=-alpine', release, ['2.3.4-alpine', '2.3-alpine', '2-alpine', 'latest-alpine', 'stable-alpine']],
    ['edge-branch=develop', develop, ['edge', 'sha-6113728']],
    ['edge-branch=develop', branch, ['main', 'sha-6113728']],
    ['latest=edge', branch, ['edge', 'latest', 'sha-6113728']],
    ['sha=false', branch, ['edge']]
  ])('%j', (raw, ctx, expected) => {
    expect(names(ctx, raw)).toEqual(expected);
  });

  test('a tag that is not semver: the sanitised tag, no latest', () => {
    const ctx = ctxFor('push', 'push-tag.json', 'refs/tags/nightly/2026.11');
    expect(names(ctx, '')).toEqual(['nightly-2026.11']);
  });

  test('each rule is named in the table', () => {
    const t = eventTags(
      classifyEvent(ctxFor('release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1')),
      DEFAULT_TAG_RULES
    ).tags;
    expect(t).toEqual([{ tag: '2.4.0-rc.1', rule: '{{version}} (semver pre-release: no latest, no short forms)' }]);
  });

  test.each([
    ['latest=sometimes', /latest takes auto, true, false or edge/],
    ['prefix=a/b', /may only use letters/],
    ['semver=major', /is not a template/],
    ['raw=-bad', /is not a valid tag/],
    ['colour=blue', /is not a rule/]
  ])('bad rule %j', (raw, message) => {
    const r = parseTagRules(raw);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
  });

  test.each([
    ['feature/x', 'feature-x'],
    ['Fix/ÜBER', 'Fix--BER'],
    ['.hidden', 'hidden'],
    ['a'.repeat(200), 'a'.repeat(128)]
  ])('sanitizeTag(%j)', (name, expected) => {
    expect(sanitizeTag(name, 'branch')).toBe(expected);
  });

  test('an unusable ref is an error naming it', () => {
    expect(() => sanitizeTag('///', 'branch')).toThrow('branch "///" cannot be made into an image tag');
  });
});

describe('tags never move backwards', () => {
  const derived = eventTags(classifyEvent(ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4')), DEFAULT_TAG_RULES);
  // What each tag points at now (its version annotation); absent: the tag does not exist yet.
  test.each([
    ['nothing published yet', {}, ['2.3.4', '2.3', '2', 'latest']],
    ['older releases', { '2.3': '2.3.3', '2': '2.3.3', latest: '2.3.3' }, ['2.3.4', '2.3', '2', 'latest']],
    ['3.0.0 is latest: latest stays', { '2': '2.3.3', latest: '3.0.0' }, ['2.3.4', '2.3', '2']],
    ['2 and latest point at 2.4.0: they stay', { '2': '2.4.0', latest: '2.4.0', '2.3': '2.3.3' }, ['2.3.4', '2.3']],
    ['2.3 points at 2.3.5: only it and newer ones stay', { '2.3': '2.3.5', '2': '2.3.5', latest: '2.3.5' }, ['2.3.4']],
    [
      're-publishing the same release moves everything',
      { '2.3.4': '2.3.4', '2.3': '2.3.4', latest: '2.3.4' },
      ['2.3.4', '2.3', '2', 'latest']
    ],
    ['a tag pointing at a pre-release does not hold', { latest: '3.0.0-rc.1' }, ['2.3.4', '2.3', '2', 'latest']],
    ['a tag with no version annotation is moved', { latest: undefined }, ['2.3.4', '2.3', '2', 'latest']]
  ])('%s', (_n, current: Record<string, string | undefined>, kept) => {
    expect(holdBackwardMoves(derived, new Map(Object.entries(current))).kept.map(t => t.tag)).toEqual(kept);
  });

  test('any semver template works, not only ones with {{version}}', () => {
    const rules = parseTagRules('semver=v{{major}}.{{minor}}\nsemver=v{{major}}').rules;
    const custom = eventTags(classifyEvent(ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4')), rules);
    const moves = holdBackwardMoves(
      custom,
      new Map([
        ['v2', '2.4.0'],
        ['latest', '2.4.0'],
        ['v2.3', '2.3.3']
      ])
    );
    expect(moves.kept.map(t => t.tag)).toEqual(['v2.3']);
    expect(moves.held.map(t => t.tag)).toEqual(['v2', 'latest']);
  });

  test('2.4.0 published as a pre-release (no floating tag moved), then the stable hotfix 2.3.4 moves 2 and latest', async () => {
    // The registry holds the tag 2.4.0, but 2 and latest still point at 2.3.3.
    const cfg = { tags: [], images: ['ghcr.io/o/app'], tagRules: DEFAULT_TAG_RULES, derived };
    const now: Record<string, string> = { '2.4.0': '2.4.0', '2.3': '2.3.3', '2': '2.3.3', latest: '2.3.3' };
    const result = await publishTags(cfg, (_image, tag) => Promise.resolve(now[tag]));
    expect(result.refs).toEqual(['2.3.4', '2.3', '2', 'latest'].map(t => `ghcr.io/o/app:${t}`));
    expect(result.held).toEqual([]);
  });

  test('each image is judged by what its own tags point at', async () => {
    const cfg = { tags: [], images: ['ghcr.io/o/app', 'docker.io/o/app'], tagRules: DEFAULT_TAG_RULES, derived };
    const result = await publishTags(cfg, (image, tag) =>
      Promise.resolve(image.startsWith('docker.io') && tag === 'latest' ? '3.0.0' : undefined)
    );
    expect(result.refs).toEqual([
      ...['2.3.4', '2.3', '2', 'latest'].map(t => `ghcr.io/o/app:${t}`),
      ...['2.3.4', '2.3', '2'].map(t => `docker.io/o/app:${t}`)
    ]);
    expect(result.held).toEqual([{ ref: 'docker.io/o/app:latest', version: '3.0.0' }]);
    // latest still moves in ghcr.io/o/app, so the log's table lists it.
    expect(result.table.map(t => t.tag)).toEqual(['2.3.4', '2.3', '2', 'latest']);
  });

  test("the log's table lists only the tags that move", async () => {
    const cfg = { tags: [], images: ['ghcr.io/o/app'], tagRules: DEFAULT_TAG_RULES, derived };
    const result = await publishTags(cfg, (_image, tag) => Promise.resolve(tag === 'latest' || tag === '2' ? '3.0.0' : undefined));
    expect(result.table.map(t => t.tag)).toEqual(['2.3.4', '2.3']);
  });
});

describe('a branch named like a version never moves a release’s tag', () => {
  const branch = (name: string) =>
    eventTags(classifyEvent({ ...ctxFor('push', 'push-feature-branch.json', `refs/heads/${name}`) }), DEFAULT_TAG_RULES);

  test.each([
    ['7.2 holds the release 7.2.1: held', '7.2', { '7.2': '7.2.1' }, ['sha-6113728']],
    ['7.2 holds another branch build (version 7.2, no release): moves', '7.2', { '7.2': '7.2' }, ['7.2', 'sha-6113728']],
    ['v7 holds the release 7.0.0: held', 'v7', { v7: '7.0.0' }, ['sha-6113728']],
    ['7.2 holds a pre-release: moves', '7.2', { '7.2': '7.3.0-rc.1' }, ['7.2', 'sha-6113728']],
    ['a branch not named like a version is never held', 'feature', { feature: '1.0.0' }, ['feature', 'sha-6113728']]
  ])('%s', (_n, name, current: Record<string, string>, kept) => {
    expect(holdBackwardMoves(branch(name), new Map(Object.entries(current))).kept.map(t => t.tag)).toEqual(kept);
  });

  test('with a prefix, or a branch named latest, the guard still holds the release', () => {
    const withPrefix = eventTags(
      classifyEvent(ctxFor('push', 'push-feature-branch.json', 'refs/heads/7.2')),
      parseTagRules('prefix=app-').rules
    );
    expect(holdBackwardMoves(withPrefix, new Map([['app-7.2', '7.2.1']])).kept.map(t => t.tag)).toEqual(['app-sha-6113728']);
    expect(holdBackwardMoves(branch('latest'), new Map([['latest', '3.0.0']])).kept.map(t => t.tag)).toEqual(['sha-6113728']);
  });

  test('only version-like tags are read for a branch build', () => {
    expect(guardedTags(branch('7.2')).map(t => t.tag)).toEqual(['7.2']);
    expect(guardedTags(branch('feature'))).toEqual([]);
  });
});

describe('push decisions for pull requests', () => {
  const pr = ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge');
  const target = ctxFor('pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main');
  const load = (ctx: RunContext, inputs: Record<string, string>) => loadConfig(n => ({ ...DEFAULT_INPUTS, ...inputs })[n] ?? '', ctx);

  test('push-pull-requests opts in', () => {
    expect(load(pr, { 'push-pull-requests': 'true' }).push).toBe(true);
  });
  test('push: true alone on a pull request is refused, naming the opt-in', () => {
    expect(() => load(pr, { push: 'true' })).toThrow(
      /push: "true" pushes from a pull_request event \(untrusted code\) only with push-pull-requests: true/
    );
  });
  test('pull_request_target pushes need allow-pull-request-target', () => {
    expect(() => load(target, { 'push-pull-requests': 'true' })).toThrow(/needs allow-pull-request-target: true/);
    expect(load(target, { 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' }).push).toBe(true);
  });
  test('tags given still win verbatim', async () => {
    const cfg = load(ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4'), { tags: 'ghcr.io/o/x:custom' });
    expect((await publishTags(cfg)).refs).toEqual(['ghcr.io/o/x:custom']);
    expect(cfg.derived?.version).toBe('2.3.4');
  });
});
