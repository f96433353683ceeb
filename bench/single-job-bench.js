/**
 * Whole single job: one step of our action (main and post) against the docker chain
 * (docker/setup-qemu-action, setup-buildx-action and build-push-action, the released files in
 * ../shared/anchors, run from there), both through the same runner harness (bench/job.js).
 *
 * The same work for both, starting every run with no QEMU handler registered and no local copy of
 * the binfmt image (both pull it from 127.0.0.1:5000): emulators for linux/arm64 and linux/arm/v7,
 * a fresh docker-container builder (network=host, buildkitd config allowing the plain-HTTP
 * registry), build and push of the 3-platform fixture with provenance off, then the posts' cleanup.
 * Rounds alternate which tool goes first; each run's pushed index is checked in the registry.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT } = require('../scripts/run-action');
const { runJob, jobLog, jobFailed } = require('./job');
const { REGISTRY_HOST, docker, median, registryFetch, verifyIndex } = require('./util');

const ANCHORS = path.resolve(ROOT, '..', 'shared', 'anchors');
const CHAIN = ['setup-qemu-action', 'setup-buildx-action', 'build-push-action'];
const BINFMT_STANDIN = 'localhost/test-fixture/binfmt-standin:latest';
const BINFMT_REPO = 'bench/binfmt-standin';
const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';
const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];
const BUILDKITD_CONFIG = `[registry."${REGISTRY_HOST}"]\n  http = true`;

function anchorsAvailable() {
  return CHAIN.every(a => fs.existsSync(path.join(ANCHORS, a, 'action.yml')));
}

/** Unregisters every QEMU handler, so a run starts from a runner with no emulators (as clearQemuHandlers in the tests). */
function clearQemuHandlers() {
  for (const name of fs.readdirSync(BINFMT_DIR)) {
    if (name.startsWith('qemu-')) fs.writeFileSync(path.join(BINFMT_DIR, name), '-1');
  }
}

/** Pushes the binfmt stand-in to the local registry; resolves to its reference pinned by digest. */
async function publishBinfmtStandin() {
  const tagged = `${REGISTRY_HOST}/${BINFMT_REPO}:latest`;
  docker(['tag', BINFMT_STANDIN, tagged]);
  docker(['push', '--quiet', tagged]);
  docker(['rmi', tagged]);
  const accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json';
  const res = await registryFetch(`/v2/${BINFMT_REPO}/manifests/latest`, { method: 'HEAD', headers: { Accept: accept } });
  const digest = res.headers.get('docker-content-digest');
  if (res.status !== 200 || !digest) throw new Error(`${tagged}: HTTP ${res.status}, no digest after the push`);
  return `${REGISTRY_HOST}/${BINFMT_REPO}@${digest}`;
}

/** Removes the local reference to the registry copy (never the stand-in itself), so the next run has to pull it. */
function dropLocalBinfmt(ref) {
  docker(['rmi', ref], { allowFailure: true });
  if (docker(['image', 'inspect', ref], { allowFailure: true }).status === 0) throw new Error(`${ref} is still present locally`);
}

function oursSteps(binfmt, repo, tag) {
  const inputs = {
    context: FIXTURES,
    file: path.join(FIXTURES, 'app', 'Dockerfile'),
    platforms: PLATFORMS.join(','),
    images: `${REGISTRY_HOST}/${repo}`,
    tags: `${REGISTRY_HOST}/${repo}:${tag}`,
    provenance: 'false',
    network: 'host',
    'driver-opts': 'network=host',
    'buildkitd-config-inline': BUILDKITD_CONFIG,
    'qemu-image': binfmt
  };
  return [{ name: 'multiarch-publish', dir: ROOT, inputs }];
}

/** The chain's inputs for the same work: setup-qemu installs just the two foreign emulators. */
function chainSteps(binfmt, repo, tag) {
  return [
    { name: 'setup-qemu', dir: path.join(ANCHORS, CHAIN[0]), inputs: { image: binfmt, platforms: 'arm64,arm' } },
    {
      name: 'setup-buildx',
      dir: path.join(ANCHORS, CHAIN[1]),
      inputs: { driver: 'docker-container', 'driver-opts': 'network=host', 'buildkitd-config-inline': BUILDKITD_CONFIG }
    },
    {
      name: 'build-push',
      dir: path.join(ANCHORS, CHAIN[2]),
      inputs: {
        context: FIXTURES,
        file: path.join(FIXTURES, 'app', 'Dockerfile'),
        platforms: PLATFORMS.join(','),
        tags: `${REGISTRY_HOST}/${repo}:${tag}`,
        push: 'true',
        provenance: 'false',
        network: 'host'
      }
    }
  ];
}

/** Builder containers a job left behind (both remove theirs in the post step). */
function leftoverBuilders(prefix) {
  return docker(['ps', '-a', '--filter', `name=buildx_buildkit_${prefix}`, '--format', '{{.Names}}'])
    .stdout.split('\n')
    .filter(Boolean);
}

