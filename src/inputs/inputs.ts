/**
 * Layer `inputs`: every action input read and checked for form (and against the other inputs)
 * into one typed value. No policy: what the event allows is decided in `policy/`.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as semver from 'semver';
import { parse as parseShellWords } from 'shell-quote';
import { formatPlatform, parsePlatform } from '../oci/platform';
import { HOST_PATTERN, canonicalRegistry, imageName, parseReference } from '../oci/reference';
import { RunContext } from './context';
import { keyValueLines, listItems } from './lists';
import { Problems } from './problems';
import { RunnerMap, parseRunnerMap } from './runners';
import { BuildSecret, parseSecrets, secretLookingBuildArgs } from './secrets';
import { TagRules, parseTagRules } from './tag-rules';

export const MODES = ['build', 'plan', 'leg', 'merge'] as const;
export type Mode = (typeof MODES)[number];
export type Tristate = 'auto' | 'true' | 'false';

export type InputReader = (name: string) => string;

export interface Inputs {
  mode: Mode;
  platforms: string[];
  runners: RunnerMap;
  handoffDir: string;
  handoffKey: string;
  /** How long hand-off artifacts are kept: at least GitHub's re-run window (30 days) by default. */
  handoffRetentionDays: number;
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
  pushMode: Tristate;
  pushPullRequests: boolean;
  allowPullRequestTarget: boolean;
  load: boolean;
  provenance?: string;
  /** Check the Dockerfile's base images for every platform before building. */
  preflight: boolean;
  /** Arguments run in every platform's pushed image before any tag moves (empty: no smoke test). */
  smokeTest: string[];
  /** Accept secret-looking build-args with provenance mode=max (which records their values). */
  allowSecretBuildArgs: boolean;
  sbom?: string;
  images: string[];
  /** The `tags` input (full references, used verbatim when given). */
  tags: string[];
  tagRules: TagRules;
  builder?: string;
  driver: string;
  driverOpts: string[];
  buildkitdConfigInline?: string;
  /** A buildx version to download (checked against the minimum in `policy/`). */
  buildxVersion?: string;
  buildxDownloadUrl: string;
  /** Accept a buildx download the mirror publishes no checksums.txt for. */
  buildxAllowUnverified: boolean;
  qemu: Tristate;
  qemuImage: string;
  /** The `registry` input: where username/password belong. */
  registries: string[];
  username: string;
  password: string;
  githubToken: string;
  logout: boolean;
}

const DRIVERS = ['docker-container', 'docker', 'kubernetes'];
const NETWORKS = ['default', 'host', 'none'];
const ANNOTATION_KEY = /^((manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]+\])?:)?[^=\s:]+(\.[^=\s]+)*$/;

/** Typed readers over one input source; each records problems and still returns a usable value. */
class Reader {
  constructor(
    private readonly read: InputReader,
    readonly p: Problems
  ) {}

  text(name: string): string {
    return this.read(name).trim();
  }

  raw(name: string): string {
    return this.read(name);
  }

  optional(name: string): string | undefined {
    return this.text(name) || undefined;
  }

  /** Case-insensitive choice; the value is always one of `allowed`. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.text(name);
    const value = (raw === '' ? fallback : raw.toLowerCase()) as T;
    if (allowed.includes(value)) return value;
    this.p.add(name, raw, `is not valid; use one of: ${allowed.join(', ')}`);
    return fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    return this.choice(name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
  }

  lines(name: string): string[] {
    return listItems(this.read(name));
  }

  list(name: string): string[] {
    return listItems(this.read(name), { commas: true });
  }

  /** KEY=VALUE lines; `keyPattern` says what a key may look like. */
  keyValues(name: string, keyPattern = /^[^=\s]+$/): string[] {
    const out: string[] = [];
    for (const { line, key } of keyValueLines(this.read(name))) {
      if (key === '' || !keyPattern.test(line.slice(0, line.indexOf('=')))) this.p.add(name, line, 'is not KEY=VALUE');
      else out.push(line);
    }
    return out;
  }

  /** `true`, `false`, or buildx attestation attributes (`mode=max,builder-id=...`). */
  attestation(name: string): string | undefined {
    const raw = this.text(name);
    if (raw === '') return undefined;
    if (/^(true|false)$/i.test(raw)) return raw.toLowerCase();
    if (raw.split(',').every(kv => /^[a-z-]+=[^,=]+$/.test(kv.trim()))) return raw;
    this.p.add(name, raw, 'is not valid; use true, false, or attributes like mode=max');
    return undefined;
  }

  url(name: string): string {
    const raw = this.text(name);
    if (!URL.canParse(raw) || !['https:', 'http:'].includes(new URL(raw).protocol)) this.p.add(name, raw, 'is not an http(s) URL');
    return raw.replace(/\/+$/, '');
  }
}

