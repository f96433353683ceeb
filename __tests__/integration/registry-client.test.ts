/**
 * The merge's registry client against real registries: htpasswd Basic auth over TLS with a
 * self-signed certificate, the Bearer flow with a token server fixture, and a fault-injecting
 * proxy (429 with Retry-After, 500/503, connection reset; a permanent 403). Sources are pushed
 * through an open registry that shares storage with the one under test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ActionRun, REGISTRY, manifest, runAction, tagList, uniqueRepo } from './stack';
import {
  RunningRegistry,
  selfSignedCert,
  startDowngradingTlsFront,
  startFaultProxy,
  startRegistry,
  startTokenServer,
  tempDir
} from './registries';
import { pushSyntheticImage, writeLegRecords } from '../../scripts/synthetic-image.js';

jest.setTimeout(300_000);

const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const USER = 'merge-user';
const PASSWORD = 'merge-secret-71c';

const RUN_ID = 'registry-client-run';

/** Pushes one synthetic image per platform through `openHost` and writes the leg records. */
async function legsVia(openHost: string, repo: string): Promise<string> {
  const dir = tempDir('handoff-');
  const legs: Record<string, string> = {};
  for (const platform of PLATFORMS) legs[platform] = await pushSyntheticImage(openHost, repo, platform);
  writeLegRecords(dir, RUN_ID, 'k', legs);
  return dir;
}

function merge(
  image: string,
  handoffDir: string,
  extra: { inputs?: Record<string, string>; env?: Record<string, string> } = {}
): Promise<ActionRun> {
  return runAction({
    inputs: {
      mode: 'merge',
      platforms: PLATFORMS.join(','),
      images: image,
      tags: `${image}:merged`,
      'handoff-dir': handoffDir,
      'handoff-key': 'k',
      ...extra.inputs
    },
    env: { PATH: '/nonexistent', GITHUB_RUN_ID: RUN_ID, ...extra.env }
  });
}

describe('htpasswd over TLS with a self-signed certificate', () => {
  const storage = tempDir('tls-storage-');
  const certs = selfSignedCert(tempDir('tls-cert-'));
  let open: RunningRegistry;
  let secure: RunningRegistry;
  beforeAll(async () => {
    open = await startRegistry({ storage });
    secure = await startRegistry({ storage, tls: certs, htpasswd: { user: USER, password: PASSWORD } });
  });
  afterAll(async () => {
    await open?.stop();
    await secure?.stop();
  });

  test('merges with the login inputs, trusting the CA through NODE_EXTRA_CA_CERTS', async () => {
    const repo = uniqueRepo('tls');
    const image = `${secure.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const r = await merge(image, dir, { inputs: { username: USER, password: PASSWORD }, env: { NODE_EXTRA_CA_CERTS: certs.cert } });
    expect(r.main.stderr + r.main.stdout).not.toMatch(/::error::/);
    expect(r.main.code).toBe(0);
    expect(await tagList(open.host, repo)).toEqual(['merged']);
    expect((await manifest(open.host, repo, 'merged'))._digest).toBe(r.outputs.digest);
    expect(
      r.main.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n')
    ).not.toContain(PASSWORD);
  });

  test('without credentials it fails clearly, naming registry, repository and status', async () => {
    const repo = uniqueRepo('tls-anon');
    const image = `${secure.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const r = await merge(image, dir, { env: { NODE_EXTRA_CA_CERTS: certs.cert } });
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain(
      `::error::registry ${secure.host}, repository ${repo}: HTTP 401: authentication required and no credentials are configured`
    );
  });

  test('an http:// upload Location from the TLS front is followed over TLS: no credential goes out in clear', async () => {
    // A plain-HTTP registry with Basic auth behind the TLS front, sharing the storage.
    const basic = await startRegistry({ storage, htpasswd: { user: USER, password: PASSWORD } });
    const front = await startDowngradingTlsFront(basic.host, certs);
    try {
      const repo = uniqueRepo('downgrade-source');
      const target = uniqueRepo('downgrade-target');
      const dir = await legsVia(open.host, repo);
      const r = await merge(`${front.host}/${repo}`, dir, {
        inputs: { username: USER, password: PASSWORD, tags: `${front.host}/${target}:merged` },
        env: { NODE_EXTRA_CA_CERTS: certs.cert }
      });
      expect(r.main.stdout).not.toMatch(/::error::/);
      expect(r.main.code).toBe(0);
      expect(await tagList(open.host, target)).toEqual(['merged']);
      expect(front.plainRequests).toEqual([]);
    } finally {
      front.stop();
      await basic.stop();
    }
  });

  test('credentials also come from the docker config (DOCKER_CONFIG)', async () => {
    const repo = uniqueRepo('tls-config');
    const image = `${secure.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const config = tempDir('docker-config-');
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ auths: { [secure.host]: { auth } } }));
    const r = await merge(image, dir, { env: { NODE_EXTRA_CA_CERTS: certs.cert, DOCKER_CONFIG: config } });
    expect(r.main.code).toBe(0);
    expect(await tagList(open.host, repo)).toEqual(['merged']);
  });

  test('credentials also come from a docker credential helper (credHelpers)', async () => {
    const repo = uniqueRepo('tls-helper');
    const image = `${secure.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const bin = tempDir('cred-helper-');
    fs.writeFileSync(
      path.join(bin, 'docker-credential-fixture'),
      `#!/bin/sh\nread server\n[ "$1" = get ] && printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"\n`,
      { mode: 0o755 }
    );
    const config = tempDir('docker-config-');
    fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ credHelpers: { [secure.host]: 'fixture' } }));
    const r = await merge(image, dir, { env: { NODE_EXTRA_CA_CERTS: certs.cert, DOCKER_CONFIG: config, PATH: bin } });
    expect(r.main.code).toBe(0);
    expect(await tagList(open.host, repo)).toEqual(['merged']);
  });
});

