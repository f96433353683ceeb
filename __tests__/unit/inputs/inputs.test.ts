/** The input declarations: one source with action.yml, defaults applied, and undeclared inputs refused. */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { RunContext } from '../../../src/inputs/context';
import { BUILD_INPUTS, DECLARED_INPUTS, PUBLISH_INPUTS, lowercaseName, parsePlatformList, readInputs } from '../../../src/inputs/inputs';
import { readGroup } from '../../../src/inputs/input-spec';
import { Problems } from '../../../src/inputs/problems';
import { givenInputs, inputVariable, suggestInput } from '../../../src/inputs/undeclared';

const ACTION = parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

const ctx: RunContext = {
  eventName: 'push',
  payload: {},
  repository: 'o/r',
  actor: 'a',
  sha: '0123456',
  ref: 'refs/heads/main',
  runId: '1',
  runAttempt: '1',
  serverUrl: 'https://github.com',
  tempDir: '/tmp'
};

describe('the declarations are action.yml', () => {
  test('the inputs action.yml declares are exactly the inputs the code reads', () => {
    expect(DECLARED_INPUTS.map(i => i.name).sort()).toEqual(Object.keys(ACTION.inputs).sort());
  });

  test.each(DECLARED_INPUTS.map(i => [i.name, i.default]))('%s has the default action.yml gives it', (name, dflt) => {
    expect(dflt).toEqual(ACTION.inputs[name].default === undefined ? undefined : String(ACTION.inputs[name].default));
  });

  test('each input is declared once', () => {
    const names = DECLARED_INPUTS.map(i => i.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('defaults', () => {
  test('an empty input takes its declared default, the same the runner fills in', () => {
    const build = readGroup(BUILD_INPUTS, () => '', new Problems(), ctx);
    expect(build.platforms).toEqual(['linux/amd64', 'linux/arm64']);
    expect(build.context).toBe('.');
    expect(build.preflight).toBe(true);
    expect(build.sbom).toBeUndefined();
  });

  test("an expression default (${{ github.token }}) is the runner's: nothing stands in for it", () => {
    const p = new Problems();
    expect(readInputs(() => '', ctx, p).githubToken).toBe('');
    expect(p.list).toEqual([]);
  });
});

describe('separators (sep-tags, sep-labels, sep-annotations)', () => {
  const read = (given: Record<string, string>) => readGroup(PUBLISH_INPUTS, n => given[n] ?? '', new Problems(), ctx);

  test('are taken as written, a space or a comma too; empty is a newline, as in metadata-action', () => {
    expect(read({ 'sep-tags': ' ', 'sep-labels': ',' })).toMatchObject({ sepTags: ' ', sepLabels: ',', sepAnnotations: '\n' });
  });

  test('are the only inputs read untrimmed', () => {
    expect(DECLARED_INPUTS.filter(i => i.keepWhitespace).map(i => i.name)).toEqual(['sep-tags', 'sep-labels', 'sep-annotations']);
  });
});

describe('inputs the action does not declare', () => {
  const problemsFor = (given: string[]): string[] => {
    const p = new Problems();
    readInputs(() => '', ctx, p, given);
    return p.list;
  };

  test.each([
    ['meta-flavor', 'flavor'],
    ['meta-images', 'images'],
    ['image', 'qemu-image'],
    ['config', 'buildkitd-config'],
    ['driver-opt', 'driver-opts'],
    ['keep_state', 'keep-state'],
    ['buildkitd-flag', 'buildkitd-flags'],
    ['platfroms', 'platforms'],
    ['build_args', 'build-args'],
    ['cache-form', 'cache-from']
  ])('%s is a problem that names %s', (given, meant) => {
    expect(problemsFor([given])).toEqual([`\`${given}\` is not an input of this action; did you mean \`${meant}\`?`]);
  });

  test.each(['bake-target', 'no-such-input', 'scope'])('%s (nothing close) is a problem that says to remove it', given => {
    expect(problemsFor([given])).toEqual([
      `\`${given}\` is not an input of this action; remove it (the README's Inputs table lists every input)`
    ]);
  });

  test.each(['version', 'name', 'endpoint', 'append', 'cleanup', 'use', 'cache-binary'])(
    "setup-buildx-action's %s is an input here",
    given => {
      expect(problemsFor([given])).toEqual([]);
    }
  );

  test('every undeclared input is reported, declared ones are not', () => {
    expect(problemsFor(['platforms', 'build-args', 'ssh', 'bake-target', 'meta-flavor'])).toHaveLength(2);
  });

  test('the runner names inputs INPUT_<NAME>: declared ones match, case and all', () => {
    const env = { INPUT_PLATFORMS: 'x', 'INPUT_BUILD-ARGS': 'y', INPUT_SSH: 'default', PATH: '/bin', INPUT_: '' };
    expect(givenInputs(env)).toEqual(['platforms', 'build-args', 'ssh']);
    expect(inputVariable('build-args')).toBe('INPUT_BUILD-ARGS');
  });

  test('a name far from every input gets no suggestion', () => {
    expect(
      suggestInput(
        'bake-definition',
        DECLARED_INPUTS.map(i => i.name)
      )
    ).toBeUndefined();
  });
});

describe('parsePlatformList', () => {
  test.each([
    ['linux/amd64,linux/arm64', ['linux/amd64', 'linux/arm64']],
    ['linux/arm64/v8', ['linux/arm64']],
    ['linux/arm', ['linux/arm/v7']],
    ['linux/arm/v6', ['linux/arm/v6']],
    ['linux/amd64/v1', ['linux/amd64']],
    ['linux/amd64/v3', ['linux/amd64/v3']],
    ['linux/aarch64', ['linux/arm64']],
    ['linux/x86_64, Linux/AMD64', ['linux/amd64']],
    ['linux/arm64,linux/arm64/v8,linux/arm64', ['linux/arm64']],
    ['linux/amd64\nlinux/arm/v7\n', ['linux/amd64', 'linux/arm/v7']],
    ['linux/386,linux/ppc64le,linux/s390x,linux/riscv64', ['linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64']]
  ])('%j → %j', (raw, expected) => {
    expect(parsePlatformList(raw)).toEqual({ platforms: expected, errors: [] });
  });

  test.each([
    ['linux/sparc', /unknown architecture "sparc"/],
    ['plan9/amd64', /unknown OS "plan9"/],
    ['linux', /not os\/arch/],
    ['linux/arm/v9', /unknown variant "v9"/],
    ['linux/amd64/v2/x', /not os\/arch/],
    ['linux//arm64', /not os\/arch/]
  ])('%j is rejected', (raw, message) => {
    const r = parsePlatformList(raw);
    expect(r.platforms).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
  });

  test('reports every bad entry and keeps the good ones', () => {
    const r = parsePlatformList('linux/amd64,linux/foo,windows/bar');
    expect(r.platforms).toEqual(['linux/amd64']);
    expect(r.errors).toHaveLength(2);
  });
});

test.each([
  ['ghcr.io/Octo-Org/Hello-World', 'ghcr.io/octo-org/hello-world'],
  ['ghcr.io/Octo-Org/App:Sha-ABC', 'ghcr.io/octo-org/app:Sha-ABC'],
  [`Registry.Example:5000/Team/App@sha256:${'a'.repeat(64)}`, `registry.example:5000/team/app@sha256:${'a'.repeat(64)}`],
  ['', '']
])('lowercaseName(%j) = %j: the name is lowercased, the tag keeps its case', (ref, expected) => {
  expect(lowercaseName(ref)).toBe(expected);
});

describe('signing inputs', () => {
  const read = (values: Record<string, string>): { p: Problems; inputs: ReturnType<typeof readInputs> } => {
    const p = new Problems();
    return { p, inputs: readInputs(name => values[name] ?? '', ctx, p) };
  };

  test('off by default; sigstore auto, transparency-log auto', () => {
    const { p, inputs } = read({});
    expect(inputs).toMatchObject({ sign: false, attest: false, transparencyLog: 'auto', sigstore: { instance: 'auto' } });
    expect(inputs.signingKey).toBeUndefined();
    expect(p.list).toEqual([]);
  });

  test('sigstore: named instances, or services by URL and a trusted root file', () => {
    expect(read({ sigstore: 'github' }).inputs.sigstore).toEqual({ instance: 'github' });
    const custom = read({ sigstore: 'fulcio=https://fulcio.internal/\ntsa=https://tsa.internal\ntrusted-root=/etc/root.json' });
    expect(custom.inputs.sigstore).toEqual({
      instance: 'custom',
      fulcio: 'https://fulcio.internal',
      tsa: 'https://tsa.internal',
      trustedRoot: '/etc/root.json'
    });
    expect(read({ sigstore: 'fulcio' }).p.list[0]).toMatch(/^sigstore: "fulcio" is not auto, public-good, github/);
  });

  // Review 3, L6: fulcio=http://… would send the job's OIDC token in clear.
  test.each([
    ['fulcio=http://fulcio.internal', 'fulcio=http://fulcio.internal', "the job's OIDC token"],
    ['fulcio=https://f.internal\nrekor=http://rekor.internal', 'rekor=http://rekor.internal', 'what is signed'],
    ['fulcio=https://f.internal\ntsa=http://10.0.0.5:3000', 'tsa=http://10.0.0.5:3000', 'what is signed'],
    ['fulcio=ftp://fulcio.internal', 'fulcio=ftp://fulcio.internal', "the job's OIDC token"]
  ])('sigstore: %j is a problem: service URLs are https', (value, quoted, what) => {
    expect(read({ sigstore: value }).p.list).toEqual([
      `sigstore: ${JSON.stringify(quoted)} is not an https:// URL: ${what} would travel unencrypted; ` +
        'use https:// (plain http:// only for a loopback host such as 127.0.0.1)'
    ]);
  });

  test.each(['fulcio=http://127.0.0.1:8080\ntsa=http://localhost:9', 'fulcio=http://[::1]:5555', 'fulcio=https://fulcio.internal'])(
    'sigstore: %j is accepted (https, or plain http on loopback: a local stand-in)',
    value => {
      expect(read({ sigstore: value }).p.list).toEqual([]);
    }
  );

  test('the signing key is masked line by line and its password whole, before anything can print them', () => {
    const setSecret = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
    const key = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\nBBBB\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    const { p } = read({ sign: 'true', 'signing-key': key, 'signing-key-password': 'pw-1' });
    for (const secret of [key, 'AAAA', 'BBBB', 'pw-1']) expect(setSecret).toHaveBeenCalledWith(secret);
    expect(p.list).toEqual([]);
    setSecret.mockRestore();
  });

  test('a signing key that is no cosign key, or a key with neither sign nor attest, is a problem', () => {
    expect(read({ sign: 'true', 'signing-key': 'ssh-ed25519 AAAA' }).p.list).toEqual([
      'signing-key: is not a cosign private key (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, from cosign generate-key-pair)'
    ]);
    const key = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----';
    expect(read({ 'signing-key': key }).p.list).toEqual(['signing-key: given, but neither sign nor attest is true']);
  });
});

// Review 3, L5: the echoed build command would show a cache backend's credentials.
describe('cache-from and cache-to credentials', () => {
  test('secret fields of s3, azblob and gha entries are masked while the inputs are read, other fields are not', () => {
    const setSecret = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
    const p = new Problems();
    const values: Record<string, string> = {
      'cache-from': 'type=s3,region=eu-west-1,bucket=b,access_key_id=AKIAEXAMPLE,secret_access_key=s3-secret,session_token=s3-session',
      'cache-to':
        'type=azblob,name=c,account_url=https://a.blob.core.windows.net,secret_access_key=az-key\ntype=gha,token=gha-token,mode=max'
    };
    readInputs(name => values[name] ?? '', ctx, p);
    for (const secret of ['AKIAEXAMPLE', 's3-secret', 's3-session', 'az-key', 'gha-token']) expect(setSecret).toHaveBeenCalledWith(secret);
    for (const plain of ['eu-west-1', 'b', 'max', 'https://a.blob.core.windows.net']) expect(setSecret).not.toHaveBeenCalledWith(plain);
    expect(p.list).toEqual([]);
    setSecret.mockRestore();
  });

  test('a bad line is masked before its problem quotes it', () => {
    const setSecret = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
    const p = new Problems();
    readInputs(name => (name === 'cache-from' ? 'type=bogus,secret_access_key=k-1' : ''), ctx, p);
    expect(setSecret).toHaveBeenCalledWith('k-1');
    expect(p.list).toEqual([expect.stringMatching(/^cache-from: .* has an unknown cache type bogus/)]);
    setSecret.mockRestore();
  });
});
