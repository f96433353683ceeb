/**
 * The trust policy over the events GitHub really sends (payloads shaped like GitHub's): may the
 * run push, log in, write the shared cache, and under which tags — with the default inputs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunContext } from '../../../src/inputs/context';
import { classifyEvent } from '../../../src/inputs/event';
import { SignInputs } from '../../../src/inputs/inputs';
import { loadConfig } from '../../../src/policy/config';
import { loadYamlFor } from '../../../src/inputs/yaml';
import { decideSigning } from '../../../src/policy/signing';
import { GithubCache, TrustOptions, decideTrust } from '../../../src/policy/trust';
import { SHA, ctxFor } from './events';

// append is read as YAML, whose parser the action loads before reading inputs.
beforeAll(() => loadYamlFor('-'));

const QUEUE_REF = `refs/heads/gh-readonly-queue/main/pr-42-${SHA}`;

const INPUTS: Record<string, string> = { 'github-token': 'ghs_x' };

/** A workflow_run's triggering ref, as the GitHub API tells it before the configuration is read. */
const WORKFLOW_RUN_REFS: Record<string, string> = {
  'workflow-run-push.json': 'refs/heads/main',
  'workflow-run-feature-branch.json': 'refs/heads/feature/login-form',
  'workflow-run-tag.json': 'refs/tags/v1.2.3'
};

function decide(eventName: string, file: string, ref: string, inputs: Record<string, string> = {}) {
  const all = { ...INPUTS, ...inputs };
  const resolved = WORKFLOW_RUN_REFS[file];
  const cfg = loadConfig(n => all[n] ?? '', { ...ctxFor(eventName, file, ref), workflowRunRef: resolved ? { ref: resolved } : undefined });
  return { push: cfg.push, login: cfg.logins.length > 0, writeCache: cfg.trust.writeCache, tags: cfg.derived?.tags.map(t => t.tag) ?? [] };
}

const EDGE = ['edge', 'sha-6113728'];

// event, payload, GITHUB_REF, push?, log in?, write cache?, tags
const TABLE: [string, string, string, boolean, boolean, boolean, string[]][] = [
  ['push', 'push-default-branch.json', 'refs/heads/main', true, true, true, EDGE],
  ['push', 'push-feature-branch.json', 'refs/heads/feature/login-form', true, true, true, ['feature-login-form', 'sha-6113728']],
  ['push', 'push-tag.json', 'refs/tags/v1.4.0', true, true, true, ['1.4.0', '1.4', '1', 'latest']],
  ['release', 'release-published-stable.json', 'refs/tags/v2.3.4', true, true, true, ['2.3.4', '2.3', '2', 'latest']],
  ['release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1', true, true, true, ['2.4.0-rc.1']],
  ['release', 'release-created.json', 'refs/tags/v1.0.0', false, false, true, ['1.0.0', '1.0', '1', 'latest']],
  ['release', 'release-edited.json', 'refs/tags/v1.0.0', false, false, true, ['1.0.0', '1.0', '1', 'latest']],
  ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', false, false, false, ['pr-42']],
  ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', false, false, false, ['pr-42']],
  // A fork's run is tagged fork-sha-: it could craft a commit whose short hash names a trusted sha- tag.
  ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', false, false, false, ['fork-sha-aaaabbb']],
  // Unreviewed pull request code run with the base repository's token: no default push, no cache writes.
  ['workflow_run', 'workflow-run-same-repo-pr.json', 'refs/heads/main', false, false, false, ['pr-43']],
  // The triggering run's commit and ref, not the default branch's head (sha-aaaabbb, not sha-6113728).
  ['workflow_run', 'workflow-run-push.json', 'refs/heads/main', true, true, true, ['edge', 'sha-aaaabbb']],
  ['workflow_run', 'workflow-run-feature-branch.json', 'refs/heads/main', true, true, true, ['feature-login-form', 'sha-fedcba9']],
  ['workflow_run', 'workflow-run-tag.json', 'refs/heads/main', true, true, true, ['1.2.3', '1.2', '1', 'latest']],
  ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main', false, false, false, ['pr-42']],
  ['issue_comment', 'issue-comment-issue.json', 'refs/heads/main', true, true, true, EDGE],
  ['pull_request_review', 'pull-request-review.json', 'refs/pull/42/merge', false, false, false, ['pr-42']],
  ['pull_request_review_comment', 'pull-request-review-comment.json', 'refs/pull/42/merge', false, false, false, ['pr-42']],
  ['merge_group', 'merge-group.json', QUEUE_REF, false, false, false, [`gh-readonly-queue-main-pr-42-${SHA}`, 'sha-6113728']],
  ['schedule', 'schedule.json', 'refs/heads/main', true, true, true, ['nightly']],
  ['workflow_dispatch', 'workflow-dispatch.json', 'refs/heads/main', true, true, true, EDGE],
  ['repository_dispatch', 'repository-dispatch.json', 'refs/heads/main', true, true, true, EDGE]
];