describe('Bearer tokens from a token server', () => {
  const storage = tempDir('token-storage-');
  const signer = selfSignedCert(tempDir('token-cert-'));
  let open: RunningRegistry;
  let tokenized: RunningRegistry;
  let tokens: Awaited<ReturnType<typeof startTokenServer>>;
  beforeAll(async () => {
    tokens = await startTokenServer({ ...signer, issuer: 'test-issuer', service: 'test-registry', user: USER, password: PASSWORD });
    open = await startRegistry({ storage });
    tokenized = await startRegistry({
      storage,
      token: { realm: tokens.realm, service: 'test-registry', issuer: 'test-issuer', rootCert: signer.cert }
    });
  });
  afterAll(async () => {
    tokens?.stop();
    await open?.stop();
    await tokenized?.stop();
  });

  test('one token per repository scope, cached and reused for every request', async () => {
    const repo = uniqueRepo('bearer');
    const image = `${tokenized.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const r = await merge(image, dir, { inputs: { username: USER, password: PASSWORD } });
    expect(r.main.code).toBe(0);
    expect(await tagList(open.host, repo)).toEqual(['merged']);
    // pull for the reads, pull,push for the PUT: two scopes, two tokens, however many requests.
    expect(tokens.requests).toEqual([`repository:${repo}:pull`, `repository:${repo}:pull,push`]);
  });

  test('tags in another repository: the children are mounted across repositories, with a token that may pull the source', async () => {
    const repo = uniqueRepo('bearer-source');
    const target = uniqueRepo('bearer-target');
    const dir = await legsVia(open.host, repo);
    const r = await merge(`${tokenized.host}/${repo}`, dir, {
      inputs: { username: USER, password: PASSWORD, tags: `${tokenized.host}/${target}:merged` }
    });
    expect(r.main.stdout).not.toMatch(/::error::/);
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain(`merge: copying 2 manifest(s) from ${tokenized.host}/${repo} to ${tokenized.host}/${target}`);
    expect(await tagList(open.host, target)).toEqual(['merged']);
    expect((await manifest(open.host, target, 'merged'))._digest).toBe(r.outputs.digest);
    // The mount's token carries pull on the source as well as push on the target.
    expect(tokens.requests).toContain(`repository:${target}:pull,push repository:${repo}:pull`);
  });

  test('a token server that refuses the credentials fails fast and clearly', async () => {
    const repo = uniqueRepo('bearer-bad');
    const image = `${tokenized.host}/${repo}`;
    const dir = await legsVia(open.host, repo);
    const r = await merge(image, dir, { inputs: { username: USER, password: 'wrong' } });
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toMatch(
      new RegExp(`::error::registry ${tokenized.host}, repository ${repo}: HTTP 401: token request to 127\\.0\\.0\\.1:\\d+: refused`)
    );
  });
});

describe('faults between the merge and the registry', () => {
  test('429 with Retry-After, 500, 503 and a connection reset: the merge succeeds within bounded retries', async () => {
    const proxy = await startFaultProxy(REGISTRY, { faults: ['429', '500', 'reset', '503', '503'] });
    try {
      const repo = uniqueRepo('faults');
      const image = `${proxy.host}/${repo}`;
      const dir = await legsVia(REGISTRY, repo);
      const started = Date.now();
      const r = await merge(image, dir);
      expect(r.main.code).toBe(0);
      expect(await tagList(REGISTRY, repo)).toEqual(['merged']);
      expect(proxy.log.filter(l => !l.startsWith('pass'))).toHaveLength(5);
      expect(proxy.log.length).toBeLessThan(20);
      // The request answered 429 was sent again only after its Retry-After: 1.
      const first = proxy.log.findIndex(l => l.startsWith('429 '));
      const path429 = proxy.log[first].slice(4);
      const again = proxy.log.findIndex((l, i) => i > first && l.endsWith(` ${path429}`));
      expect(proxy.times[again] - proxy.times[first]).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      proxy.stop();
    }
  });

  test('a permanent 403 fails fast with a clear error, nothing tagged', async () => {
    const proxy = await startFaultProxy(REGISTRY, { forbidden: true });
    try {
      const repo = uniqueRepo('forbidden');
      const image = `${proxy.host}/${repo}`;
      const dir = await legsVia(REGISTRY, repo);
      const started = Date.now();
      const r = await merge(image, dir);
      expect(r.main.code).toBe(1);
      expect(r.main.stdout).toMatch(
        new RegExp(
          `::error::registry ${proxy.host}, repository ${repo}: HTTP 403: GET manifests/sha256:[0-9a-f]{64}: DENIED requested access to the resource is denied`
        )
      );
      // The legs are read in parallel: at most one request each, none retried.
      expect(proxy.log.length).toBeGreaterThanOrEqual(1);
      expect(proxy.log.length).toBeLessThanOrEqual(PLATFORMS.length);
      expect(new Set(proxy.log).size).toBe(proxy.log.length);
      expect(Date.now() - started).toBeLessThan(10_000);
      // A repository holding only untagged manifests has no tag list at all.
      expect((await tagList(REGISTRY, repo)) ?? []).not.toContain('merged');
    } finally {
      proxy.stop();
    }
  });
});
