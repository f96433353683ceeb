import { loadConfig } from '../../../src/policy/config';
import { RunContext } from '../../../src/inputs/context';
import { SignInputs } from '../../../src/inputs/inputs';
import { decideSigning } from '../../../src/policy/signing';
import { decideTrust } from '../../../src/policy/trust';
import { classifyEvent } from '../../../src/inputs/event';

function ctx(over: Partial<RunContext> = {}, visibility?: string): RunContext {
  return {
    eventName: 'push',
    payload: visibility ? { repository: { visibility, private: visibility !== 'public' } } : {},
    repository: 'octo-org/app',
    actor: 'octocat',
    sha: '0123456789abcdef',
    ref: 'refs/heads/main',
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    tempDir: '/tmp',
    idToken: true,
    ...over
  };
}

const OFF: SignInputs = { sign: false, attest: false, signingKeyPassword: '', transparencyLog: 'auto', sigstore: { instance: 'auto' } };
const TRUSTED = { push: true, sign: true };

test('nothing asked, or nothing pushed: no plan and no problem', () => {
  expect(decideSigning(OFF, TRUSTED, ctx())).toEqual({ problems: [] });
  expect(decideSigning({ ...OFF, sign: true }, { push: false, sign: false }, ctx())).toEqual({ problems: [] });
});

test('untrusted code never signs, even with push-pull-requests: the run says so', () => {
  const c = ctx({ eventName: 'pull_request', payload: { pull_request: { number: 1 } } });
  const trust = decideTrust(classifyEvent(c), {
    pushMode: 'auto',
    pushPullRequests: true,
    allowPullRequestTarget: false,
    outputs: [],
    allow: [],
    allowUntrustedSecrets: false
  });
  expect(trust).toMatchObject({ push: true, sign: false });
  const d = decideSigning({ ...OFF, sign: true, attest: true }, trust, c);
  expect(d.plan).toBeUndefined();
  expect(d.skipped).toMatch(/untrusted code/);
});

test('a public repository signs keyless on public-good Sigstore with a Rekor entry', () => {
  const d = decideSigning({ ...OFF, sign: true }, TRUSTED, ctx({}, 'public'));
  expect(d).toEqual({
    problems: [],
    plan: {
      method: 'keyless',
      signManifests: true,
      attest: false,
      transparencyLog: true,
      services: { instance: 'public-good', fulcio: 'https://fulcio.sigstore.dev', rekor: 'https://rekor.sigstore.dev' }
    }
  });
});

test("a private repository writes nothing to the public log: GitHub's Fulcio and timestamp authority", () => {
  expect(decideSigning({ ...OFF, sign: true }, TRUSTED, ctx({}, 'private')).plan?.services).toEqual({
    instance: 'github',
    fulcio: 'https://fulcio.githubapp.com',
    tsa: 'https://timestamp.githubapp.com'
  });
  const ghes = decideSigning({ ...OFF, attest: true }, TRUSTED, ctx({ serverUrl: 'https://ghes.example' }, 'internal'));
  expect(ghes.plan?.services).toMatchObject({ fulcio: 'https://fulcio.ghes.example', tsa: 'https://timestamp.ghes.example' });
});

test('a private repository may opt in to the public log', () => {
  const d = decideSigning({ ...OFF, sign: true, transparencyLog: 'true' }, TRUSTED, ctx({}, 'private'));
  expect(d.plan).toMatchObject({ transparencyLog: true, services: { instance: 'public-good', rekor: 'https://rekor.sigstore.dev' } });
});

test('keyless without the id-token permission is a problem before anything runs', () => {
  expect(decideSigning({ ...OFF, sign: true }, TRUSTED, ctx({ idToken: false })).problems).toEqual([
    'sign: keyless signing needs the job\'s OIDC token: grant the job "permissions: id-token: write", or give signing-key'
  ]);
});

test("a key signs without Fulcio, the id token or GitHub's timestamp authority", () => {
  const d = decideSigning({ ...OFF, sign: true, signingKey: 'pem' }, TRUSTED, ctx({ idToken: false }, 'private'));
  expect(d).toEqual({
    problems: [],
    plan: {
      method: 'key',
      signManifests: true,
      attest: false,
      transparencyLog: false,
      services: { instance: 'public-good', rekor: undefined }
    }
  });
});

test('custom services: a log asked for needs a rekor, keyless needs a log or a timestamp authority', () => {
  const custom = { instance: 'custom' as const, fulcio: 'http://127.0.0.1:1' };
  expect(decideSigning({ ...OFF, sign: true, transparencyLog: 'true', sigstore: custom }, TRUSTED, ctx()).problems).toEqual([
    'transparency-log: true, but the custom Sigstore services named have no transparency log (rekor=URL)',
    'sigstore: a keyless signature needs a transparency log or a timestamp authority (the custom services named have neither), or its short-lived certificate cannot be verified later'
  ]);
});

test('the plan mode never signs, so it asks for no id-token either', () => {
  const cfg = loadConfig(name => ({ mode: 'plan', sign: 'true', 'github-token': 't' })[name] ?? '', ctx({ idToken: false }));
  expect(cfg.signing).toBeUndefined();
  expect(() => loadConfig(name => ({ mode: 'build', sign: 'true', 'github-token': 't' })[name] ?? '', ctx({ idToken: false }))).toThrow(
    /keyless signing needs the job's OIDC token/
  );
});
