/**
 * Event trust through the bundled action: untrusted code (a workflow_run of a fork's pull
 * request, a merge queue candidate, a comment or review on a pull request) is built without login
 * or push, and without build secrets; a pull request that pushes (push-pull-requests) still never
 * writes the shared cache; a workflow_run publishes the triggering run's commit under its own
 * tags; `mode: Merge` is the merge, never a build; a malformed event payload is one clear error.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import {
  ActionRun,
  FIXTURES,
  REGISTRY,
  blobJson,
  commandLines,
  errorLines,
  imageManifest,
  untrustedStackInputs,
  manifest,
  runAction,
  tagList,
  uniqueRepo
} from './stack';
import { tempDir } from './registries';

jest.setTimeout(600_000);

const event = (name: string): object => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', name), 'utf8')) as object;

/** The environments of the buildx processes running now. */
function buildxEnvironments(): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(path.join('/proc', pid, 'cmdline'), 'utf8').split('\0');
      if (cmdline.some(a => a.endsWith('docker-buildx') || a === 'buildx'))
        out.push(fs.readFileSync(path.join('/proc', pid, 'environ'), 'utf8'));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The `docker buildx build` command lines (docker is echoed by its full path). */
const buildCommands = (out: string): string[] => commandLines(out).filter(l => /^\[command\]\S*docker buildx build /.test(l));

