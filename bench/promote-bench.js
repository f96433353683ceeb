/**
 * Promotion benchmark: copying one 200 MB, 3-platform image (an index of three images, two
 * gzipped pseudo-random 33 MB layers each) from the shared registry (127.0.0.1:5000) into a
 * second local registry (distribution), by our `mode: promote` (the bundled action under Node 24,
 * as a runner runs it), `skopeo copy --all` and `docker buildx imagetools create`. Every run copies
 * into a registry started for it alone (empty storage, a new port), so each one sends all 200 MB
 * and none can mount what an earlier run pushed; the result is checked (the target tag must have
 * the source index digest). Wall time and peak RSS of each
 * tool's process tree come from GNU time (`/usr/bin/time -f '%e %M'`: elapsed and the largest
 * RSS of the process or any child it waited for). Medians over BENCH_ROUNDS (3) rounds, in turn.
 *
 * Needs the registry at 127.0.0.1:5000, docker-registry, skopeo, docker with buildx, GNU time and
 * Node 24 from `npm ci`. The layers are the same bytes every run (AES-CTR from a fixed seed), so
 * the shared registry stores them once. `npm run bench` runs it as a row of its table (benchPromote()).
 * Usage: node bench/promote-bench.js
 */
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const zlib = require('zlib');
const { node24, ROOT } = require('../scripts/run-action');
const { createJob, inputEnv, loadAction, stepFiles } = require('./job');
const { REGISTRY_HOST, median, rounds } = require('./util');

const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
/** Before gzip (which adds a few hundred bytes to random data). */
const LAYER_BYTES = Math.ceil((200 << 20) / 6);
const TOOLS = ['ours', 'skopeo', 'imagetools'];
const digestOf = b => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

async function upload(base, body, digest) {
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
  const session = new URL(start.headers.get('location'), base);
  const patched = await fetch(session, { method: 'PATCH', body });
  if (patched.status !== 202) throw new Error(`PATCH: HTTP ${patched.status}`);
  const done = new URL(patched.headers.get('location'), base);
  done.searchParams.set('digest', digest);
  const put = await fetch(done, { method: 'PUT' });
  if (put.status !== 201) throw new Error(`PUT: HTTP ${put.status} ${await put.text()}`);
}

/**
 * A pseudo-random layer (AES-CTR keyed by `seed`), gzipped as real layers are: skopeo compresses
 * a layer it finds uncompressed on its way to a registry, which would change its digest.
 */
async function pushLayer(base, seed) {
  const cipher = crypto.createCipheriv('aes-256-ctr', crypto.createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  const gz = zlib.gzipSync(cipher.update(Buffer.alloc(LAYER_BYTES)), { level: 1 });
  await upload(base, gz, digestOf(gz));
  return { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf(gz), size: gz.length };
}

async function pushManifest(base, ref, json) {
  const bytes = Buffer.from(JSON.stringify(json));
  const res = await fetch(`${base}/manifests/${ref ?? digestOf(bytes)}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'Content-Type': json.mediaType }
  });
  if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status}`);
  return { mediaType: json.mediaType, digest: digestOf(bytes), size: bytes.length };
}

/** The 200 MB image in `repo` of the shared registry: its index digest and the bytes of its layers. */
async function seedImage(repo) {
  const base = `http://${REGISTRY_HOST}/v2/${repo}`;
  const manifests = [];
  let bytes = 0;
  for (const platform of PLATFORMS) {
    const [os_, architecture, variant] = platform.split('/');
    const layers = [await pushLayer(base, `bench/${platform}/0`), await pushLayer(base, `bench/${platform}/1`)];
    bytes += layers[0].size + layers[1].size;
    const configBytes = Buffer.from(
      JSON.stringify({ os: os_, architecture, variant, rootfs: { type: 'layers', diff_ids: layers.map(l => l.digest) } })
    );
    await upload(base, configBytes, digestOf(configBytes));
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(configBytes), size: configBytes.length };
    const m = await pushManifest(base, undefined, {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config,
      layers
    });
    manifests.push({ ...m, platform: { os: os_, architecture, ...(variant ? { variant } : {}) } });
  }
  const index = await pushManifest(base, 'sha-abc1234', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests
  });
  return { digest: index.digest, bytes };
}

async function freePort() {
  const server = net.createServer();
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise(r => server.close(r));
  return port;
}

