/** The registry-auth input: docker/login-action's YAML list of logins, read as strings, secrets never quoted. */
import * as core from '@actions/core';
import { Problems } from '../../../src/inputs/problems';
import { parseRegistryAuth, registryHost } from '../../../src/inputs/registry-auth';
import { loadYamlFor } from '../../../src/inputs/yaml';

beforeAll(() => loadYamlFor('-'));

function read(raw: string): { entries: ReturnType<typeof parseRegistryAuth>; problems: string[] } {
  const p = new Problems();
  return { entries: parseRegistryAuth(raw, p), problems: p.list };
}

describe('registry-auth', () => {
  test("login-action's own example: Docker Hub by default, and GHCR", () => {
    const raw = '- username: acme\n  password: dckr_pat_1\n- registry: ghcr.io\n  username: octocat\n  password: ghs_2\n';
    expect(read(raw)).toEqual({
      entries: [
        { entry: 1, registry: 'docker.io', username: 'acme', password: 'dckr_pat_1', ecr: 'auto' },
        { entry: 2, registry: 'ghcr.io', username: 'octocat', password: 'ghs_2', ecr: 'auto' }
      ],
      problems: []
    });
  });

  test('every value is a string as written: digits keep their zeros, true stays text, an unset secret is empty', () => {
    const raw = '- registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com\n  username: 0123\n  password:\n  ecr: TRUE\n';
    expect(read(raw).entries).toEqual([
      { entry: 1, registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: '0123', password: '', ecr: 'true' }
    ]);
  });

  test('flow mappings and quoted values are YAML too', () => {
    expect(read('- { registry: "quay.io", username: bot, password: "p#ss: word" }').entries).toEqual([
      { entry: 1, registry: 'quay.io', username: 'bot', password: 'p#ss: word', ecr: 'auto' }
    ]);
  });

  test('empty, blank or comment-only is no login', () => {
    for (const raw of ['', '  \n', '# none\n']) expect(read(raw)).toEqual({ entries: [], problems: [] });
  });

  test('passwords are masked as they are read', () => {
    const spy = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
    read('- registry: a.example\n  username: u\n  password: s3cr3t-one\n- registry: b.example\n  username: u\n  password: two\n');
    expect(spy.mock.calls.map(c => c[0])).toEqual(['s3cr3t-one', 'two']);
    spy.mockRestore();
  });

  test.each([
    ['registry: ghcr.io\nusername: u\npassword: p', /^registry-auth: is not a YAML list/],
    ['- just-a-string', /^registry-auth: entry 1 is not a mapping/],
    [
      '- registry: a.example\n  username: u\n  password: p\n  scope: org/app@push',
      /^registry-auth: entry 1 has scope, which this action does not take/
    ],
    ['- registry: a.example\n  logout: false', /^registry-auth: entry 1 has logout, which is the action's own input/],
    ['- registry: a.example\n  user: u', /^registry-auth: entry 1 has an unknown key "user"; use registry, username, password, ecr/],
    ['- registry: a.example\n  password: [a, b]\n  username: u', /^registry-auth: entry 1: password is not a single value/],
    ['- registry: a.example\n  ecr: maybe', /^registry-auth: "maybe" \(entry 1, ecr\) is not valid; use one of: auto, true, false/],
    ['- registry: not a host\n  username: u\n  password: p', /^registry-auth: "not a host" \(entry 1\) is not a registry host\[:port\]/],
    [
      '- registry: http://reg.example\n  username: u\n  password: p',
      /\(entry 1\) is not a registry host\[:port\] \(plain http:\/\/ is refused/
    ],
    ['- registry: a.example\n  username: u\n  username: v', /^registry-auth: is not valid YAML at line 3 \(DUPLICATE_KEY\)/]
  ])('%j: %p', (raw, problem) => {
    expect(read(raw).problems).toEqual([expect.stringMatching(problem)]);
  });

  test('a YAML error names the line, never the text (a password may be in it)', () => {
    const { problems } = read('- registry: a.example\n  username: u\n  password: hunter2: oops\n');
    expect(problems).toEqual([expect.stringMatching(/^registry-auth: is not valid YAML at line 3 \(\w+\); .*quote a value/)]);
    expect(problems[0]).not.toContain('hunter2');
  });

  test('an alias (which the parser would quote) is refused without quoting it', () => {
    const { problems } = read('- registry: a.example\n  username: u\n  password: *secretanchor\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).not.toContain('secretanchor');
  });
});

describe('registryHost', () => {
  test.each([
    ['ghcr.io', 'ghcr.io'],
    ['GHCR.IO', 'ghcr.io'],
    ['https://ghcr.io/', 'ghcr.io'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['http://127.0.0.1:5000', ''],
    ['ghcr.io/owner', '']
  ])('%s → %j', (raw, host) => {
    expect(registryHost(raw)).toBe(host);
  });
});
