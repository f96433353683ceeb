/**
 * `npm run bench`: every benchmark of the action in one run and one table, each row with our
 * figure, the anchor's, their ratio (ours/anchor), the goal and whether it is met:
 *
 * 1. whole single job (bench/single-job-bench.js): one step of our action against the docker/*
 *    chain from ../shared/anchors, same work, median of BENCH_ROUNDS (9) alternating rounds;
 * 2. merge of N = 2 and 8 digests through a +25 ms proxy against `docker buildx imagetools create`
 *    (bench/merge-bench.js), with HTTP request counts;
 * 3. start-up of the bundle over bare `node -e 0` in build, plan and merge modes
 *    (bench/startup-bench.js, median of BENCH_STARTUP_RUNS (41) rounds), and the JavaScript a
 *    build-mode run loads (traced in row 1's untimed warm-up of ours);
 * 4. the second `mode: leg` build of an unchanged context with a registry cache (bench/cache-bench.js);
 * 5. what signing and attesting (key-based) add to a 3-platform publish (bench/sign-bench.js);
 * 6. promoting a 200 MB, 3-platform image between two local registries against `skopeo copy --all`
 *    and `docker buildx imagetools create` (bench/promote-bench.js): wall time and peak RSS.
 *
 * BENCH_ONLY=sign runs row 5 alone, BENCH_ONLY=promote row 6.
 *
 * Needs the local stack (.ci/testenv.sh status), root (QEMU handlers are cleared before each run of
 * row 1) and Node 24 from `npm ci`. Speed is measured here only, never asserted in tests.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT } = require('../scripts/run-action');
const { benchSingleJob, anchorsAvailable, ANCHORS } = require('./single-job-bench');
const { benchMerge, SIZES } = require('./merge-bench');
const { benchStartup, distLoads } = require('./startup-bench');
const { benchLegCache } = require('./cache-bench');
const { benchPromote } = require('./promote-bench');
const { benchSigning } = require('./sign-bench');
const { elapsedMs, fmtMs, fmtS, formatTable, median, rounds } = require('./util');

const GOALS = { singleJob: 0.4, merge: 0.5, startupOverMs: 60, bundleBytes: 1.5e6 };
const NA = 'anchor not available';

/** Progress goes to stderr, so stdout holds the report alone. */
const progress = text => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);
const verdict = ok => (ok ? 'pass' : 'FAIL');
const ratio = (ours, anchor) => `${(ours / anchor).toFixed(2)}x`;
const spread = xs => `${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))} ms`;

function singleJobRow(single) {
  const ours = median(single.ours.ms);
  const label = `1 whole single job, 3 platforms, post incl. (median of ${single.rounds})`;
  if (!single.chain) return [label, fmtS(ours), NA, '-', `<= ${GOALS.singleJob.toFixed(2)}x`, 'n/a', '-'];
  const chain = median(single.chain.ms);
  return [
    label,
    fmtS(ours),
    fmtS(chain),
    ratio(ours, chain),
    `<= ${GOALS.singleJob.toFixed(2)}x`,
    verdict(ours / chain <= GOALS.singleJob),
    '-'
  ];
}

function mergeRows(merge) {
  return SIZES.map(n => {
    const [ours, it] = ['ours', 'imagetools'].map(t => merge.rows.find(r => r.n === n && r.tool === t));
    const [o, a] = [median(ours.ms), median(it.ms)];
    const requests = `${median(ours.requests)} / ${median(it.requests)}`;
    const label = `2 merge N=${n}, +${merge.info.delayMs} ms each way (median of ${merge.info.rounds})`;
    return [label, fmtMs(o), fmtMs(a), ratio(o, a), `<= ${GOALS.merge.toFixed(2)}x`, verdict(o / a <= GOALS.merge), requests];
  });
}

function startupRows(startup, loads) {
  const bare = median(startup.ms.bare);
  const rows = Object.entries(startup.over).map(([mode, over]) => [
    `3 start-up to parsed inputs, ${mode} mode (median of ${startup.runs})`,
    `+${Math.round(over)} ms (${fmtMs(median(startup.ms[mode]))})`,
    `${fmtMs(bare)} node -e 0`,
    ratio(median(startup.ms[mode]), bare),
    `<= +${GOALS.startupOverMs} ms`,
    verdict(over <= GOALS.startupOverMs),
    '-'
  ]);
  const traced = loads.processes > 0;
  const what = traced ? `${(loads.bytes / 1e6).toFixed(2)} MB (${loads.files.join(', ')})` : 'not traced';
  rows.push([
    '3 JavaScript a build-mode run loads',
    what,
    '-',
    '-',
    `<= ${GOALS.bundleBytes / 1e6} MB`,
    traced ? verdict(loads.bytes <= GOALS.bundleBytes) : 'n/a',
    '-'
  ]);
  return rows;
}

