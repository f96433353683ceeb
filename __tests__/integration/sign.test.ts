/**
 * Signing and attesting (issue 20), driven through dist/ under Node 24 against the real stack:
 * key-based signatures checked by Debian's cosign 2.x, keyless signatures made against local
 * stand-ins for the runner's OIDC endpoint, Fulcio, a timestamp authority, Rekor and GitHub's
 * attestation API, and signatures by another identity or over another digest stopping the tags.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial } from '@sigstore/verify';
import {
  BINFMT_STANDIN,
  FIXTURES,
  REGISTRY,
  ActionRun,
  localStackInputs,
  imageIndex,
  manifest,
  runAction,
  tagList,
  uniqueRepo
} from './stack';
import { tempDir } from './registries';
import { StandIns, startStandIns } from './sigstore-standins';

jest.setTimeout(600_000);

const PASSWORD = 'key-password-7c1e';

const WORKFLOW_RUN = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'events', 'workflow-run-push.json'), 'utf8')) as {
  workflow_run: { head_sha: string };
};

function log(run: ActionRun): string {
  return run.main.stdout + run.main.stderr;
}

/** A cosign key pair made by cosign itself: cosign.key (encrypted with `password`) and cosign.pub. */
export function cosignKeyPair(password: string): { dir: string; key: string; pub: string } {
  const dir = tempDir('cosign-key-');
  execFileSync('cosign', ['generate-key-pair'], { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: password }, stdio: 'ignore' });
  return { dir, key: fs.readFileSync(path.join(dir, 'cosign.key'), 'utf8'), pub: path.join(dir, 'cosign.pub') };
}

/** `cosign verify …` against the local registry; its exit code and output. */
export function cosignVerify(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  const r = spawnSync('cosign', ['verify', '--allow-http-registry', '--allow-insecure-registry', ...args], {
    encoding: 'utf8',
    env: { ...process.env, SIGSTORE_NO_CACHE: '1', TUF_ROOT: tempDir('tuf-'), ...env }
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

describe('key-based signing of a single-job image (cosign key from secrets, no transparency log)', () => {
  const repo = uniqueRepo('signed-key');
  const image = `${REGISTRY}/${repo}`;
  let keys: ReturnType<typeof cosignKeyPair>;
  let run: ActionRun;

  beforeAll(async () => {
    keys = cosignKeyPair(PASSWORD);
    run = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        images: image,
        tags: `${image}:1.0.0`,
        sign: 'true',
        'signing-key': keys.key,
        'signing-key-password': PASSWORD
      }
    });
  });

  test('main and post succeed', () => {
    if (run.main.code !== 0) console.log(log(run));
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
  });

  test('a signature over another digest, served for this image, fails verification and no tag moves', async () => {
    const other = uniqueRepo('signed-swapped');
    const proxy = await startSignatureSwapper(other);
    const publish = (tag: string, labels: string): Promise<ActionRun> => {
      const target = `${proxy.host}/${other}`;
      const signing = { sign: 'true', 'signing-key': keys.key, 'signing-key-password': PASSWORD };
      return runAction({
        inputs: {
          ...localStackInputs([proxy.host]),
          platforms: 'linux/amd64',
          images: target,
          tags: `${target}:${tag}`,
          labels,
          ...signing
        }
      });
    };
    try {
      expect((await publish('1.0.0', 'round=1')).main.code).toBe(0);
      const first = (await imageIndex(REGISTRY, other, '1.0.0'))._digest ?? '';
      proxy.arm(`/v2/${other}/manifests/${first.replace(':', '-')}.sig`);
      const bad = await publish('2.0.0', 'round=2');
      expect(bad.main.code).not.toBe(0);
      expect(log(bad)).toContain(`a signature over ${first}, not sha256:`);
      expect(log(bad)).toContain('no tag was moved');
      expect(await tagList(REGISTRY, other)).not.toContain('2.0.0');
    } finally {
      proxy.stop();
    }
  });

  test('cosign verify accepts every manifest: the index and its platform manifest', async () => {
    const index = await imageIndex(REGISTRY, repo, '1.0.0');
    const digests = [index._digest ?? '', ...index.manifests.filter(d => d.platform?.os !== 'unknown').map(d => d.digest)];
    for (const digest of digests) {
      const v = cosignVerify(['--key', keys.pub, '--insecure-ignore-tlog=true', `${image}@${digest}`]);
      expect(v.out).toContain(digest);
      expect(v.code).toBe(0);
    }
  });
});

