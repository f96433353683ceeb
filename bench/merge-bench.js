/**
 * Merge benchmark: wall time and HTTP requests of our `mode: merge` (the bundled action, run as
 * a runner runs it) against `docker buildx imagetools create`, both publishing one index from
 * the same N single-platform digests (N = 2 and 8). Every request goes through an in-process
 * proxy adding 25 ms before forwarding and 25 ms before answering, so round trips and how they
 * are sequenced dominate, as against a remote registry.
 *
 * Needs the plain-HTTP registry at 127.0.0.1:5000 (no auth), docker with buildx, and Node 24 from
 * `npm ci` (scripts/run-action.js). All traffic stays on 127.0.0.1.
 * Usage: node bench/merge-bench.js   BENCH_ROUNDS=5 (rounds per N and tool, medians reported);
 * BENCH_TRACE=1 logs each proxied request; BENCH_FORCE_BUILDER=1 runs imagetools through a
 * dedicated builder with `http = true` even when it is not needed.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { runAction, node24 } = require('../scripts/run-action');
const { pushSyntheticImage, writeLegRecords } = require('../scripts/synthetic-image');
const { startProxy } = require('./latency-proxy');

const REGISTRY = { host: '127.0.0.1', port: 5000 };
const DELAY_MS = 25;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 5);
const PLATFORMS = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64'
];
const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

const elapsedMs = start => Number(process.hrtime.bigint() - start) / 1e6;

/** One request straight to the registry (not through the proxy); fails unless it answers `status`. */
function registry(status, method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...REGISTRY, method, path: urlPath, headers: { ...headers, 'Content-Length': body ? body.length : 0 } },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const out = { headers: res.headers, body: Buffer.concat(chunks) };
          if (res.statusCode === status) resolve(out);
          else reject(new Error(`${method} ${urlPath}: HTTP ${res.statusCode} ${out.body.toString().slice(0, 200)}`));
        });
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs a command; resolves with its exit code, output and wall time (spawn to exit). */
function timed(cmd, args) {
  return new Promise(resolve => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', e => resolve({ code: -1, stdout, stderr: String(e), ms: 0 }));
    child.on('close', code => resolve({ code, stdout, stderr, ms: elapsedMs(start) }));
  });
}

