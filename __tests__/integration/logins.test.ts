/**
 * Logins as docker/login-action does them, several in one step, through the bundled action: a
 * workflow's two login-action steps (one for Amazon ECR after aws-actions/configure-aws-credentials,
 * one for a registry with a password) become one `registry-auth` list, and the same tags are
 * published to both registries (and to the open one beside them). ECR is a local stand-in of its
 * API, reached through the AWS SDK's own AWS_ENDPOINT_URL_ECR, which hands out the password of a
 * local registry with basic auth; that registry listens on 127.0.0.1, not under an ECR host name,
 * so its entry says `ecr: true` (ECR host names are recognised in a unit test). Also: an unset
 * secret on a fork's pull request is a notice, on a push an error naming the input; a refused
 * ECR exchange stops the run before anything is built. And issue 19's migration whole: the two
 * login steps plus a typical metadata-action `tags:`/`flavor:` block pasted into `meta-tags` and
 * `flavor` of one step, run for a push to main and then a release tag; both registries' tag lists,
 * read through the registry API, hold exactly metadata-action's tags.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EcrStandIn, startEcrStandIn } from './ecr-standin';
import { RunningRegistry, startRegistry, tempDir } from './registries';
import {
  ActionRun,
  FIXTURES,
  REGISTRY,
  commandLines,
  errorLines,
  imageManifest,
  localStackInputs,
  untrustedStackInputs,
  manifest,
  registryGet,
  runAction,
  tagList,
  uniqueRepo
} from './stack';

jest.setTimeout(600_000);

const HTPASSWD = { username: 'ci-user', password: 'ci-pass-5b1e' };
/** What the ECR stand-in hands out, and what the "ECR" registry's htpasswd holds. */
const ECR_LOGIN = { username: 'AWS', password: 'ecr-token-pass-7c3a9' };
const AWS = { accessKeyId: 'AKIAFAKETESTKEY00001', secretAccessKey: 'fake-secret-access-key-for-tests', region: 'eu-west-1' };

/** What configure-aws-credentials leaves in the environment, the stand-in as ECR's endpoint, and nothing else AWS. */
function awsEnv(standIn: EcrStandIn, keys = AWS): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_REGION: AWS.region,
    AWS_DEFAULT_REGION: AWS.region,
    AWS_ENDPOINT_URL_ECR: standIn.endpoint,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true'
  };
}

const event = (name: string): object => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', name), 'utf8')) as object;

function log(run: ActionRun): string {
  return run.main.stdout + run.main.stderr;
}

