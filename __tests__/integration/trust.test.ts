/**
 * Event trust through the bundled action: untrusted code (a workflow_run of a fork's pull
 * request, a merge queue candidate) is built without login or push; a pull request that pushes
 * (push-pull-requests) still never writes the shared cache; `mode: Merge` is the merge, never a
 * build; a malformed event payload is one clear error.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  ActionRun,
  FIXTURES,
  REGISTRY,
  commandLines,
  errorLines,
  localStackInputs,
  manifest,
  runAction,
  tagList,
  uniqueRepo
} from './stack';
import { tempDir } from './registries';

jest.setTimeout(600_000);

const event = (name: string): object => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', name), 'utf8')) as object;

/** The `docker buildx build` command lines (docker is echoed by its full path). */
const buildCommands = (out: string): string[] => commandLines(out).filter(l => /^\[command\]\S*docker buildx build /.test(l));

/** A build of the untrusted event: credentials given, so a login would happen if the event allowed one. */
async function untrustedBuild(eventName: string, fixture: string, ref: string): Promise<{ run: ActionRun; repo: string }> {
  const repo = uniqueRepo(eventName.replace(/_/g, '-'));
  const run = await runAction({
    eventName,
    event: event(fixture),
    env: { GITHUB_REF: ref },
    inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}`, username: 'someone', password: 'not-used' }
  });
  return { run, repo };
}

/** What every untrusted build must show: built, not logged in, not pushed, and said so. */
async function expectBuiltWithoutLoginOrPush(run: ActionRun, repo: string, eventName: string, notice: string): Promise<void> {
  expect(run.main.code).toBe(0);
  expect(run.main.stdout).toContain(`Push: no (${eventName} event (build only))`);
  expect(run.main.stdout).toContain(
    `::notice::${notice}: building without login or push (untrusted code; push-pull-requests: true publishes it)`
  );
  const build = buildCommands(run.main.stdout);
  expect(build).toHaveLength(1);
  expect(build[0]).not.toContain('push=true');
  expect(run.main.stdout).not.toContain('Logging in');
  expect(run.main.stdout).not.toMatch(/docker login/);
  expect(run.state.loggedIn).toBeUndefined();
  expect(run.post?.code).toBe(0);
  expect(run.post?.stdout).not.toContain('Logged out of');
  expect(errorLines(run.main.stdout)).toEqual([]);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
}

describe('untrusted events build without login or push', () => {
  test('workflow_run of a fork pull request (on refs/heads/main)', async () => {
    const { run, repo } = await untrustedBuild('workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main');
    await expectBuiltWithoutLoginOrPush(run, repo, 'workflow_run', 'workflow_run of a pull request from contributor/Hello-World');
    // The fork's code, not the default branch's: a sha- tag, never main or latest.
    expect(run.outputs.tags).toBe(`${REGISTRY}/${repo}:sha-aaaabbb`);
  });

  test('merge_group (a merge queue candidate)', async () => {
    const { run, repo } = await untrustedBuild(
      'merge_group',
      'merge-group.json',
      'refs/heads/gh-readonly-queue/main/pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246'
    );
    await expectBuiltWithoutLoginOrPush(run, repo, 'merge_group', 'merge_group (a merge queue candidate, not yet merged)');
  });
});

describe('cache-to: untrusted code only reads caches', () => {
  /** One linux/amd64 build reading and writing a registry cache; only the event differs. */
  async function cachedBuild(
    eventName: string,
    fixture: string,
    ref: string
  ): Promise<{ run: ActionRun; repo: string; cacheRepo: string }> {
    const repo = uniqueRepo('cache-image');
    const cacheRepo = uniqueRepo('cache');
    const cacheRef = `type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache`;
    const run = await runAction({
      eventName,
      event: event(fixture),
      env: { GITHUB_REF: ref },
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${repo}`,
        'push-pull-requests': 'true',
        'cache-from': cacheRef,
        'cache-to': cacheRef
      }
    });
    return { run, repo, cacheRepo };
  }

  test('a pull request with push-pull-requests pushes its image but writes no cache', async () => {
    const { run, repo, cacheRepo } = await cachedBuild('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge');
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('Push: yes (pull_request event)');
    expect(run.main.stdout).toContain(
      `::notice::cache-to not used: untrusted code only reads caches (type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache)`
    );
    const build = buildCommands(run.main.stdout);
    expect(build).toHaveLength(1);
    expect(build[0]).toContain(`--cache-from type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache`);
    expect(build[0]).not.toContain('--cache-to');
    expect(build[0]).toMatch(/--output type=image,"name=[^"]+",push-by-digest=true,name-canonical=true,push=true/);
    expect(await tagList(REGISTRY, repo)).toEqual(['pr-42']);
    expect((await manifest(REGISTRY, repo, 'pr-42'))._digest).toBe(run.outputs.digest);
    expect(await tagList(REGISTRY, cacheRepo)).toBeUndefined();
  });

  test('control: the same build on a push to the default branch writes the cache', async () => {
    const { run, repo, cacheRepo } = await cachedBuild('push', 'push-default-branch.json', 'refs/heads/main');
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).not.toContain('cache-to not used');
    const build = buildCommands(run.main.stdout);
    expect(build).toHaveLength(1);
    expect(build[0]).toContain(`--cache-to type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache`);
    expect(await tagList(REGISTRY, cacheRepo)).toEqual(['buildcache']);
    const pushed = run.outputs.tags.split('\n').map(t => t.slice(`${REGISTRY}/${repo}:`.length));
    expect(pushed.length).toBeGreaterThan(0);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual([...pushed].sort());
  });
});

