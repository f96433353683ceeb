/** Signing, storing and reading back against the in-memory registry, with a cosign key (no network). */
import * as fs from 'fs';
import * as path from 'path';
import { Descriptor, MEDIA_TYPES } from '../../../src/oci/manifest';
import { SigningPlan } from '../../../src/policy/signing';
import { SigningJob, signAndVerify } from '../../../src/sign/index';
import { readSigningKey } from '../../../src/sign/keys';
import { trustMaterialFor } from '../../../src/sign/trusted-root';
import { bundleCheck, verifyCosignSignature, verifyReferrerBundle } from '../../../src/sign/verify';
import { FakeRegistry } from '../fake-registry';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'cosign');
const KEY = fs.readFileSync(path.join(FIXTURES, 'test.key'), 'utf8');
const OTHER = fs.readFileSync(path.join(FIXTURES, 'other.key'), 'utf8');
const REPO = { registry: 'reg.example', repository: 'o/app' };
/** The commit built (a workflow_run's head_sha), which is not GITHUB_SHA. */
const HEAD_SHA = 'aaaabbbbccccddddeeeeffff0000111122223333';
const PLAN: SigningPlan = {
  method: 'key',
  signManifests: true,
  attest: true,
  transparencyLog: false,
  services: { instance: 'public-good' }
};

function publish(registry: FakeRegistry): { index: Descriptor; child: Descriptor } {
  const config = registry.addBlob(REPO.registry, REPO.repository, Buffer.from('{"architecture":"amd64","os":"linux"}'));
  const child = registry.addManifest(
    REPO.registry,
    REPO.repository,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [] },
    MEDIA_TYPES.ociManifest
  );
  const entry = { ...child, platform: { os: 'linux', architecture: 'amd64' } };
  const index = registry.addManifest(
    REPO.registry,
    REPO.repository,
    { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [entry] },
    MEDIA_TYPES.ociIndex
  );
  return { index, child };
}

function job(registry: FakeRegistry, d: { index: Descriptor; child: Descriptor }, key = KEY, password = 'fixture-password'): SigningJob {
  return {
    registry,
    plan: PLAN,
    images: ['reg.example/o/app'],
    manifests: [d.child, d.index],
    top: d.index,
    refs: ['reg.example/o/app:1.0.0'],
    source: { ref: 'refs/heads/main', sha: HEAD_SHA },
    secrets: { signingKey: key, signingKeyPassword: password, serverUrl: 'https://github.com', repository: 'o/app' },
    github: { apiUrl: 'http://127.0.0.1:1', repository: 'o/app', token: '', onGitHub: false },
    cacheDir: '/nonexistent'
  };
}

async function keyCheck() {
  const expected = { method: 'key' as const, key: readSigningKey(KEY, 'fixture-password') };
  return {
    expected,
    check: bundleCheck(await trustMaterialFor(PLAN.services, expected, '/nonexistent'), expected, { tlog: false, tsa: false })
  };
}

