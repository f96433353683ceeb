/**
 * What signing and attesting add to a 3-platform publish (key-based, against the local registry):
 * the same single-job run of the bundled action (linux/amd64, arm64 and arm/v7, provenance off, the
 * binfmt stand-in) with sign and attest off, then on with a cosign key, alternating, median of
 * BENCH_ROUNDS. The signing phase's own time (signing 4 manifests in both formats, the provenance,
 * reading all back and verifying) comes from its log line; per manifest is that over 4.
 */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, runAction } = require('../scripts/run-action');
const { REGISTRY_HOST, median } = require('./util');

const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
const PASSWORD = 'bench-password';

function cosignKey() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cosign-'));
  execFileSync('cosign', ['generate-key-pair'], { cwd: dir, env: { ...process.env, COSIGN_PASSWORD: PASSWORD }, stdio: 'ignore' });
  return fs.readFileSync(path.join(dir, 'cosign.key'), 'utf8');
}

function inputs(repo, signing) {
  const image = `${REGISTRY_HOST}/${repo}`;
  return {
    context: FIXTURES,
    file: path.join(FIXTURES, 'app', 'Dockerfile'),
    network: 'host',
    'driver-opts': 'network=host',
    'buildkitd-config-inline': `[registry."${REGISTRY_HOST}"]\n  http = true`,
    platforms: 'linux/amd64,linux/arm64,linux/arm/v7',
    provenance: 'false',
    images: image,
    tags: `${image}:bench`,
    'qemu-image': 'localhost/test-fixture/binfmt-standin:latest',
    ...signing
  };
}

async function once(signing, round) {
  const repo = `bench/sign-${Date.now().toString(36)}-${round}`;
  const start = process.hrtime.bigint();
  const run = await runAction({ inputs: inputs(repo, signing) });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const out = run.main.stdout + run.main.stderr;
  if (run.main.code !== 0) throw new Error(`sign bench run failed:\n${out.slice(-3000)}`);
  const m = /Signed and verified (\d+) manifest\(s\)(?: and the provenance attestation)? in (\d+) ms \((\d+) registry requests\)/.exec(out);
  return { ms, signMs: m ? Number(m[2]) : undefined, manifests: m ? Number(m[1]) : 0 };
}

async function benchSigning({ rounds }) {
  const key = cosignKey();
  const signing = { sign: 'true', attest: 'true', 'signing-key': key, 'signing-key-password': PASSWORD };
  const off = [];
  const on = [];
  await once({}, 'warm');
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const withSigning of order) (withSigning ? on : off).push(await once(withSigning ? signing : {}, i));
  }
  return {
    rounds,
    off: off.map(r => r.ms),
    on: on.map(r => r.ms),
    signMs: on.map(r => r.signMs),
    manifests: on[0]?.manifests ?? 0,
    median
  };
}

module.exports = { benchSigning };
