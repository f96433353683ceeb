/** Asking which release GitHub marks latest, through a stand-in of the GitHub API (GITHUB_API_URL). */
import { RunContext } from '../../../src/inputs/context';
import { withLatestRelease } from '../../../src/github/latest-release';
import { ctxFor } from '../policy/events';
import { TestServer, serve } from '../test-server';

let api: TestServer;
let answer: { status: number; body: object } = { status: 200, body: { tag_name: 'v2.3.4' } };

beforeAll(async () => {
  api = await serve((req, res) => {
    if (req.url === '/repos/Octo-Org/Hello-World/releases/latest')
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    else res.writeHead(404).end('{}');
  });
});

afterAll(async () => {
  await api.close();
});

function at(event: string, file: string, ref: string): RunContext {
  return { ...ctxFor(event, file, ref), apiUrl: `http://${api.host}` };
}

const stable = (): RunContext => at('release', 'release-published-stable.json', 'refs/tags/v2.3.4');

test.each([
  ['the designated release', { status: 200, body: { tag_name: 'v2.3.4' } }, { tagName: 'v2.3.4' }],
  ['another release', { status: 200, body: { tag_name: 'v3.0.0' } }, { tagName: 'v3.0.0' }],
  ['no latest release at all (404)', { status: 404, body: { message: 'Not Found' } }, { tagName: undefined }]
])('a published stable release asks the API: %s', async (_name, given, expected) => {
  answer = given;
  expect((await withLatestRelease(stable(), 't')).latestRelease).toEqual(expected);
});

test('an API failure is a problem the policy turns into a warning, not a failed run', async () => {
  answer = { status: 500, body: { message: 'boom' } };
  expect((await withLatestRelease(stable(), 't')).latestRelease?.problem).toMatch(/boom|500/);
});

test.each([
  ['a pre-release', () => at('release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1'), 't'],
  ['a branch push', () => at('push', 'push-default-branch.json', 'refs/heads/main'), 't'],
  ['a pull request', () => at('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'), 't'],
  ['no token (tags given, or none)', stable, '']
])('nothing is asked for %s', async (_name, ctx, token) => {
  const before = api.seen.length;
  expect((await withLatestRelease(ctx(), token)).latestRelease).toBeUndefined();
  expect(api.seen.length).toBe(before);
});