describe('two login-action steps (ECR and a password) as one registry-auth list: the same tags on both registries', () => {
  let ecrRegistry: RunningRegistry;
  let passwordRegistry: RunningRegistry;
  let standIn: EcrStandIn;
  let run: ActionRun;
  const repo = uniqueRepo('logins');

  beforeAll(async () => {
    ecrRegistry = await startRegistry({
      storage: tempDir('ecr-storage-'),
      htpasswd: { user: ECR_LOGIN.username, password: ECR_LOGIN.password }
    });
    passwordRegistry = await startRegistry({
      storage: tempDir('pw-storage-'),
      htpasswd: { user: HTPASSWD.username, password: HTPASSWD.password }
    });
    standIn = await startEcrStandIn({ accessKeyId: AWS.accessKeyId, region: AWS.region, ...ECR_LOGIN });
    const hosts = [ecrRegistry.host, passwordRegistry.host, REGISTRY];
    run = await runAction({
      env: awsEnv(standIn),
      inputs: {
        ...localStackInputs(hosts),
        platforms: 'linux/amd64',
        provenance: 'false',
        tags: hosts.flatMap(h => [`${h}/${repo}:1.0.0`, `${h}/${repo}:latest`]).join('\n'),
        // What the two login-action steps said, carried over: the ECR one names its registry only.
        'registry-auth': [
          `- registry: ${ecrRegistry.host}`,
          '  ecr: true',
          `- registry: ${passwordRegistry.host}`,
          `  username: ${HTPASSWD.username}`,
          `  password: ${HTPASSWD.password}`
        ].join('\n')
      }
    });
  });
  afterAll(async () => {
    await standIn?.stop();
    await ecrRegistry?.stop();
    await passwordRegistry?.stop();
  });

  test('main and post succeed', () => {
    expect(errorLines(run.main.stdout)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
  });

  test("the ECR password was asked for once, signed with the environment's AWS key in its region", () => {
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0].target).toBe('AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
    expect(standIn.requests[0].credential).toMatch(new RegExp(`^${AWS.accessKeyId}/\\d{8}/${AWS.region}/ecr/aws4_request$`));
    expect(log(run)).toContain(`${ecrRegistry.host}: asking ECR for a password (registry-auth entry 1, the environment's AWS credentials)`);
  });

  test('each registry got its own login, recorded for the post step, which logged out of both', () => {
    expect(log(run)).toContain(`Logging in to ${ecrRegistry.host} as AWS`);
    expect(log(run)).toContain(`Logging in to ${passwordRegistry.host} as ${HTPASSWD.username}`);
    const state = JSON.parse(run.state['post-state']) as { loggedIn?: string[] };
    expect(state.loggedIn).toEqual([ecrRegistry.host, passwordRegistry.host]);
    expect(run.post?.stdout).toContain(`Logged out of ${ecrRegistry.host}`);
    expect(run.post?.stdout).toContain(`Logged out of ${passwordRegistry.host}`);
  });

  test('every password is masked, and reaches the log nowhere else, nor any command line', () => {
    const unmasked = (out: string): string =>
      out
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n');
    for (const secret of [ECR_LOGIN.password, HTPASSWD.password]) expect(run.main.stdout).toContain(`::add-mask::${secret}\n`);
    for (const secret of [ECR_LOGIN.password, HTPASSWD.password, AWS.secretAccessKey]) {
      expect(unmasked(log(run))).not.toContain(secret);
      expect(unmasked(run.post?.stdout ?? '')).not.toContain(secret);
    }
    expect(commandLines(run.main.stdout).filter(l => l.includes(' login '))).toEqual([]);
  });

  test('the same index is under the same tags on every registry', async () => {
    const digest = run.outputs.digest;
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const auths = [
      [ecrRegistry.host, ECR_LOGIN],
      [passwordRegistry.host, HTPASSWD],
      [REGISTRY, undefined]
    ] as const;
    for (const [host, auth] of auths) {
      expect([host, (await tagList(host, repo, auth))?.sort()]).toEqual([host, ['1.0.0', 'latest']]);
      for (const tag of ['1.0.0', 'latest'])
        expect([host, tag, (await manifest(host, repo, tag, auth))._digest]).toEqual([host, tag, digest]);
      expect((await imageManifest(host, repo, digest, auth)).config.digest).toMatch(/^sha256:/);
    }
    expect(run.outputs.tags.split('\n').sort()).toHaveLength(6);
  });

  test("each registry refuses the other one's credentials, and none (so neither login could have served both)", async () => {
    const tags = `${repo}/tags/list`;
    expect((await registryGet(ecrRegistry.host, tags, HTPASSWD)).status).toBe(401);
    expect((await registryGet(passwordRegistry.host, tags, ECR_LOGIN)).status).toBe(401);
    expect((await registryGet(ecrRegistry.host, tags)).status).toBe(401);
    expect((await registryGet(passwordRegistry.host, tags)).status).toBe(401);
  });
});

/** A push event fixture moved to another commit and ref: the payload, GITHUB_SHA and GITHUB_REF agree. */
function pushOf(fixture: string, sha: string, ref: string): { event: object; env: Record<string, string> } {
  const payload = event(fixture) as { after: string; head_commit: { id: string } };
  return { event: { ...payload, after: sha, head_commit: { ...payload.head_commit, id: sha } }, env: { GITHUB_SHA: sha, GITHUB_REF: ref } };
}

