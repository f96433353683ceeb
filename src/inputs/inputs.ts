/**
 * Every input parsed and validated in one place. All problems are collected and reported
 * together, before anything runs.
 */
import * as semver from 'semver';
import { parsePlatformList, splitList } from './platforms';
import { HOST_PATTERN, imageName, parseReference } from './reference';
import * as core from '@actions/core';
import { RunContext, isPullRequestEvent } from './context';
import { EventTags, TagRules, eventTags, parseTagRules } from './tags';
import { RunnerMap, parseRunnerMap } from './fanout';

export const MODES = ['build', 'plan', 'leg', 'merge'] as const;
export type Mode = (typeof MODES)[number];

export type InputReader = (name: string) => string;

export interface BuildSecret {
  id: string;
  value: string;
}

export interface Config {
  mode: Mode;
  platforms: string[];
  runners: RunnerMap;
  handoffDir: string;
  handoffKey: string;
  context: string;
  file?: string;
  target?: string;
  buildArgs: string[];
  labels: string[];
  annotations: string[];
  secrets: BuildSecret[];
  network?: string;
  noCache: boolean;
  pull: boolean;
  cacheFrom: string[];
  cacheTo: string[];
  outputs: string[];
  push: boolean;
  /** Why push is on or off, for the log. */
  pushReason: string;
  load: boolean;
  provenance?: string;
  sbom?: string;
  images: string[];
  /** The `tags` input (full references, used verbatim when given). */
  tags: string[];
  tagRules: TagRules;
  /** Tags derived from the event (also computed when `tags` is given, for the version). */
  derived?: EventTags;
  builder?: string;
  driver: string;
  driverOpts: string[];
  buildkitdConfigInline?: string;
  buildxVersion?: string;
  buildxDownloadUrl: string;
  qemu: 'auto' | 'true' | 'false';
  qemuImage: string;
  logins: RegistryLogin[];
  logout: boolean;
}

export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid input (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` + problems.map(p => `  - ${p}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** The oldest buildx this action drives: --provenance, --sbom and --metadata-file all exist from here. */
export const MIN_BUILDX_VERSION = '0.10.0';
const DRIVERS = ['docker-container', 'docker', 'kubernetes'];
const NETWORKS = ['default', 'host', 'none'];

/** Collects problems while parsing; each reader returns a usable value even when the input is bad. */
class Problems {
  readonly list: string[] = [];

  add(input: string, value: string, what: string): void {
    this.list.push(`${input}: ${value === '' ? 'empty value' : JSON.stringify(value)} ${what}`);
  }
}

function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map(s => s.trim())
    .filter(s => s !== '' && !s.startsWith('#'));
}

function choice<T extends string>(read: InputReader, p: Problems, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(name).trim();
  const value = (raw === '' ? fallback : raw.toLowerCase()) as T;
  if (!allowed.includes(value)) {
    p.add(name, raw, `is not valid; use one of: ${allowed.join(', ')}`);
    return fallback;
  }
  return value;
}

