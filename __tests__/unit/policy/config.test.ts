import * as core from '@actions/core';
import { RunContext } from '../../../src/inputs/context';
import { ConfigError } from '../../../src/inputs/problems';
import { secretLookingBuildArgs } from '../../../src/inputs/secrets';
import { loadConfig } from '../../../src/policy/config';
import { ctxFor } from './events';

/** Only the expression default needs a value here: the others come from the declarations. */
const DEFAULTS: Record<string, string> = { 'github-token': 'ghs_token' };

function ctx(over: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    payload: {},
    repository: 'Octo-Org/Hello-World',
    actor: 'octocat',
    sha: '0123456789abcdef',
    ref: 'refs/heads/main',
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    tempDir: '/tmp',
    ...over
  };
}

function load(inputs: Record<string, string>, c = ctx()) {
  const all = { ...DEFAULTS, ...inputs };
  return loadConfig(name => all[name] ?? '', c);
}

/** The logins as registry, username and password (an ECR login as planned). */
function logins(cfg: ReturnType<typeof load>) {
  return cfg.logins.map(l =>
    l.source.kind === 'password' ? { registry: l.registry, username: l.source.username, password: l.source.password } : l
  );
}

function problems(inputs: Record<string, string>, c = ctx()): string[] {
  try {
    load(inputs, c);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults', () => {
  test('pushes to ghcr.io/<owner>/<repo> lowercased, logging in with the actor and token', () => {
    const cfg = load({});
    expect(cfg.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(cfg.images).toEqual(['ghcr.io/octo-org/hello-world']);
    expect(cfg.push).toBe(true);
    expect(logins(cfg)).toEqual([{ registry: 'ghcr.io', username: 'octocat', password: 'ghs_token' }]);
  });

  test.each([
    ['pull_request', 'auto', false],
    ['pull_request_target', 'auto', false],
    ['push', 'auto', true],
    ['release', 'auto', true],
    ['push', 'true', true],
    ['push', 'false', false]
  ])('%s with push: %s → push %s', (eventName, push, expected) => {
    const cfg = load({ push, tags: 'ghcr.io/o/r:t' }, ctx({ eventName, payload: { action: 'published' } }));
    expect(cfg.push).toBe(expected);
    if (!expected) expect(logins(cfg)).toEqual([]);
  });

  test('explicit credentials go to the one registry of the images; GHCR still gets the token', () => {
    const cfg = load({ images: 'registry.example.com/a/b\nghcr.io/o/r', registry: 'registry.example.com', username: 'u', password: 'p' });
    expect(logins(cfg)).toEqual([
      { registry: 'registry.example.com', username: 'u', password: 'p' },
      { registry: 'ghcr.io', username: 'octocat', password: 'ghs_token' }
    ]);
  });

  test('credentials are never spread over several registries', () => {
    expect(problems({ images: 'docker.io/u/app\nghcr.io/o/r', username: 'u', password: 'p' })).toEqual([
      expect.stringMatching(
        /^registry: .* must name the one registry username\/password belong to \(the images are on docker\.io, ghcr\.io\)/
      )
    ]);
  });

  test("driver docker uses the engine's builder, to build or load, not to push", () => {
    expect(load({ driver: 'docker', push: 'false', load: 'true' }).builder).toBe('default');
    expect(problems({ driver: 'docker' })).toEqual([
      expect.stringMatching(/^driver: docker .* cannot push by digest.* use driver: docker-container/)
    ]);
    // A pull request builds without pushing: the engine's builder is fine there.
    expect(
      load(
        { driver: 'docker' },
        ctx({ eventName: 'pull_request', payload: { pull_request: { number: 7, head: { repo: { full_name: 'Octo-Org/Hello-World' } } } } })
      ).push
    ).toBe(false);
  });

  test('tags given are used verbatim and decide the registries', () => {
    const cfg = load({ tags: 'quay.io/o/app:1.0\nquay.io/o/app:latest', username: 'u', password: 'p' });
    expect(cfg.tags).toEqual(['quay.io/o/app:1.0', 'quay.io/o/app:latest']);
    expect(cfg.logins.map(l => l.registry)).toEqual(['quay.io']);
  });

  test('images are lowercased', () => {
    expect(load({ images: 'GHCR.io/Owner/App' }).images).toEqual(['ghcr.io/owner/app']);
  });

  test('quoted secrets, as in build-push-action, may span lines', () => {
    expect(load({ secrets: '"github_token=abc"\n"key=-----BEGIN KEY-----\nAAA==\n-----END KEY-----"\n"q=say ""hi"""' }).secrets).toEqual([
      { id: 'github_token', value: 'abc' },
      { id: 'key', value: '-----BEGIN KEY-----\nAAA==\n-----END KEY-----' },
      { id: 'q', value: 'say "hi"' }
    ]);
  });

  test('secrets keep their values exactly', () => {
    expect(load({ secrets: 'token=a=b c\nnpm=xyz' }).secrets).toEqual([
      { id: 'token', value: 'a=b c' },
      { id: 'npm', value: 'xyz' }
    ]);
  });
});

describe('mode: promote', () => {
  test("the source's registry gets credentials too: GHCR's job token for a GHCR source, the password for the target named in registry", () => {
    const cfg = load({
      mode: 'promote',
      source: 'ghcr.io/o/app',
      images: 'quay.io/o/app',
      registry: 'quay.io',
      username: 'u',
      password: 'p'
    });
    expect(cfg.logins).toEqual([
      { registry: 'quay.io', from: 'username/password', source: { kind: 'password', username: 'u', password: 'p' } },
      { registry: 'ghcr.io', from: 'github-token', source: { kind: 'password', username: 'octocat', password: 'ghs_token' } }
    ]);
  });

  test('one username/password with the source and the targets on two registries: registry must say which', () => {
    expect(
      problems({ mode: 'promote', source: 'quay.io/o/app:1', images: 'registry.example.com/o/app', username: 'u', password: 'p' })
    ).toEqual([
      expect.stringMatching(
        /^registry: empty value must name the one registry username\/password belong to \(the images are on registry\.example\.com, quay\.io\)/
      )
    ]);
  });

  test('sign and attest are refused with one problem each run, not the signing services too', () => {
    expect(problems({ mode: 'promote', source: 'ghcr.io/o/app:1', images: 'ghcr.io/o/app', sign: 'true', attest: 'true' })).toEqual([
      expect.stringMatching(/^sign, attest: mode: promote signs nothing; it copies the signatures and attestations the source already has/)
    ]);
  });

  test("a release promotion takes metadata-action's tag syntax too", () => {
    const cfg = load(
      {
        mode: 'promote',
        source: 'ghcr.io/o/app',
        images: 'ghcr.io/o/app',
        'meta-tags': 'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}',
        flavor: 'latest=auto'
      },
      ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4')
    );
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(['2.3.4', '2', 'latest']);
  });

  test('an untrusted event does not push, so a promotion logs in nowhere', () => {
    const cfg = load(
      { mode: 'promote', source: 'ghcr.io/o/app:1' },
      ctx({ eventName: 'pull_request', payload: { pull_request: { number: 1 } } })
    );
    expect(cfg.push).toBe(false);
    expect(cfg.logins).toEqual([]);
  });
});

describe('Docker Hub has one name', () => {
  test.each(['index.docker.io', 'docker.io', 'registry-1.docker.io'])('registry: %s and images on docker.io are one login', registry => {
    const cfg = load({ images: 'docker.io/acme/app\nacme/app', registry, username: 'acme', password: 'dckr_pat_x' });
    expect(cfg.images).toEqual(['acme/app']);
    expect(logins(cfg)).toEqual([{ registry: 'docker.io', username: 'acme', password: 'dckr_pat_x' }]);
  });
});

describe('secret-looking build-args', () => {
  test.each([
    ['NPM_TOKEN', true],
    ['api-key', true],
    ['githubPat', true],
    ['DB_PASSWORD', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['AUTH', true],
    ['registry.credentials', true],
    ['NPMTOKEN', true],
    ['GITHUBTOKEN', true],
    ['DBPASSWORD', true],
    ['SECRETKEY', true],
    ['npmToken', true],
    ['NPM_SECRETS', true],
    ['GCP_CREDS', true],
    ['KEYBOARD_LAYOUT', false],
    ['MONKEY', false],
    ['PATH', false],
    ['AUTHOR', false],
    ['VERSION', false]
  ])('%s looks secret: %s', (name, secret) => {
    expect(secretLookingBuildArgs([`${name}=v`]).map(a => a.name)).toEqual(secret ? [name] : []);
  });

  test('with provenance mode=max they are an error naming them and the way out', () => {
    expect(problems({ 'build-args': 'NPM_TOKEN=x\nVERSION=1', provenance: 'mode=max' })).toEqual([
      expect.stringMatching(
        /^build-args: NPM_TOKEN looks secret, and provenance mode=max publishes build-arg values; pass them with secrets .* allow-secret-build-args: true/
      )
    ]);
  });

  test('cloud credentials are settings buildx reads only with a cache of that kind', () => {
    expect(() => load({ 'build-args': 'AWS_SECRET_ACCESS_KEY=x\nGIT_AUTH_TOKEN=y' })).not.toThrow();
    expect(problems({ 'build-args': 'AWS_SECRET_ACCESS_KEY=x', 'cache-from': 'type=s3,bucket=b,region=r' })).toEqual([
      expect.stringMatching(/^build-args: AWS_SECRET_ACCESS_KEY looks secret, and buildx reads that name/)
    ]);
  });

  test('one named like a setting buildx reads (its value would be on the command line) is refused', () => {
    expect(problems({ 'build-args': 'BUILDKIT_TOKEN=x\nHTTPS_PROXY=http://proxy:3128' })).toEqual([
      expect.stringMatching(/^build-args: BUILDKIT_TOKEN looks secret, and buildx reads that name from its own environment/)
    ]);
  });

  test('the opt-in accepts the risk; without mode=max they are only warned about (at run time)', () => {
    expect(load({ 'build-args': 'NPM_TOKEN=x', provenance: 'mode=max', 'allow-secret-build-args': 'true' }).buildArgs).toEqual([
      'NPM_TOKEN=x'
    ]);
    expect(load({ 'build-args': 'NPM_TOKEN=x', provenance: 'mode=min' }).buildArgs).toEqual(['NPM_TOKEN=x']);
  });
});

describe('smoke-test', () => {
  test.each([
    ['/app --version', ['/app', '--version']],
    ['/bin/sh -c \'test "$(uname -m)" = x86_64\'', ['/bin/sh', '-c', 'test "$(uname -m)" = x86_64']],
    ['node -e "console.log($HOME)"', ['node', '-e', 'console.log($HOME)']],
    ['', []]
  ])('%j runs as %j', (line, argv) => {
    expect(load({ 'smoke-test': line }).smokeTest).toEqual(argv);
  });

  test.each(['/app --version | grep 1.2', '/app && echo ok', '/app > /tmp/out', 'ls *.so'])('%j is refused, pointing to sh -c', line => {
    expect(problems({ 'smoke-test': line })).toEqual([expect.stringMatching(/^smoke-test: .* uses shell syntax .* sh -c/)]);
  });
});

describe('loadConfig validation', () => {
  test.each([
    [{ platforms: 'linux/sparc' }, /^platforms: unknown architecture "sparc"/],
    [{ platforms: ' , ' }, /^platforms: .*names no platform/],
    [{ push: 'yes' }, /^push: "yes" is not valid; use one of: auto, true, false/],
    [{ load: 'maybe' }, /^load: "maybe" is not valid/],
    [{ qemu: 'sometimes' }, /^qemu: "sometimes" is not valid; use one of: auto, true, false/],
    [{ driver: 'podman' }, /^driver: "podman" is not valid/],
    [{ network: 'bridge0' }, /^network: "bridge0" is not valid/],
    [{ 'build-args': 'NOEQUALS' }, /^build-args: "NOEQUALS" is not KEY=VALUE/],
    [{ labels: '=x' }, /^labels: "=…" is not KEY=VALUE/],
    [{ provenance: 'loud' }, /^provenance: "loud" is not valid/],
    [{ images: 'ghcr.io/o/app:1.0' }, /^images: .* must be an image name without tag/],
    [{ tags: 'ghcr.io/o/app' }, /^tags: .* has no tag/],
    [{ tags: 'ghcr.io/o/app:bad tag' }, /^tags: .*invalid tag/],
    [
      { username: 'u' },
      /^password: for ghcr\.io, the password is empty \(an unset or misnamed secret\?\); this push run pushes and needs it/
    ],
    [{ password: 'p' }, /^username\/password: give both or neither \(got a password without a username\)/],
    [{ 'buildx-version': 'latest-ish' }, /^buildx-version: .* is not a version/],
    [{ 'buildx-version': '0.9.1' }, /older than the minimum supported buildx 0\.10\.0/],
    [{ 'buildx-download-url': 'ftp://mirror' }, /^buildx-download-url: .* is not an http\(s\) URL/],
    [{ 'qemu-image': 'Bad Image' }, /^qemu-image: /],
    [{ outputs: 'type=local,dest=out', push: 'true' }, /^push: .* conflicts with outputs/],
    [{ 'no-cache': 'true', 'no-cache-filters': 'app' }, /^no-cache: "true" conflicts with no-cache-filters \(buildx takes one/],
    [{ builder: 'mine', 'driver-opts': 'network=host' }, /^builder: an existing builder is used as it is/],
    [{ secrets: 'not a secret' }, /^secrets: line 1 is not ID=VALUE/],
    [{ secrets: 'a=1\n..=x' }, /^secrets: line 2 is not ID=VALUE/],
    [{ secrets: '# npm token\nnpm=x' }, /^secrets: line 1 starts with #: secrets has no comments/],
    [{ 'handoff-key': '../../etc' }, /^handoff-key: "\.\.\/\.\.\/etc" may only use letters, digits, _ and -/],
    [{ 'handoff-key': 'web.debug' }, /^handoff-key: "web\.debug" may only use letters/],
    [{ 'handoff-dir': __filename }, /^handoff-dir: ".*" is a file; give a directory/],
    [{ 'handoff-retention-days': '365' }, /^handoff-retention-days: "365" is not a whole number of days from 1 to 90/],
    [{ mode: 'leg', platforms: 'linux/amd64' }, /^handoff-dir: a leg off GitHub Actions hands leg records over through a directory/],
    [{ mode: 'merge' }, /^handoff-dir: a merge off GitHub Actions/],
    [{ secrets: 'a=1\n"key=-----BEGIN KEY-----\nAAA==' }, /^secrets: line 2 opens a quote that is never closed/],
    [{ secrets: 'a=1\nb=2\na=3' }, /^secrets: line 3 repeats the id a; each secret id may appear once/],
    [{ driver: 'remote' }, /^driver: remote needs endpoint/],
    [{ version: 'latest-ish' }, /^version: .* is not a version/],
    [{ version: '0.9.1' }, /older than the minimum supported buildx 0\.10\.0/],
    [{ 'add-hosts': 'docker' }, /^add-hosts: "docker" is not valid; use HOST:IP/],
    [{ allow: 'network.host,root' }, /^allow: "root" is not valid; use network.host or security.insecure/],
    [{ attests: 'type=bogus' }, /^attests: "type=bogus" is not valid; use type=provenance/],
    [{ 'build-contexts': 'nocontext' }, /^build-contexts: "nocontext" is not valid; use NAME=VALUE/],
    [{ call: 'lint' }, /^call: "lint" is not valid; use one of: build, check, outline, targets/],
    [{ call: 'check', push: 'true' }, /^call: "check" evaluates the build without running it/],
    [
      { 'secret-envs': 'npm=NOT_SET_ANYWHERE_X' },
      /^secret-envs: npm reads the environment variable NOT_SET_ANYWHERE_X, which this step does not set/
    ],
    [{ 'secret-envs': 'bad' }, /^secret-envs: "bad" is not ID=ENV_NAME/],
    [{ 'secret-files': 'netrc=/nonexistent/.netrc' }, /^secret-files: netrc: no file at \/nonexistent\/.netrc/],
    [{ 'shm-size': 'lots' }, /^shm-size: "lots" is not a size/],
    [{ ssh: 'default=a b' }, /^ssh: .* is not valid; use default/],
    [{ ulimit: 'nofile' }, /^ulimit: "nofile" is not valid; use NAME=SOFT\[:HARD\]/],
    [
      { 'cache-from': 'type=bogus' },
      /^cache-from: "type=bogus" has an unknown cache type bogus; use one of: registry, local, gha, s3, azblob$/
    ],
    [{ 'cache-to': 'mode=max,ref=x' }, /^cache-to: "mode=max,ref=x" names no type/],
    [{ 'cache-from': 'Not An Image' }, /^cache-from: "Not An Image" is not an image reference/],
    [{ 'buildkitd-config-inline': '[registry."h"]\nhttp = yes' }, /^buildkitd-config-inline: is not TOML \(line 2\): /],
    [
      { 'buildx-version': '0.30.1', 'buildx-download-url': 'http://mirror.example/buildx' },
      /^buildx-download-url: "http:\/\/mirror.example\/buildx" is plain HTTP: .* buildx-allow-unverified: true/
    ]
  ])('%j', (inputs, message) => {
    const list = problems(inputs);
    expect(list.some(p => message.test(p))).toBe(true);
  });

  test('good cache entries, TOML and mirrors pass', () => {
    expect(() =>
      load({
        'cache-from': 'type=gha\nghcr.io/o/app:cache\ntype=registry,ref=ghcr.io/o/app:cache',
        'cache-to': 'type=inline\ntype=gha,mode=max',
        'buildkitd-config-inline': '[registry."127.0.0.1:5000"]\n  http = true',
        'buildx-version': '0.30.1',
        'buildx-download-url': 'http://127.0.0.1:8080/buildx'
      })
    ).not.toThrow();
    expect(() =>
      load({ 'buildx-version': '0.30.1', 'buildx-download-url': 'http://mirror.example/buildx', 'buildx-allow-unverified': 'true' })
    ).not.toThrow();
  });

  test('every problem is reported at once', () => {
    const list = problems({ platforms: 'linux/foo', push: 'sure', qemu: 'x', 'build-args': 'bad' });
    expect(list).toHaveLength(4);
  });

  test('a malformed KEY=VALUE line is quoted only up to its =, and what follows is masked first', () => {
    const masked = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
    try {
      const list = problems({ 'build-args': 'NPM_TOKEN = npm_s3cr3tvalue\nVERSION=1' });
      expect(list).toEqual(['build-args: "NPM_TOKEN =…" is not KEY=VALUE (KEY must be non-empty, without spaces; the value is not shown)']);
      expect(list.join('\n')).not.toContain('s3cr3t');
      expect(masked).toHaveBeenCalledWith('npm_s3cr3tvalue');
    } finally {
      masked.mockRestore();
    }
  });

  test('a secret value never appears in an error', () => {
    const list = problems({ secrets: 'supersecret-without-id' });
    expect(list.join('\n')).not.toContain('supersecret');
  });

  test('nothing to push to is an error', () => {
    expect(problems({}, ctx({ repository: '' }))).toEqual([expect.stringMatching(/^images: nothing to push to/)]);
  });
});

describe("meta-tags and flavor: docker/metadata-action's syntax, with this action's safety rules", () => {
  const TYPICAL = [
    'type=ref,event=branch',
    'type=ref,event=pr',
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=sha'
  ].join('\n');
  const META = { 'meta-tags': TYPICAL, flavor: 'latest=auto', 'push-pull-requests': 'true', 'allow-pull-request-target': 'true' };
  const QUEUE = 'refs/heads/gh-readonly-queue/main/pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246';

  test.each([
    ['push', 'push-default-branch.json', 'refs/heads/main', ['main', 'sha-6113728'], []],
    ['push', 'push-feature-branch.json', 'refs/heads/Feature/Login_Page', ['Feature-Login_Page', 'sha-6113728'], []],
    ['push', 'push-tag.json', 'refs/tags/v1.2.3', ['1.2.3', '1.2', 'sha-6113728', 'latest'], []],
    ['release', 'release-published-stable.json', 'refs/tags/v2.3.4', ['2.3.4', '2.3', 'sha-6113728', 'latest'], []],
    ['release', 'release-published-prerelease.json', 'refs/tags/v2.4.0-rc.1', ['2.4.0-rc.1', 'sha-6113728'], []],
    ['release', 'release-prerelease-checkbox-only.json', 'refs/tags/v2.5.0', ['2.5.0', '2.5', 'sha-6113728'], ['latest']],
    ['pull_request', 'pull-request-fork.json', 'refs/pull/42/merge', ['pr-42'], ['sha-6113728']],
    ['pull_request', 'pull-request-same-repo.json', 'refs/pull/7/merge', ['pr-7', 'sha-6113728'], []],
    ['schedule', 'schedule.json', 'refs/heads/main', ['main', 'sha-6113728'], []],
    ['merge_group', 'merge-group.json', QUEUE, ['gh-readonly-queue-main-pr-42-6113728f27ae82c7b1a177c8d03f9e96e0adf246'], ['sha-6113728']]
  ])('%s (%s): tags %j, held %j', (event, file, ref, tags, held) => {
    const cfg = load(META, ctxFor(event, file, ref));
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(tags);
    expect(cfg.derived?.notes?.held.map(h => h.tag)).toEqual(held);
    expect(cfg.derived?.version).toBe(tags[0]);
  });

  test('untrusted code gets no type=raw tag and no latest, even when asked', () => {
    const cfg = load(
      { ...META, 'meta-tags': 'type=ref,event=pr\ntype=raw,value=stable', flavor: 'latest=true' },
      ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge')
    );
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(['pr-42']);
    expect(cfg.derived?.notes?.held.map(h => h.tag)).toEqual(['stable', 'latest']);
  });

  test.each([
    ['type=semver,pattern={{version}},value=v1.2.3', '1.2.3'],
    ['type=pep440,pattern={{version}},value=1.2.3', '1.2.3'],
    ['type=match,pattern=\\d+,value=release-7', '7']
  ])('untrusted code gets no version tag from value= either: %s', (rule, held) => {
    const cfg = load(
      { ...META, 'meta-tags': `type=ref,event=pr\n${rule}` },
      ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/42/merge')
    );
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(['pr-42']);
    expect(cfg.derived?.notes?.held.map(h => h.tag)).toEqual([held, 'latest']);
  });

  test('tags named after a branch or a raw value carry that name, so the backport guard can hold them', () => {
    const cfg = load({ 'meta-tags': 'type=ref,event=branch\ntype=raw,value=7.2', flavor: 'latest=true' });
    expect(cfg.derived?.tags).toEqual([
      { tag: 'main', rule: 'type=ref,event=branch', refName: 'main' },
      { tag: '7.2', rule: 'type=raw,value=7.2', refName: '7.2' },
      { tag: 'latest', rule: 'flavor latest=true', refName: 'latest', latest: true }
    ]);
  });

  test('flavor alone applies metadata-action’s default rules (latest takes the prefix only with onlatest=true)', () => {
    const cfg = load({ flavor: 'prefix=app-' }, ctxFor('push', 'push-tag.json', 'refs/tags/v1.2.3'));
    expect(cfg.derived?.tags.map(t => t.tag)).toEqual(['app-v1.2.3', 'latest']);
  });

  test('a malformed rule is a problem naming meta-tags and its line, before anything runs', () => {
    expect(problems({ 'meta-tags': 'type=ref,event=branch\ntype=sha,format=medium' })).toEqual([
      'meta-tags: "type=sha,format=medium" (line 2) has format=medium; use short or long'
    ]);
  });

  test('rules that give no tag for this event are a problem (unless tags are given)', () => {
    expect(problems({ 'meta-tags': 'type=semver,pattern={{version}}' })).toEqual([
      'meta-tags: no rule gives a tag for this event; add one that applies (e.g. type=sha), or set tags'
    ]);
    expect(load({ 'meta-tags': 'type=semver,pattern={{version}}', tags: 'ghcr.io/o/r:1' }).tags).toEqual(['ghcr.io/o/r:1']);
  });

  test.each([
    [{ 'tag-rules': 'latest=false', 'meta-tags': 'type=sha' }, /^tag-rules: adjusts this action's own tag rules, and meta-tags\/flavor/],
    [{ 'tag-rules': 'sha=false', flavor: 'latest=false' }, /^tag-rules: adjusts/],
    [{ 'tag-rules': 'type=sha' }, /^tag-rules: "type=sha" is docker\/metadata-action's rule syntax; give those lines as meta-tags/],
    [{ tags: 'type=ref,event=branch' }, /^tags: "type=ref" is a docker\/metadata-action rule; .*put the rules under meta-tags/]
  ])('the syntaxes are not mixed: %j', (inputs, message) => {
    expect(problems(inputs)).toEqual([expect.stringMatching(message)]);
  });

  test.each([
    [{ 'meta-tags': 'type=sha' }, {}, true],
    [{ flavor: 'latest=false' }, {}, true],
    [{ 'meta-tags': 'type=sha' }, { DOCKER_METADATA_SET_OUTPUT_ENV: 'false' }, false],
    [{}, { DOCKER_METADATA_SET_OUTPUT_ENV: 'true' }, false]
  ])('outputs exported as DOCKER_METADATA_OUTPUT_*: %j with %j → %s', (inputs, env, exported) => {
    expect(load(inputs, ctx({ metadataEnv: env })).exportMetadataEnv).toBe(exported);
  });

  test("DOCKER_METADATA_* settings come from the run's environment", () => {
    const c = { ...ctxFor('push', 'push-default-branch.json', 'refs/heads/main'), metadataEnv: { DOCKER_METADATA_SHORT_SHA_LENGTH: '12' } };
    expect(load({ 'meta-tags': 'type=sha' }, c).derived?.tags.map(t => t.tag)).toEqual(['sha-6113728f27ae']);
  });

  test("images takes metadata-action's name=…,enable=… lines", () => {
    const cfg = load({ images: 'name=docker.io/o/app,enable=false\nname=ghcr.io/o/app,enable=true\nquay.io/o/app' });
    expect(cfg.images).toEqual(['ghcr.io/o/app', 'quay.io/o/app']);
    expect(problems({ images: 'name=ghcr.io/o/app,enable=maybe' })).toContain(
      'images: "name=ghcr.io/o/app,enable=maybe" has enable= that is neither true nor false'
    );
  });
});

describe("latest follows GitHub's designation of the repository's latest release", () => {
  const stable = (latestRelease?: RunContext['latestRelease']): RunContext => ({
    ...ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4'),
    latestRelease
  });

  test.each([
    ['this release', { tagName: 'v2.3.4' }, true],
    ['no answer asked (no token)', undefined, true],
    ['no latest release at all', { tagName: undefined }, true],
    ['another release', { tagName: 'v3.0.0' }, false]
  ])('GitHub marks %s latest: latest moves %s, with either syntax', (_name, designated, moves) => {
    for (const inputs of [{}, { 'meta-tags': 'type=semver,pattern={{version}}' }] as Record<string, string>[]) {
      const derived = load(inputs, stable(designated)).derived;
      expect(derived?.tags.some(t => t.tag === 'latest')).toBe(moves);
      const why = derived?.notes?.held.find(h => h.tag === 'latest')?.why;
      if (!moves) expect(why).toMatch(/GitHub marks v3\.0\.0 as the repository's latest release, not v2\.3\.4/);
    }
  });

  test('when GitHub could not be asked, a warning, and the version order alone decides', () => {
    const derived = load({}, stable({ problem: 'HTTP 502' })).derived;
    expect(derived?.tags.some(t => t.tag === 'latest')).toBe(true);
    expect(derived?.notes?.warnings).toEqual([expect.stringMatching(/^Could not ask GitHub .*HTTP 502/)]);
  });
});