describe("a workflow's two login-action steps and its metadata-action block, pasted into one step: the same tags on both registries", () => {
  // What the workflow said, unchanged: metadata-action's `tags` (here `meta-tags`) and `flavor`.
  const META_TAGS = [
    'type=ref,event=branch',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=sha'
  ].join('\n');
  const FLAVOR = 'latest=auto\n';
  const BRANCH_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  const TAG_SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
  let ecrRegistry: RunningRegistry;
  let passwordRegistry: RunningRegistry;
  let standIn: EcrStandIn;
  let branchRun: ActionRun;
  let tagRun: ActionRun;
  const repo = uniqueRepo('meta-logins');
  const auths = (): [string, { username: string; password: string }][] => [
    [ecrRegistry.host, ECR_LOGIN],
    [passwordRegistry.host, HTPASSWD]
  ];

  beforeAll(async () => {
    ecrRegistry = await startRegistry({
      storage: tempDir('ecr-storage-'),
      htpasswd: { user: ECR_LOGIN.username, password: ECR_LOGIN.password }
    });
    passwordRegistry = await startRegistry({
      storage: tempDir('pw-storage-'),
      htpasswd: { user: HTPASSWD.username, password: HTPASSWD.password }
    });
    standIn = await startEcrStandIn({ accessKeyId: AWS.accessKeyId, region: AWS.region, ...ECR_LOGIN });
    const hosts = [ecrRegistry.host, passwordRegistry.host];
    const inputs = {
      ...localStackInputs(hosts),
      platforms: 'linux/amd64',
      provenance: 'false',
      // metadata-action's `images`, one per registry.
      images: hosts.map(h => `${h}/${repo}`).join('\n'),
      'meta-tags': META_TAGS,
      flavor: FLAVOR,
      // login-action's two steps: `registry:` alone after configure-aws-credentials (ECR), then a password.
      'registry-auth': [
        `- registry: ${ecrRegistry.host}`,
        '  ecr: true',
        `- registry: ${passwordRegistry.host}`,
        `  username: ${HTPASSWD.username}`,
        `  password: ${HTPASSWD.password}`
      ].join('\n')
    };
    // A push to the default branch, then the release tag v1.2.3 pushed on a later commit.
    const onMain = pushOf('push-default-branch.json', BRANCH_SHA, 'refs/heads/main');
    branchRun = await runAction({ event: onMain.event, env: { ...awsEnv(standIn), ...onMain.env }, inputs });
    const onTag = pushOf('push-tag.json', TAG_SHA, 'refs/tags/v1.2.3');
    tagRun = await runAction({ event: onTag.event, env: { ...awsEnv(standIn), ...onTag.env }, inputs });
  });
  afterAll(async () => {
    await standIn?.stop();
    await ecrRegistry?.stop();
    await passwordRegistry?.stop();
  });

  test('both runs succeed, each logging in to both registries (ECR through the stand-in) and out again', () => {
    for (const run of [branchRun, tagRun]) {
      expect(errorLines(run.main.stdout)).toEqual([]);
      expect(run.main.code).toBe(0);
      expect(run.post?.code).toBe(0);
      expect(log(run)).toContain(`Logging in to ${ecrRegistry.host} as AWS`);
      expect(log(run)).toContain(`Logging in to ${passwordRegistry.host} as ${HTPASSWD.username}`);
      expect(run.post?.stdout).toContain(`Logged out of ${ecrRegistry.host}`);
      expect(run.post?.stdout).toContain(`Logged out of ${passwordRegistry.host}`);
    }
    expect(standIn.requests).toHaveLength(2);
  });

  test("the tags are metadata-action's for each push: branch and short sha; then version, major.minor, latest and short sha", () => {
    expect(branchRun.outputs['tag-names'].split('\n').sort()).toEqual(['main', 'sha-a1b2c3d']);
    expect(tagRun.outputs['tag-names'].split('\n').sort()).toEqual(['1.2', '1.2.3', 'latest', 'sha-6113728']);
    expect(tagRun.outputs.version).toBe('1.2.3');
    for (const host of [ecrRegistry.host, passwordRegistry.host]) {
      expect(tagRun.outputs.tags.split('\n')).toEqual(expect.arrayContaining([`${host}/${repo}:1.2.3`, `${host}/${repo}:latest`]));
    }
  });

  test('every password is masked and reaches the log nowhere else', () => {
    for (const run of [branchRun, tagRun]) {
      const unmasked = log(run)
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n');
      for (const secret of [ECR_LOGIN.password, HTPASSWD.password, AWS.secretAccessKey]) expect(unmasked).not.toContain(secret);
    }
  });

  test('read through the registry HTTP API, both registries hold exactly those tags, each on the index its run published', async () => {
    const expected: Record<string, string> = {
      main: branchRun.outputs.digest,
      'sha-a1b2c3d': branchRun.outputs.digest,
      '1.2.3': tagRun.outputs.digest,
      '1.2': tagRun.outputs.digest,
      latest: tagRun.outputs.digest,
      'sha-6113728': tagRun.outputs.digest
    };
    expect(branchRun.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tagRun.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(tagRun.outputs.digest).not.toBe(branchRun.outputs.digest);
    for (const [host, auth] of auths()) {
      expect([host, (await tagList(host, repo, auth))?.sort()]).toEqual([host, Object.keys(expected).sort()]);
      for (const [tag, digest] of Object.entries(expected)) {
        expect([host, tag, (await manifest(host, repo, tag, auth))._digest]).toEqual([host, tag, digest]);
      }
    }
  });
});

describe('an unset secret', () => {
  let standIn: EcrStandIn;
  beforeAll(async () => {
    standIn = await startEcrStandIn({ accessKeyId: AWS.accessKeyId, region: AWS.region, ...ECR_LOGIN });
  });
  afterAll(() => standIn?.stop());

  /** The README's second example with REGISTRY_TOKEN unset, plus a registry-auth entry whose secret is unset too. */
  // Without network: host, which a pull request's run may not have.
  const unsetInputs = (repo: string): Record<string, string> => ({
    ...untrustedStackInputs(),
    platforms: 'linux/amd64',
    tags: `${REGISTRY}/${repo}:1.4.0`,
    registry: REGISTRY,
    username: 'team-bot',
    password: '',
    'registry-auth': '- registry: registry.example.com\n  username: team-bot\n  password:\n'
  });

  test("on a fork's pull request is a notice: built, no login, nothing pushed", async () => {
    const repo = uniqueRepo('unset-pr');
    const run = await runAction({
      eventName: 'pull_request',
      event: event('pull-request-fork.json'),
      env: { GITHUB_REF: 'refs/pull/42/merge', ...awsEnv(standIn) },
      inputs: unsetInputs(repo)
    });
    expect(errorLines(run.main.stdout)).toEqual([]);
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain(
      `::notice::username/password for ${REGISTRY}: the password is empty (an unset secret: GitHub gives none to pull requests from forks or Dependabot); nothing is pushed on pull_request, so no login is needed`
    );
    expect(run.main.stdout).toContain('::notice::registry-auth entry 1 (registry.example.com): the password is empty');
    expect(run.main.stdout).not.toContain('Logging in');
    expect(commandLines(run.main.stdout).filter(l => / buildx build /.test(l))).toHaveLength(1);
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });

  test('on a push is an error naming the inputs, before anything runs', async () => {
    const run = await runAction({ env: awsEnv(standIn), inputs: unsetInputs(uniqueRepo('unset-push')) });
    expect(run.main.code).toBe(1);
    const errors = errorLines(run.main.stdout).join('\n');
    expect(errors).toContain(
      `password: for ${REGISTRY}, the password is empty (an unset or misnamed secret?); this push run pushes and needs it`
    );
    expect(errors).toContain('registry-auth: entry 1 (registry.example.com): the password is empty');
    expect(commandLines(run.main.stdout)).toEqual([]);
  });
});

test('a refused ECR exchange stops the run before anything is built, naming the registry and the credentials tried', async () => {
  const standIn = await startEcrStandIn({ accessKeyId: AWS.accessKeyId, region: AWS.region, ...ECR_LOGIN });
  try {
    const run = await runAction({
      env: awsEnv(standIn, { ...AWS, accessKeyId: 'AKIAWRONGKEY00000000' }),
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${uniqueRepo('ecr-refused')}:1`,
        'registry-auth': '- registry: 127.0.0.1:5999\n  ecr: true'
      }
    });
    expect(run.main.code).toBe(1);
    expect(errorLines(run.main.stdout).join('\n')).toMatch(
      /cannot log in, so nothing was pushed:%0A {2}- registry-auth entry 1: 127\.0\.0\.1:5999: ECR in the environment's region gave no authorization token \(with the environment's AWS credentials\): UnrecognizedClientException/
    );
    expect(commandLines(run.main.stdout).filter(l => / buildx build /.test(l))).toEqual([]);
    expect(run.post?.code).toBe(0);
  } finally {
    await standIn.stop();
  }
});