function cacheRow(cache) {
  const s = cache.second.steps;
  const ok = s.total > 0 && s.cached === s.total;
  return [
    '4 second leg build, unchanged context, registry cache',
    `${s.cached}/${s.total} steps CACHED`,
    '-',
    '-',
    'every step',
    verdict(ok),
    '-'
  ];
}

function signRows(sign) {
  const [off, on, phase] = [median(sign.off), median(sign.on), median(sign.signMs)];
  const label = `5 sign + attest, 3 platforms, key (median of ${sign.rounds})`;
  return [
    [`${label}: whole step off / on`, `${fmtS(off)} / ${fmtS(on)}`, '-', '-', '-', 'n/a', '-'],
    [`${label}: signing phase, ${sign.manifests} manifests`, fmtMs(phase), '-', '-', '-', 'n/a', '-'],
    [`${label}: per manifest`, fmtMs(phase / sign.manifests), '-', '-', '-', 'n/a', '-']
  ];
}

/** Ours against each anchor: time and peak RSS, each as a ratio; the goal is below 1 on time, at most 1 on memory. */
function promoteRows(promote) {
  const { results, info } = promote;
  const of = tool => ({ s: median(results[tool].s), mb: median(results[tool].mb) });
  const ours = of('ours');
  const cell = m => `${m.s.toFixed(2)} s, ${m.mb.toFixed(0)} MB`;
  return ['skopeo', 'imagetools'].map(tool => {
    const anchor = of(tool);
    const [time, memory] = [ours.s / anchor.s, ours.mb / anchor.mb];
    return [
      `6 promote ${(info.bytes / 2 ** 20).toFixed(0)} MB, 3 platforms, vs ${tool} (median of ${info.rounds})`,
      cell(ours),
      cell(anchor),
      `${time.toFixed(2)}x time, ${memory.toFixed(2)}x RSS`,
      '< 1x time, <= 1x RSS',
      verdict(time < 1 && memory <= 1),
      '-'
    ];
  });
}

function printTable(results) {
  const head = ['row', 'ours', 'anchor', 'ours/anchor', 'goal', 'result', 'requests ours / anchor'];
  const rows = [
    singleJobRow(results.single),
    ...mergeRows(results.merge),
    ...startupRows(results.startup, results.loads),
    ...(results.cache ? [cacheRow(results.cache)] : []),
    ...(results.sign ? signRows(results.sign) : []),
    ...(results.promote ? promoteRows(results.promote) : [])
  ];
  console.log(formatTable(head, rows));
}

const phaseList = phases =>
  Object.entries(phases || {})
    .map(([k, v]) => `${k} ${Math.round(v)}`)
    .join(', ');

function printSingleJobDetails(single) {
  console.log(
    `\n1. binfmt image ${single.binfmt}, pulled by both (local copy removed before every run), QEMU handlers cleared before every run`
  );
  if (single.retries.length > 0) console.log(`   runs retried after a failure: ${single.retries.join('; ')}`);
  console.log(`   ours  rounds (ms): ${single.ours.ms.map(Math.round).join(', ')}`);
  console.log(
    `   ours  phases (median ms, from log line arrival): ${single.ours.phases ? phaseList(single.ours.phases) : 'not found in the log'}`
  );
  if (!single.chain) return console.log(`   chain: ${NA} (${ANCHORS})`);
  console.log(`   chain rounds (ms): ${single.chain.ms.map(Math.round).join(', ')}`);
  console.log(`   chain steps (median ms): ${phaseList(single.chain.phases)}`);
}

function printMergeDetails(merge) {
  console.log(`\n2. imagetools ran ${merge.info.imagetoolsHow}; requests = HTTP requests the proxy saw (median)`);
  for (const r of merge.rows) {
    console.log(`   N=${r.n} ${r.tool.padEnd(10)} ${spread(r.ms)}, non-HTTP connections ${median(r.rejected)}`);
  }
}

