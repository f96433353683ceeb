/**
 * Preflight benchmark: what the base-image preflight costs in a real run of the bundled action
 * (run as a runner runs it), for a Dockerfile with three FROM images on a registry behind a proxy
 * adding 25 ms before each request and 25 ms before each response. Reports the time the action
 * logs for its preflight (median of rounds), the registry requests it sent, and that time in
 * round trips. The build itself (COPY only, no RUN, nothing pushed) follows but is not timed.
 *
 * Needs the plain-HTTP registry at 127.0.0.1:5000, docker with buildx and the BuildKit image
 * (.ci/testenv.sh up), and Node 24 from `npm ci`. Usage: node bench/preflight-bench.js
 * (BENCH_ROUNDS=5, BENCH_DELAY_MS=25 to change the added latency).
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runAction } = require('../scripts/run-action');
const { pushSyntheticIndex } = require('../scripts/synthetic-image');
const { startProxy } = require('./latency-proxy');

const REGISTRY = { host: '127.0.0.1', port: 5000 };
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 25);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 5);
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Three base images (each an index for both platforms) and a Dockerfile that needs all three. */
async function setUp(proxyHost) {
  const run = Date.now().toString(36);
  const images = [];
  for (const name of ['base', 'tools', 'assets']) {
    const repo = `bench/preflight-${name}-${run}`;
    await pushSyntheticIndex(`${REGISTRY.host}:${REGISTRY.port}`, repo, PLATFORMS, '1');
    images.push(`${proxyHost}/${repo}:1`);
  }
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-bench-'));
  const dockerfile = [
    `FROM ${images[1]} AS tools`,
    `FROM ${images[2]} AS assets`,
    `FROM ${images[0]}`,
    'COPY --from=tools /platform.txt /tools.txt',
    'COPY --from=assets /platform.txt /assets.txt'
  ].join('\n');
  fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile + '\n');
  return context;
}

async function round(context, proxy) {
  proxy.stats.byAgent = {};
  proxy.stats.rejected = 0;
  const result = await runAction({
    inputs: {
      context,
      platforms: PLATFORMS.join(','),
      push: 'false',
      outputs: 'type=cacheonly',
      network: 'host',
      'driver-opts': 'network=host',
      'buildkitd-config-inline': `[registry."${proxy.host}"]\n  http = true`
    }
  });
  fs.rmSync(result.dir, { recursive: true, force: true });
  const m = /Preflight: (\d+) base image use\(s\) checked for .* in (\d+) ms/.exec(result.main.stdout);
  if (result.main.code !== 0 || !m) throw new Error(`run failed (exit ${result.main.code}):\n${result.main.stdout}\n${result.main.stderr}`);
  return { ms: Number(m[2]), checked: Number(m[1]), ours: proxy.stats.byAgent.node ?? 0, probes: proxy.stats.rejected };
}

async function main() {
  const proxy = await startProxy(REGISTRY, DELAY_MS);
  try {
    const context = await setUp(proxy.host);
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(context, proxy));
    const ms = median(rounds.map(r => r.ms));
    const rtt = 2 * DELAY_MS;
    console.log(`preflight, 3 FROM images (indexes for ${PLATFORMS.join(' + ')}), proxy +${DELAY_MS} ms each way, ${ROUNDS} rounds`);
    console.log('| figure | value |');
    console.log('|---|---|');
    console.log(`| preflight time (median) | ${ms} ms |`);
    console.log(`| in round trips of ${rtt} ms | ${(ms / rtt).toFixed(1)} |`);
    console.log(`| registry requests (ours) | ${median(rounds.map(r => r.ours))} |`);
    console.log(`| TLS probes | ${median(rounds.map(r => r.probes))} |`);
    console.log(`| all rounds (ms) | ${rounds.map(r => r.ms).join(', ')} |`);
  } finally {
    proxy.server.closeAllConnections();
    proxy.server.close();
  }
}

main().catch(e => {
  console.error(e.message);
  process.exitCode = 1;
});
