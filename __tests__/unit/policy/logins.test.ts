/**
 * Which registries a run logs in to, with which credentials: the single username/password,
 * registry-auth's list (docker/login-action's form), ECR through AWS credentials, GHCR's token;
 * and an empty password (an unset secret) over the events GitHub really sends: a notice where
 * nothing is pushed on untrusted code, an error naming the input everywhere else.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError } from '../../../src/inputs/problems';
import { loadYamlFor } from '../../../src/inputs/yaml';
import { loadConfig } from '../../../src/policy/config';
import { SHA, ctxFor } from './events';

beforeAll(() => loadYamlFor('-'));

const BASE: Record<string, string> = { 'github-token': 'ghs_x' };
const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const QUEUE_REF = `refs/heads/gh-readonly-queue/main/pr-42-${SHA}`;
const WORKFLOW_RUN_REFS: Record<string, string> = { 'workflow-run-push.json': 'refs/heads/main' };

type Outcome = { logins: unknown[]; notices: string[] } | { problems: string[] };

function attempt(
  inputs: Record<string, string>,
  event = 'push',
  file = 'push-default-branch.json',
  ref = 'refs/heads/main',
  actor?: string
): Outcome {
  const all = { ...BASE, ...inputs };
  const resolved = WORKFLOW_RUN_REFS[file];
  const ctx = { ...ctxFor(event, file, ref, actor), workflowRunRef: resolved ? { ref: resolved } : undefined };
  try {
    const cfg = loadConfig(n => all[n] ?? '', ctx);
    return { logins: cfg.logins, notices: cfg.loginNotices };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { problems: e.problems };
  }
}

function planned(inputs: Record<string, string>): { registry: string; from: string; source: unknown }[] {
  const out = attempt(inputs);
  if ('problems' in out) throw new Error(out.problems.join('\n'));
  return out.logins as { registry: string; from: string; source: unknown }[];
}

function problemsOf(inputs: Record<string, string>): string[] {
  const out = attempt(inputs);
  return 'problems' in out ? out.problems : [];
}

const pw = (username: string, password: string) => ({ kind: 'password', username, password });

describe('registry-auth: several registries in one step', () => {
  test('each entry logs in to its own registry; GHCR still gets the job token', () => {
    const logins = planned({
      tags: 'quay.io/o/app:1\nregistry.example.com/o/app:1\nghcr.io/o/app:1',
      'registry-auth':
        '- registry: quay.io\n  username: bot\n  password: q\n- registry: registry.example.com\n  username: ci\n  password: r\n'
    });
    expect(logins).toEqual([
      { registry: 'quay.io', from: 'registry-auth entry 1', source: pw('bot', 'q') },
      { registry: 'registry.example.com', from: 'registry-auth entry 2', source: pw('ci', 'r') },
      { registry: 'ghcr.io', from: 'github-token', source: pw('octocat', 'ghs_x') }
    ]);
  });

  test('an entry for ghcr.io replaces the job token', () => {
    expect(planned({ 'registry-auth': '- registry: ghcr.io\n  username: me\n  password: ghp_pat' })).toEqual([
      { registry: 'ghcr.io', from: 'registry-auth entry 1', source: pw('me', 'ghp_pat') }
    ]);
  });

  test('an entry may name a registry no image is on (base images)', () => {
    expect(planned({ 'registry-auth': '- username: acme\n  password: dckr' }).map(l => l.registry)).toEqual(['docker.io', 'ghcr.io']);
  });

  test('beside it, username/password go to the one image registry registry-auth does not name', () => {
    const logins = planned({
      tags: 'quay.io/o/app:1\nregistry.example.com/o/app:1',
      'registry-auth': '- registry: quay.io\n  username: bot\n  password: q',
      username: 'ci',
      password: 'r'
    });
    expect(logins.map(l => [l.registry, l.from])).toEqual([
      ['registry.example.com', 'username/password'],
      ['quay.io', 'registry-auth entry 1']
    ]);
  });

  test('a registry given twice is refused, naming both', () => {
    expect(
      problemsOf({
        images: 'quay.io/o/app',
        registry: 'quay.io',
        username: 'a',
        password: 'b',
        'registry-auth': '- registry: quay.io\n  username: c\n  password: d'
      })
    ).toEqual(['registry-auth: quay.io is given twice (username/password and registry-auth entry 1); give each registry one login']);
  });

  test('an entry with a password and no username is refused', () => {
    expect(problemsOf({ 'registry-auth': '- registry: quay.io\n  password: p' })).toEqual([
      'registry-auth: entry 1 (quay.io): a password is given without a username'
    ]);
  });

  test('untrusted code logs in nowhere, whatever is given', () => {
    const out = attempt(
      { 'registry-auth': '- registry: quay.io\n  username: bot\n  password: q' },
      'pull_request',
      'pull-request-fork.json',
      'refs/pull/42/merge'
    );
    expect(out).toEqual({ logins: [], notices: [] });
  });
});

describe('Amazon ECR', () => {
  test('an entry on an ECR host with no credentials uses the environment’s AWS credentials', () => {
    expect(planned({ images: `${ECR_HOST}/app`, 'registry-auth': `- registry: ${ECR_HOST}` })).toEqual([
      {
        registry: ECR_HOST,
        from: 'registry-auth entry 1',
        source: { kind: 'ecr', ecr: { public: false, account: '123456789012', region: 'eu-west-1' } }
      }
    ]);
  });

  test('its username/password are AWS keys, as in login-action', () => {
    expect(planned({ images: `${ECR_HOST}/app`, registry: ECR_HOST, username: 'AKIAEXAMPLE', password: 'secretkey' })).toEqual([
      {
        registry: ECR_HOST,
        from: 'username/password',
        source: {
          kind: 'ecr',
          ecr: { public: false, account: '123456789012', region: 'eu-west-1' },
          keys: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secretkey' }
        }
      }
    ]);
  });

  test('registry: naming an ECR host is enough (aws-actions/configure-aws-credentials ran before)', () => {
    expect(planned({ images: `${ECR_HOST}/app`, registry: ECR_HOST }).map(l => l.source)).toEqual([
      { kind: 'ecr', ecr: { public: false, account: '123456789012', region: 'eu-west-1' } }
    ]);
  });

  test('images on ECR without registry, username or ecr: true log in to nothing (an earlier login step may have)', () => {
    expect(planned({ images: `${ECR_HOST}/app` })).toEqual([]);
  });

  test('public.ecr.aws is ECR Public, asked in us-east-1', () => {
    expect(planned({ images: 'public.ecr.aws/o/app', registry: 'public.ecr.aws' }).map(l => l.source)).toEqual([
      { kind: 'ecr', ecr: { public: true, region: 'us-east-1' } }
    ]);
  });

  test('ecr: true makes another host ECR; ecr: false keeps an ECR host a plain login', () => {
    expect(planned({ images: 'registry.example.com/app', registry: 'registry.example.com', ecr: 'true' }).map(l => l.source)).toEqual([
      { kind: 'ecr', ecr: { public: false } }
    ]);
    expect(
      planned({
        images: `${ECR_HOST}/app`,
        'registry-auth': `- registry: ${ECR_HOST}\n  ecr: "false"\n  username: AWS\n  password: tok`
      }).map(l => l.source)
    ).toEqual([pw('AWS', 'tok')]);
  });

  test('ecr: true with nowhere to go is refused, naming the input', () => {
    expect(problemsOf({ tags: 'quay.io/a:1\nregistry.example.com/b:1', ecr: 'true' })).toEqual([
      expect.stringMatching(
        /^registry: empty value must name the one registry ecr: true is for \(the images are on quay\.io, registry\.example\.com\)/
      )
    ]);
  });

  test('an AWS secret key without an access key id is refused', () => {
    expect(problemsOf({ 'registry-auth': `- registry: ${ECR_HOST}\n  password: secret` })).toEqual([
      `registry-auth: entry 1 (${ECR_HOST}): a password is given without a username (for ECR, the AWS access key id)`
    ]);
  });
});

describe('credentials never cross the network in clear', () => {
  const HTTP = '[registry."registry.internal:5000"]\n  http = true\n[registry."127.0.0.1:5000"]\n  http = true';

  test('a login to a plain-HTTP registry on another machine is refused', () => {
    expect(problemsOf({ images: 'registry.internal:5000/app', username: 'u', password: 'p', 'buildkitd-config-inline': HTTP })).toEqual([
      expect.stringMatching(/^buildkitd-config-inline: marks registry\.internal:5000 http = true, and username\/password logs in to it/)
    ]);
  });

  test('one on this machine is fine', () => {
    expect(planned({ images: '127.0.0.1:5000/app', username: 'u', password: 'p', 'buildkitd-config-inline': HTTP })).toHaveLength(1);
  });

  test('the same where a buildkitd-config file says http = true, naming that input', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'logins-toml-')), 'buildkitd.toml');
    fs.writeFileSync(file, HTTP);
    try {
      expect(
        problemsOf({
          images: 'registry.internal:5000/app',
          'registry-auth': '- registry: registry.internal:5000\n  username: u\n  password: p',
          'buildkitd-config': file
        })
      ).toEqual([
        expect.stringMatching(/^buildkitd-config: marks registry\.internal:5000 http = true, and registry-auth entry 1 logs in to it/)
      ]);
      expect(planned({ images: '127.0.0.1:5000/app', username: 'u', password: 'p', 'buildkitd-config': file })).toHaveLength(1);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

describe('an empty password (an unset secret) over the events GitHub sends', () => {
  /** The README's second example: a registry's username from vars, its password from secrets (unset here). */
  const SINGLE = { tags: 'registry.example.com/team/app:1.4.0', username: 'team-bot', password: '' };
  /** The same through registry-auth, with an ECR entry whose secret key is unset too. */
  const LIST = {
    tags: `registry.example.com/team/app:1.4.0\n${ECR_HOST}/team/app:1.4.0`,
    'registry-auth': `- registry: registry.example.com\n  username: team-bot\n  password: ""\n- registry: ${ECR_HOST}\n  username: AKIAEXAMPLE\n  password:\n`
  };

  // event, payload, GITHUB_REF, actor, extra inputs, outcome
  const TABLE: [string, string, string, string, Record<string, string>, 'notice' | 'error'][] = [
    ['push', 'push-default-branch.json', 'refs/heads/main', 'octocat', {}, 'error'],
    ['push', 'push-feature-branch.json', 'refs/heads/Feature/Login_Page', 'octocat', {}, 'error'],
    ['push', 'push-tag.json', 'refs/tags/v1.4.0', 'octocat', {}, 'error'],
    ['release', 'release-published-stable.json', 'refs/tags/v2.3.4', 'octocat', {}, 'error'],
    // Trusted, not pushing: the secrets are there, so an empty one is a mistake to report now.
    ['release', 'release-created.json', 'refs/tags/v1.0.0', 'octocat', {}, 'error'],
    ['push', 'push-default-branch.json', 'refs/heads/main', 'octocat', { push: 'false' }, 'error'],
    ['schedule', 'schedule.json', 'refs/heads/main', 'octocat', {}, 'error'],
    ['workflow_dispatch', 'workflow-dispatch.json', 'refs/heads/main', 'octocat', {}, 'error'],
    ['workflow_run', 'workflow-run-push.json', 'refs/heads/main', 'octocat', {}, 'error'],
    ['issue_comment', 'issue-comment-issue.json', 'refs/heads/main', 'octocat', {}, 'error'],
    ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', 'contributor', {}, 'notice'],
    ['pull_request', 'pull-request-same-repo.json', 'refs/pull/7/merge', 'octocat', {}, 'notice'],
    ['pull_request', 'pull-request-dependabot.json', 'refs/pull/51/merge', 'dependabot[bot]', {}, 'notice'],
    // Dependabot's push to its own branch gets no Actions secrets either: built, not pushed.
    ['push', 'push-dependabot-branch.json', 'refs/heads/dependabot/docker/alpine-3.21', 'dependabot[bot]', {}, 'notice'],
    ['pull_request_target', 'pull-request-target-fork.json', 'refs/heads/main', 'contributor', {}, 'notice'],
    ['pull_request_review', 'pull-request-review.json', 'refs/pull/42/merge', 'octocat', {}, 'notice'],
    ['pull_request_review_comment', 'pull-request-review-comment.json', 'refs/pull/42/merge', 'octocat', {}, 'notice'],
    ['issue_comment', 'issue-comment-pull-request.json', 'refs/heads/main', 'octocat', {}, 'notice'],
    ['workflow_run', 'workflow-run-fork-pr.json', 'refs/heads/main', 'octocat', {}, 'notice'],
    ['merge_group', 'merge-group.json', QUEUE_REF, 'octocat', {}, 'notice'],
    // Untrusted code that is pushed all the same needs its login.
    ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', 'contributor', { 'push-pull-requests': 'true' }, 'error']
  ];

  test.each(TABLE)('%s (%s, %s, by %s) %j: %s', (event, file, ref, actor, extra, outcome) => {
    const single = attempt({ ...SINGLE, ...extra }, event, file, ref, actor);
    const list = attempt({ ...LIST, ...extra }, event, file, ref, actor);
    if (outcome === 'notice') {
      expect(single).toEqual({
        logins: [],
        notices: [
          expect.stringMatching(
            /^username\/password for registry\.example\.com: the password is empty \(an unset secret: .*\); nothing is pushed on .*, so no login is needed$/
          )
        ]
      });
      expect(list).toEqual({
        logins: [],
        notices: [
          expect.stringMatching(/^registry-auth entry 1 \(registry\.example\.com\): the password is empty .* no login is needed$/),
          expect.stringMatching(
            new RegExp(`^registry-auth entry 2 \\(${ECR_HOST.replace(/\./g, '\\.')}\\): the password \\(AWS secret access key\\) is empty`)
          )
        ]
      });
    } else {
      expect(single).toEqual({
        problems: [
          expect.stringMatching(
            /^password: for registry\.example\.com, the password is empty \(an unset or misnamed secret\?\); .*: set the secret it comes from$/
          )
        ]
      });
      expect(list).toEqual({
        problems: [
          expect.stringMatching(/^registry-auth: entry 1 \(registry\.example\.com\): the password is empty/),
          expect.stringMatching(/^registry-auth: entry 2 \(.*\): the password \(AWS secret access key\) is empty/)
        ]
      });
    }
  });

  test('the error says why the password is needed', () => {
    expect(attempt(SINGLE)).toEqual({ problems: [expect.stringContaining('this push run pushes and needs it')] });
    expect(attempt(SINGLE, 'release', 'release-created.json', 'refs/tags/v1.0.0')).toEqual({
      problems: [expect.stringContaining("a release event gets the repository's secrets, so it is not set")]
    });
  });

  test('the notice names the event', () => {
    const out = attempt(SINGLE, 'pull_request', 'pull-request-dependabot.json', 'refs/pull/51/merge', 'dependabot[bot]');
    expect(out).toEqual({ logins: [], notices: [expect.stringContaining('nothing is pushed on pull_request, so no login is needed')] });
    const push = attempt(SINGLE, 'push', 'push-dependabot-branch.json', 'refs/heads/dependabot/docker/alpine-3.21', 'dependabot[bot]');
    expect(push).toEqual({
      logins: [],
      notices: [expect.stringContaining('nothing is pushed on push by Dependabot (its runs get no Actions secrets and a read-only token)')]
    });
  });
});
