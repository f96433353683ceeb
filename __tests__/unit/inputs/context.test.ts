import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readRunContext } from '../../../src/inputs/context';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'context-'));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('the run is read from the GITHUB_* environment and the payload file', () => {
  const ctx = readRunContext({
    GITHUB_EVENT_NAME: 'release',
    GITHUB_EVENT_PATH: write('release.json', '{"action":"published","release":{"tag_name":"v1.2.3"}}'),
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SHA: 'abc',
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_RUN_ID: '7',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_SERVER_URL: 'https://ghes.example',
    GITHUB_API_URL: 'https://ghes.example/api/v3',
    RUNNER_TEMP: '/runner/tmp',
    DOCKER_METADATA_PR_HEAD_SHA: 'true'
  });
  expect(ctx.startedAt).toBeInstanceOf(Date);
  expect(ctx).toEqual({
    startedAt: ctx.startedAt,
    metadataEnv: { DOCKER_METADATA_PR_HEAD_SHA: 'true' },
    eventName: 'release',
    payload: { action: 'published', release: { tag_name: 'v1.2.3' } },
    repository: 'o/r',
    actor: 'octocat',
    sha: 'abc',
    ref: 'refs/tags/v1.2.3',
    runId: '7',
    runAttempt: '2',
    serverUrl: 'https://ghes.example',
    apiUrl: 'https://ghes.example/api/v3',
    tempDir: '/runner/tmp',
    actionsRuntime: false,
    idToken: false
  });
});

test('no payload file (a local run) is an empty payload', () => {
  expect(readRunContext({}).payload).toEqual({});
});

test('a payload file that is not JSON is one error naming the file', () => {
  const file = write('broken.json', '{"action": "published",');
  expect(() => readRunContext({ GITHUB_EVENT_PATH: file })).toThrow(
    new RegExp(`^the event payload file ${file} \\(GITHUB_EVENT_PATH\\) is not valid JSON: `)
  );
});

test('on GitHub Actions the runtime (artifacts, cache) is reachable', () => {
  expect(readRunContext({ ACTIONS_RUNTIME_TOKEN: 't' }).actionsRuntime).toBe(true);
});

test('a job with id-token: write can ask the runner for an OIDC token', () => {
  expect(readRunContext({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/token', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }).idToken).toBe(true);
  expect(readRunContext({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/token' }).idToken).toBe(false);
});
