/** Telling a workflow_run's triggering ref through a stand-in of the GitHub API (GITHUB_API_URL). */
import { RunContext } from '../../../src/inputs/context';
import { withWorkflowRunRef } from '../../../src/github/workflow-run';
import { ctxFor } from '../policy/events';
import { TestServer, serve } from '../test-server';

const TAG_SHA = '1234567890abcdef1234567890abcdef12345678';
let api: TestServer;

/** The API: v1.2.3 is an annotated tag of TAG_SHA, v0.9 a lightweight tag of another commit; nothing else exists. */
beforeAll(async () => {
  api = await serve((req, res) => {
    const json = (status: number, body: object): void =>
      void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/repos/Octo-Org/Hello-World/git/ref/tags%2Fv1.2.3' || req.url === '/repos/Octo-Org/Hello-World/git/ref/tags/v1.2.3')
      json(200, { ref: 'refs/tags/v1.2.3', object: { type: 'tag', sha: 'ffff' } });
    else if (req.url === '/repos/Octo-Org/Hello-World/git/tags/ffff') json(200, { object: { type: 'commit', sha: TAG_SHA } });
    else if (req.url?.includes('v0.9')) json(200, { ref: 'refs/tags/v0.9', object: { type: 'commit', sha: 'other' } });
    else if (req.url === '/repos/Octo-Org/Hello-World/releases/tags/v1.2.3') json(200, { tag_name: 'v1.2.3', prerelease: true });
    else json(404, { message: 'Not Found' });
  });
});

afterAll(async () => {
  await api.close();
});

function run(
  file: string,
  over: Partial<NonNullable<RunContext['payload']['workflow_run']>> = {},
  apiUrl = `http://${api.host}`
): RunContext {
  const ctx = ctxFor('workflow_run', file, 'refs/heads/main');
  return { ...ctx, apiUrl, payload: { ...ctx.payload, workflow_run: { ...ctx.payload.workflow_run, ...over } } };
}

test.each([
  ['a tag pointing at head_sha (through an annotated tag)', 'workflow-run-tag.json', {}, 'refs/tags/v1.2.3'],
  ['a branch (no such tag)', 'workflow-run-feature-branch.json', {}, 'refs/heads/feature/login-form'],
  ['a tag of that name pointing elsewhere: the branch', 'workflow-run-tag.json', { head_branch: 'v0.9' }, 'refs/heads/v0.9']
])('%s', async (_name, file, over, ref) => {
  expect((await withWorkflowRunRef(run(file, over), { tagsGiven: false, token: 't' })).workflowRunRef).toEqual({ ref });
});

test('a run on a release is that release, pre-release checkbox included', async () => {
  const ctx = run('workflow-run-tag.json', { event: 'release' });
  expect((await withWorkflowRunRef(ctx, { tagsGiven: false, token: 't' })).workflowRunRef).toEqual({
    ref: 'refs/tags/v1.2.3',
    release: { tagName: 'v1.2.3', prerelease: true }
  });
});

test('nothing is asked when tags are given on the default branch, by a plan, for a run after a pull request, or another event', async () => {
  const before = api.seen.length;
  expect((await withWorkflowRunRef(run('workflow-run-push.json'), { tagsGiven: true, token: 't' })).workflowRunRef).toBeUndefined();
  const plan = { tagsGiven: true, token: 't', plan: true };
  expect((await withWorkflowRunRef(run('workflow-run-tag.json'), plan)).workflowRunRef).toBeUndefined();
  expect((await withWorkflowRunRef(run('workflow-run-fork-pr.json'), { tagsGiven: false, token: 't' })).workflowRunRef).toBeUndefined();
  const push = ctxFor('push', 'push-default-branch.json', 'refs/heads/main');
  expect((await withWorkflowRunRef(push, { tagsGiven: false, token: 't' })).workflowRunRef).toBeUndefined();
  expect(api.seen.length).toBe(before);
});

// Trust needs it with tags given too: a tag's run may sign, another branch's may not (inputs/event.ts).
test.each([
  ['workflow-run-tag.json', 'refs/tags/v1.2.3'],
  ['workflow-run-feature-branch.json', 'refs/heads/feature/login-form']
])('tags given, a run off the default branch (%s): its ref is still asked, for trust', async (file, ref) => {
  expect((await withWorkflowRunRef(run(file), { tagsGiven: true, token: 't' })).workflowRunRef).toEqual({ ref });
});

test('without a token, or when the API fails, the reason is kept for the tags error', async () => {
  const noToken = await withWorkflowRunRef(run('workflow-run-tag.json'), { tagsGiven: false, token: '' });
  expect(noToken.workflowRunRef?.problem).toMatch(/^workflow_run: github-token is needed to tell whether "v1.2.3" .* set tags explicitly$/);
  const failing = await serve((_req, res) => res.writeHead(500).end('{"message":"boom"}'));
  try {
    const broken = await withWorkflowRunRef(run('workflow-run-tag.json', {}, `http://${failing.host}`), { tagsGiven: false, token: 't' });
    expect(broken.workflowRunRef?.problem).toMatch(/^workflow_run: the GitHub API could not be asked .* set tags explicitly$/);
  } finally {
    await failing.close();
  }
});
