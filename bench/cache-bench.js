/**
 * Second build of an unchanged context in a fan-out leg: `mode: leg` twice on the same context,
 * each with a fresh builder (so nothing is cached locally) and its own handoff dir, with
 * cache-from / cache-to `type=registry,ref=127.0.0.1:5000/<repo>:buildcache` standing in for the
 * GitHub Actions cache. Counts the Dockerfile steps of each build's BuildKit log and those BuildKit
 * reported as CACHED.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT } = require('../scripts/run-action');
const { runJob, jobLog, jobFailed } = require('./job');
const { REGISTRY_HOST } = require('./util');

const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
const PLATFORM = 'linux/amd64';

function legInputs(repo, handoffDir) {
  const cache = `type=registry,ref=${REGISTRY_HOST}/${repo}:buildcache`;
  return {
    mode: 'leg',
    context: FIXTURES,
    file: path.join(FIXTURES, 'app', 'Dockerfile'),
    platforms: PLATFORM,
    images: `${REGISTRY_HOST}/${repo}`,
    'handoff-dir': handoffDir,
    'cache-from': cache,
    'cache-to': cache,
    network: 'host',
    'driver-opts': 'network=host',
    'buildkitd-config-inline': `[registry."${REGISTRY_HOST}"]\n  http = true`
  };
}

/**
 * Dockerfile steps in a `--progress plain` log: vertices named `[stage n/m] ...` or `[n/m] ...`
 * (BuildKit's own `[internal]` vertices, cache import and export are not steps), and which of them
 * carry a `#N CACHED` line.
 */
function countSteps(log) {
  const steps = new Map();
  for (const line of log.split('\n')) {
    const named = /^#(\d+) \[(?:[^\]]* )?\d+\/\d+\] (.*)$/.exec(line);
    if (named) steps.set(named[1], steps.get(named[1]) || { name: named[2], cached: false });
  }
  for (const line of log.split('\n')) {
    const cached = /^#(\d+) CACHED$/.exec(line);
    if (cached && steps.has(cached[1])) steps.get(cached[1]).cached = true;
  }
  const all = [...steps.values()];
  return { total: all.length, cached: all.filter(s => s.cached).length, uncached: all.filter(s => !s.cached).map(s => s.name) };
}

async function runLeg(repo, tmp, label) {
  const handoff = fs.mkdtempSync(path.join(tmp, `handoff-${label}-`));
  const result = await runJob([{ name: 'leg', dir: ROOT, inputs: legInputs(repo, handoff) }]);
  if (jobFailed(result)) throw new Error(`leg build (${label}) failed:\n${jobLog(result)}`);
  const log = result.mains[0].stdout;
  return { ms: result.mains[0].ms, steps: countSteps(log.slice(log.indexOf('::group::Build log'))), record: result.outputs[0].record };
}

/** Resolves with both builds' step counts and main-step times. */
async function benchLegCache() {
  const repo = `bench/leg-cache-${Date.now().toString(36)}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'leg-cache-bench-'));
  try {
    const first = await runLeg(repo, tmp, 'first');
    const second = await runLeg(repo, tmp, 'second');
    return { repo, platform: PLATFORM, first, second };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = { benchLegCache, countSteps };
