/** Runs metadataTags on the event payload fixtures, at a fixed clock, for the metadata tests. */
import { classifyEvent } from '../../../../src/inputs/event';
import { GitHubApiHooks, METADATA_ACTION_BEHAVIOUR, MetadataResult, SafetyRules, metadataTags } from '../../../../src/policy/metadata';
import { ctxFor } from '../events';

/** Event, payload fixture and GITHUB_REF of each event the tables use. */
export const EVENTS = {
  main: ['push', 'push-default-branch.json', 'refs/heads/main'],
  feature: ['push', 'push-feature-branch.json', 'refs/heads/Feature/Login_Page'],
  develop: ['push', 'push-branch-commits.json', 'refs/heads/develop'],
  tag: ['push', 'push-tag.json', 'refs/tags/v1.2.3'],
  rcTag: ['push', 'push-tag-rc.json', 'refs/tags/v1.2.3-rc.1'],
  pepTag: ['push', 'push-tag-pep440.json', 'refs/tags/1.2.3rc1'],
  release: ['release', 'release-published-stable.json', 'refs/tags/v2.3.4'],
  releaseRc: ['release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1'],
  releaseBox: ['release', 'release-prerelease-checkbox-only.json', 'refs/tags/v2.5.0'],
  releaseV0: ['release', 'release-published-v0.json', 'refs/tags/v0.9.1'],
  pr: ['pull_request', 'pull-request-same-repo.json', 'refs/pull/7/merge'],
  prFork: ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'],
  prTarget: ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main'],
  prTargetSame: ['pull_request_target', 'pull-request-target-same-repo.json', 'refs/heads/main'],
  issueComment: ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main'],
  schedule: ['schedule', 'schedule.json', 'refs/heads/main'],
  dispatch: ['workflow_dispatch', 'workflow-dispatch.json', 'refs/heads/main'],
  mergeGroup: ['merge_group', 'merge-group.json', 'refs/heads/gh-readonly-queue/main/pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246'],
  workflowRunFork: ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main']
} as const;

export type EventKey = keyof typeof EVENTS;

export const NOW = new Date('2026-11-20T10:00:00.000Z');

/** The API hooks the tables name: the API reports `develop` as default branch, or dates the commit. */
export const API: Record<'develop' | 'commit', GitHubApiHooks> = {
  develop: { defaultBranch: () => 'develop' },
  commit: { commitDate: () => new Date('2026-01-02T03:04:05Z') }
};

export interface Case {
  event: EventKey;
  /** GITHUB_REF, when not the event's own. */
  ref?: string;
  tags: string;
  flavor?: string;
  env?: Record<string, string>;
  api?: keyof typeof API;
}

export function runCase(c: Case, safety: SafetyRules = METADATA_ACTION_BEHAVIOUR, now = NOW): MetadataResult {
  const [name, file, ref] = EVENTS[c.event];
  const event = classifyEvent(ctxFor(name, file, c.ref ?? ref));
  return metadataTags({ tags: c.tags, flavor: c.flavor ?? '', env: c.env ?? {} }, event, now, {
    safety,
    api: c.api ? API[c.api] : undefined
  });
}