/**
 * A proxy in front of the registry that, once armed with one `.sig` path of `repo`, answers every
 * read of the repository's `.sig` tags with that manifest (a valid signature by the same key, over
 * another digest).
 */
async function startSignatureSwapper(repo: string): Promise<{ host: string; arm: (sigPath: string) => void; stop: () => void }> {
  const [host, port] = REGISTRY.split(':');
  const sig = new RegExp(`^/v2/${repo}/manifests/sha256-[0-9a-f]{64}\\.sig$`);
  let armed: string | undefined;
  const server = http.createServer((req, res) => {
    const url = armed && req.method === 'GET' && sig.test(req.url ?? '') ? armed : req.url;
    const up = http.request({ host, port: Number(port), method: req.method, path: url, headers: { ...req.headers, host: REGISTRY } }, u => {
      res.writeHead(u.statusCode ?? 502, u.headers);
      u.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    arm: p => (armed = p),
    stop: () => {
      server.close();
      server.closeAllConnections();
    }
  };
}

/** The index a tag names and its runnable platform manifests (attestation manifests are not signed). */
async function publishedDigests(repo: string, tag: string): Promise<string[]> {
  const index = await imageIndex(REGISTRY, repo, tag);
  return [index._digest ?? '', ...index.manifests.filter(d => d.platform?.os !== 'unknown').map(d => d.digest)];
}

describe('key-based signing of a merged fan-out index: each leg signs its platform, the merge the index', () => {
  const repo = uniqueRepo('signed-fanout');
  const image = `${REGISTRY}/${repo}`;
  const handoff = tempDir('handoff-signed-');
  const runId = String(Date.now());
  let keys: ReturnType<typeof cosignKeyPair>;
  const runs: ActionRun[] = [];

  const signing = (): Record<string, string> => ({ sign: 'true', 'signing-key': keys.key, 'signing-key-password': PASSWORD });

  beforeAll(async () => {
    keys = cosignKeyPair(PASSWORD);
    for (const platform of ['linux/amd64', 'linux/arm64']) {
      const inputs = {
        ...localStackInputs(),
        mode: 'leg',
        platforms: platform,
        images: image,
        'qemu-image': BINFMT_STANDIN,
        'handoff-dir': handoff,
        ...signing()
      };
      runs.push(await runAction({ inputs, env: { GITHUB_RUN_ID: runId } }));
    }
    const merge = {
      mode: 'merge',
      platforms: 'linux/amd64,linux/arm64',
      images: image,
      tags: `${image}:2.0.0`,
      'handoff-dir': handoff,
      ...signing()
    };
    runs.push(await runAction({ inputs: merge, env: { GITHUB_RUN_ID: runId } }));
  });

  test('legs and merge succeed', () => {
    for (const run of runs) {
      if (run.main.code !== 0) console.log(log(run));
      expect(run.main.code).toBe(0);
    }
  });

  test('cosign verify accepts the merged index and each platform manifest in it', async () => {
    const digests = await publishedDigests(repo, '2.0.0');
    expect(digests).toHaveLength(3);
    for (const digest of digests) {
      const v = cosignVerify(['--key', keys.pub, '--insecure-ignore-tlog=true', `${image}@${digest}`]);
      expect(v.out).toContain(digest);
      expect(v.code).toBe(0);
    }
  });

  test('the merge names its signatures in its outputs and the verify command', async () => {
    const merge = runs[2];
    const signatures = JSON.parse(merge.outputs.signatures) as Record<string, { cosign: string; bundle: string }>;
    expect(Object.keys(signatures).sort()).toEqual((await publishedDigests(repo, '2.0.0')).sort());
    expect(merge.outputs['verify-commands']).toContain(
      `cosign verify --key cosign.pub --insecure-ignore-tlog=true ${image}@${merge.outputs.digest}`
    );
  });

  test('each signature is also a Sigstore bundle referring to its manifest, in the referrers tag schema', async () => {
    const digest = (await imageIndex(REGISTRY, repo, '2.0.0'))._digest ?? '';
    const referrers = await imageIndex(REGISTRY, repo, digest.replace(':', '-'));
    const bundle = referrers.manifests.find(
      d => d.annotations?.['dev.sigstore.bundle.predicateType'] === 'https://sigstore.dev/cosign/sign/v1'
    );
    expect(bundle).toBeDefined();
    const m = await manifest(REGISTRY, repo, bundle?.digest ?? '');
    expect(m).toMatchObject({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', subject: { digest } });
  });
});

describe('keyless signing and attesting against local Sigstore stand-ins (no transparency log)', () => {
  let s: StandIns;
  let run: ActionRun;
  const repo = uniqueRepo('signed-keyless');
  const image = `${REGISTRY}/${repo}`;

  const keyless = (): Record<string, string> => ({
    sign: 'true',
    attest: 'true',
    'transparency-log': 'false',
    // No trusted-root: the action trusts the chains the stand-in Fulcio and timestamp authority publish.
    sigstore: `fulcio=${s.fulcio}\ntsa=${s.tsa}`
  });

  beforeAll(async () => {
    s = await startStandIns();
    const inputs = { ...localStackInputs(), platforms: 'linux/amd64', images: image, tags: `${image}:3.0.0`, ...keyless() };
    // A workflow_run after a push to the default branch: the job runs at GITHUB_SHA (and the token's sha
    // claim), and builds the triggering run's head_sha, which the provenance must name.
    run = await runAction({ inputs, env: s.env, token: 'ghs_standin', eventName: 'workflow_run', event: WORKFLOW_RUN });
  });
  afterAll(() => s?.stop());

  test('main succeeds and prints the consumer commands', () => {
    if (run.main.code !== 0) console.log(log(run));
    expect(run.main.code).toBe(0);
    const commands = run.outputs['verify-commands'].split('\n');
    expect(commands[0]).toBe(
      `cosign verify --certificate-identity ${s.identity} --certificate-oidc-issuer ${s.oidcIssuer} ` +
        `--certificate-github-workflow-repository octo-org/Hello-World --insecure-ignore-tlog=true ${image}@${run.outputs.digest}`
    );
    expect(commands[1]).toBe(
      `gh attestation verify oci://${image}@${run.outputs.digest} --repo octo-org/Hello-World --signer-workflow octo-org/Hello-World/.github/workflows/release.yml`
    );
    expect(run.summary).toContain('Signatures (verified before tagging)');
    expect(log(run)).toContain(`Verifying against the CA and timestamp chains ${s.fulcio} publishes`);
  });

  test('cosign verify accepts each manifest with the test CA as its root, and the expected identity and issuer', async () => {
    for (const digest of await publishedDigests(repo, '3.0.0')) {
      const args = ['--ca-roots', s.caPem, '--certificate-identity', s.identity, '--certificate-oidc-issuer', s.oidcIssuer];
      const v = cosignVerify([...args, '--insecure-ignore-sct', '--insecure-ignore-tlog=true', `${image}@${digest}`]);
      expect(v.out).toContain(digest);
      expect(v.code).toBe(0);
      const other = cosignVerify([
        ...args.slice(0, 3),
        'https://github.com/octo-org/Hello-World/.github/workflows/other.yml@refs/heads/main',
        ...args.slice(4),
        '--insecure-ignore-sct',
        '--insecure-ignore-tlog=true',
        `${image}@${digest}`
      ]);
      expect(other.code).not.toBe(0);
    }
  });

  test('the provenance attestation reached the GitHub API, and @sigstore/verify accepts it for the index digest', () => {
    expect(s.attestations).toHaveLength(1);
    const bundle = bundleFromJSON(s.attestations[0]);
    const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(s.trustedRoot, 'utf8')));
    const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 0, ctlogThreshold: 0, tsaThreshold: 1 });
    verifier.verify(toSignedEntity(bundle), { subjectAlternativeName: s.identity, extensions: { issuer: s.oidcIssuer } });
    expect(bundle.content.$case).toBe('dsseEnvelope');
    const payload = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope.payload : Buffer.alloc(0);
    const statement = JSON.parse(payload.toString('utf8')) as {
      predicateType: string;
      subject: { name: string; digest: { sha256: string } }[];
      predicate: { runDetails: { builder: { id: string } }; buildDefinition: { resolvedDependencies: { uri: string; digest: object }[] } };
    };
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(statement.subject).toEqual([{ name: `${image}:3.0.0`, digest: { sha256: run.outputs.digest.slice(7) } }]);
    expect(statement.predicate.runDetails.builder.id).toBe(s.identity);
    const [source] = statement.predicate.buildDefinition.resolvedDependencies;
    expect(source.digest).toEqual({ gitCommit: WORKFLOW_RUN.workflow_run.head_sha });
    expect(source.uri).toMatch(/@refs\/heads\/main$/);
  });

  test('cosign verify with the printed repository pin accepts it, and refuses another repository', async () => {
    const [digest] = await publishedDigests(repo, '3.0.0');
    const args = ['--ca-roots', s.caPem, '--certificate-identity', s.identity, '--certificate-oidc-issuer', s.oidcIssuer];
    const tail = ['--insecure-ignore-sct', '--insecure-ignore-tlog=true', `${image}@${digest}`];
    const ok = cosignVerify([...args, '--certificate-github-workflow-repository', 'octo-org/Hello-World', ...tail]);
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining(digest)]);
    const other = cosignVerify([...args, '--certificate-github-workflow-repository', 'mallory/Hello-World', ...tail]);
    expect(other.code).not.toBe(0);
  });

  // Review 3, M3: a reusable workflow's identity is the same for every repository that calls it.
  test("a certificate with the expected identity but another repository's run fails verification, and no tag moves", async () => {
    s.impostorRepository = 'mallory/Hello-World';
    const other = uniqueRepo('signed-other-repo');
    const inputs = {
      ...localStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${other}`,
      tags: `${REGISTRY}/${other}:1.0.0`,
      ...keyless()
    };
    const bad = await runAction({ inputs, env: s.env, token: 'ghs_standin' });
    s.impostorRepository = undefined;
    expect(bad.main.code).not.toBe(0);
    expect(log(bad)).toContain('Signing or its verification failed; no tag was moved');
    expect(log(bad)).toContain(
      'certificate source repository error - expected https://github.com/octo-org/Hello-World, got https://github.com/mallory/Hello-World'
    );
    expect((await tagList(REGISTRY, other)) ?? []).not.toContain('1.0.0');
  });

  test('a certificate for another identity fails verification, and no tag moves', async () => {
    s.impostor = 'https://github.com/someone/else/.github/workflows/evil.yml@refs/heads/main';
    const other = uniqueRepo('signed-impostor');
    const inputs = {
      ...localStackInputs(),
      platforms: 'linux/amd64',
      images: `${REGISTRY}/${other}`,
      tags: `${REGISTRY}/${other}:1.0.0`,
      ...keyless()
    };
    const bad = await runAction({ inputs, env: s.env, token: 'ghs_standin' });
    s.impostor = undefined;
    expect(bad.main.code).not.toBe(0);
    expect(log(bad)).toContain('Signing or its verification failed; no tag was moved');
    expect(log(bad)).toMatch(/certificate identity error|subjectAlternativeName|SAN/i);
    expect((await tagList(REGISTRY, other)) ?? []).not.toContain('1.0.0');
  });
});

describe('keyless signing with a transparency log (Rekor stand-in, no timestamp authority)', () => {
  let s: StandIns;
  let run: ActionRun;
  const repo = uniqueRepo('signed-rekor');
  const image = `${REGISTRY}/${repo}`;

  beforeAll(async () => {
    s = await startStandIns();
    const signing = {
      sign: 'true',
      attest: 'true',
      'transparency-log': 'true',
      sigstore: `fulcio=${s.fulcio}\nrekor=${s.rekor.url}\ntrusted-root=${s.trustedRoot}`
    };
    run = await runAction({
      inputs: { ...localStackInputs(), platforms: 'linux/amd64', images: image, tags: `${image}:4.0.0`, ...signing },
      env: s.env,
      token: 'ghs_standin'
    });
  });
  afterAll(() => s?.stop());

  test('main succeeds: every signature and the attestation logged, read back and verified with their log entries', () => {
    if (run.main.code !== 0) console.log(log(run));
    expect(run.main.code).toBe(0);
    // Two signatures per manifest (index and platform) and the attestation.
    expect(s.rekor.entries).toBe(5);
    expect(run.outputs['verify-commands'].split('\n')[0]).not.toContain('--insecure-ignore-tlog');
  });

  test("cosign verifies each manifest's signature with its Rekor bundle (SET checked with the log's key), no --insecure-ignore-tlog", async () => {
    for (const digest of await publishedDigests(repo, '4.0.0')) {
      const sig = await manifest(REGISTRY, repo, `${digest.replace(':', '-')}.sig`);
      expect('layers' in sig && sig.layers[0].annotations?.['dev.sigstore.cosign/bundle']).toBeTruthy();
      const args = [
        '--ca-roots',
        s.caPem,
        '--certificate-identity',
        s.identity,
        '--certificate-oidc-issuer',
        s.oidcIssuer,
        '--insecure-ignore-sct'
      ];
      const v = cosignVerify([...args, `${image}@${digest}`], { SIGSTORE_REKOR_PUBLIC_KEY: s.rekorPublicKey });
      expect(v.out).toContain('Existence of the claims in the transparency log was verified offline');
      expect(v.out).toContain(digest);
      expect(v.code).toBe(0);
    }
  });

  /** cosign 2.5's reader of Sigstore bundles stored as referrers (cosign 3's default format). */
  function verifyBundle(digest: string, type: string): { code: number; out: string } {
    const args = ['--new-bundle-format', '--trusted-root', s.trustedRoot, '--type', type, '--insecure-ignore-sct'];
    const identity = ['--certificate-identity', s.identity, '--certificate-oidc-issuer', s.oidcIssuer];
    const r = spawnSync(
      'cosign',
      ['verify-attestation', '--allow-http-registry', '--allow-insecure-registry', ...args, ...identity, `${image}@${digest}`],
      {
        encoding: 'utf8',
        // The stand-in CA and log key, so that cosign asks no TUF repository.
        env: { ...process.env, TUF_ROOT: tempDir('tuf-'), SIGSTORE_REKOR_PUBLIC_KEY: s.rekorPublicKey, SIGSTORE_ROOT_FILE: s.caPem }
      }
    );
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  }

  test('cosign verify-attestation --new-bundle-format finds and verifies the bundle referrers: the provenance, and each signature statement', async () => {
    const digests = await publishedDigests(repo, '4.0.0');
    const checks = [[digests[0], 'https://slsa.dev/provenance/v1'], ...digests.map(d => [d, 'https://sigstore.dev/cosign/sign/v1'])];
    for (const [digest, type] of checks) {
      const v = verifyBundle(digest, type);
      expect([type, v.code, v.out]).toEqual([
        type,
        0,
        expect.stringContaining('Existence of the claims in the transparency log was verified offline')
      ]);
    }
  });
});
