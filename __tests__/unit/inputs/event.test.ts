/** The payload facts classifyEvent gathers beside trust and release: pull request head and base, a push's base_ref, commit dates. */
import { classifyEvent } from '../../../src/inputs/event';
import { SHA, ctxFor } from '../policy/events';

test.each([
  [
    'pull_request',
    'pull-request-same-repo.json',
    'refs/pull/7/merge',
    { number: 7, headSha: 'cccc1111dddd2222eeee3333ffff444455556666', baseRef: 'develop' }
  ],
  [
    'pull_request_target',
    'pull-request-target-fork.json',
    'refs/heads/main',
    { number: 42, headSha: 'aaaabbbbccccddddeeeeffff0000111122223333', baseRef: 'main' }
  ],
  ['push', 'push-default-branch.json', 'refs/heads/main', undefined]
])('%s (%s): the pull request the payload names', (name, file, ref, expected) => {
  expect(classifyEvent(ctxFor(name, file, ref)).pullRequestPayload).toEqual(expected);
});

test.each([
  ['push-tag-rc.json', 'refs/tags/v1.2.3-rc.1', 'refs/heads/main'],
  ['push-tag.json', 'refs/tags/v1.2.3', undefined]
])('a push base_ref (%s)', (file, ref, expected) => {
  expect(classifyEvent(ctxFor('push', file, ref)).pushBaseRef).toBe(expected);
});

test.each([
  [
    'push-branch-commits.json',
    [
      { sha: '2222222222222222222222222222222222222222', timestamp: '2026-11-19T17:10:00-05:00' },
      { sha: SHA, timestamp: '2026-11-20T01:15:30+02:00' },
      { sha: SHA, timestamp: '2026-11-20T01:15:30+02:00' }
    ]
  ],
  ['push-default-branch.json', [{ sha: SHA, timestamp: '2026-11-20T09:59:00Z' }]],
  ['schedule.json', []]
])('commits the payload dates (%s), commits then head_commit', (file, expected) => {
  expect(classifyEvent(ctxFor('push', file, 'refs/heads/main')).commitDates).toEqual(expected);
});