test('mode: Merge (any case) is the merge, never a build', async () => {
  const repo = uniqueRepo('merge-case');
  const handoffDir = tempDir('handoff-empty-');
  const r = await runAction({
    inputs: { mode: 'Merge', images: `${REGISTRY}/${repo}`, 'handoff-dir': handoffDir },
    // No docker or buildx on a merge runner: a build would fail on the missing buildx instead.
    env: { PATH: '/nonexistent', GITHUB_RUN_ID: `merge-case-${Date.now()}` }
  });
  expect(r.main.code).toBe(1);
  expect(errorLines(r.main.stdout)).toEqual([
    '::error::merge: no leg result for linux/amd64, linux/arm64 (did that leg fail or not run?); nothing was tagged'
  ]);
  expect(r.main.stdout).toContain('merge: 0 leg record(s) from directory ');
  expect(r.main.stdout).not.toContain('Push: ');
  expect(r.main.stdout).not.toContain('buildx');
  expect(commandLines(r.main.stdout)).toEqual([]);
  expect(commandLines(r.post?.stdout ?? '')).toEqual([]);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
});

test('a malformed event payload is one clear error, without a stack trace', async () => {
  const dir = tempDir('bad-event-');
  const file = path.join(dir, 'event.json');
  fs.writeFileSync(file, '{"action": "published",');
  const repo = uniqueRepo('bad-event');
  const r = await runAction({
    eventName: 'release',
    env: { GITHUB_EVENT_PATH: file, GITHUB_REF: 'refs/tags/v1.0.0' },
    inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}` }
  });
  expect(r.main.code).toBe(1);
  const errors = errorLines(r.main.stdout);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(`the event payload file ${file} (GITHUB_EVENT_PATH) is not valid JSON`);
  expect(r.main.stderr).not.toContain('::error::');
  for (const out of [r.main.stdout, r.main.stderr, r.post?.stdout ?? '', r.post?.stderr ?? '']) {
    expect(out).not.toMatch(/^\s+at /m);
    // Not even folded into a debug line, which step debug logging would unfold.
    expect(out).not.toMatch(/%0A\s+at /);
  }
  expect(commandLines(r.main.stdout)).toEqual([]);
  expect(await tagList(REGISTRY, repo)).toBeUndefined();
});