test.each(TABLE)('%s (%s, %s): push %s, log in %s, write cache %s', (event, file, ref, push, login, writeCache, tags) => {
  expect(decide(event, file, ref)).toEqual({ push, login, writeCache, tags });
});

// The explicit opt-in publishes untrusted code, but never lets it write the shared cache.
const OPTED_IN: [string, string, string, Record<string, string>][] = [
  ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { 'push-pull-requests': 'true' }],
  [
    'pull_request_target',
    'pull-request-target-fork.json',
    'refs/heads/main',
    { 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' }
  ],
  // Untrusted code with the base repository's secrets takes the second opt-in too.
  ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', { 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' }],
  ['merge_group', 'merge-group.json', QUEUE_REF, { 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' }],
  [
    'issue_comment',
    'issue-comment-pull-request.json',
    'refs/heads/main',
    { 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' }
  ]
];

test.each(OPTED_IN)('%s with the opt-in: pushes and logs in, still no cache writes', (event, file, ref, inputs) => {
  expect(decide(event, file, ref, inputs)).toEqual(expect.objectContaining({ push: true, login: true, writeCache: false }));
});

test.each([
  [
    'workflow_run',
    'workflow-run-fork-pr.json',
    'refs/heads/main',
    /workflow_run of a pull request from contributor\/Hello-World: building without login or push/
  ],
  ['merge_group', 'merge-group.json', QUEUE_REF, /merge_group \(a merge queue candidate, not yet merged\): building without login or push/]
])('%s says why it does not publish', (event, file, ref, notice) => {
  const all = { ...INPUTS };
  expect(loadConfig(n => all[n] ?? '', ctxFor(event, file, ref)).trust.untrusted).toMatch(notice);
});

test('push: true on an untrusted event without the opt-in is refused before anything runs', () => {
  expect(() => decide('merge_group', 'merge-group.json', QUEUE_REF, { push: 'true' })).toThrow(/push-pull-requests: true/);
});

describe('build secrets never reach untrusted code unless opted in', () => {
  const secretsOf = (event: string, file: string, ref: string, inputs: Record<string, string> = {}) => {
    const all: Record<string, string> = { ...INPUTS, secrets: 'NPM_TOKEN=npm_x', 'build-args': 'NPM_TOKEN=npm_y\nVERSION=1', ...inputs };
    const cfg = loadConfig(n => all[n] ?? '', ctxFor(event, file, ref));
    return { secrets: cfg.secrets, buildArgs: cfg.buildArgs, withheld: cfg.withheld };
  };

  test.each(TABLE.filter(([event]) => event !== 'workflow_run'))('%s (%s)', (event, file, ref) => {
    const untrusted = classifyEvent(ctxFor(event, file, ref)).untrusted !== undefined;
    const plan = secretsOf(event, file, ref);
    if (untrusted) {
      expect(plan).toEqual({
        secrets: [],
        buildArgs: ['VERSION=1'],
        withheld: { secrets: ['NPM_TOKEN'], ssh: [], buildArgs: ['NPM_TOKEN'] }
      });
    } else {
      expect(plan.secrets).toEqual([{ id: 'NPM_TOKEN', value: 'npm_x' }]);
      expect(plan.buildArgs).toEqual(['NPM_TOKEN=npm_y', 'VERSION=1']);
    }
  });

  test('push-pull-requests publishes untrusted code but still withholds its secrets; allow-untrusted-secrets passes them', () => {
    const pr = ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'] as const;
    expect(secretsOf(...pr, { 'push-pull-requests': 'true' }).secrets).toEqual([]);
    expect(secretsOf(...pr, { 'allow-untrusted-secrets': 'true' }).secrets).toEqual([{ id: 'NPM_TOKEN', value: 'npm_x' }]);
  });
});

test.each([
  ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main'],
  ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main'],
  ['merge_group', 'merge-group.json', QUEUE_REF],
  ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main']
])("%s runs untrusted code with the base repository's secrets: push-pull-requests alone does not publish it", (event, file, ref) => {
  expect(() => decide(event, file, ref, { 'push-pull-requests': 'true' })).toThrow(
    /^Invalid input \(1 problem\):\n {2}- allow-pull-request-target: pushing from .* \(untrusted code with the base repository's secrets\) needs allow-pull-request-target: true as well$/
  );
});

test('a same-repository pull request keeps its secrets (its author could push here anyway); a fork does not', () => {
  const sameRepo = ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge');
  const pr = sameRepo.payload.pull_request as { head: { repo: { full_name: string } } };
  pr.head.repo.full_name = 'Octo-Org/Hello-World';
  const all: Record<string, string> = { ...INPUTS, secrets: 'NPM_TOKEN=npm_x' };
  expect(loadConfig(n => all[n] ?? '', sameRepo).secrets).toEqual([{ id: 'NPM_TOKEN', value: 'npm_x' }]);
  expect(loadConfig(n => all[n] ?? '', ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge')).secrets).toEqual([]);
});

test.each([
  ['push', 'push-default-branch.json', 'refs/heads/main', 'read-write'],
  ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', 'read'],
  ['pull_request_review', 'pull-request-review.json', 'refs/pull/42/merge', 'read'],
  ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', 'none'],
  ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main', 'none'],
  ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', 'none'],
  ['merge_group', 'merge-group.json', QUEUE_REF, 'none']
])('%s (%s): the Actions cache is %s', (event, file, ref, cache) => {
  const cfg = loadConfig(n => INPUTS[n] ?? '', ctxFor(event, file, ref));
  expect(cfg.trust.githubCache).toBe(cache);
});

test.each([
  ['push', 'gh-readonly-queue/main/pr-42-abc'],
  ['workflow_run of a merge_group run', undefined]
])('a merge queue candidate is untrusted however it arrives: %s', (how, branch) => {
  const ctx = branch
    ? ctxFor('push', 'push-feature-branch.json', `refs/heads/${branch}`)
    : ctxFor('workflow_run', 'workflow-run-push.json', 'refs/heads/main');
  if (!branch) (ctx.payload.workflow_run as { event: string }).event = 'merge_group';
  expect(classifyEvent({ ...ctx, workflowRunRef: { ref: 'refs/heads/main' } }).untrusted?.withBaseSecrets).toBe(true);
  expect(how).toBeTruthy();
});

test.each(['network.host', 'security.insecure'])('allow: %s is refused on untrusted events, accepted on trusted ones', entitlement => {
  expect(() => decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { allow: entitlement })).toThrow(
    new RegExp(`allow: ${entitlement} is refused on a pull_request event`)
  );
  expect(() => decide('push', 'push-default-branch.json', 'refs/heads/main', { allow: entitlement })).not.toThrow();
});

test('secret-envs, secret-files and ssh follow the rule of secrets', () => {
  process.env.TRUST_TEST_SECRET = 'from-env';
  const inputs: Record<string, string> = {
    ...INPUTS,
    'secret-envs': 'npm=TRUST_TEST_SECRET',
    'secret-files': `file=${__filename}`,
    ssh: 'default'
  };
  const cfgOf = (event: string, file: string, ref: string) => loadConfig(n => inputs[n] ?? '', ctxFor(event, file, ref));
  const fork = cfgOf('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge');
  expect([fork.secretEnvs, fork.secretFiles, fork.ssh]).toEqual([[], [], []]);
  expect(fork.withheld).toEqual({ secrets: ['npm', 'file'], ssh: ['default'], buildArgs: [] });
  const main = cfgOf('push', 'push-default-branch.json', 'refs/heads/main');
  expect([main.secretEnvs.length, main.secretFiles.length, main.ssh]).toEqual([1, 1, ['default']]);
});

test('call: check pushes nothing, whatever the event', () => {
  expect(decide('push', 'push-default-branch.json', 'refs/heads/main', { call: 'check' }).push).toBe(false);
});

test("a pushing output on an event with the base repository's secrets needs both opt-ins", () => {
  const target = ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main'] as const;
  const outputs = 'type=registry,name=ghcr.io/o/r:pr';
  expect(() => decide(...target, { outputs, 'push-pull-requests': 'true' })).toThrow(/and allow-pull-request-target: true/);
  expect(() => decide(...target, { outputs, 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' })).not.toThrow();
});

test('raw tags: never on untrusted code; guarded like a branch name on other builds', () => {
  const pr = decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { 'tag-rules': 'raw=latest' });
  expect(pr.tags).toEqual(['pr-42']);
  const main = decide('push', 'push-default-branch.json', 'refs/heads/main', { 'tag-rules': 'raw=latest' });
  expect(main.tags).toEqual(['edge', 'sha-6113728', 'latest']);
});

describe('custom outputs that push follow the trust decision', () => {
  test.each([
    ['type=registry,name=ghcr.io/o/r:pr', true],
    ['type=image,name=ghcr.io/o/r:pr,push=true', true],
    // Spellings buildx and BuildKit read as a push: Go booleans, an empty value, keys in any case, quotes.
    ['type=image,name=ghcr.io/o/r:pr,push=True', true],
    ['type=image,name=ghcr.io/o/r:pr,push=1', true],
    ['type=image,name=ghcr.io/o/r:pr,push=t', true],
    ['type=image,name=ghcr.io/o/r:pr,push=', true],
    ['type=image,name=ghcr.io/o/r:pr,PUSH=true', true],
    ['type=image,"name=ghcr.io/o/r:pr,ghcr.io/o/r:x","push=true"', true],
    ['Type=Registry,name=ghcr.io/o/r:pr', true],
    ['type=image,name=ghcr.io/o/r:pr,push=false', false],
    ['type=local,dest=out', false],
    ['type=docker,name=app', false]
  ])('%s on a pull_request: refused %s', (output, refused) => {
    const run = () => decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { outputs: output });
    if (refused) expect(run).toThrow(/outputs: ".*" pushes, and a pull_request event builds untrusted code, .* push-pull-requests: true/);
    else expect(run).not.toThrow();
    expect(() =>
      decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { outputs: output, 'push-pull-requests': 'true' })
    ).not.toThrow();
  });

  test('on a trusted event a pushing output is the user’s to give', () => {
    expect(() =>
      decide('push', 'push-default-branch.json', 'refs/heads/main', { outputs: 'type=registry,name=ghcr.io/o/r:x' })
    ).not.toThrow();
  });
});

describe('Dependabot', () => {
  const DEPENDABOT = 'dependabot[bot]';
  const cfgOf = (event: string, file: string, ref: string, actor: string) =>
    loadConfig(n => ({ ...INPUTS, secrets: 'NPM_TOKEN=npm_x' })[n] ?? '', ctxFor(event, file, ref, actor));

  test('its pull request is a same-repository one: built, not pushed, its (Dependabot) secrets kept', () => {
    const cfg = cfgOf('pull_request', 'pull-request-dependabot.json', 'refs/pull/51/merge', DEPENDABOT);
    expect([cfg.push, cfg.logins, cfg.trust.writeCache, cfg.trust.githubCache]).toEqual([false, [], false, 'read']);
    expect(cfg.secrets).toEqual([{ id: 'NPM_TOKEN', value: 'npm_x' }]);
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(['pr-51']);
  });

  test('its push to its own branch runs without Actions secrets and with a read-only token: built, not pushed', () => {
    const cfg = cfgOf('push', 'push-dependabot-branch.json', 'refs/heads/dependabot/docker/alpine-3.21', DEPENDABOT);
    expect([cfg.push, cfg.logins, cfg.trust.writeCache, cfg.trust.githubCache]).toEqual([false, [], false, 'read']);
    expect(cfg.trust.untrusted).toBe(
      'push by Dependabot (its runs get no Actions secrets and a read-only token): building without login or push ' +
        '(untrusted code; push-pull-requests: true publishes it)'
    );
    // Its own (Dependabot) secrets still reach the build, as a same-repository pull request's do.
    expect(cfg.secrets).toEqual([{ id: 'NPM_TOKEN', value: 'npm_x' }]);
  });

  test('the same push by a person publishes', () => {
    expect(cfgOf('push', 'push-dependabot-branch.json', 'refs/heads/dependabot/docker/alpine-3.21', 'octocat').push).toBe(true);
  });
});

// Review 3, M4: a builder that outlives the run keeps what untrusted code's RUN steps wrote
// (cache mounts, layers) for the next build on it, a release's included.
describe('untrusted code builds only on a builder created for the run', () => {
  const PERSISTENT: [string, Record<string, string>, string][] = [
    ['driver: remote', { driver: 'remote', endpoint: 'tcp://127.0.0.1:1234' }, 'driver: remote: a BuildKit that runs elsewhere'],
    ['an endpoint', { endpoint: 'ssh://builder@host' }, 'endpoint: a builder node on ssh://builder@host'],
    ['append nodes', { append: '- endpoint: ctx-arm' }, 'append: builder nodes on other endpoints'],
    ['builder:', { builder: 'shared' }, 'builder: an existing builder, used as it is'],
    ['name:', { name: 'ci' }, 'name: ci reuses an existing builder of that name as it is'],
    ['cleanup: false', { cleanup: 'false' }, 'cleanup: false keeps the builder after the job'],
    ['keep-state: true', { 'keep-state': 'true' }, "keep-state: true keeps BuildKit's state"]
  ];
  const untrusted = TABLE.filter(([, , , push]) => !push).filter(([, file]) => !file.startsWith('release-'));
  const trusted = TABLE.filter(([, , , push]) => push);

  const load = (event: string, file: string, ref: string, inputs: Record<string, string>, runnerEnvironment?: string) => {
    const all = { ...INPUTS, ...inputs };
    const resolved = WORKFLOW_RUN_REFS[file];
    const ctx = { ...ctxFor(event, file, ref), workflowRunRef: resolved ? { ref: resolved } : undefined, runnerEnvironment };
    return () => loadConfig(n => all[n] ?? '', ctx);
  };

  describe.each(PERSISTENT)('%s', (_what, inputs, why) => {
    test.each(untrusted)('refused on %s (%s)', (event, file, ref) => {
      expect(load(event, file, ref, inputs)).toThrow(
        new RegExp(
          `a ${event} event builds untrusted code, .*${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*allow-untrusted-shared-builder: true`
        )
      );
    });
    test.each(trusted)('accepted on %s (%s)', (event, file, ref) => {
      expect(load(event, file, ref, inputs)).not.toThrow();
    });
    test('accepted on an untrusted event with allow-untrusted-shared-builder: true, with a notice of the risk', () => {
      const cfg = load('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', {
        ...inputs,
        'allow-untrusted-shared-builder': 'true'
      })();
      expect(cfg.trust.sharedBuilder).toMatch(
        /^allow-untrusted-shared-builder: untrusted code \(pull_request\) builds on a builder that outlives the run/
      );
      expect(cfg.trust.sharedBuilder).toContain(why);
    });
  });

  test('driver: docker is the engine’s own BuildKit: refused on a self-hosted runner, accepted on a GitHub-hosted one', () => {
    const pr = ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'] as const;
    expect(load(...pr, { driver: 'docker' }, 'self-hosted')).toThrow(/driver: docker on a self-hosted runner/);
    expect(load(...pr, { driver: 'docker' }, 'github-hosted')).not.toThrow();
    expect(load('push', 'push-default-branch.json', 'refs/heads/main', { driver: 'docker', push: 'false' }, 'self-hosted')).not.toThrow();
  });

  test('the default builder (created for the run, removed after it) is accepted everywhere, with no notice', () => {
    for (const [event, file, ref] of untrusted) expect(load(event, file, ref, {})().trust.sharedBuilder).toBeUndefined();
  });

  test('every reason is named in one problem', () => {
    const pr = ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge'] as const;
    expect(load(...pr, { name: 'ci', cleanup: 'false', 'keep-state': 'true' })).toThrow(
      /^Invalid input \(1 problem\):\n {2}- a pull_request event builds untrusted code, .*name: ci .*; cleanup: false .*; keep-state: true /
    );
  });
});

// Review 4, H1: a buildkitd.toml from the pull request's checkout, or flags, that open BuildKit's
// API to the build's own steps or widen what they may do would get around allow and network: host.
describe('untrusted code gets no widened BuildKit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildkitd-config-'));
  const file = (name: string, text: string): string => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const WIDENING: [string, Record<string, string>, RegExp][] = [
    [
      'a checked-out file opening a TCP listener and granting entitlements',
      {
        'buildkitd-config': file('grpc.toml', 'insecure-entitlements = ["security.insecure"]\n[grpc]\naddress = ["tcp://0.0.0.0:1234"]\n')
      },
      /buildkitd-config: insecure-entitlements, grpc is refused on a \S+ event \(untrusted code\)/
    ],
    [
      'inline worker settings giving the runner network or no sandbox',
      { 'buildkitd-config-inline': '[worker.oci]\nnetworkMode = "host"\nnoProcessSandbox = true\n' },
      /buildkitd-config-inline: worker\.oci\.networkMode, worker\.oci\.noProcessSandbox is refused/
    ],
    [
      'flags granting an entitlement',
      { 'buildkitd-flags': '--debug --allow-insecure-entitlement security.insecure' },
      /buildkitd-flags: --allow-insecure-entitlement is refused/
    ],
    [
      "an appended node's flags listening on TCP",
      { append: '- endpoint: ctx-arm\n  buildkitd-flags: --addr=tcp://0.0.0.0:1234', 'allow-untrusted-shared-builder': 'true' },
      /append: node 1's buildkitd-flags: --addr is refused/
    ],
    // The re-review's bypasses: Go's one-dash flags, quotes buildx drops, flags off any list.
    [
      'one-dash, quoted and unlisted flags',
      { 'buildkitd-flags': `-addr=tcp://127.0.0.1:1234 "--allow-insecure-entitlement=security.insecure" --debugaddr 0.0.0.0:6060 --debug` },
      /buildkitd-flags: --addr, --allow-insecure-entitlement, --debugaddr is refused/
    ],
    [
      'a registry table naming files of the runner buildx copies into the builder',
      {
        'buildkitd-config-inline':
          '[registry."../../../usr/bin"]\nca = ["/home/runner/work/r/r/buildkitd"]\n[registry."docker.io"]\nkeypair = [{ key = "/k", cert = "/c" }]\n'
      },
      /buildkitd-config-inline: registry\."\.\.\/\.\.\/\.\.\/usr\/bin"\.ca, registry\."docker\.io"\.keypair is refused/
    ],
    [
      'buildkitd settings through the environment',
      { 'driver-opts': 'env.BUILDKITD_DEBUGADDR=0.0.0.0:6060' },
      /driver-opts: env\.buildkitd_debugaddr is refused/i
    ],
    [
      "the builder on the runner's network",
      { 'driver-opts': 'network=host' },
      /driver-opts: network=host is refused on a \S+ event: it would give untrusted code the runner's network; .*allow-untrusted-host-network: true/
    ],
    // A driver-opts line is CSV to buildx: several settings, quoted or not.
    [
      "the runner's network beside another driver-opt",
      { 'driver-opts': 'image=moby/buildkit:buildx-stable-1,network=host' },
      /driver-opts: network=host is refused/
    ],
    ["the runner's network quoted", { 'driver-opts': '"network=host"' }, /driver-opts: network=host is refused/],
    [
      'buildkitd settings through the environment beside another driver-opt',
      { 'driver-opts': 'memory=4g,"env.BUILDKITD_DEBUGADDR=0.0.0.0:6060"' },
      /driver-opts: env\.buildkitd_debugaddr is refused/i
    ],
    // A line break inside a line: buildx reads one record, a CSV reader two.
    [
      "the runner's network after a carriage return",
      { 'driver-opts': '"network=bridge,env.B=2\r,network=host"' },
      /driver-opts: network=host is refused/
    ],
    [
      'buildkitd settings after a carriage return, quoted',
      { 'driver-opts': 'env.A=1\r,"env.BUILDKITD_DEBUGADDR=0.0.0.0:6060"' },
      /driver-opts: env\.buildkitd_debugaddr is refused/i
    ],
    [
      "an appended node on the runner's network after a line break",
      { append: '- endpoint: ctx-arm\n  driver-opts: [ "env.A=1\\n,network=host" ]', 'allow-untrusted-shared-builder': 'true' },
      /append: node 1's driver-opts network=host is refused/
    ],
    [
      "an appended node on the runner's network",
      { append: '- endpoint: ctx-arm\n  driver-opts: [ "network=host" ]', 'allow-untrusted-shared-builder': 'true' },
      /append: node 1's driver-opts network=host is refused/
    ]
  ];
  const SAFE = {
    'buildkitd-config': file(
      'safe.toml',
      'debug = true\n[dns]\nsearchDomains = ["ci.internal"]\n[registry."docker.io"]\nmirrors = ["mirror.internal"]\n[worker.oci]\ngc = true\nmax-parallelism = 4\n'
    ),
    'buildkitd-flags': '--debug'
  };
  const untrusted = TABLE.filter(([, , , push]) => !push).filter(([, f]) => !f.startsWith('release-'));
  const trusted = TABLE.filter(([, , , push]) => push);
  const load = (event: string, f: string, ref: string, inputs: Record<string, string>) => {
    const all = { ...INPUTS, ...inputs };
    const resolved = WORKFLOW_RUN_REFS[f];
    return () => loadConfig(n => all[n] ?? '', { ...ctxFor(event, f, ref), workflowRunRef: resolved ? { ref: resolved } : undefined });
  };

  describe.each(WIDENING)('%s', (_what, inputs, problem) => {
    test.each(untrusted)('refused on %s (%s)', (event, f, ref) => expect(load(event, f, ref, inputs)).toThrow(problem));
    test.each(trusted)('accepted on %s (%s)', (event, f, ref) => expect(load(event, f, ref, inputs)).not.toThrow());
  });

  test.each(untrusted)('registries, DNS, debug and garbage collection are accepted on %s (%s)', (event, f, ref) => {
    expect(load(event, f, ref, SAFE)).not.toThrow();
  });

  // buildx grants a builder it creates network.host itself: writing it out widens nothing.
  test.each(untrusted)('the entitlement buildx grants anyway (network.host) is accepted written out on %s (%s)', (event, f, ref) => {
    expect(load(event, f, ref, { 'buildkitd-flags': '--debug --allow-insecure-entitlement network.host' })).not.toThrow();
    expect(load(event, f, ref, { 'buildkitd-flags': '--allow-insecure-entitlement=network.host' })).not.toThrow();
    expect(load(event, f, ref, { 'buildkitd-config-inline': 'insecure-entitlements = ["network.host"]' })).not.toThrow();
  });

  test.each(untrusted)("with allow-untrusted-host-network: true, the runner's network is accepted on %s (%s)", (event, f, ref) => {
    const inputs = { 'driver-opts': 'network=host', network: 'host', 'allow-untrusted-host-network': 'true' };
    expect(load(event, f, ref, inputs)).not.toThrow();
  });
});

// Review 3, L1: buildx grants --network host the network.host entitlement itself.
describe('network: host follows allow: network.host', () => {
  test.each(TABLE.filter(([, file, , push]) => !push && !file.startsWith('release-')))('refused on %s (%s)', (event, file, ref) => {
    expect(() => decide(event, file, ref, { network: 'host' })).toThrow(
      `network: host is refused on a ${event} event: it would give untrusted code the runner's network; use default or none, ` +
        'or set allow-untrusted-host-network: true to accept that'
    );
  });
  test.each(TABLE.filter(([, , , push]) => push))('accepted on %s (%s)', (event, file, ref) => {
    expect(() => decide(event, file, ref, { network: 'host' })).not.toThrow();
  });
  test('one problem when both are given', () => {
    expect(() =>
      decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { network: 'host', allow: 'network.host' })
    ).toThrow(/^Invalid input \(1 problem\):\n {2}- allow: network.host is refused/);
  });
  test.each(['none', 'default'])('network: %s is accepted on untrusted events', network => {
    expect(() => decide('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', { network })).not.toThrow();
  });
});

