/**
 * Start-up cost of the bundle: Node 24 wall time (spawn to exit) of dist/index.js in build, plan
 * and merge modes against bare `node -e 0`, with the runner's environment (bench/job.js). Each
 * mode gets its usual inputs plus an invalid `platforms` value: the action loads the whole bundle,
 * reads and validates every input (problems are collected, then reported together), fails with
 * one error and exits, so nothing after input parsing runs. Each run is checked for exactly that
 * (exit 1, the platforms error, no command run). Rounds rotate the order of the four.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { ROOT, node24 } = require('../scripts/run-action');
const { createJob, inputEnv, loadAction, stepFiles } = require('./job');
const { median, timed } = require('./util');

const BAD_PLATFORMS = 'linux/amd64,linux/bogus';
const WARMUPS = 3;

function modeInputs(handoffDir) {
  const images = { images: '127.0.0.1:5000/bench/startup', tags: '127.0.0.1:5000/bench/startup:1' };
  return {
    build: { mode: 'build', context: path.join(ROOT, '__tests__', 'fixtures'), ...images },
    plan: { mode: 'plan' },
    merge: { mode: 'merge', ...images, 'handoff-dir': handoffDir }
  };
}

/** A spawn of Node 24 per candidate ({bare, build, plan, merge}), each with its own step files. */
function candidates(job) {
  const action = loadAction(ROOT);
  const handoff = path.join(job.dir, 'handoff');
  fs.mkdirSync(handoff);
  const out = { bare: { args: ['-e', '0'], env: job.env } };
  for (const [mode, inputs] of Object.entries(modeInputs(handoff))) {
    const env = { ...job.env, ...inputEnv({ ...action.defaults, ...inputs, platforms: BAD_PLATFORMS }), ...stepFiles(job, mode) };
    out[mode] = { args: [path.join(ROOT, 'dist', 'index.js')], env, mode };
  }
  return out;
}

/** Wall time spawn to exit, and (modes) spawn to the arrival of the input error. */
async function runOnce(c) {
  const r = await timed(node24(), c.args, { env: c.env, cwd: ROOT, mark: /::error::/ });
  const ok = c.mode
    ? r.code === 1 && /::error::.*platforms: unknown architecture "bogus"/.test(r.stdout) && !r.stdout.includes('[command]')
    : r.code === 0;
  if (!ok) throw new Error(`start-up run ${c.mode || 'bare'} did not end as expected (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return { ms: r.ms, errorMs: r.markMs };
}

/**
 * `runs` rounds of bare node, build, plan and merge (order rotating), after untimed warm-ups.
 * Resolves with the wall times of each (`ms`: {bare: [...], build: [...], plan: [...], merge: [...]}),
 * for the modes also the times to their error line (`errorMs`), and each mode's median over bare's.
 */
async function benchStartup({ runs }) {
  const job = createJob({});
  try {
    const all = candidates(job);
    const names = Object.keys(all);
    for (let i = 0; i < WARMUPS; i++) for (const n of names) await runOnce(all[n]);
    const ms = Object.fromEntries(names.map(n => [n, []]));
    const errorMs = Object.fromEntries(names.slice(1).map(n => [n, []]));
    for (let r = 0; r < runs; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const n of order) {
        const one = await runOnce(all[n]);
        ms[n].push(one.ms);
        if (errorMs[n]) errorMs[n].push(one.errorMs);
      }
    }
    const over = Object.fromEntries(names.slice(1).map(n => [n, median(ms[n]) - median(ms.bare)]));
    return { runs, ms, errorMs, over };
  } finally {
    fs.rmSync(job.dir, { recursive: true, force: true });
  }
}

/** What the traced processes (lines of bench/load-trace.js) loaded from dist/: the distinct files and their bytes. */
function distLoads(traceFile) {
  const dist = path.join(ROOT, 'dist') + path.sep;
  const lines = fs.readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  const files = new Map();
  for (const line of lines) {
    for (const f of JSON.parse(line).files) if (f.file.startsWith(dist)) files.set(path.relative(ROOT, f.file), f.bytes);
  }
  return { processes: lines.length, files: [...files.keys()], bytes: [...files.values()].reduce((a, b) => a + b, 0) };
}

module.exports = { benchStartup, distLoads };