/** A second registry (open, its own storage) for a copy; stop() ends it and deletes its storage. */
async function startTarget(tmp) {
  const port = await freePort();
  const storage = fs.mkdtempSync(path.join(tmp, 'storage-'));
  const config = path.join(storage, '..', `registry-${port}.yml`);
  fs.writeFileSync(
    config,
    `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${storage} } }\nhttp: { addr: "127.0.0.1:${port}" }\n`
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (
    let i = 0;
    i < 100 &&
    !(await fetch(`http://127.0.0.1:${port}/v2/`).then(
      r => r.ok,
      () => false
    ));
    i++
  )
    await new Promise(r => setTimeout(r, 100));
  const stop = async () => {
    const exited = new Promise(r => child.once('exit', r));
    child.kill();
    await exited;
    fs.rmSync(storage, { recursive: true, force: true });
  };
  return { host: `127.0.0.1:${port}`, stop };
}

/** Runs a command under GNU time; resolves with its exit code, output, wall seconds and peak RSS in MB. */
function timedTree(cmd, args, env) {
  return new Promise(resolve => {
    const child = spawn('/usr/bin/time', ['-f', 'BENCH-TIME %e %M', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', e => resolve({ code: -1, stdout, stderr: String(e), s: NaN, mb: NaN }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('close', code => {
      const m = /BENCH-TIME ([\d.]+) (\d+)/.exec(stderr);
      resolve({ code, stdout, stderr, s: m ? Number(m[1]) : NaN, mb: m ? Number(m[2]) / 1024 : NaN });
    });
  });
}

function oursCommand(ctx, ref) {
  const job = createJob({});
  ctx.jobs.push(job.dir);
  const inputs = { mode: 'promote', source: `${REGISTRY_HOST}/${ctx.repo}:sha-abc1234`, tags: ref };
  const env = { ...job.env, ...inputEnv({ ...loadAction(ROOT).defaults, ...inputs }), ...stepFiles(job, 0) };
  return [node24(), [path.join(ROOT, 'dist', 'index.js')], env];
}

const COMMANDS = {
  ours: oursCommand,
  skopeo: (ctx, ref) => [
    'skopeo',
    [
      'copy',
      '--all',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${REGISTRY_HOST}/${ctx.repo}:sha-abc1234`,
      `docker://${ref}`
    ],
    process.env
  ],
  imagetools: (ctx, ref) => [
    'docker',
    ['buildx', 'imagetools', 'create', '-t', ref, `${REGISTRY_HOST}/${ctx.repo}:sha-abc1234`],
    process.env
  ]
};

/**
 * One copy into a registry started for it alone: nothing of an earlier copy is there to mount
 * (skopeo remembers where it pushed a blob before and mounts it from there instead of copying).
 */
async function runTool(ctx, tool, round) {
  const target = await startTarget(ctx.tmp);
  try {
    return await copyInto(ctx, target.host, tool, round);
  } finally {
    await target.stop();
  }
}

async function copyInto(ctx, host, tool, round) {
  const repo = `bench/${tool}-${round}`;
  const ref = `${host}/${repo}:1.0`;
  const [cmd, args, env] = COMMANDS[tool](ctx, ref);
  const r = await timedTree(cmd, args, env);
  if (r.code !== 0) throw new Error(`${tool} failed (exit ${r.code})\n${r.stdout}\n${r.stderr}`);
  const head = await fetch(`http://${host}/v2/${repo}/manifests/1.0`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.oci.image.index.v1+json' }
  });
  if (head.headers.get('docker-content-digest') !== ctx.digest)
    throw new Error(`${tool}: ${ref} is ${head.headers.get('docker-content-digest')}, not ${ctx.digest}`);
  return r;
}

/**
 * Seeds the image, starts the target, runs one untimed warm-up of each tool and `count` rounds
 * (the order rotating). Resolves with {tool: {s: [...], mb: [...]}} and how it ran.
 */
async function benchPromote({ rounds: count = rounds(3) } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-bench-'));
  const ctx = { repo: `bench/promote-src-${Date.now()}`, jobs: [] };
  Object.assign(ctx, await seedImage(ctx.repo));
  ctx.tmp = tmp;
  try {
    for (const tool of TOOLS) await runTool(ctx, tool, 'warmup');
    const results = Object.fromEntries(TOOLS.map(t => [t, { s: [], mb: [] }]));
    for (let r = 0; r < count; r++) {
      for (const tool of [...TOOLS.slice(r % TOOLS.length), ...TOOLS.slice(0, r % TOOLS.length)]) {
        const one = await runTool(ctx, tool, r);
        results[tool].s.push(one.s);
        results[tool].mb.push(one.mb);
      }
    }
    return { results, info: { rounds: count, bytes: ctx.bytes, platforms: PLATFORMS } };
  } finally {
    for (const d of ctx.jobs) fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function summary({ results, info }) {
  const lines = [`promote ${(info.bytes / 2 ** 20).toFixed(0)} MB, ${info.platforms.length} platforms, median of ${info.rounds}:`];
  const ours = results.ours;
  for (const tool of TOOLS) {
    const s = median(results[tool].s);
    const mb = median(results[tool].mb);
    const vs =
      tool === 'ours' ? '' : `  ours/${tool}: time ${(median(ours.s) / s).toFixed(2)}x, peak RSS ${(median(ours.mb) / mb).toFixed(2)}x`;
    lines.push(`  ${tool.padEnd(10)} ${s.toFixed(2)} s, peak RSS ${mb.toFixed(1)} MB (runs: ${results[tool].s.join(', ')} s)${vs}`);
  }
  return lines.join('\n');
}

module.exports = { benchPromote, summary };

if (require.main === module) {
  benchPromote().then(
    r => {
      console.log(summary(r));
      process.exit(0);
    },
    e => {
      console.error(e.stack || String(e));
      process.exit(1);
    }
  );
}