/** A build of the untrusted event: credentials given, so a login would happen if the event allowed one. */
async function untrustedBuild(eventName: string, fixture: string, ref: string): Promise<{ run: ActionRun; repo: string }> {
  const repo = uniqueRepo(eventName.replace(/_/g, '-'));
  const run = await runAction({
    eventName,
    event: event(fixture),
    env: { GITHUB_REF: ref },
    inputs: {
      ...untrustedStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${repo}`,
      username: 'someone',
      password: 'not-used'
    }
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
    // The fork's code, not the default branch's: a fork-sha- tag, never main, latest or a trusted sha- tag.
    expect(run.outputs.tags).toBe(`${REGISTRY}/${repo}:fork-sha-aaaabbb`);
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
        ...untrustedStackInputs(),
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
      // By type only: an s3 or azblob entry may hold a key.
      '::notice::Caches not used (type=registry): untrusted code only reads caches'
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
    expect(run.main.stdout).not.toContain('Caches not used');
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
    inputs: { ...untrustedStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}` }
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

describe('build secrets never reach untrusted code unless opted in', () => {
  const SECRET = 'npm_s3cr3t_from_secrets';
  const ARG = 'npm_s3cr3t_from_build_args';

  /** Builds the fixture that tries to read both into its image, exported to a local directory. */
  async function secretBuild(eventName: string, fixture: string, ref: string, inputs: Record<string, string> = {}) {
    const out = tempDir('untrusted-secret-out-');
    const run = await runAction({
      eventName,
      event: event(fixture),
      env: { GITHUB_REF: ref },
      inputs: {
        ...untrustedStackInputs(),
        file: path.join(FIXTURES, 'untrusted-secret', 'Dockerfile'),
        platforms: 'linux/amd64',
        secrets: `NPM_TOKEN=${SECRET}`,
        'build-args': `NPM_TOKEN=${ARG}`,
        outputs: `type=local,dest=${out}`,
        ...inputs
      }
    });
    const read = (f: string): string => fs.readFileSync(path.join(out, f), 'utf8').trim();
    return { run, secret: read('secret.txt'), buildArg: read('build-arg.txt') };
  }

  test('pull_request_target with the fork head: the Dockerfile reads neither, and a notice names both', async () => {
    const { run, secret, buildArg } = await secretBuild('pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main');
    expect(run.main.code).toBe(0);
    expect(secret).toBe('no secret mounted');
    expect(buildArg).toBe('build-arg: not passed');
    expect(run.main.stdout).toContain(
      '::notice::Withheld from untrusted code: secrets NPM_TOKEN; the build-args NPM_TOKEN (a Dockerfile line could send them anywhere); ' +
        'allow-untrusted-secrets: true passes them'
    );
    const printed = run.main.stdout
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(ARG);
  });

  test('allow-untrusted-secrets: true passes them to untrusted code, as asked', async () => {
    const { run, secret, buildArg } = await secretBuild('pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', {
      'allow-untrusted-secrets': 'true'
    });
    expect(run.main.code).toBe(0);
    expect(secret).toBe(SECRET);
    expect(buildArg).toBe(`build-arg: ${ARG}`);
    expect(run.main.stdout).not.toContain('Withheld from untrusted code');
  });

  test('control: a push to the default branch gets both', async () => {
    const { run, secret, buildArg } = await secretBuild('push', 'push-default-branch.json', 'refs/heads/main');
    expect(run.main.code).toBe(0);
    expect(secret).toBe(SECRET);
    expect(buildArg).toBe(`build-arg: ${ARG}`);
  });
});

describe('untrusted events the review found', () => {
  test.each([
    [
      'issue_comment',
      'issue-comment-pull-request.json',
      'refs/heads/main',
      "issue_comment on pull request #42 (a comment that builds the pull request's code)"
    ],
    ['pull_request_review', 'pull-request-review.json', 'refs/pull/42/merge', 'pull_request_review']
  ])('%s builds without login or push', async (eventName, fixture, ref, notice) => {
    const { run, repo } = await untrustedBuild(eventName, fixture, ref);
    await expectBuiltWithoutLoginOrPush(run, repo, eventName, notice);
    expect(run.outputs.tags).toBe(`${REGISTRY}/${repo}:pr-42`);
  });

  test('an output that pushes is refused on a pull request before anything runs', async () => {
    const repo = uniqueRepo('pr-output');
    const run = await runAction({
      eventName: 'pull_request',
      event: event('pull-request-fork.json'),
      env: { GITHUB_REF: 'refs/pull/42/merge' },
      inputs: { ...untrustedStackInputs(), platforms: 'linux/amd64', outputs: `type=registry,name=${REGISTRY}/${repo}:pr` }
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout).join('\n')).toMatch(
      /outputs: "type=registry,.*" pushes, and a pull_request event builds untrusted code/
    );
    expect(commandLines(run.main.stdout)).toEqual([]);
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });
});

describe("workflow_run publishes the triggering run's commit under its own tags", () => {
  let api: { url: string; asked: string[]; stop: () => void };

  /** A stand-in of the GitHub API: v1.2.3 is an annotated tag of the tag run's head_sha; no other tag exists. */
  beforeAll(async () => {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      const json = (status: number, body: object): void =>
        void res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (/\/git\/ref\/tags(%2F|\/)v1\.2\.3$/.test(req.url ?? ''))
        json(200, { ref: 'refs/tags/v1.2.3', object: { type: 'tag', sha: 'cafe' } });
      else if (req.url?.endsWith('/git/tags/cafe'))
        json(200, { object: { type: 'commit', sha: '1234567890abcdef1234567890abcdef12345678' } });
      else if (req.url?.endsWith('/releases/tags/v1.2.3')) json(200, { tag_name: 'v1.2.3', prerelease: true });
      else json(404, { message: 'Not Found' });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    api = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, stop: () => server.close() };
  });

  afterAll(() => api.stop());

  async function workflowRun(fixture: string, triggeredBy?: string) {
    const repo = uniqueRepo('workflow-run');
    const payload = event(fixture) as { workflow_run: { event: string } };
    if (triggeredBy) payload.workflow_run.event = triggeredBy;
    const run = await runAction({
      eventName: 'workflow_run',
      event: payload,
      token: 'ghs_stand_in_token',
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'Octo-Org/Hello-World' },
      inputs: { ...untrustedStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}` }
    });
    return { run, repo };
  }

  /** The revision label of the linux/amd64 image a tag names (an index when buildx added provenance). */
  const revision = async (repo: string, tag: string): Promise<string | undefined> => {
    const top = await manifest(REGISTRY, repo, tag);
    const digest = 'manifests' in top ? top.manifests.find(d => d.platform?.architecture === 'amd64')?.digest : top._digest;
    const m = await imageManifest(REGISTRY, repo, digest ?? '');
    return (await blobJson(REGISTRY, repo, m.config.digest)).config?.Labels?.['org.opencontainers.image.revision'];
  };

  test('a feature branch run: its branch name and its sha- tag, its commit as the revision', async () => {
    const { run, repo } = await workflowRun('workflow-run-feature-branch.json');
    expect(run.main.code).toBe(0);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['feature-login-form', 'sha-fedcba9']);
    expect(await revision(repo, 'feature-login-form')).toBe('fedcba9876543210fedcba9876543210fedcba98');
    expect(api.asked).toContain('/repos/Octo-Org/Hello-World/git/ref/tags%2Ffeature%2Flogin-form');
  });

  test('a tag run: published as the release', async () => {
    const { run, repo } = await workflowRun('workflow-run-tag.json');
    expect(run.main.code).toBe(0);
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['1', '1.2', '1.2.3', 'latest']);
    expect(await revision(repo, '1.2.3')).toBe('1234567890abcdef1234567890abcdef12345678');
  });

  test('a run on a release marked pre-release: its version only, never latest', async () => {
    const { run, repo } = await workflowRun('workflow-run-tag.json', 'release');
    expect(run.main.code).toBe(0);
    expect(await tagList(REGISTRY, repo)).toEqual(['1.2.3']);
  });

  test('a plan needs no ref: it runs without the API', async () => {
    const run = await runAction({
      eventName: 'workflow_run',
      event: event('workflow-run-tag.json'),
      token: '',
      env: { GITHUB_REF: 'refs/heads/main', PATH: '/nonexistent' },
      inputs: { mode: 'plan' }
    });
    expect(run.main.code).toBe(0);
    expect(JSON.parse(run.outputs.matrix)).toEqual(expect.objectContaining({ include: expect.any(Array) as unknown }));
  });

  test('without the API, a run that derives tags stops before anything runs, saying why', async () => {
    const repo = uniqueRepo('workflow-run-no-api');
    const run = await runAction({
      eventName: 'workflow_run',
      event: event('workflow-run-tag.json'),
      token: '',
      env: { GITHUB_REF: 'refs/heads/main' },
      inputs: { ...untrustedStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}` }
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout).join('\n')).toContain(
      'tags: none given, and none can be derived from the event: workflow_run: github-token is needed to tell whether \\"v1.2.3\\"'.replace(
        /\\"/g,
        '"'
      )
    );
    expect(commandLines(run.main.stdout)).toEqual([]);
  });
});