function bool(read: InputReader, p: Problems, name: string, fallback: boolean): boolean {
  return choice(read, p, name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
}

/** KEY=VALUE lines; `keyPattern` says what a key may look like. */
function keyValues(read: InputReader, p: Problems, name: string, keyPattern = /^[^=\s]+$/): string[] {
  const out: string[] = [];
  for (const line of lines(read(name))) {
    const eq = line.indexOf('=');
    if (eq <= 0 || !keyPattern.test(line.slice(0, eq))) {
      p.add(name, line, 'is not KEY=VALUE');
      continue;
    }
    out.push(line);
  }
  return out;
}

/** `true`, `false`, or buildx attestation attributes (`mode=max,builder-id=...`). */
function attestation(read: InputReader, p: Problems, name: string): string | undefined {
  const raw = read(name).trim();
  if (raw === '') return undefined;
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase();
  if (raw.split(',').every(kv => /^[a-z-]+=[^,=]+$/.test(kv.trim()))) return raw;
  p.add(name, raw, 'is not valid; use true, false, or attributes like mode=max');
  return undefined;
}

function images(read: InputReader, p: Problems, ctx: RunContext): string[] {
  const raw = splitList(read('images'));
  if (raw.length === 0) {
    if (!ctx.repository) return [];
    return [`ghcr.io/${ctx.repository.toLowerCase()}`];
  }
  const out: string[] = [];
  for (const item of raw) {
    try {
      // Repository names are lowercase by definition: fold case rather than fail.
      const ref = parseReference(item.toLowerCase());
      if (ref.tag || ref.digest) {
        p.add('images', item, 'must be an image name without tag or digest (put full references in tags)');
        continue;
      }
      out.push(imageName(ref));
    } catch (e) {
      p.add('images', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
}

function tags(read: InputReader, p: Problems): string[] {
  const out: string[] = [];
  for (const item of splitList(read('tags'))) {
    try {
      const ref = parseReference(item);
      if (!ref.tag) p.add('tags', item, 'has no tag; give full references like ghcr.io/owner/app:1.2.3');
      else if (ref.digest) p.add('tags', item, 'must not carry a digest');
      else out.push(item);
    } catch (e) {
      p.add('tags', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
}

/**
 * `secrets` entries, one ID=VALUE per line; an entry wrapped in double quotes may span lines
 * (PEM keys) and uses "" for a literal quote, as in docker/build-push-action.
 */
export function splitSecretEntries(raw: string): { entry: string; line: number }[] {
  const out: { entry: string; line: number }[] = [];
  const lines = raw.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let text = lines[i];
    if (text.trim() === '') continue;
    if (text.trimStart().startsWith('"')) {
      text = text.trimStart();
      // Gather lines until the closing quote (an odd run of quotes at the end).
      while (!/(^|[^"])("")*"\s*$/.test(text.slice(1)) && i + 1 < lines.length) text += '\n' + lines[++i];
      text = text.trim().slice(1, -1).replace(/""/g, '"');
    }
    out.push({ entry: text, line: start });
  }
  return out;
}

function secrets(read: InputReader, p: Problems): BuildSecret[] {
  const out: BuildSecret[] = [];
  for (const { entry, line } of splitSecretEntries(read('secrets'))) {
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(id)) {
      // Never echo a secret line back: name only its position.
      p.list.push(`secrets: line ${line} is not ID=VALUE (ID starts with a letter, digit or _ and may use _ . -)`);
      continue;
    }
    out.push({ id, value: entry.slice(eq + 1) });
  }
  return out;
}

function buildxVersion(read: InputReader, p: Problems): string | undefined {
  const raw = read('buildx-version').trim();
  if (raw === '' || raw === 'installed') return undefined;
  const v = semver.valid(raw.replace(/^v/, ''));
  if (!v) {
    p.add('buildx-version', raw, 'is not a version; use e.g. 0.30.1, or leave empty for the installed buildx');
    return undefined;
  }
  if (semver.lt(v, MIN_BUILDX_VERSION)) {
    p.add('buildx-version', raw, `is older than the minimum supported buildx ${MIN_BUILDX_VERSION}`);
  }
  return v;
}

function url(read: InputReader, p: Problems, name: string): string {
  const raw = read(name).trim();
  try {
    const u = new URL(raw);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
  } catch {
    p.add(name, raw, 'is not an http(s) URL');
  }
  return raw.replace(/\/+$/, '');
}

function registryHost(ref: string): string {
  return parseReference(ref).registry;
}

/**
 * Login inputs resolved against the registries being pushed to. A username/password pair goes to
 * one registry only (never a Docker Hub token to GHCR): the `registry` input, or the single
 * registry the images are on. GHCR falls back to the workflow's token.
 */
function logins(read: InputReader, p: Problems, ctx: RunContext, pushTargets: string[], push: boolean): RegistryLogin[] {
  const username = read('username').trim();
  const password = read('password');
  const token = read('github-token');
  const explicit = splitList(read('registry'));
  for (const r of explicit) {
    if (!HOST_PATTERN.test(r)) p.add('registry', r, 'is not a registry host[:port]');
  }
  if ((username === '') !== (password === '')) {
    p.list.push(`username/password: give both or neither (got ${username === '' ? 'a password without a username' : 'a username without a password'})`);
    return [];
  }
  const targets = [...new Set(pushTargets.map(registryHost))];
  const credentialed = explicit.length > 0 ? explicit : targets;
  if (username !== '' && credentialed.length > 1) {
    p.add('registry', explicit.join(','), `must name the one registry username/password belong to (the images are on ${credentialed.join(', ')})`);
    return [];
  }
  if (!push) return [];
  const out: RegistryLogin[] = [];
  if (username !== '') out.push({ registry: credentialed[0], username, password });
  if (targets.includes('ghcr.io') && !out.some(l => l.registry === 'ghcr.io') && token !== '' && ctx.actor !== '') {
    out.push({ registry: 'ghcr.io', username: ctx.actor, password: token });
  }
  return out;
}

/** Every secret value of the config, masked before anything can print it. */
export function maskSecrets(cfg: Pick<Config, 'secrets' | 'logins'>): void {
  for (const s of cfg.secrets) {
    core.setSecret(s.value);
    s.value.split(/\r?\n/).forEach(line => line.trim() && core.setSecret(line));
  }
  cfg.logins.forEach(l => core.setSecret(l.password));
}

const PUBLISHING_RELEASE_ACTIONS = ['published', 'released', 'prereleased'];

/**
 * Whether to push. Pull requests build only unless push-pull-requests opts in (forks have no
 * secrets), and pull_request_target (which runs with the base repository's secrets on
 * untrusted code) must also be allowed explicitly.
 */
function pushDecision(read: InputReader, p: Problems, ctx: RunContext, outputs: string[]): { push: boolean; reason: string } {
  const mode = choice(read, p, 'push', ['auto', 'true', 'false'] as const, 'auto');
  const prPush = bool(read, p, 'push-pull-requests', false);
  const allowTarget = bool(read, p, 'allow-pull-request-target', false);
  if (mode === 'true' && outputs.length > 0) {
    p.add('push', 'true', 'conflicts with outputs (outputs replaces push and load); set one of them');
  }
  const pr = isPullRequestEvent(ctx.eventName);
  const wantsPush = mode === 'true' || (mode === 'auto' && outputs.length === 0 && (!pr || prPush));
  if (pr && wantsPush && mode === 'true' && !prPush) {
    p.add('push', 'true', `pushes from a ${ctx.eventName} event only with push-pull-requests: true`);
  }
  if (ctx.eventName === 'pull_request_target' && wantsPush && !allowTarget) {
    p.list.push('allow-pull-request-target: pushing from pull_request_target (untrusted code with the base repository\'s secrets) needs allow-pull-request-target: true');
  }
  if (mode !== 'auto') return { push: mode === 'true', reason: `push: ${mode}` };
  if (outputs.length > 0) return { push: false, reason: 'outputs given' };
  if (pr && !prPush) return { push: false, reason: `${ctx.eventName} event (build only)` };
  const action = ctx.payload.action;
  if (ctx.eventName === 'release' && !PUBLISHING_RELEASE_ACTIONS.includes(action)) {
    return { push: false, reason: `release ${action ?? 'event'} (only published, released or prereleased releases publish)` };
  }
  return { push: true, reason: `${ctx.eventName || 'local'} event` };
}

function derivedTags(read: InputReader, p: Problems, ctx: RunContext, explicitTags: string[]): { rules: TagRules; derived?: EventTags } {
  const { rules, errors } = parseTagRules(read('tag-rules'));
  errors.forEach(e => p.list.push(e));
  try {
    return { rules, derived: eventTags(ctx, rules) };
  } catch (e) {
    // With explicit tags the event only names the version; without them it must yield tags.
    if (explicitTags.length === 0) p.list.push(`tags: none given, and none can be derived from the event: ${(e as Error).message}`);
    return { rules };
  }
}

export function loadConfig(read: InputReader, ctx: RunContext): Config {
  const p = new Problems();
  const platformList = parsePlatformList(read('platforms') || 'linux/amd64,linux/arm64');
  platformList.errors.forEach(e => p.list.push(`platforms: ${e}`));
  if (platformList.errors.length === 0 && platformList.platforms.length === 0) {
    p.add('platforms', read('platforms'), 'names no platform; use e.g. linux/amd64,linux/arm64');
  }
  const outputs = lines(read('outputs'));
  const { push, reason } = pushDecision(read, p, ctx, outputs);
  const load = bool(read, p, 'load', false);
  if (load && outputs.length > 0) p.add('load', 'true', 'conflicts with outputs (outputs replaces push and load)');
  const imageList = images(read, p, ctx);
  const tagList = tags(read, p);
  const { rules, derived } = derivedTags(read, p, ctx, tagList);
  if (push && tagList.length === 0 && imageList.length === 0) {
    p.list.push('images: nothing to push to; set images (e.g. ghcr.io/owner/app) or tags, or push: false');
  }

  const network = read('network').trim();
  if (network !== '' && !NETWORKS.includes(network)) p.add('network', network, `is not valid; use one of: ${NETWORKS.join(', ')}`);
  const builder = read('builder').trim() || undefined;
  const driver = choice(read, p, 'driver', DRIVERS, 'docker-container');
  const driverOpts = keyValues(read, p, 'driver-opts');
  const buildkitdConfigInline = read('buildkitd-config-inline').trim() || undefined;
  if (builder && (driverOpts.length > 0 || buildkitdConfigInline)) {
    p.list.push('builder: an existing builder is used as it is; driver-opts and buildkitd-config-inline only apply to a builder this action creates');
  }
  if (!builder && driver === 'docker' && (buildkitdConfigInline || driverOpts.length > 0)) {
    p.add('driver', 'docker', 'is the Docker engine\'s own builder and takes no driver-opts or buildkitd-config-inline; use docker-container');
  }

  const mode = choice(read, p, 'mode', MODES, 'build');
  if (mode === 'leg') {
    if (platformList.platforms.length > 1) p.add('platforms', read('platforms'), 'must name exactly one platform in leg mode (the plan gives each leg one)');
    if (tagList.length > 0) p.list.push('tags: a leg pushes by digest only; give tags (or tag-rules) to the merge step');
    if (outputs.length > 0 || load) p.list.push('outputs/load: a leg pushes by digest to the registry; they do not apply');
  }
  const runnerMap = parseRunnerMap(read('runners'));
  runnerMap.errors.forEach(e => p.list.push(e));

  const qemuImage = read('qemu-image').trim();
  try {
    parseReference(qemuImage);
  } catch (e) {
    p.add('qemu-image', qemuImage, `is not an image reference: ${(e as Error).message}`);
  }

  const config: Config = {
    mode,
    platforms: platformList.platforms,
    runners: runnerMap.map,
    handoffDir: read('handoff-dir').trim(),
    handoffKey: read('handoff-key').trim(),
    context: read('context').trim() || '.',
    file: read('file').trim() || undefined,
    target: read('target').trim() || undefined,
    buildArgs: keyValues(read, p, 'build-args'),
    labels: keyValues(read, p, 'labels'),
    annotations: keyValues(read, p, 'annotations', /^((manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]+\])?:)?[^=\s:]+(\.[^=\s]+)*$/),
    secrets: secrets(read, p),
    network: network || undefined,
    noCache: bool(read, p, 'no-cache', false),
    pull: bool(read, p, 'pull', false),
    cacheFrom: lines(read('cache-from')),
    cacheTo: lines(read('cache-to')),
    outputs,
    push,
    pushReason: reason,
    load,
    provenance: attestation(read, p, 'provenance'),
    sbom: attestation(read, p, 'sbom'),
    images: imageList,
    tags: tagList,
    tagRules: rules,
    derived,
    // The docker driver is the engine's own builder: it is used, never created or removed.
    builder: builder ?? (driver === 'docker' ? 'default' : undefined),
    driver,
    driverOpts,
    buildkitdConfigInline,
    buildxVersion: buildxVersion(read, p),
    buildxDownloadUrl: url(read, p, 'buildx-download-url'),
    qemu: choice(read, p, 'qemu', ['auto', 'true', 'false'] as const, 'auto'),
    qemuImage,
    logins: [],
    logout: bool(read, p, 'logout', true)
  };
  config.logins = logins(read, p, ctx, tagList.length > 0 ? tagList : imageList, push);
  if (p.list.length > 0) throw new ConfigError(p.list);
  return config;
}
