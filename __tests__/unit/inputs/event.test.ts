/** The one event module over the payloads GitHub really sends: pull request code, trust, the ref and commit built. */
import { classifyEvent } from '../../../src/inputs/event';
import { SHA, ctxFor } from '../policy/events';

const WORKFLOW_RUN_HEAD = 'aaaabbbbccccddddeeeeffff0000111122223333';
const QUEUE_REF = `refs/heads/gh-readonly-queue/main/pr-42-${SHA}`;

type Row = [
  event: string,
  file: string,
  githubRef: string,
  resolved: string | undefined,
  expected: { pr?: number; untrusted?: RegExp; ref: string; sha: string }
];

const TABLE: Row[] = [
  ['push', 'push-default-branch.json', 'refs/heads/main', undefined, { ref: 'refs/heads/main', sha: SHA }],
  ['push', 'push-tag.json', 'refs/tags/v1.4.0', undefined, { ref: 'refs/tags/v1.4.0', sha: SHA }],
  ['release', 'release-published-stable.json', 'refs/tags/v2.3.4', undefined, { ref: 'refs/tags/v2.3.4', sha: SHA }],
  ['schedule', 'schedule.json', 'refs/heads/main', undefined, { ref: 'refs/heads/main', sha: SHA }],
  ['workflow_dispatch', 'workflow-dispatch.json', 'refs/heads/main', undefined, { ref: 'refs/heads/main', sha: SHA }],
  [
    'pull_request',
    'pull-request-fork.json',
    'refs/pull/42/merge',
    undefined,
    { pr: 42, untrusted: /^pull_request$/, ref: 'refs/pull/42/merge', sha: SHA }
  ],
  [
    'pull_request_target',
    'pull-request-target-fork.json',
    'refs/heads/main',
    undefined,
    { pr: 42, untrusted: /^pull_request_target$/, ref: 'refs/heads/main', sha: SHA }
  ],
  [
    'pull_request_review',
    'pull-request-review.json',
    'refs/pull/42/merge',
    undefined,
    { pr: 42, untrusted: /^pull_request_review$/, ref: 'refs/pull/42/merge', sha: SHA }
  ],
  [
    'pull_request_review_comment',
    'pull-request-review-comment.json',
    'refs/pull/42/merge',
    undefined,
    { pr: 42, untrusted: /^pull_request_review_comment$/, ref: 'refs/pull/42/merge', sha: SHA }
  ],
  [
    'issue_comment',
    'issue-comment-pull-request.json',
    'refs/heads/main',
    undefined,
    { pr: 42, untrusted: /^issue_comment on pull request #42 /, ref: 'refs/heads/main', sha: SHA }
  ],
  ['issue_comment', 'issue-comment-issue.json', 'refs/heads/main', undefined, { ref: 'refs/heads/main', sha: SHA }],
  ['merge_group', 'merge-group.json', QUEUE_REF, undefined, { untrusted: /^merge_group /, ref: QUEUE_REF, sha: SHA }],
  // A workflow_run builds the triggering run's commit on its branch or tag, not the default branch's head.
  ['workflow_run', 'workflow-run-push.json', 'refs/heads/main', 'refs/heads/main', { ref: 'refs/heads/main', sha: WORKFLOW_RUN_HEAD }],
  [
    'workflow_run',
    'workflow-run-feature-branch.json',
    'refs/heads/main',
    'refs/heads/feature/login-form',
    { ref: 'refs/heads/feature/login-form', sha: 'fedcba9876543210fedcba9876543210fedcba98' }
  ],
  [
    'workflow_run',
    'workflow-run-tag.json',
    'refs/heads/main',
    'refs/tags/v1.2.3',
    { ref: 'refs/tags/v1.2.3', sha: '1234567890abcdef1234567890abcdef12345678' }
  ],
  [
    'workflow_run',
    'workflow-run-fork-pr.json',
    'refs/heads/main',
    undefined,
    { untrusted: /^workflow_run of a pull request from contributor\/Hello-World$/, ref: '', sha: WORKFLOW_RUN_HEAD }
  ]
];

test.each(TABLE)('%s (%s)', (event, file, githubRef, resolved, expected) => {
  const ctx = { ...ctxFor(event, file, githubRef), workflowRunRef: resolved ? { ref: resolved } : undefined };
  const e = classifyEvent(ctx);
  expect(e.pullRequest?.number).toBe(expected.pr);
  if (expected.untrusted) expect(e.untrusted?.reason).toMatch(expected.untrusted);
  else expect(e.untrusted).toBeUndefined();
  expect({ ref: e.ref, sha: e.sha }).toEqual({ ref: expected.ref, sha: expected.sha });
});

test.each([
  ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { withBaseSecrets: false, foreign: true }],
  ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', { withBaseSecrets: true, foreign: true }],
  ['pull_request_review', 'pull-request-review.json', 'refs/pull/42/merge', { withBaseSecrets: false, foreign: true }],
  ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main', { withBaseSecrets: true, foreign: true }],
  ['merge_group', 'merge-group.json', QUEUE_REF, { withBaseSecrets: true, foreign: true }],
  ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', { withBaseSecrets: true, foreign: true }],
  ['push', 'push-feature-branch.json', 'refs/heads/gh-readonly-queue/main/pr-42-abc', { withBaseSecrets: true, foreign: true }]
])("%s (%s): base repository's secrets, foreign code", (event, file, ref, expected) => {
  expect(classifyEvent(ctxFor(event, file, ref)).untrusted).toEqual(expect.objectContaining(expected));
});

test('a workflow_run after a release run is that release, with its pre-release checkbox (told through the API)', () => {
  const ctx = ctxFor('workflow_run', 'workflow-run-tag.json', 'refs/heads/main');
  const resolved = { ref: 'refs/tags/v1.2.3', release: { tagName: 'v1.2.3', prerelease: true } };
  expect(classifyEvent({ ...ctx, workflowRunRef: resolved }).release).toEqual({
    tagName: 'v1.2.3',
    prerelease: true,
    action: 'published',
    publishes: true
  });
});

test('a workflow_run whose ref could not be told carries the reason', () => {
  const ctx = { ...ctxFor('workflow_run', 'workflow-run-tag.json', 'refs/heads/main'), workflowRunRef: { problem: 'no API' } };
  expect(classifyEvent(ctx)).toEqual(expect.objectContaining({ ref: '', refProblem: 'no API' }));
});

describe("the payload facts beside trust: pull request head and base, a push's base_ref, commit dates", () => {
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
});