describe('what the review of the trust fixes found', () => {
  test('the preflight never asks a registry for a base image named after a withheld build-arg', async () => {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = tempDir('preflight-secret-');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `ARG NPM_TOKEN=none\nFROM ${host}/x:\${NPM_TOKEN}\n`);
    try {
      const run = await runAction({
        eventName: 'pull_request_target',
        event: event('pull-request-target-fork.json'),
        env: { GITHUB_REF: 'refs/heads/main' },
        inputs: {
          ...untrustedStackInputs(),
          context: dir,
          file: path.join(dir, 'Dockerfile'),
          platforms: 'linux/amd64',
          'build-args': 'NPM_TOKEN=npm_s3cr3t_to_steal',
          outputs: 'type=cacheonly'
        }
      });
      expect(run.main.stdout).toContain('Withheld from untrusted code: the build-args NPM_TOKEN');
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.filter(u => u.includes('s3cr3t'))).toEqual([]);
    } finally {
      server.close();
    }
  });

  test("untrusted code with the base repository's token gets no Actions cache: no gha source, no token in buildx's environment", async () => {
    const token = `actions-runtime-${Date.now().toString(36)}`;
    const seen: string[] = [];
    const run = runAction({
      eventName: 'pull_request_target',
      event: event('pull-request-target-fork.json'),
      env: { GITHUB_REF: 'refs/heads/main', ACTIONS_RUNTIME_TOKEN: token, ACTIONS_CACHE_URL: 'http://127.0.0.1:1/' },
      inputs: {
        ...untrustedStackInputs(),
        file: path.join(FIXTURES, 'secret-arg', 'Dockerfile'),
        platforms: 'linux/amd64',
        'build-args': 'NPM_TOKEN=x',
        'allow-untrusted-secrets': 'true',
        'cache-from': 'type=gha,scope=main',
        outputs: 'type=cacheonly'
      }
    });
    let done = false;
    void run.finally(() => (done = true));
    while (!done) {
      seen.push(...buildxEnvironments());
      await new Promise(r => setTimeout(r, 50));
    }
    const r = await run;
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain("::notice::Caches not used (type=gha): untrusted code that runs with the base repository's token");
    expect(buildCommands(r.main.stdout)[0]).not.toContain('type=gha');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter(e => e.includes(token)).length).toBe(0);
  });

  test("issue_comment with push-pull-requests alone is refused: it runs with the base repository's secrets", async () => {
    const run = await runAction({
      eventName: 'issue_comment',
      event: event('issue-comment-pull-request.json'),
      env: { GITHUB_REF: 'refs/heads/main' },
      inputs: {
        ...untrustedStackInputs(),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${uniqueRepo('comment')}`,
        'push-pull-requests': 'true'
      }
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout).join('\n')).toContain('needs allow-pull-request-target: true as well');
    expect(commandLines(run.main.stdout)).toEqual([]);
  });

  test('a push to a merge queue branch builds without login or push', async () => {
    const { run, repo } = await untrustedBuild('push', 'push-feature-branch.json', 'refs/heads/gh-readonly-queue/main/pr-42-abc');
    await expectBuiltWithoutLoginOrPush(run, repo, 'push', 'push (a merge queue candidate, not yet merged)');
  });

  test('a same-repository pull request keeps its build secrets; a fork does not', async () => {
    const out = tempDir('same-repo-secret-');
    const payload = event('pull-request-fork.json') as { pull_request: { head: { repo: { full_name: string } } } };
    payload.pull_request.head.repo.full_name = 'Octo-Org/Hello-World';
    const run = await runAction({
      eventName: 'pull_request',
      event: payload,
      env: { GITHUB_REF: 'refs/pull/42/merge' },
      inputs: {
        ...untrustedStackInputs(),
        file: path.join(FIXTURES, 'untrusted-secret', 'Dockerfile'),
        platforms: 'linux/amd64',
        secrets: 'NPM_TOKEN=same-repo-secret',
        outputs: `type=local,dest=${out}`
      }
    });
    expect(run.main.code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'secret.txt'), 'utf8').trim()).toBe('same-repo-secret');
  });
});

// Review 4, H1: on pull_request_target with the head checked out, a buildkitd.toml of the pull
// request's would open BuildKit's API to its own RUN steps and grant what allow refuses.
describe("a buildkitd-config file from the pull request's checkout", () => {
  const run = (toml: string) => {
    const dir = tempDir('untrusted-buildkitd-');
    fs.mkdirSync(path.join(dir, '.github'));
    fs.writeFileSync(path.join(dir, '.github', 'buildkitd.toml'), `${toml}[registry."${REGISTRY}"]\n  http = true\n`);
    const inputs: Record<string, string> = {
      ...untrustedStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${uniqueRepo('pr-buildkitd')}`
    };
    delete inputs['buildkitd-config-inline'];
    return runAction({
      eventName: 'pull_request_target',
      event: event('pull-request-target-fork.json'),
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_WORKSPACE: dir },
      inputs: { ...inputs, 'buildkitd-config': path.join(dir, '.github', 'buildkitd.toml') }
    });
  };

  test('opening a TCP listener and granting entitlements: refused before anything runs', async () => {
    const r = await run('insecure-entitlements = ["security.insecure", "network.host"]\n[grpc]\n  address = ["tcp://0.0.0.0:41234"]\n');
    expect(r.main.code).toBe(1);
    expect(errorLines(r.main.stdout).join('\n')).toContain(
      'buildkitd-config: insecure-entitlements, grpc is refused on a pull_request_target event (untrusted code): ' +
        "it would let the build's own steps reach or widen BuildKit"
    );
    expect(commandLines(r.main.stdout)).toEqual([]);
  });

  test('control: registries only, the build runs with it', async () => {
    const r = await run('');
    expect(r.main.code).toBe(0);
    expect(commandLines(r.main.stdout).find(c => c.includes(' create '))).toContain('buildkitd.toml');
  });
});

