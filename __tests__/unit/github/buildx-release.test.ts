/** buildx-version: latest, asked of a stand-in of the GitHub API (GITHUB_API_URL). */
import { latestBuildxVersion } from '../../../src/github/buildx-release';
import { TestServer, serve } from '../test-server';

let api: TestServer;
let latest: { status: number; body: object };

beforeAll(async () => {
  api = await serve((req, res) => {
    const found = req.url === '/repos/docker/buildx/releases/latest';
    const { status, body } = found ? latest : { status: 404, body: { message: 'Not Found' } };
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
});

afterAll(async () => {
  await api.close();
});

test('the latest release’s tag, without its v, asked with the token', async () => {
  latest = { status: 200, body: { tag_name: 'v0.30.1' } };
  await expect(latestBuildxVersion(`http://${api.host}`, 'ghs_t')).resolves.toBe('0.30.1');
  expect(api.seen.at(-1)?.headers.authorization).toBe('token ghs_t');
});

test.each([
  ['a tag that is no version', { status: 200, body: { tag_name: 'nightly' } }, /tagged "nightly", which is not a version; pin one/],
  [
    'an API failure',
    { status: 403, body: { message: 'API rate limit exceeded' } },
    /^buildx-version: latest: the GitHub API could not tell the newest buildx release \(API rate limit exceeded/
  ]
])('%s fails naming it', async (_what, answer, error) => {
  latest = answer;
  await expect(latestBuildxVersion(`http://${api.host}`, 'ghs_t')).rejects.toThrow(error);
});

test('without a token nothing is asked', async () => {
  const before = api.seen.length;
  await expect(latestBuildxVersion(`http://${api.host}`, '')).rejects.toThrow(/give github-token, or pin a version/);
  expect(api.seen).toHaveLength(before);
});