/** Splits a platform list and normalises each entry, dropping duplicates in order. */
export function parsePlatformList(raw: string): { platforms: string[]; errors: string[] } {
  const platforms: string[] = [];
  const errors: string[] = [];
  for (const item of listItems(raw, { commas: true })) {
    try {
      const p = formatPlatform(parsePlatform(item));
      if (!platforms.includes(p)) platforms.push(p);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { platforms, errors };
}

function platforms(r: Reader): string[] {
  const { platforms, errors } = parsePlatformList(r.raw('platforms') || 'linux/amd64,linux/arm64');
  r.p.push(...errors.map(e => `platforms: ${e}`));
  if (errors.length === 0 && platforms.length === 0)
    r.p.add('platforms', r.raw('platforms'), 'names no platform; use e.g. linux/amd64,linux/arm64');
  return platforms;
}

function images(r: Reader, ctx: RunContext): string[] {
  const raw = r.list('images');
  if (raw.length === 0) return ctx.repository ? [`ghcr.io/${ctx.repository.toLowerCase()}`] : [];
  const out: string[] = [];
  for (const item of raw) {
    try {
      // Repository names are lowercase by definition: fold case rather than fail.
      const ref = parseReference(item.toLowerCase());
      if (ref.tag || ref.digest) r.p.add('images', item, 'must be an image name without tag or digest (put full references in tags)');
      else out.push(imageName(ref));
    } catch (e) {
      r.p.add('images', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
}

function tags(r: Reader): string[] {
  const out: string[] = [];
  for (const item of r.list('tags')) {
    try {
      const ref = parseReference(item);
      if (!ref.tag) r.p.add('tags', item, 'has no tag; give full references like ghcr.io/owner/app:1.2.3');
      else if (ref.digest) r.p.add('tags', item, 'must not carry a digest');
      else out.push(item);
    } catch (e) {
      r.p.add('tags', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
}

function buildxVersion(r: Reader): string | undefined {
  const raw = r.text('buildx-version');
  if (raw === '' || raw === 'installed') return undefined;
  const v = semver.valid(raw.replace(/^v/, ''));
  if (!v) r.p.add('buildx-version', raw, 'is not a version; use e.g. 0.30.1, or leave empty for the installed buildx');
  return v ?? undefined;
}

function qemuImage(r: Reader): string {
  const image = r.text('qemu-image');
  try {
    parseReference(image);
  } catch (e) {
    r.p.add('qemu-image', image, `is not an image reference: ${(e as Error).message}`);
  }
  return image;
}

/** The `registry` input, with Docker Hub's other names folded into `docker.io`. */
function registries(r: Reader): string[] {
  const out = r.list('registry');
  for (const host of out) if (!HOST_PATTERN.test(host)) r.p.add('registry', host, 'is not a registry host[:port]');
  return [...new Set(out.map(canonicalRegistry))];
}

/** A key names a folder and an artifact: letters, digits, _ and - only, so it cannot climb out. */
function handoffKey(r: Reader): string {
  const key = r.text('handoff-key');
  if (key !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(key)) r.p.add('handoff-key', key, 'may only use letters, digits, _ and - (at most 64)');
  return key;
}

function handoffDir(r: Reader): string {
  const dir = r.text('handoff-dir');
  if (dir !== '' && fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    r.p.add('handoff-dir', dir, 'is a file; give a directory the legs and the merge share');
  }
  return dir;
}

function retentionDays(r: Reader): number {
  const raw = r.text('handoff-retention-days') || '30';
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 90)
    r.p.add('handoff-retention-days', raw, 'is not a whole number of days from 1 to 90');
  return Number.isInteger(days) ? days : 30;
}

/** One command line, split into arguments as a shell would, but never run through a shell. */
function smokeTest(r: Reader): string[] {
  const raw = r.text('smoke-test');
  const tokens = parseShellWords(raw, name => `$${name}`);
  if (tokens.every((t): t is string => typeof t === 'string')) return tokens;
  r.p.add(
    'smoke-test',
    raw,
    "uses shell syntax (|, &&, >, globs, #); it runs as plain arguments: wrap it as sh -c '...' if the image has a shell"
  );
  return [];
}

function runners(r: Reader): RunnerMap {
  const { map, errors } = parseRunnerMap(r.raw('runners'));
  r.p.push(...errors);
  return map;
}

function tagRules(r: Reader): TagRules {
  const { rules, errors } = parseTagRules(r.raw('tag-rules'));
  r.p.push(...errors);
  return rules;
}

/** What to build and how. */
function buildInputs(r: Reader) {
  return {
    context: r.text('context') || '.',
    file: r.optional('file'),
    target: r.optional('target'),
    buildArgs: r.keyValues('build-args'),
    labels: r.keyValues('labels'),
    annotations: r.keyValues('annotations', ANNOTATION_KEY),
    secrets: parseSecrets(r.raw('secrets'), r.p),
    network: r.optional('network'),
    noCache: r.bool('no-cache', false),
    pull: r.bool('pull', false),
    cacheFrom: r.lines('cache-from'),
    cacheTo: r.lines('cache-to'),
    outputs: r.lines('outputs'),
    load: r.bool('load', false),
    provenance: r.attestation('provenance'),
    allowSecretBuildArgs: r.bool('allow-secret-build-args', false),
    preflight: r.bool('preflight', true),
    smokeTest: smokeTest(r),
    sbom: r.attestation('sbom')
  };
}

/** Where it goes, and with which credentials. */
function publishInputs(r: Reader, ctx: RunContext) {
  return {
    pushMode: r.choice('push', ['auto', 'true', 'false'] as const, 'auto'),
    pushPullRequests: r.bool('push-pull-requests', false),
    allowPullRequestTarget: r.bool('allow-pull-request-target', false),
    images: images(r, ctx),
    tags: tags(r),
    tagRules: tagRules(r),
    registries: registries(r),
    username: r.text('username'),
    password: r.raw('password'),
    githubToken: r.raw('github-token'),
    logout: r.bool('logout', true)
  };
}

/** The builder, buildx and QEMU. */
function toolInputs(r: Reader) {
  const driver = r.choice('driver', DRIVERS, 'docker-container');
  const builder = r.optional('builder');
  return {
    // The docker driver is the engine's own builder: it is used, never created or removed.
    builder: builder ?? (driver === 'docker' ? 'default' : undefined),
    driver,
    driverOpts: r.keyValues('driver-opts'),
    buildkitdConfigInline: r.optional('buildkitd-config-inline'),
    buildxVersion: buildxVersion(r),
    buildxDownloadUrl: r.url('buildx-download-url'),
    buildxAllowUnverified: r.bool('buildx-allow-unverified', false),
    qemu: r.choice('qemu', ['auto', 'true', 'false'] as const, 'auto'),
    qemuImage: qemuImage(r)
  };
}

/** Inputs that contradict each other, whatever the event. */
function checkCombinations(i: Inputs, r: Reader): void {
  const p = r.p;
  const explicitBuilder = r.text('builder') !== '';
  if (i.network !== undefined && !NETWORKS.includes(i.network))
    p.add('network', i.network, `is not valid; use one of: ${NETWORKS.join(', ')}`);
  if (i.pushMode === 'true' && i.outputs.length > 0)
    p.add('push', 'true', 'conflicts with outputs (outputs replaces push and load); set one of them');
  if (i.load && i.outputs.length > 0) p.add('load', 'true', 'conflicts with outputs (outputs replaces push and load)');
  if (explicitBuilder && (i.driverOpts.length > 0 || i.buildkitdConfigInline)) {
    p.push(
      'builder: an existing builder is used as it is; driver-opts and buildkitd-config-inline only apply to a builder this action creates'
    );
  }
  if (!explicitBuilder && i.driver === 'docker' && (i.buildkitdConfigInline || i.driverOpts.length > 0)) {
    p.add(
      'driver',
      'docker',
      "is the Docker engine's own builder and takes no driver-opts or buildkitd-config-inline; use docker-container"
    );
  }
  if (i.mode === 'leg') {
    if (i.platforms.length > 1)
      p.add('platforms', r.raw('platforms'), 'must name exactly one platform in leg mode (the plan gives each leg one)');
    if (i.tags.length > 0) p.push('tags: a leg pushes by digest only; give tags (or tag-rules) to the merge step');
    if (i.outputs.length > 0 || i.load) p.push('outputs/load: a leg pushes by digest to the registry; they do not apply');
  }
}

/** The `mode` input, parsed the one way both routing and validation use. */
export function readMode(read: InputReader, p = new Problems()): Mode {
  return new Reader(read, p).choice('mode', MODES, 'build');
}

/** Reads every input; problems go to `p` (the caller throws them together with policy problems). */
export function readInputs(read: InputReader, ctx: RunContext, p: Problems): Inputs {
  const r = new Reader(read, p);
  const inputs: Inputs = {
    mode: readMode(read, p),
    platforms: platforms(r),
    runners: runners(r),
    handoffDir: handoffDir(r),
    handoffKey: handoffKey(r),
    handoffRetentionDays: retentionDays(r),
    ...buildInputs(r),
    ...publishInputs(r, ctx),
    ...toolInputs(r)
  };
  checkCombinations(inputs, r);
  return inputs;
}

/**
 * Every secret value among the inputs, masked before anything can print it: build secrets,
 * passwords, and the values of build-args whose names look secret.
 */
export function maskSecrets(secrets: { secrets: BuildSecret[]; password: string; githubToken: string; buildArgs: string[] }): void {
  const values = [...secrets.secrets.map(s => s.value), ...secretLookingBuildArgs(secrets.buildArgs).map(a => a.value)];
  for (const value of values.filter(v => v !== '')) {
    core.setSecret(value);
    value.split(/\r?\n/).forEach(line => line.trim() && core.setSecret(line));
  }
  if (secrets.password) core.setSecret(secrets.password);
  if (secrets.githubToken) core.setSecret(secrets.githubToken);
}