describe('a workflow_run off the default branch: never signed as the default branch, no Actions cache (M2)', () => {
  const SIGN: SignInputs = { sign: true, attest: true, signingKeyPassword: '', transparencyLog: 'auto', sigstore: { instance: 'auto' } };
  const OPTS: TrustOptions = {
    pushMode: 'auto',
    pushPullRequests: true,
    allowPullRequestTarget: true,
    outputs: [],
    allow: [],
    allowUntrustedSecrets: false
  };
  const NO_TOKEN = { problem: 'workflow_run: github-token is needed to tell whether …; give it, or set tags explicitly' };

  // what, payload, the triggering ref as the API told it, signs?, Actions cache, why not signed
  const ROWS: [string, string, RunContext['workflowRunRef'], boolean, GithubCache, RegExp | undefined][] = [
    ['a push to the default branch', 'workflow-run-push.json', { ref: 'refs/heads/main' }, true, 'read-write', undefined],
    ['the default branch, ref not asked (tags given)', 'workflow-run-push.json', undefined, true, 'read-write', undefined],
    ['a tag push', 'workflow-run-tag.json', { ref: 'refs/tags/v1.2.3' }, true, 'read-write', undefined],
    [
      'a feature branch push',
      'workflow-run-feature-branch.json',
      { ref: 'refs/heads/feature/login-form' },
      false,
      'none',
      /^sign, attest: not signing: workflow_run after a run on the branch "feature\/login-form", not the default branch "main": .* give the workflow_run a branches: filter$/
    ],
    // A branch named like a tag is still a branch.
    ['a branch named v1.2.3', 'workflow-run-tag.json', { ref: 'refs/heads/v1.2.3' }, false, 'none', /the branch "v1.2.3"/],
    [
      'a branch that could not be told from a tag',
      'workflow-run-feature-branch.json',
      NO_TOKEN,
      false,
      'none',
      /the branch "feature\/login-form" \(whether it is a tag could not be told: workflow_run: github-token is needed/
    ],
    ["a fork's pull request (published with both opt-ins)", 'workflow-run-fork-pr.json', undefined, false, 'none', /untrusted code/]
  ];

  test.each(ROWS)('%s (%s): signs %s, Actions cache %s', (_what, file, workflowRunRef, signs, cache, skipped) => {
    const ctx = { ...ctxFor('workflow_run', file, 'refs/heads/main'), workflowRunRef, idToken: true };
    const trust = decideTrust(classifyEvent(ctx), OPTS);
    expect(trust.push).toBe(true);
    expect({ sign: trust.sign, githubCache: trust.githubCache }).toEqual({ sign: signs, githubCache: cache });
    const signing = decideSigning(SIGN, trust, ctx);
    expect(signing.plan !== undefined).toBe(signs);
    if (skipped) expect(signing.skipped).toMatch(skipped);
    else expect(signing.skipped).toBeUndefined();
  });

  test('through the configuration: sign: true on a feature branch run is skipped with the notice, the build still publishes', () => {
    const all: Record<string, string> = { ...INPUTS, sign: 'true' };
    const ctx = { ...ctxFor('workflow_run', 'workflow-run-feature-branch.json', 'refs/heads/main'), idToken: true };
    const cfg = loadConfig(n => all[n] ?? '', { ...ctx, workflowRunRef: { ref: 'refs/heads/feature/login-form' } });
    expect({ push: cfg.push, signing: cfg.signing, cache: cfg.trust.githubCache }).toEqual({
      push: true,
      signing: undefined,
      cache: 'none'
    });
    expect(cfg.signingSkipped).toMatch(/not the default branch "main"/);
    const mainCtx = { ...ctxFor('workflow_run', 'workflow-run-push.json', 'refs/heads/main'), idToken: true };
    const main = loadConfig(n => all[n] ?? '', { ...mainCtx, workflowRunRef: { ref: 'refs/heads/main' } });
    expect(main.signing?.method).toBe('keyless');
  });

  // The provenance's source (sign/attestation.ts): the commit and ref built, not GITHUB_SHA and GITHUB_REF.
  test.each([
    ['workflow-run-push.json', { ref: 'refs/heads/main' }, 'refs/heads/main', 'aaaabbbbccccddddeeeeffff0000111122223333'],
    ['workflow-run-push.json', undefined, 'refs/heads/main', 'aaaabbbbccccddddeeeeffff0000111122223333'],
    ['workflow-run-tag.json', { ref: 'refs/tags/v1.2.3' }, 'refs/tags/v1.2.3', '1234567890abcdef1234567890abcdef12345678']
  ])('the provenance source of %s (API: %j) is %s at its head_sha', (file, workflowRunRef, ref, sha) => {
    const event = classifyEvent({ ...ctxFor('workflow_run', file, 'refs/heads/main'), workflowRunRef });
    expect({ ref: event.sourceRef, sha: event.sha }).toEqual({ ref, sha });
    expect(event.sha).not.toBe(SHA);
  });
});

describe('Dependabot pull requests count as foreign where they run with the base repository’s secrets (L4)', () => {
  // event, payload, GITHUB_REF, foreign?, gets the build secrets?
  const ROWS: [string, string, string, boolean, boolean][] = [
    ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', true, false],
    ['pull_request_target', 'pull-request-target-same-repo.json', 'refs/heads/main', false, true],
    ['pull_request_target', 'pull-request-target-dependabot.json', 'refs/heads/main', true, false],
    ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', true, false],
    ['workflow_run', 'workflow-run-same-repo-pr.json', 'refs/heads/main', false, true],
    ['workflow_run', 'workflow-run-dependabot-pr.json', 'refs/heads/main', true, false]
  ];

  test.each(ROWS)('%s (%s): foreign %s, secrets %s', (event, file, ref, foreign, secrets) => {
    const ctx = ctxFor(event, file, ref);
    expect(classifyEvent(ctx).untrusted?.foreign).toBe(foreign);
    const all: Record<string, string> = { ...INPUTS, secrets: 'NPM_TOKEN=npm_x', 'build-args': 'NPM_TOKEN=npm_y' };
    const cfg = loadConfig(n => all[n] ?? '', ctx);
    expect(cfg.secrets.length > 0).toBe(secrets);
    expect(cfg.buildArgs.length > 0).toBe(secrets);
  });

  test.each([
    ['its author alone', { user: { login: 'dependabot[bot]' } }],
    ['its head branch alone', { head: { ref: 'dependabot/github_actions/actions/checkout-5' } }]
  ])('pull_request_target: %s makes it Dependabot’s', (_what, over) => {
    const ctx = ctxFor('pull_request_target', 'pull-request-target-same-repo.json', 'refs/heads/main');
    const pr = ctx.payload.pull_request ?? {};
    ctx.payload.pull_request = { ...pr, ...over, head: { ...pr.head, ...('head' in over ? over.head : {}) } };
    expect(classifyEvent(ctx).untrusted).toMatchObject({ foreign: true, reason: 'pull_request_target of a Dependabot pull request' });
  });

  test('a workflow_run after a push to a dependabot/ branch is untrusted and foreign; a push Dependabot made to main is not', () => {
    const branch = ctxFor('workflow_run', 'workflow-run-feature-branch.json', 'refs/heads/main');
    branch.payload.workflow_run = { ...branch.payload.workflow_run, head_branch: 'dependabot/npm_and_yarn/lodash-4.17.21' };
    expect(classifyEvent(branch).untrusted).toMatchObject({ foreign: true, withBaseSecrets: true });
    // `@dependabot merge` pushes the base branch as the bot: that is the default branch's code.
    const merged = ctxFor('workflow_run', 'workflow-run-push.json', 'refs/heads/main');
    merged.payload.workflow_run = { ...merged.payload.workflow_run, actor: { login: 'dependabot[bot]' } };
    expect(classifyEvent({ ...merged, workflowRunRef: { ref: 'refs/heads/main' } }).untrusted).toBeUndefined();
  });

  test('on pull_request GitHub already runs Dependabot like a fork (its own secrets store): the payload decides as before', () => {
    const ctx = ctxFor('pull_request', 'pull-request-target-dependabot.json', 'refs/pull/51/merge');
    expect(classifyEvent(ctx).untrusted?.foreign).toBe(false);
  });
});