/** Ours' phases from the moments its log lines arrived (ms since the job started). */
function oursPhases(result) {
  const at = re => result.lines.find(l => re.test(l.text))?.ms;
  const buildStart = at(/^::group::Build log/);
  const buildEnd = result.lines.find(l => l.ms >= buildStart && l.text === '::endgroup::')?.ms;
  // QEMU setup runs while the builder is created and booted; its lines are printed once both end.
  const marks = [0, at(/^::group::Creating builder/), buildStart, buildEnd, result.mains[0].ms];
  if (marks.some(m => m === undefined)) return undefined;
  const phase = i => marks[i + 1] - marks[i];
  return {
    'inputs, preflight, buildx, tags, logins': phase(0),
    'QEMU alongside builder create + bootstrap': phase(1),
    'build + push': phase(2),
    'read-back, content check, tags': phase(3),
    post: result.posts[0]?.ms ?? 0
  };
}

/**
 * The chain's time per step (mains in order, then posts in reverse), and how much of setup-qemu's
 * main went to saving the pulled image to the tool cache (its `cache-image: true` default).
 */
function chainPhases(result) {
  const steps = Object.fromEntries([...result.mains, ...result.posts].map(r => [r.label, r.ms]));
  const save = result.lines.find(l => /^\[command\]\S*docker save /.test(l.text))?.ms;
  const saved = result.lines.find(l => /^Image cached to /.test(l.text))?.ms;
  return save === undefined || saved === undefined ? steps : { ...steps, '(in setup-qemu main: cache-image save)': saved - save };
}

/** One run of one tool from a clean start; throws when a step failed or the pushed index is wrong. */
async function runTool(ctx, tool, tag, env) {
  clearQemuHandlers();
  dropLocalBinfmt(ctx.binfmt);
  const repo = `bench/single-${tool}-${ctx.id}`;
  const steps = (tool === 'ours' ? oursSteps : chainSteps)(ctx.binfmt, repo, tag);
  const result = await runJob(steps, { env });
  if (jobFailed(result)) throw new Error(`${tool} job failed:\n${jobLog(result)}`);
  await verifyIndex(repo, tag, PLATFORMS);
  const builder = tool === 'ours' ? `multiarch-${result.runId}` : result.outputs[1].name;
  const left = leftoverBuilders(builder);
  if (left.length > 0) throw new Error(`${tool}: builder containers left after the post steps: ${left.join(', ')}`);
  return { ms: result.ms, phases: tool === 'ours' ? oursPhases(result) : chainPhases(result) };
}

/**
 * A failed run is tried once more and noted: other jobs on a shared machine (the integration tests
 * clear QEMU handlers too) can break a run that is not at fault. A second failure throws.
 */
async function runRetrying(ctx, tool, tag, env) {
  try {
    return await runTool(ctx, tool, tag, env);
  } catch (e) {
    ctx.retries.push(`${tool} ${tag}: ${e.message.split('\n')[0]}`);
    return runTool(ctx, tool, `${tag}-retry`, env);
  }
}

/** Medians of each phase over the runs that reported it. */
function medianPhases(runs) {
  const all = runs.map(r => r.phases).filter(Boolean);
  if (all.length === 0) return undefined;
  const names = [...new Set(all.flatMap(p => Object.keys(p)))];
  return Object.fromEntries(names.map(k => [k, median(all.map(p => p[k]).filter(v => v !== undefined))]));
}

/**
 * Runs the single-job benchmark: an untimed warm-up per tool (ours' with `warmupEnv`, e.g. a load
 * trace), then `rounds` alternating timed rounds (runs retried once are listed in `retries`).
 * Resolves with wall times and phase medians per tool; `chain` is undefined when the anchors are
 * not available.
 */
async function benchSingleJob({ rounds, warmupEnv = {} }) {
  const withChain = anchorsAvailable();
  const tools = withChain ? ['ours', 'chain'] : ['ours'];
  const ctx = { id: Date.now().toString(36), binfmt: await publishBinfmtStandin(), retries: [] };
  const runs = { ours: [], chain: [] };
  try {
    await runRetrying(ctx, 'ours', 'warmup', warmupEnv);
    if (withChain) await runRetrying(ctx, 'chain', 'warmup');
    for (let r = 1; r <= rounds; r++) {
      for (const tool of r % 2 ? tools : [...tools].reverse()) runs[tool].push(await runRetrying(ctx, tool, `r${r}`));
    }
  } finally {
    dropLocalBinfmt(ctx.binfmt);
  }
  const summary = list => ({ ms: list.map(x => x.ms), phases: medianPhases(list) });
  const chain = withChain ? summary(runs.chain) : undefined;
  return { rounds, binfmt: ctx.binfmt, retries: ctx.retries, ours: summary(runs.ours), chain };
}

module.exports = { benchSingleJob, anchorsAvailable, ANCHORS, PLATFORMS };
