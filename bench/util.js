/** Small helpers the benchmark scripts share: timing, medians, docker, registry reads, tables. */
'use strict';
const { spawn, spawnSync } = require('child_process');

const REGISTRY = { host: '127.0.0.1', port: 5000 };
const REGISTRY_HOST = `${REGISTRY.host}:${REGISTRY.port}`;
const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

const elapsedMs = start => Number(process.hrtime.bigint() - start) / 1e6;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** BENCH_ROUNDS (or `fallback`), at least 1. */
function rounds(fallback) {
  return Math.max(1, Number(process.env.BENCH_ROUNDS) || fallback);
}

/**
 * Runs a command; resolves with its exit code, output and wall time (spawn to exit), and with
 * `markMs`, when the first stdout chunk matching `opts.mark` (a RegExp) arrived.
 */
function timed(cmd, args, { mark, ...opts } = {}) {
  return new Promise(resolve => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    let markMs;
    child.stdout.on('data', d => {
      stdout += d;
      if (mark && markMs === undefined && mark.test(stdout)) markMs = elapsedMs(start);
    });
    child.stderr.on('data', d => (stderr += d));
    child.on('error', e => resolve({ code: -1, stdout, stderr: String(e), ms: 0 }));
    child.on('close', code => resolve({ code, stdout, stderr, ms: elapsedMs(start), markMs }));
  });
}

/** Thrown (not exited) so that callers' cleanup still runs. */
function failure(what, r) {
  return new Error(`${what} failed (exit ${r.code})\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

/** A docker command run to completion; throws unless it exits 0 (or `allowFailure`). */
function docker(args, { allowFailure = false } = {}) {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFailure) throw failure(`docker ${args.join(' ')}`, { code: r.status, stdout: r.stdout, stderr: r.stderr });
  return r;
}

/** A registry response straight from 127.0.0.1:5000 (never through a proxy). */
async function registryFetch(urlPath, init = {}) {
  return fetch(`http://${REGISTRY_HOST}${urlPath}`, init);
}

const platformName = p => [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** The tag, read straight from the registry, must be an index listing exactly `platforms` (attestations aside). */
async function verifyIndex(repo, tag, platforms) {
  const res = await registryFetch(`/v2/${repo}/manifests/${tag}`, { headers: { Accept: INDEX_TYPES.join(', ') } });
  if (res.status !== 200) throw new Error(`GET ${repo}:${tag}: HTTP ${res.status}`);
  const index = await res.json();
  const got = (index.manifests || [])
    .map(d => d.platform || {})
    .filter(p => p.os !== 'unknown')
    .map(platformName)
    .sort();
  const want = [...platforms].sort();
  if (!INDEX_TYPES.includes(index.mediaType) || got.join() !== want.join()) {
    throw new Error(`${repo}:${tag} is ${index.mediaType} holding [${got}]; expected an index of [${want}]`);
  }
}

/** Right-aligned text table; the first column left-aligned. */
function formatTable(head, rows) {
  const cells = rows.map(r => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  const line = c => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(' | ');
  return [line(head), widths.map(w => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

const fmtMs = ms => `${Math.round(ms)} ms`;
const fmtS = ms => `${(ms / 1000).toFixed(2)} s`;

module.exports = {
  REGISTRY,
  REGISTRY_HOST,
  INDEX_TYPES,
  elapsedMs,
  median,
  rounds,
  timed,
  failure,
  docker,
  registryFetch,
  verifyIndex,
  formatTable,
  fmtMs,
  fmtS
};