test('every manifest gets a cosign .sig tag and a bundle referrer; the index gets the provenance; all read back and verified', async () => {
  const registry = new FakeRegistry();
  const d = publish(registry);
  const report = await signAndVerify(job(registry, d));
  expect(Object.keys(report.signatures).sort()).toEqual([d.child.digest, d.index.digest].sort());
  const sig = registry.manifests.get('reg.example/o/app')?.get(`${d.index.digest.replace(':', '-')}.sig`);
  const layers = (JSON.parse(sig?.bytes.toString() ?? '{}') as { layers: Descriptor[] }).layers;
  expect(layers).toHaveLength(1);
  expect(layers[0].mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
  expect(Object.keys(layers[0].annotations ?? {})).toEqual(['dev.cosignproject.cosign/signature']);
  const fallback = registry.manifests.get('reg.example/o/app')?.get(d.index.digest.replace(':', '-'));
  const referrers = (JSON.parse(fallback?.bytes.toString() ?? '{}') as { manifests: Descriptor[] }).manifests;
  expect(referrers.map(r => r.annotations?.['dev.sigstore.bundle.predicateType']).sort()).toEqual([
    'https://sigstore.dev/cosign/sign/v1',
    'https://slsa.dev/provenance/v1'
  ]);
  expect(report.commands).toEqual([
    `cosign verify --key cosign.pub --insecure-ignore-tlog=true reg.example/o/app@${d.index.digest}`,
    `gh attestation verify oci://reg.example/o/app@${d.index.digest} --repo o/app`
  ]);
});

test('signing again adds a signature beside the one already there (as cosign does)', async () => {
  const registry = new FakeRegistry();
  const d = publish(registry);
  await signAndVerify(job(registry, d));
  await signAndVerify(job(registry, d));
  const sig = registry.manifests.get('reg.example/o/app')?.get(`${d.child.digest.replace(':', '-')}.sig`);
  expect((JSON.parse(sig?.bytes.toString() ?? '{}') as { layers: unknown[] }).layers).toHaveLength(2);
});

test('a registry with the referrers API gets no fallback tag', async () => {
  const registry = new FakeRegistry();
  registry.referrersApi.add(REPO.registry);
  const d = publish(registry);
  await signAndVerify(job(registry, d));
  expect(registry.manifests.get('reg.example/o/app')?.has(d.index.digest.replace(':', '-'))).toBe(false);
});

test('a signature over another digest does not verify this one', async () => {
  const registry = new FakeRegistry();
  const d = publish(registry);
  await signAndVerify(job(registry, d));
  const store = registry.manifests.get('reg.example/o/app');
  const child = store?.get(`${d.child.digest.replace(':', '-')}.sig`);
  if (child) store?.set(`${d.index.digest.replace(':', '-')}.sig`, child);
  const { expected, check } = await keyCheck();
  await expect(verifyCosignSignature(registry, REPO, d.index.digest, check, expected)).rejects.toThrow(
    `a signature over ${d.child.digest}, not ${d.index.digest}`
  );
});

test('a signature by another key does not verify, in either format', async () => {
  const registry = new FakeRegistry();
  const d = publish(registry);
  await signAndVerify(job(registry, d, OTHER, ''));
  const { expected, check } = await keyCheck();
  await expect(verifyCosignSignature(registry, REPO, d.index.digest, check, expected)).rejects.toThrow(
    /no valid signature by the expected signer/
  );
  await expect(verifyReferrerBundle(registry, REPO, d.index.digest, 'https://slsa.dev/provenance/v1', check)).rejects.toThrow(
    /signed with another key/
  );
});

test('no signature at all is a failure', async () => {
  const registry = new FakeRegistry();
  const d = publish(registry);
  const { expected, check } = await keyCheck();
  await expect(verifyCosignSignature(registry, REPO, d.index.digest, check, expected)).rejects.toThrow('none found');
});

test('the provenance names the ref and commit built, not GITHUB_REF and GITHUB_SHA (a workflow_run runs on the default branch)', async () => {
  const env = { GITHUB_REPOSITORY: 'o/app', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: '6113728f27ae82c7b1a177c8d03f9e96e0adf246' };
  const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const registry = new FakeRegistry();
    const d = publish(registry);
    await signAndVerify({ ...job(registry, d), source: { ref: 'refs/tags/v1.2.3', sha: HEAD_SHA } });
    const fallback = registry.manifests.get('reg.example/o/app')?.get(d.index.digest.replace(':', '-'));
    const referrers = (JSON.parse(fallback?.bytes.toString() ?? '{}') as { manifests: Descriptor[] }).manifests;
    const attestation = referrers.find(r => r.annotations?.['dev.sigstore.bundle.predicateType'] === 'https://slsa.dev/provenance/v1');
    const manifest = registry.manifests.get('reg.example/o/app')?.get(attestation?.digest ?? '');
    const layer = (JSON.parse(manifest?.bytes.toString() ?? '{}') as { layers: Descriptor[] }).layers[0];
    const bundle = JSON.parse(registry.blobs.get('reg.example/o/app')?.get(layer.digest)?.toString() ?? '{}') as {
      dsseEnvelope: { payload: string };
    };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString()) as {
      predicate: { buildDefinition: { externalParameters: { workflow: { ref: string } }; resolvedDependencies: object[] } };
    };
    expect(statement.predicate.buildDefinition.resolvedDependencies).toEqual([
      { uri: 'git+https://github.com/o/app@refs/tags/v1.2.3', digest: { gitCommit: HEAD_SHA } }
    ]);
    // The workflow that ran is still the default branch's.
    expect(statement.predicate.buildDefinition.externalParameters.workflow.ref).toBe('refs/heads/main');
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});
