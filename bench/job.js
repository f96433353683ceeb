/**
 * Runs a job of JavaScript action steps the way a GitHub runner does, so our action and the
 * docker/* chain are timed by the same harness: each step's `runs.main` under Node 24 with INPUT_*
 * (its action.yml defaults plus the given inputs), an event file, GITHUB_OUTPUT, GITHUB_STATE and
 * GITHUB_STEP_SUMMARY files of its own; HOME, RUNNER_TEMP, the tool cache, the workspace and the
 * GITHUB_ENV / GITHUB_PATH files are the job's and shared by every step (what one step adds to
 * GITHUB_ENV or GITHUB_PATH reaches the later ones). Every main runs in order, then the posts in
 * reverse order, each with the state its own main saved as STATE_*. A failing main skips the later
 * mains (posts still run, as with `post-if: always()`).
 *
 * Each output line is stamped with the ms since the job started when it arrived (stdout is a pipe,
 * written synchronously by the step), as the runner stamps its log lines.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');
const { jobEnv, node24, parseCommandFile } = require('../scripts/run-action');
const { elapsedMs } = require('./util');

/** An action's runs.main/post and its inputs' defaults (`${{ github.token }}` becomes empty: no token here). */
function loadAction(dir) {
  const spec = YAML.parse(fs.readFileSync(path.join(dir, 'action.yml'), 'utf8'));
  if (spec.runs.using !== 'node24') throw new Error(`${dir}: runs.using is ${spec.runs.using}, not node24`);
  const defaults = {};
  for (const [name, input] of Object.entries(spec.inputs || {})) {
    const value = input.default === undefined ? '' : String(input.default);
    defaults[name] = value === '${{ github.token }}' ? '' : value;
  }
  const file = f => (f ? path.join(dir, f) : undefined);
  return { main: file(spec.runs.main), post: file(spec.runs.post), defaults };
}

/** The job's directory: shared files and folders, and the environment every step starts from. */
function createJob(o) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-job-'));
  const sub = name => {
    fs.mkdirSync(path.join(dir, name));
    return path.join(dir, name);
  };
  const files = { GITHUB_ENV: path.join(dir, 'env'), GITHUB_PATH: path.join(dir, 'path'), GITHUB_EVENT_PATH: path.join(dir, 'event.json') };
  fs.writeFileSync(files.GITHUB_ENV, '');
  fs.writeFileSync(files.GITHUB_PATH, '');
  fs.writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(o.event || {}));
  const env = jobEnv(o, { home: sub('home'), runnerTemp: sub('runner-temp'), toolCache: sub('tool-cache'), files });
  return { dir, env, files, lines: [] };
}

/** The job's environment as a step sees it: GITHUB_ENV and GITHUB_PATH of the earlier steps applied. */
function stepEnv(job, extra) {
  const env = { ...job.env, ...parseCommandFile(job.files.GITHUB_ENV) };
  const added = fs.readFileSync(job.files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean).reverse();
  if (added.length > 0) env.PATH = [...added, env.PATH].join(path.delimiter);
  return { ...env, ...extra };
}

/** A stdout/stderr listener: keeps the text in `out[stream]` and stamps each complete line into the job's lines. */
function lineRecorder(job, label, out, stream) {
  let pending = '';
  return data => {
    out[stream] += data;
    const parts = (pending + data).split('\n');
    pending = parts.pop();
    for (const text of parts) job.lines.push({ ms: elapsedMs(job.start), step: label, text });
  };
}

/** Spawns one step process; resolves with its exit code, output, wall time and label. */
function spawnStep(job, file, env, label) {
  return new Promise(resolve => {
    const start = process.hrtime.bigint();
    const child = spawn(node24(), [file], { env, cwd: env.GITHUB_WORKSPACE });
    const out = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', lineRecorder(job, label, out, 'stdout'));
    child.stderr.on('data', lineRecorder(job, label, out, 'stderr'));
    child.on('close', code => resolve({ code, ...out, ms: elapsedMs(start), label }));
  });
}

function stepFiles(job, index) {
  const dir = path.join(job.dir, `step-${index}`);
  fs.mkdirSync(dir);
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md')
  };
  for (const f of Object.values(files)) fs.writeFileSync(f, '');
  return files;
}

function inputEnv(inputs) {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]));
}

/**
 * @param {{name: string, dir: string, inputs?: Record<string,string>}[]} steps actions by folder
 * @param {object} [o] eventName, event, env (extra environment for every step), workspace
 * @returns {Promise<{ms, mains, posts, lines, outputs, runId}>} ms: wall time of the whole job (first spawn to last exit)
 */
async function runJob(steps, o = {}) {
  const job = createJob(o);
  const planned = steps.map((s, i) => ({ ...s, action: loadAction(s.dir), files: stepFiles(job, i) }));
  const mains = [];
  job.start = process.hrtime.bigint(); // from the first spawn: reading action.yml files is not timed
  for (const s of planned) {
    const inputs = inputEnv({ ...s.action.defaults, ...(s.inputs || {}) });
    s.env = stepEnv(job, { ...inputs, ...s.files, GITHUB_ACTION: s.name });
    const r = await spawnStep(job, s.action.main, s.env, `${s.name} main`);
    mains.push(r);
    if (r.code !== 0) break;
  }
  const posts = [];
  for (const s of planned.slice(0, mains.length).reverse()) {
    if (!s.action.post) continue;
    const state = parseCommandFile(s.files.GITHUB_STATE);
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
    posts.push(await spawnStep(job, s.action.post, { ...s.env, ...stateEnv }, `${s.name} post`));
  }
  const ms = elapsedMs(job.start);
  const outputs = planned.map(s => parseCommandFile(s.files.GITHUB_OUTPUT));
  fs.rmSync(job.dir, { recursive: true, force: true });
  return { ms, mains, posts, lines: job.lines, outputs, runId: job.env.GITHUB_RUN_ID };
}

/** Every step's log, for an error message. */
function jobLog(result) {
  return [...result.mains, ...result.posts].map(r => `--- ${r.label} (exit ${r.code})\n${r.stdout}${r.stderr}`).join('\n');
}

function jobFailed(result) {
  return [...result.mains, ...result.posts].some(r => r.code !== 0);
}

module.exports = { runJob, jobLog, jobFailed, loadAction, createJob, stepFiles, inputEnv };
