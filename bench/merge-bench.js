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
 * `npm run bench` (bench/index.js) runs it as one row of its table through benchMerge().
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runAction, node24 } = require('../scripts/run-action');
const { pushSyntheticImage, writeLegRecords } = require('../scripts/synthetic-image');
const { startProxy } = require('./latency-proxy');
const { REGISTRY, REGISTRY_HOST, elapsedMs, failure, formatTable, median, rounds, timed, verifyIndex } = require('./util');

const DELAY_MS = 25;
const SIZES = [2, 8];
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

/** Creates a builder whose buildkitd config says `http = true` for the proxy (imagetools takes its registry settings from it). */
async function createHttpBuilder(ctx) {
  const config = path.join(ctx.tmp, 'buildkitd.toml');
  fs.writeFileSync(config, `[registry."${ctx.proxy.host}"]\n  http = true\n`);
  const name = `merge-bench-${Date.now()}`;
  const args = [
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
  ];
  const created = await timed('docker', args);
  if (created.code !== 0) throw failure('docker buildx create', created);
  ctx.builder = name;
  ctx.builderArgs = ['--builder', name];
}

/**
 * Warm-up run of imagetools. buildx reaches loopback registries over plain HTTP by itself; should
 * it insist on HTTPS, use a builder with `http = true` for the proxy.
 */
async function prepareImagetools(ctx) {
  const sources = PLATFORMS.slice(0, 2).map(p => `${ctx.image}@${ctx.digests[p]}`);
  const first = await timed('docker', ['buildx', 'imagetools', 'create', '-t', `${ctx.image}:it-warmup`, ...sources]);
  if (first.code === 0 && !process.env.BENCH_FORCE_BUILDER) return 'as is (plain HTTP to 127.0.0.1 by default)';
  if (first.code !== 0 && !/HTTPS|https:\/\//.test(first.stderr)) throw failure('docker buildx imagetools create (warm-up)', first);
  await createHttpBuilder(ctx);
  await runImagetools(ctx, 2, 'it-warmup');
  return `through builder ${ctx.builder} (buildkitd config: http = true for ${ctx.proxy.host})`;
}

/** One timed run of `tool`, with the proxy's counts for it; the published tag is checked. */
async function timedRun(ctx, tool, n, r) {
  const tag = `${tool === 'ours' ? 'ours' : 'it'}-n${n}-r${r}`;
  ctx.proxy.stats.requests = ctx.proxy.stats.rejected = 0;
  const ms = await (tool === 'ours' ? runOurs : runImagetools)(ctx, n, tag);
  const counts = { requests: ctx.proxy.stats.requests, rejected: ctx.proxy.stats.rejected };
  await verifyIndex(ctx.repo, tag, PLATFORMS.slice(0, n));
  return { ms, ...counts };
}

/** `count` alternating rounds at one N: which tool goes first alternates, so neither always gets the warmer start. */
async function measureN(ctx, n, count) {
  const byTool = {};
  for (const tool of ['ours', 'imagetools']) byTool[tool] = { n, tool, ms: [], requests: [], rejected: [] };
  for (let r = 1; r <= count; r++) {
    for (const tool of r % 2 ? ['ours', 'imagetools'] : ['imagetools', 'ours']) {
      const one = await timedRun(ctx, tool, n, r);
      for (const k of ['ms', 'requests', 'rejected']) byTool[tool][k].push(one[k]);
    }
  }
  return Object.values(byTool);
}

/**
 * Runs the merge benchmark. Resolves with one row per N and tool ({n, tool, ms[], requests[],
 * rejected[]}) and how it ran ({rounds, node24Version, imagetoolsHow, repo, proxyHost, delayMs}).
 */
async function benchMerge({ rounds: count = rounds(5) } = {}) {
  const repo = `bench/src-${Date.now()}`;
  const digests = {};
  for (const p of PLATFORMS) digests[p] = await pushSyntheticImage(REGISTRY_HOST, repo, p);
  const proxy = await startProxy(REGISTRY, DELAY_MS);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-bench-'));
  const ctx = { repo, tmp, digests, proxy, image: `${proxy.host}/${repo}`, builderArgs: [] };
  try {
    const node24Version = (await timed(node24(), ['--version'])).stdout.trim();
    // Untimed warm-ups: first runs pay one-time costs (page cache, buildx store, compile caches).
    await runOurs(ctx, 2, 'ours-warmup');
    await verifyIndex(repo, 'ours-warmup', PLATFORMS.slice(0, 2));
    const imagetoolsHow = await prepareImagetools(ctx);
    await verifyIndex(repo, 'it-warmup', PLATFORMS.slice(0, 2));
    const rows = [];
    for (const n of SIZES) rows.push(...(await measureN(ctx, n, count)));
    return { rows, info: { rounds: count, node24Version, imagetoolsHow, repo, proxyHost: proxy.host, delayMs: DELAY_MS } };
  } finally {
    if (ctx.builder) await timed('docker', ['buildx', 'rm', ctx.builder]);
    proxy.server.closeAllConnections();
    proxy.server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function report({ rows, info }) {
  console.log(`merge benchmark: ours (mode: merge, dist/index.js, Node ${info.node24Version}) vs docker buildx imagetools create
  proxy ${info.proxyHost} -> registry ${REGISTRY_HOST}, +${info.delayMs} ms before each request and +${info.delayMs} ms before each response
  ${info.rounds} timed rounds per N and tool (alternating order) after one untimed warm-up per tool; sources in ${info.repo}
  imagetools ran ${info.imagetoolsHow}
  wall = process start to exit; requests = HTTP requests the proxy saw;
  non-HTTP conns = connections closed without a request (TLS attempts on the plain-HTTP proxy)\n`);
  const head = ['N', 'tool', 'median wall ms', 'min ms', 'max ms', 'requests (median)', 'non-HTTP conns (median)'];
  const cells = rows.map(r => [
    r.n,
    r.tool,
    median(r.ms).toFixed(0),
    Math.min(...r.ms).toFixed(0),
    Math.max(...r.ms).toFixed(0),
    median(r.requests),
    median(r.rejected)
  ]);
  console.log(formatTable(head, cells) + '\n');
  for (const n of SIZES) {
    const [ours, it] = ['ours', 'imagetools'].map(t => rows.find(r => r.n === n && r.tool === t));
    console.log(
      `N=${n}: imagetools/ours  wall time ${(median(it.ms) / median(ours.ms)).toFixed(2)}x, requests ${(median(it.requests) / median(ours.requests)).toFixed(2)}x`
    );
  }
}

module.exports = { benchMerge, SIZES };

if (require.main === module) {
  benchMerge().then(
    result => {
      report(result);
      process.exit(0);
    },
    e => {
      console.error(e.stack || String(e));
      process.exit(1);
    }
  );
}
