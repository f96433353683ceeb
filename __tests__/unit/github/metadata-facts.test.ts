/** What metadata-action would ask the GitHub API, asked only when meta-tags needs it and the payload does not say. */
import { RunContext } from '../../../src/inputs/context';
import { withMetadataFacts } from '../../../src/github/metadata-facts';
import { SHA, ctxFor } from '../policy/events';
import { TestServer, serve } from '../test-server';

let api: TestServer;

beforeAll(async () => {
  api = await serve((req, res) => {
    const json = (body: object): void => void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (req.url === '/repos/Octo-Org/Hello-World') json({ default_branch: 'trunk' });
    else if (req.url === `/repos/Octo-Org/Hello-World/commits/${SHA}`)
      json({ sha: SHA, commit: { committer: { date: '2026-01-02T03:04:05Z' } } });
    else res.writeHead(404).end('{}');
  });
});

afterAll(async () => {
  await api.close();
});

function at(event: string, file: string, ref: string, payload: Partial<RunContext['payload']> = {}): RunContext {
  const ctx = ctxFor(event, file, ref);
  return { ...ctx, apiUrl: `http://${api.host}`, payload: { ...ctx.payload, ...payload } };
}

const warnings: string[] = [];
const warn = (m: string): number => warnings.push(m);

test('type=edge on a payload without the repository asks for the default branch', async () => {
  const ctx = at('schedule', 'schedule.json', 'refs/heads/trunk', { repository: undefined });
  expect((await withMetadataFacts(ctx, 'type=edge', 't', warn)).metadataFacts).toEqual({ defaultBranch: 'trunk' });
});

test('{{commit_date}} of a commit the payload does not date asks for its committer date', async () => {
  const ctx = at('release', 'release-published-stable.json', 'refs/tags/v2.3.4');
  const rules = "type=raw,value={{commit_date 'YYYYMMDD'}}";
  expect((await withMetadataFacts(ctx, rules, 't', warn)).metadataFacts).toEqual({
    commitDate: { sha: SHA, date: '2026-01-02T03:04:05Z' }
  });
});

test.each([
  ['rules that need neither', () => at('release', 'release-published-stable.json', 'refs/tags/v2.3.4'), 'type=semver,pattern={{version}}'],
  ['type=edge where the payload names the default branch', () => at('push', 'push-default-branch.json', 'refs/heads/main'), 'type=edge'],
  ['no meta-tags', () => at('schedule', 'schedule.json', 'refs/heads/main', { repository: undefined }), '']
])('nothing is asked for %s', async (_name, ctx, rules) => {
  const before = api.seen.length;
  expect((await withMetadataFacts(ctx(), rules, 't', warn)).metadataFacts).toBeUndefined();
  expect(api.seen.length).toBe(before);
});

test('without a token, or when the API fails, a warning, and the payload (or the clock) stands in', async () => {
  warnings.length = 0;
  const ctx = at('schedule', 'schedule.json', 'refs/heads/main', { repository: undefined });
  expect((await withMetadataFacts(ctx, 'type=edge', '', warn)).metadataFacts).toBeUndefined();
  expect((await withMetadataFacts({ ...ctx, repository: 'Octo-Org/Gone' }, 'type=edge', 't', warn)).metadataFacts).toBeUndefined();
  expect(warnings).toEqual([expect.stringMatching(/github-token is empty/), expect.stringMatching(/could not be asked/)]);
});