function printStartupDetails(startup, loads) {
  console.log(
    `\n3. wall time spawn to exit under Node 24; each mode run with platforms: linux/amd64,linux/bogus (fails after parsing every input)`
  );
  for (const [name, ms] of Object.entries(startup.ms)) {
    const error = startup.errorMs[name] ? `; to its ::error:: line ${fmtMs(median(startup.errorMs[name]))}` : '';
    console.log(`   ${name.padEnd(5)} to exit median ${fmtMs(median(ms))}, ${spread(ms)}${error}`);
  }
  const size = fs.statSync(path.join(ROOT, 'dist', 'index.js')).size;
  console.log(
    `   dist/index.js ${size} bytes; traced build-mode run (main + post, ${loads.processes} processes) loaded from dist/: ${loads.files.join(', ') || 'nothing traced'}`
  );
}

function printPromoteDetails(promote) {
  console.log(
    '\n6. each copy into a registry started for it alone (nothing to mount); time and peak RSS from GNU time, child processes included'
  );
  for (const [tool, r] of Object.entries(promote.results)) {
    console.log(`   ${tool.padEnd(10)} ${r.s.map(s => s.toFixed(2)).join(', ')} s; peak RSS ${r.mb.map(m => m.toFixed(0)).join(', ')} MB`);
  }
}

function printCacheDetails(cache) {
  const { first, second } = cache;
  console.log(`\n4. ${cache.platform}, cache ${cache.repo}:buildcache; fresh builder per build`);
  console.log(`   first build  ${first.steps.cached}/${first.steps.total} steps CACHED, main step ${fmtS(first.ms)}`);
  console.log(`   second build ${second.steps.cached}/${second.steps.total} steps CACHED, main step ${fmtS(second.ms)}`);
  if (second.steps.uncached.length > 0) console.log(`   not from cache: ${second.steps.uncached.join(' | ')}`);
}

async function main() {
  const start = process.hrtime.bigint();
  const load = os.loadavg();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const trace = path.join(tmp, 'load-trace.jsonl');
  fs.writeFileSync(trace, '');
  try {
    if (!anchorsAvailable()) console.log(`${NA}: ${ANCHORS} (row 1 measures ours alone)`);
    const count = rounds(9);
    const warmupEnv = { NODE_OPTIONS: `--require ${path.join(__dirname, 'load-trace.js')}`, BENCH_LOAD_TRACE: trace };
    const startupRuns = Math.max(1, Number(process.env.BENCH_STARTUP_RUNS) || 41);
    const results = {};
    if (process.env.BENCH_ONLY === 'sign') {
      progress(`5/6 signing: ${count} rounds with and without`);
      results.sign = await benchSigning({ rounds: count });
      const head = ['row', 'ours', 'anchor', 'ours/anchor', 'goal', 'result', 'requests ours / anchor'];
      console.log(formatTable(head, signRows(results.sign)));
      console.log(`\n5. signing phase rounds (ms): ${results.sign.signMs.join(', ')}`);
      return;
    }
    if (process.env.BENCH_ONLY === 'promote') {
      progress(`6/6 promotion of 200 MB against skopeo and imagetools: ${rounds(3)} rounds of each`);
      results.promote = await benchPromote({ rounds: rounds(3) });
      const head = ['row', 'ours', 'anchor', 'ours/anchor', 'goal', 'result', 'requests ours / anchor'];
      console.log(formatTable(head, promoteRows(results.promote)));
      printPromoteDetails(results.promote);
      return;
    }
    progress(`1/6 whole single job: ${count} rounds of ours and the chain after one warm-up each`);
    results.single = await benchSingleJob({ rounds: count, warmupEnv });
    progress(`2/6 merge, N = ${SIZES.join(' and ')}: ${count} rounds each`);
    results.merge = await benchMerge({ rounds: count });
    progress(`3/6 start-up: ${startupRuns} rounds of bare node, build, plan and merge`);
    results.startup = await benchStartup({ runs: startupRuns });
    results.loads = distLoads(trace);
    progress('4/6 leg rebuild with a registry cache');
    results.cache = await benchLegCache();
    progress(`5/6 signing: ${count} rounds with and without`);
    results.sign = await benchSigning({ rounds: count });
    progress(`6/6 promotion of 200 MB against skopeo and imagetools: ${rounds(3)} rounds of each`);
    results.promote = await benchPromote({ rounds: rounds(3) });
    console.log(
      `\nbenchmarks on ${os.cpus().length} CPUs, Node 24 from node_modules; load average ${load[0].toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end\n`
    );
    printTable(results);
    printSingleJobDetails(results.single);
    printMergeDetails(results.merge);
    printStartupDetails(results.startup, results.loads);
    printCacheDetails(results.cache);
    console.log(`\n5. signing phase rounds (ms): ${results.sign.signMs.join(', ')}`);
    printPromoteDetails(results.promote);
    console.log(`\ntotal wall time ${fmtS(elapsedMs(start))}`);
  } finally {
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
