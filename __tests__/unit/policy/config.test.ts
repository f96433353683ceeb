import * as core from '@actions/core';
import { RunContext } from '../../../src/inputs/context';
import { ConfigError } from '../../../src/inputs/problems';
import { secretLookingBuildArgs } from '../../../src/inputs/secrets';
import { loadConfig } from '../../../src/policy/config';

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
    expect(cfg.logins).toEqual([{ registry: 'ghcr.io', username: 'octocat', password: 'ghs_token' }]);
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
    if (!expected) expect(cfg.logins).toEqual([]);
  });

  test('explicit credentials go to the one registry of the images; GHCR still gets the token', () => {
    const cfg = load({ images: 'registry.example.com/a/b\nghcr.io/o/r', registry: 'registry.example.com', username: 'u', password: 'p' });
    expect(cfg.logins).toEqual([
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
      { registry: 'quay.io', username: 'u', password: 'p' },
      { registry: 'ghcr.io', username: 'octocat', password: 'ghs_token' }
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
    expect(cfg.logins).toEqual([{ registry: 'docker.io', username: 'acme', password: 'dckr_pat_x' }]);
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
    [{ username: 'u' }, /^username\/password: give both or neither/],
    [{ 'buildx-version': 'latest-ish' }, /^buildx-version: .* is not a version/],
    [{ 'buildx-version': '0.9.1' }, /older than the minimum supported buildx 0\.10\.0/],
    [{ 'buildx-download-url': 'ftp://mirror' }, /^buildx-download-url: .* is not an http\(s\) URL/],
    [{ 'qemu-image': 'Bad Image' }, /^qemu-image: /],
    [{ outputs: 'type=local,dest=out', push: 'true' }, /^push: .* conflicts with outputs/],
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
    [{ driver: 'remote' }, /^driver: "remote" is not valid/],
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