/** Thrown (not exited) so that main's cleanup still runs. */
function failure(what, r) {
  return new Error(`${what} failed (exit ${r.code})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** Our merge: N leg records in a fresh handoff dir, then the bundled action in merge mode. */
async function runOurs(ctx, n, tag) {
  const dir = fs.mkdtempSync(path.join(ctx.tmp, 'handoff-'));
  writeLegRecords(dir, 'bench-run', 'bench', Object.fromEntries(PLATFORMS.slice(0, n).map(p => [p, ctx.digests[p]])));
  const inputs = {
    mode: 'merge',
    platforms: PLATFORMS.slice(0, n).join(','),
    images: ctx.image,
    tags: `${ctx.image}:${tag}`,
    'handoff-dir': dir,
    'handoff-key': 'bench'
  };
  // Timed around runAction, whose own setup (temp files, reading action.yml) takes a few ms.
  const start = process.hrtime.bigint();
  const result = await runAction({ inputs, post: false, env: { GITHUB_RUN_ID: 'bench-run' } });
  const ms = elapsedMs(start);
  fs.rmSync(result.dir, { recursive: true, force: true });
  if (result.main.code !== 0) throw failure('our merge', result.main);
  return ms;
}

async function runImagetools(ctx, n, tag) {
  const sources = PLATFORMS.slice(0, n).map(p => `${ctx.image}@${ctx.digests[p]}`);
  const result = await timed('docker', ['buildx', 'imagetools', 'create', ...ctx.builderArgs, '-t', `${ctx.image}:${tag}`, ...sources]);
  if (result.code !== 0) throw failure('docker buildx imagetools create', result);
  return result.ms;
}

/** The tag, read straight from the registry, must be an index listing exactly the N platforms. */
async function verify(repo, tag, n) {
  const index = JSON.parse(
    (await registry(200, 'GET', `/v2/${repo}/manifests/${tag}`, { headers: { Accept: INDEX_TYPES.join(', ') } })).body
  );
  const got = (index.manifests || [])
    .map(d => d.platform || {})
    .filter(p => p.os !== 'unknown') // attestation manifests, if any
    .map(p => [p.os, p.architecture, p.variant].filter(Boolean).join('/'))
    .sort();
  const want = PLATFORMS.slice(0, n).sort();
  if (!INDEX_TYPES.includes(index.mediaType) || got.join() !== want.join()) {
    throw new Error(`${repo}:${tag} is ${index.mediaType} holding [${got}]; expected an index of [${want}]`);
  }
}

/**
 * Warm-up run of imagetools. buildx reaches loopback registries over plain HTTP by itself; should
 * it insist on HTTPS, use a builder whose buildkitd config says `http = true` for the proxy
 * (imagetools takes its registry settings from the builder).
 */
async function prepareImagetools(ctx) {
  const first = await timed('docker', [
    'buildx',
    'imagetools',
    'create',
    '-t',
    `${ctx.image}:it-warmup`,
    ...PLATFORMS.slice(0, 2).map(p => `${ctx.image}@${ctx.digests[p]}`)
  ]);
  if (first.code === 0 && !process.env.BENCH_FORCE_BUILDER) return 'as is (plain HTTP to 127.0.0.1 by default)';
  if (first.code !== 0 && !/HTTPS|https:\/\//.test(first.stderr)) throw failure('docker buildx imagetools create (warm-up)', first);
  const config = path.join(ctx.tmp, 'buildkitd.toml');
  fs.writeFileSync(config, `[registry."${ctx.proxy.host}"]\n  http = true\n`);
  const name = `merge-bench-${Date.now()}`;
  const created = await timed('docker', [
    'buildx',
    'create',
    '--name',
    name,
    '--driver',
    'docker-container',
    '--driver-opt',
    'network=host',
    '--buildkitd-config',
    config
  ]);
  if (created.code !== 0) throw failure('docker buildx create', created);
  ctx.builder = name;
  ctx.builderArgs = ['--builder', name];
  await runImagetools(ctx, 2, 'it-warmup');
  return `through builder ${name} (buildkitd config: http = true for ${ctx.proxy.host})`;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function report(rows, ctx) {
  console.log(`merge benchmark: ours (mode: merge, dist/index.js, Node ${ctx.node24Version}) vs docker buildx imagetools create
  proxy ${ctx.proxy.host} -> registry 127.0.0.1:5000, +${DELAY_MS} ms before each request and +${DELAY_MS} ms before each response
  ${ROUNDS} timed rounds per N and tool (alternating order) after one untimed warm-up per tool; sources in ${ctx.repo}
  imagetools ran ${ctx.imagetoolsHow}
  wall = process start to exit; requests = HTTP requests the proxy saw;
  non-HTTP conns = connections closed without a request (TLS attempts on the plain-HTTP proxy)\n`);
  const head = ['N', 'tool', 'median wall ms', 'min ms', 'max ms', 'requests (median)', 'non-HTTP conns (median)'];
  const cells = rows.map(r =>
    [
      r.n,
      r.tool,
      median(r.ms).toFixed(0),
      Math.min(...r.ms).toFixed(0),
      Math.max(...r.ms).toFixed(0),
      median(r.requests),
      median(r.rejected)
    ].map(String)
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  for (const c of [head, widths.map(w => '-'.repeat(w)), ...cells]) console.log(c.map((x, i) => x.padStart(widths[i])).join(' | '));
  console.log('');
  for (const n of [2, 8]) {
    const [ours, it] = ['ours', 'imagetools'].map(t => rows.find(r => r.n === n && r.tool === t));
    console.log(
      `N=${n}: imagetools/ours  wall time ${(median(it.ms) / median(ours.ms)).toFixed(2)}x, requests ${(median(it.requests) / median(ours.requests)).toFixed(2)}x`
    );
  }
}

async function main() {
  const repo = `bench/src-${Date.now()}`;
  const digests = {};
  for (const p of PLATFORMS) digests[p] = await pushSyntheticImage(`${REGISTRY.host}:${REGISTRY.port}`, repo, p);
  const proxy = await startProxy(REGISTRY, DELAY_MS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-bench-'));
  const ctx = { repo, tmp, digests, proxy, image: `${proxy.host}/${repo}`, builderArgs: [] };
  try {
    ctx.node24Version = (await timed(node24(), ['--version'])).stdout.trim();
    // Untimed warm-ups: first runs pay one-time costs (page cache, buildx store, compile caches).
    await runOurs(ctx, 2, 'ours-warmup');
    await verify(repo, 'ours-warmup', 2);
    ctx.imagetoolsHow = await prepareImagetools(ctx);
    await verify(repo, 'it-warmup', 2);

    const tools = { ours: runOurs, imagetools: runImagetools };
    const rows = [];
    for (const n of [2, 8]) {
      const byTool = {};
      for (const tool of Object.keys(tools)) rows.push((byTool[tool] = { n, tool, ms: [], requests: [], rejected: [] }));
      for (let r = 1; r <= ROUNDS; r++) {
        // Alternate which tool goes first in a round, so neither always gets the warmer start.
        for (const tool of r % 2 ? ['ours', 'imagetools'] : ['imagetools', 'ours']) {
          const tag = `${tool === 'ours' ? 'ours' : 'it'}-n${n}-r${r}`;
          proxy.stats.requests = proxy.stats.rejected = 0;
          byTool[tool].ms.push(await tools[tool](ctx, n, tag));
          byTool[tool].requests.push(proxy.stats.requests);
          byTool[tool].rejected.push(proxy.stats.rejected);
          await verify(repo, tag, n);
        }
      }
    }
    report(rows, ctx);
  } finally {
    if (ctx.builder) await timed('docker', ['buildx', 'rm', ctx.builder]);
    proxy.server.closeAllConnections();
    proxy.server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e.stack || String(e));
    process.exit(1);
  }
);
