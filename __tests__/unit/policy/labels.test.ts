import * as fs from 'fs';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';
import { eventTimestamp, imageMetadata, mergeAnnotations, mergeLabels, ociMetadata } from '../../../src/policy/labels';
import { SHA, ctxFor } from './events';

const payload = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'events', 'release-published-stable.json'), 'utf8')
) as RunContext['payload'];
const ctx = {
  eventName: 'release',
  payload,
  repository: 'Octo-Org/Hello-World',
  sha: 'abc1234',
  serverUrl: 'https://github.com'
} as RunContext;

test('OCI metadata comes from the payload repository', () => {
  expect(ociMetadata(ctx, '2.3.4', eventTimestamp(ctx))).toEqual({
    'org.opencontainers.image.title': 'Hello-World',
    'org.opencontainers.image.description': 'This your first repo!',
    'org.opencontainers.image.url': 'https://github.com/Octo-Org/Hello-World',
    'org.opencontainers.image.source': 'https://github.com/Octo-Org/Hello-World',
    'org.opencontainers.image.version': '2.3.4',
    'org.opencontainers.image.created': '2026-11-21T12:00:00.000Z',
    'org.opencontainers.image.revision': 'abc1234',
    'org.opencontainers.image.licenses': 'Apache-2.0'
  });
});

test('user labels win per key', () => {
  const ours = { 'org.opencontainers.image.title': 'ours', 'org.opencontainers.image.version': '1' };
  expect(mergeLabels(['org.opencontainers.image.title=Mine'], ours)).toEqual([
    'org.opencontainers.image.title=Mine',
    'org.opencontainers.image.version=1'
  ]);
});

test('annotations at manifest and index level, user keys win at any level', () => {
  const ours = { 'org.opencontainers.image.title': 't', 'org.opencontainers.image.description': 'd' };
  expect(mergeAnnotations(['index:org.opencontainers.image.description=mine'], ours)).toEqual([
    'index:org.opencontainers.image.description=mine',
    'manifest:org.opencontainers.image.title=t',
    'index:org.opencontainers.image.title=t'
  ]);
});

// buildx before 0.16 merges a build split over appended nodes into an index without its annotations.
test.each([
  ['0.13.1', [], ['manifest', 'index'], undefined],
  ['0.13.1', [{}], ['manifest'], /buildx 0\.13\.1 merges the appended nodes' images without index annotations/],
  ['0.16.0', [{}], ['manifest', 'index'], undefined]
])('buildx %s with %j appended nodes: our annotations at the %j levels', (version, append, levels, warning) => {
  const cfg = { labels: [], annotations: [], platforms: ['linux/amd64', 'linux/arm64'], append };
  const metadata = imageMetadata(cfg, ctx, version);
  expect([...new Set(metadata.annotations.map(a => a.slice(0, a.indexOf(':'))))]).toEqual(levels);
  if (warning) expect(metadata.warning).toMatch(warning);
  else expect(metadata.warning).toBeUndefined();
});

// GitHub sends pull_request_target and issue_comment with the base branch's GITHUB_SHA: never the revision of untrusted code.
test.each([
  ['pull_request_target', 'pull-request-target-fork.json', 'aaaabbbbccccddddeeeeffff0000111122223333'],
  ['issue_comment', 'issue-comment-pull-request.json', undefined],
  ['push', 'push-default-branch.json', SHA]
])('the revision label of %s is the commit of the code built', (event, file, revision) => {
  const labels = ociMetadata(ctxFor(event, file, 'refs/heads/main'), 'pr-42', undefined);
  expect(labels['org.opencontainers.image.revision']).toBe(revision);
});