// Review 3, L1 and its re-review: the runner's network, through network: host or through a builder
// container on the host's network (whose RUN steps share it), is refused for untrusted code.
describe("the runner's network on a pull request", () => {
  const run = (inputs: Record<string, string>) => {
    const all: Record<string, string> = {
      ...untrustedStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${uniqueRepo('pr-host-network')}`,
      ...inputs
    };
    delete all['allow-untrusted-host-network'];
    return runAction({
      eventName: 'pull_request',
      event: event('pull-request-fork.json'),
      env: { GITHUB_REF: 'refs/pull/42/merge' },
      inputs: all
    });
  };

  test('network: host and driver-opts network=host are refused before anything runs, naming the opt-in', async () => {
    const r = await run({ network: 'host' });
    expect(r.main.code).toBe(1);
    const errors = errorLines(r.main.stdout).join('\n');
    for (const what of ['network: host', 'driver-opts: network=host']) {
      expect(errors).toContain(
        `${what} is refused on a pull_request event: it would give untrusted code the runner's network; ` +
          'use default or none, or set allow-untrusted-host-network: true to accept that'
      );
    }
    expect(commandLines(r.main.stdout)).toEqual([]);
  });
});

// Review 3, M4: a builder that outlives the run keeps what a pull request's RUN steps write to its
// cache mounts and layers, for the next build on it (a release's too).
describe('untrusted code builds only on a builder created for the run', () => {
  const shared = (name: string): Record<string, string> => ({ name, cleanup: 'false' });
  // buildx keeps its builders here (the runs' own HOME is thrown away), so the test can see and remove them.
  const env = { BUILDX_CONFIG: tempDir('buildx-shared-') };
  const buildx = (args: string[]) => spawnSync('docker', ['buildx', ...args], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const builders: string[] = [];

  afterAll(() => {
    for (const name of builders) buildx(['rm', name]);
  });

  test('a pull request with name: and cleanup: false is refused before anything is built', async () => {
    const repo = uniqueRepo('pr-shared-builder');
    const name = `shared-${Date.now().toString(36)}`;
    const run = await runAction({
      eventName: 'pull_request',
      event: event('pull-request-fork.json'),
      env: { GITHUB_REF: 'refs/pull/42/merge', ...env },
      inputs: { ...untrustedStackInputs(), platforms: 'linux/amd64', images: `${REGISTRY}/${repo}`, ...shared(name) }
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout).join('\n')).toContain(
      `a pull_request event builds untrusted code, which would write cache mounts and layers that later builds on this builder read ` +
        `(name: ${name} reuses an existing builder of that name as it is; cleanup: false keeps the builder after the job); ` +
        'build untrusted code on a builder created for the run (the default), or set allow-untrusted-shared-builder: true to accept that'
    );
    // Nothing ran: no buildx create, no build.
    expect(commandLines(run.main.stdout)).toEqual([]);
    expect(buildx(['inspect', name]).status).not.toBe(0);
  });

  test('with allow-untrusted-shared-builder: true it builds there, and a notice names the risk accepted', async () => {
    const repo = uniqueRepo('pr-shared-builder-ok');
    const name = `shared-ok-${Date.now().toString(36)}`;
    builders.push(name);
    const run = await runAction({
      eventName: 'pull_request',
      event: event('pull-request-fork.json'),
      env: { GITHUB_REF: 'refs/pull/42/merge', ...env },
      inputs: {
        ...untrustedStackInputs(),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${repo}`,
        ...shared(name),
        'allow-untrusted-shared-builder': 'true'
      }
    });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain(
      `::notice::allow-untrusted-shared-builder: untrusted code (pull_request) builds on a builder that outlives the run (name: ${name}`
    );
    expect(commandLines(run.main.stdout).find(c => / build /.test(c))).toContain(`--builder ${name}`);
    expect(run.post?.stdout).toContain(`Kept builder ${name} (cleanup: false)`);
    expect(buildx(['inspect', name]).status).toBe(0);
  });
});
