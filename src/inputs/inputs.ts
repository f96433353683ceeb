/**
 * Layer `inputs`: every action input, declared once in its group (name, action.yml default,
 * reader), read and checked for form (and against the other inputs) into one typed value. No
 * policy: what the event allows is decided in `policy/`. A consumer takes its group's type.
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as semver from 'semver';
import { parse as parseShellWords } from 'shell-quote';
import { HOST_PATTERN, canonicalRegistry, imageName, parseReference } from '../oci/reference';
import { addHosts, allow, attests, buildContexts, call, secretEnvs, secretFiles, shmSize, ssh, ulimits } from './build-options';
import { RunContext } from './context';
import { csvFields } from './csv';
import {
  GroupValues,
  InputGroup,
  InputReader,
  InputSpec,
  Read,
  attestation,
  bool,
  choice,
  input,
  isLoopbackHost,
  keyValues,
  lines,
  list,
  maskValue,
  optional,
  readGroup,
  text,
  url,
  verbatim
} from './input-spec';
import { listItems } from './lists';
import { imageItems, ruleText, separator } from './metadata-options';
import { parsePlatformList } from './platform-list';
import { Problems } from './problems';
import { RegistryAuth, parseRegistryAuth } from './registry-auth';
import { appendNodes, buildkitdConfigFile, builderName, checkToml, platformList } from './builder-nodes';
import { builderProblems } from './builder-rules';
import { RunnerMap, parseRunnerMap } from './runners';
import { BuildSecret, parseSecrets, secretLookingBuildArgs } from './secrets';
import { TagRules, parseTagRules } from './tag-rules';
import { undeclaredInputProblems } from './undeclared';

export type { InputReader } from './input-spec';
export { parsePlatformList } from './platform-list';

export const MODES = ['build', 'plan', 'leg', 'merge', 'promote'] as const;
export type Mode = (typeof MODES)[number];
export type Tristate = 'auto' | 'true' | 'false';
const TRISTATE = ['auto', 'true', 'false'] as const;

const DRIVERS = ['docker-container', 'docker', 'kubernetes', 'remote'];
const NETWORKS = ['default', 'host', 'none'];
const ANNOTATION_KEY = /^((manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]+\])?:)?[^=\s:]+(\.[^=\s]+)*$/;

const platforms: Read<string[]> = (raw, rc) => {
  const { platforms, errors } = parsePlatformList(raw);
  rc.p.push(...errors.map(e => `platforms: ${e}`));
  if (errors.length === 0 && platforms.length === 0) rc.p.add('platforms', raw, 'names no platform; use e.g. linux/amd64,linux/arm64');
  return platforms;
};

/** Image names; by default the repository's GHCR image. Repository names are lowercase by definition: case is folded. */
const images: Read<string[]> = (raw, rc) => {
  const items = imageItems(raw, (item, why) => rc.p.add('images', item, why));
  if (raw.trim() === '') return rc.ctx.repository ? [`ghcr.io/${rc.ctx.repository.toLowerCase()}`] : [];
  const out: string[] = [];
  for (const item of items) {
    try {
      const ref = parseReference(item.toLowerCase());
      if (ref.tag || ref.digest) rc.p.add('images', item, 'must be an image name without tag or digest (put full references in tags)');
      else out.push(imageName(ref));
    } catch (e) {
      rc.p.add('images', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
};

const tags: Read<string[]> = (raw, rc) => {
  const out: string[] = [];
  const items = list(raw, rc);
  if (items.some(item => /^type=/i.test(item))) {
    rc.p.add(
      'tags',
      items.find(item => /^type=/i.test(item)) ?? '',
      'is a docker/metadata-action rule; here tags takes full references (as in build-push-action): put the rules under meta-tags'
    );
    return [];
  }
  for (const item of items) {
    try {
      const ref = parseReference(item);
      if (!ref.tag) rc.p.add('tags', item, 'has no tag; give full references like ghcr.io/owner/app:1.2.3');
      else if (ref.digest) rc.p.add('tags', item, 'must not carry a digest');
      else out.push(item);
    } catch (e) {
      rc.p.add('tags', item, `is not usable: ${(e as Error).message}`);
    }
  }
  return [...new Set(out)];
};

/** A buildkitd.toml, parsed here so a typo is one problem naming its line, not a failure inside buildx create. */
const buildkitdConfig: Read<string | undefined> = (raw, rc) => {
  const text = raw.trim() || undefined;
  if (text !== undefined) checkToml(text, rc);
  return text;
};

/** Cache types buildx knows, for reading and for writing. */
const CACHE_TYPES = { from: ['registry', 'local', 'gha', 's3', 'azblob'], to: ['registry', 'local', 'gha', 's3', 'azblob', 'inline'] };

/**
 * Cache-entry fields that carry credentials (s3's keys and session token, azblob's account key,
 * gha's token): masked before the build command is echoed or a problem quotes the line.
 */
export const CACHE_CREDENTIAL_FIELDS = ['access_key_id', 'secret_access_key', 'session_token', 'account_key', 'token'];

function maskCacheCredentials(line: string): void {
  for (const [key, value] of csvFields(line)) if (CACHE_CREDENTIAL_FIELDS.includes(key) && value) maskValue(value);
}

/** cache-from/cache-to lines: `type=…,…` of a known type (keys as buildx reads them), or an image reference (a registry cache). */
function cacheEntries(types: string[]): Read<string[]> {
  return (raw, rc) => {
    const out = lines(raw, rc);
    for (const line of out) {
      maskCacheCredentials(line);
      if (!line.includes('=')) {
        imageReference(line, rc);
        continue;
      }
      const type = csvFields(line).get('type')?.toLowerCase();
      if (!type) rc.p.add(rc.name, line, `names no type; use type=${types.join('|')},… or an image reference`);
      else if (!types.includes(type)) rc.p.add(rc.name, line, `has an unknown cache type ${type}; use one of: ${types.join(', ')}`);
    }
    return out;
  };
}

/** A buildx version to download: a release version, or `latest` (asked of the GitHub API when the run starts). */
const buildxVersion: Read<string | undefined> = (raw, rc) => {
  const value = raw.trim();
  if (value === '' || value === 'installed') return undefined;
  if (value.toLowerCase() === 'latest') return 'latest';
  const v = semver.valid(value.replace(/^v/, ''));
  if (!v) rc.p.add(rc.name, value, 'is not a version; use e.g. 0.30.1 or latest, or leave empty for the installed buildx');
  return v ?? undefined;
};

/** An accepted input that changes nothing here (a setup-buildx-action input with no meaning for this action). */
const accepted: Read<boolean | undefined> = (raw, rc) => (raw.trim() === '' ? undefined : bool(raw, rc));

const imageReference: Read<string> = (raw, rc) => {
  const image = raw.trim();
  try {
    parseReference(image);
  } catch (e) {
    rc.p.add(rc.name, image, `is not an image reference: ${(e as Error).message}`);
  }
  return image;
};

/** The `registry` input, with Docker Hub's other names folded into `docker.io`. */
const registries: Read<string[]> = (raw, rc) => {
  const out = list(raw, rc);
  for (const host of out) if (!HOST_PATTERN.test(host)) rc.p.add('registry', host, 'is not a registry host[:port]');
  return [...new Set(out.map(canonicalRegistry))];
};

/** A key names a folder and an artifact: letters, digits, _ and - only, so it cannot climb out. */
const handoffKey: Read<string> = (raw, rc) => {
  const key = raw.trim();
  if (key !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(key)) rc.p.add('handoff-key', key, 'may only use letters, digits, _ and - (at most 64)');
  return key;
};

const handoffDir: Read<string> = (raw, rc) => {
  const dir = raw.trim();
  if (dir !== '' && fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    rc.p.add('handoff-dir', dir, 'is a file; give a directory the legs and the merge share');
  }
  return dir;
};

const retentionDays: Read<number> = (raw, rc) => {
  const days = Number(raw.trim());
  if (!Number.isInteger(days) || days < 1 || days > 90) rc.p.add(rc.name, raw.trim(), 'is not a whole number of days from 1 to 90');
  return Number.isInteger(days) ? days : Number(rc.fallback);
};

/** One command line, split into arguments as a shell would, but never run through a shell. */
const smokeTest: Read<string[]> = (raw, rc) => {
  const line = raw.trim();
  const tokens = parseShellWords(line, name => `$${name}`);
  if (tokens.every((t): t is string => typeof t === 'string')) return tokens;
  rc.p.add(
    'smoke-test',
    line,
    "uses shell syntax (|, &&, >, globs, #); it runs as plain arguments: wrap it as sh -c '...' if the image has a shell"
  );
  return [];
};

/** `Owner/App:Tag` → `owner/app:Tag`: repository names are lowercase by definition, tags keep their case. */
export function lowercaseName(ref: string): string {
  const at = ref.indexOf('@');
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const colon = name.lastIndexOf(':');
  const end = colon > name.lastIndexOf('/') ? colon : name.length;
  return name.slice(0, end).toLowerCase() + ref.slice(end);
}

/** The image promote copies: a reference with a tag or digest, or a bare name (its commit's `sha-` tag is meant). */
const sourceImage: Read<string | undefined> = (raw, rc) => {
  const value = lowercaseName(raw.trim());
  if (value === '') return undefined;
  try {
    parseReference(value);
  } catch (e) {
    rc.p.add('source', value, `is not an image reference: ${(e as Error).message}`);
  }
  return value;
};

const tagRules: Read<TagRules> = (raw, rc) => {
  const { rules, errors } = parseTagRules(raw);
  rc.p.push(...errors);
  return rules;
};

const runners: Read<RunnerMap> = (raw, rc) => {
  const { map, errors } = parseRunnerMap(raw);
  rc.p.push(...errors);
  return map;
};

/** Which Sigstore services sign: chosen from the repository's visibility, named, or given as URLs (a private instance, tests). */
export type SigstoreChoice =
  | { instance: 'auto' | 'public-good' | 'github' }
  | { instance: 'custom'; fulcio?: string; rekor?: string; tsa?: string; trustedRoot?: string };

const SIGSTORE_KEYS = { fulcio: 'fulcio', rekor: 'rekor', tsa: 'tsa', 'trusted-root': 'trustedRoot' } as const;

/** A Sigstore service URL: https, or http on this machine's loopback (a local stand-in). */
function secureServiceUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol, hostname } = new URL(value);
  return protocol === 'https:' || (protocol === 'http:' && isLoopbackHost(hostname));
}

const sigstore: Read<SigstoreChoice> = (raw, rc) => {
  const value = raw.trim();
  if (['auto', 'public-good', 'github'].includes(value)) return { instance: value as 'auto' | 'public-good' | 'github' };
  const custom: Extract<SigstoreChoice, { instance: 'custom' }> = { instance: 'custom' };
  for (const line of listItems(value)) {
    const [key, ...rest] = line.split('=');
    const field = SIGSTORE_KEYS[key.trim() as keyof typeof SIGSTORE_KEYS];
    if (!field || rest.length === 0)
      rc.p.add('sigstore', line, 'is not auto, public-good, github, or fulcio=URL, rekor=URL, tsa=URL, trusted-root=FILE lines');
    else custom[field] = rest.join('=').trim().replace(/\/+$/, '');
  }
  for (const key of ['fulcio', 'rekor', 'tsa'] as const) {
    const value = custom[key];
    if (value !== undefined && !secureServiceUrl(value))
      rc.p.add(
        'sigstore',
        `${key}=${value}`,
        `is not an https:// URL: ${key === 'fulcio' ? "the job's OIDC token" : 'what is signed'} would travel unencrypted; ` +
          'use https:// (plain http:// only for a loopback host such as 127.0.0.1)'
      );
  }
  if (!custom.fulcio && !custom.trustedRoot) rc.p.add('sigstore', value, 'names no fulcio=URL nor trusted-root=FILE');
  return custom;
};

/** A cosign private key (masked line by line before anything can print it). */
const signingKey: Read<string | undefined> = (raw, rc) => {
  const key = raw.trim();
  if (key === '') return undefined;
  maskValue(key);
  if (!/-----BEGIN (ENCRYPTED )?(SIGSTORE|COSIGN) PRIVATE KEY-----/.test(key))
    rc.p.push('signing-key: is not a cosign private key (-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----, from cosign generate-key-pair)');
  return key;
};

export const MODE_INPUTS = {
  mode: input('mode', 'build', choice(MODES))
};

/** What to build and how. */
export const BUILD_INPUTS = {
  platforms: input('platforms', 'linux/amd64,linux/arm64', platforms),
  context: input('context', '.', text),
  file: input('file', undefined, optional),
  target: input('target', undefined, optional),
  buildArgs: input('build-args', undefined, keyValues()),
  labels: input('labels', undefined, keyValues()),
  annotations: input('annotations', undefined, keyValues(ANNOTATION_KEY)),
  secrets: input('secrets', undefined, (raw, rc): BuildSecret[] => parseSecrets(raw, rc.p)),
  /** Check the Dockerfile's base images for every platform before building. */
  preflight: input('preflight', 'true', bool),
  /** Arguments run in every platform's pushed image before any tag moves (empty: no smoke test). */
  smokeTest: input('smoke-test', undefined, smokeTest),
  /** Accept secret-looking build-args with provenance mode=max (which records their values). */
  allowSecretBuildArgs: input('allow-secret-build-args', 'false', bool),
  /** Pass build secrets and secret-looking build-args to untrusted code too. */
  allowUntrustedSecrets: input('allow-untrusted-secrets', 'false', bool),
  network: input('network', undefined, optional),
  noCache: input('no-cache', 'false', bool),
  pull: input('pull', 'false', bool),
  cacheFrom: input('cache-from', undefined, cacheEntries(CACHE_TYPES.from)),
  cacheTo: input('cache-to', undefined, cacheEntries(CACHE_TYPES.to)),
  outputs: input('outputs', undefined, lines),
  load: input('load', 'false', bool),
  provenance: input('provenance', undefined, attestation),
  sbom: input('sbom', undefined, attestation),
  attests: input('attests', undefined, attests),
  addHosts: input('add-hosts', undefined, addHosts),
  allow: input('allow', undefined, allow),
  buildContexts: input('build-contexts', undefined, buildContexts),
  /** buildx's --call: check, outline or targets evaluate the build instead of running it. */
  call: input('call', undefined, call),
  cgroupParent: input('cgroup-parent', undefined, optional),
  noCacheFilters: input('no-cache-filters', undefined, list),
  secretEnvs: input('secret-envs', undefined, secretEnvs),
  secretFiles: input('secret-files', undefined, secretFiles),
  shmSize: input('shm-size', undefined, shmSize),
  ssh: input('ssh', undefined, ssh),
  ulimit: input('ulimit', undefined, ulimits)
};

/** Where it goes, and with which credentials. */
export const PUBLISH_INPUTS = {
  pushMode: input('push', 'auto', choice(TRISTATE)),
  pushPullRequests: input('push-pull-requests', 'false', bool),
  allowPullRequestTarget: input('allow-pull-request-target', 'false', bool),
  images: input('images', undefined, images),
  /** Full references, used verbatim when given. */
  tags: input('tags', undefined, tags),
  /** mode: promote: the published image to copy (image@digest, image:tag, or a name for its commit's sha- tag). */
  source: input('source', undefined, sourceImage),
  tagRules: input('tag-rules', undefined, tagRules),
  /** docker/metadata-action's `tags` rules and `flavor`, as written for it. */
  metaTags: input('meta-tags', undefined, ruleText),
  flavor: input('flavor', undefined, ruleText),
  sepTags: input('sep-tags', undefined, separator, { keepWhitespace: true }),
  sepLabels: input('sep-labels', undefined, separator, { keepWhitespace: true }),
  sepAnnotations: input('sep-annotations', undefined, separator, { keepWhitespace: true }),
  /** Where username/password belong. */
  registries: input('registry', undefined, registries),
  username: input('username', undefined, text),
  password: input('password', undefined, verbatim),
  /** More logins, as docker/login-action's registry-auth: a YAML list of registry, username, password, ecr. */
  registryAuth: input('registry-auth', undefined, (raw, rc): RegistryAuth[] => parseRegistryAuth(raw, rc.p)),
  /** Whether the username/password login is Amazon ECR's (auto: by its host). */
  ecr: input('ecr', 'auto', choice(TRISTATE)),
  githubToken: input('github-token', '${{ github.token }}', verbatim),
  logout: input('logout', 'true', bool)
};

/** The builder this action creates, or the one it is given. */
export const BUILDER_INPUTS = {
  builder: input('builder', undefined, optional),
  driver: input('driver', 'docker-container', choice(DRIVERS)),
  driverOpts: input('driver-opts', undefined, keyValues()),
  buildkitdConfigInline: input('buildkitd-config-inline', undefined, buildkitdConfig),
  /** A buildkitd.toml file for the created builder (the inline text's alternative). */
  buildkitdConfig: input('buildkitd-config', undefined, buildkitdConfigFile),
  buildkitdFlags: input('buildkitd-flags', undefined, optional),
  /** The name of the builder this action creates, or reuses when one of that name exists. */
  name: input('name', undefined, builderName),
  /** The first node's endpoint: a docker context or endpoint, or a BuildKit address for the remote driver. */
  endpoint: input('endpoint', undefined, optional),
  /** The first node's fixed platforms (setup-buildx-action's `platforms`). */
  nodePlatforms: input('node-platforms', undefined, platformList),
  append: input('append', undefined, appendNodes),
  /** Remove the created builder in the post step. */
  cleanup: input('cleanup', 'true', bool),
  /** Keep BuildKit's state when the builder is removed. */
  keepState: input('keep-state', 'false', bool),
  /** Accepted from setup-buildx-action: this action never switches the runner's default builder. */
  use: input('use', undefined, accepted),
  /** Let untrusted code build on a builder that outlives the run (remote, named, kept, a self-hosted engine's). */
  allowUntrustedSharedBuilder: input('allow-untrusted-shared-builder', 'false', bool),
  /** Let untrusted code have the runner's network (network: host, or driver-opts network=host). */
  allowUntrustedHostNetwork: input('allow-untrusted-host-network', 'false', bool)
};

/** Signing and attesting what is published (see "Supply chain" in the README). */
export const SIGN_INPUTS = {
  /** Sign every published manifest: keyless with the job's OIDC identity, or with signing-key. */
  sign: input('sign', 'false', bool),
  /** A SLSA provenance attestation for the published index, signed the same way. */
  attest: input('attest', 'false', bool),
  signingKey: input('signing-key', undefined, signingKey),
  signingKeyPassword: input('signing-key-password', undefined, verbatim),
  /** auto: a Rekor entry for public repositories only. */
  transparencyLog: input('transparency-log', 'auto', choice(TRISTATE)),
  sigstore: input('sigstore', 'auto', sigstore)
};

/** The native-runner fan-out (mode: plan, leg, merge). */
export const FANOUT_INPUTS = {
  runners: input('runners', undefined, runners),
  handoffDir: input('handoff-dir', undefined, handoffDir),
  handoffKey: input('handoff-key', undefined, handoffKey),
  /** How long hand-off artifacts are kept: at least GitHub's re-run window (30 days) by default. */
  handoffRetentionDays: input('handoff-retention-days', '30', retentionDays)
};

/** buildx and QEMU. */
export const TOOL_INPUTS = {
  /** A buildx version to download (checked against the minimum in `policy/`). */
  buildxVersion: input('buildx-version', undefined, buildxVersion),
  /** setup-buildx-action's name for buildx-version. */
  version: input('version', undefined, buildxVersion),
  /** Accepted from setup-buildx-action: a downloaded buildx is kept in the tool cache already. */
  cacheBinary: input('cache-binary', 'true', bool),
  buildxDownloadUrl: input('buildx-download-url', 'https://github.com/docker/buildx/releases/download', url),
  /** Accept a buildx download the mirror publishes no checksums.txt for. */
  buildxAllowUnverified: input('buildx-allow-unverified', 'false', bool),
  qemu: input('qemu', 'auto', choice(TRISTATE)),
  qemuImage: input(
    'qemu-image',
    'docker.io/tonistiigi/binfmt:qemu-v10.2.3-68@sha256:400a4873b838d1b89194d982c45e5fb3cda4593fbfd7e08a02e76b03b21166f0',
    imageReference
  )
};

export type BuildInputs = GroupValues<typeof BUILD_INPUTS>;
export type PublishInputs = GroupValues<typeof PUBLISH_INPUTS>;
export type BuilderInputs = GroupValues<typeof BUILDER_INPUTS>;
export type FanoutInputs = GroupValues<typeof FANOUT_INPUTS>;
export type ToolInputs = GroupValues<typeof TOOL_INPUTS>;
export type SignInputs = GroupValues<typeof SIGN_INPUTS>;
export type Inputs = GroupValues<typeof MODE_INPUTS> & BuildInputs & PublishInputs & BuilderInputs & FanoutInputs & ToolInputs & SignInputs;

const GROUPS: InputGroup[] = [MODE_INPUTS, BUILD_INPUTS, FANOUT_INPUTS, PUBLISH_INPUTS, BUILDER_INPUTS, TOOL_INPUTS, SIGN_INPUTS];

/** Every input the action declares (action.yml must declare exactly these). */
export const DECLARED_INPUTS: InputSpec<unknown>[] = GROUPS.flatMap(g => Object.values(g));

/** A download over plain HTTP from another machine: the binary and its checksums from one unauthenticated origin. */
function unauthenticatedDownload(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && !isLoopbackHost(hostname);
}

/** Inputs that contradict each other, whatever the event and mode. */
function combinationProblems(i: Inputs, explicitBuilder: boolean, p: Problems): void {
  if (i.buildxVersion && unauthenticatedDownload(i.buildxDownloadUrl) && !i.buildxAllowUnverified) {
    p.add(
      'buildx-download-url',
      i.buildxDownloadUrl,
      'is plain HTTP: buildx and the checksums that verify it would come unauthenticated from one origin; use https://, ' +
        'or set buildx-allow-unverified: true to accept that'
    );
  }
  if (i.network !== undefined && !NETWORKS.includes(i.network))
    p.add('network', i.network, `is not valid; use one of: ${NETWORKS.join(', ')}`);
  if (i.pushMode === 'true' && i.outputs.length > 0)
    p.add('push', 'true', 'conflicts with outputs (outputs replaces push and load); set one of them');
  if (i.load && i.outputs.length > 0) p.add('load', 'true', 'conflicts with outputs (outputs replaces push and load)');
  if (i.noCache && i.noCacheFilters.length > 0) {
    p.add(
      'no-cache',
      'true',
      'conflicts with no-cache-filters (buildx takes one: no cache at all, or none for those stages); set one of them'
    );
  }
  if (i.call && !/^build\b/i.test(i.call) && (i.pushMode === 'true' || i.load || i.outputs.length > 0)) {
    p.add(
      'call',
      i.call,
      'evaluates the build without running it, so nothing is pushed, loaded or output; drop push: true, load or outputs'
    );
  }
  if (i.signingKey && !i.sign && !i.attest) p.push('signing-key: given, but neither sign nor attest is true');
  builderProblems(i, explicitBuilder, p);
}

/** buildx-version and setup-buildx-action's `version` name one thing: either, or both alike. */
function buildxVersionOf(tools: ToolInputs, p: Problems): string | undefined {
  const { buildxVersion, version } = tools;
  if (buildxVersion !== undefined && version !== undefined && buildxVersion !== version) {
    p.push(`version and buildx-version: both name the buildx to use (${version}, ${buildxVersion}); give one`);
  }
  return buildxVersion ?? version;
}

/** The `mode` input, parsed the one way both routing and validation use. */
export function readMode(read: InputReader, ctx: RunContext, p = new Problems()): Mode {
  return readGroup(MODE_INPUTS, read, p, ctx).mode;
}

/**
 * Reads every input; problems go to `p` (the caller throws them together with policy problems).
 * `given` names the inputs the workflow set (INPUT_* variables): an undeclared one is a problem.
 */
export function readInputs(read: InputReader, ctx: RunContext, p: Problems, given: string[] = []): Inputs {
  undeclaredInputProblems(given, DECLARED_INPUTS, p);
  const mode = readGroup(MODE_INPUTS, read, p, ctx);
  const build = readGroup(BUILD_INPUTS, read, p, ctx);
  const fanout = readGroup(FANOUT_INPUTS, read, p, ctx);
  const publish = readGroup(PUBLISH_INPUTS, read, p, ctx);
  const builder = readGroup(BUILDER_INPUTS, read, p, ctx);
  const tools = readGroup(TOOL_INPUTS, read, p, ctx);
  const signing = readGroup(SIGN_INPUTS, read, p, ctx);
  // builder naming the builder name creates is build-push-action's `builder:` pointing at the
  // setup-buildx-action step it followed (`${{ steps.buildx.outputs.name }}`, or the same name
  // written twice): merged into one step, it is the builder this action creates or reuses.
  const usedAsIs = builder.builder !== undefined && builder.builder !== builder.name ? builder.builder : undefined;
  // The docker driver is the engine's own builder: it is used, never created or removed.
  const builderName = usedAsIs ?? (builder.driver === 'docker' ? 'default' : undefined);
  const buildxVersion = buildxVersionOf(tools, p);
  const inputs: Inputs = {
    ...mode,
    ...build,
    ...fanout,
    ...publish,
    ...builder,
    builder: builderName,
    ...tools,
    ...signing,
    buildxVersion
  };
  maskSecrets(inputs);
  combinationProblems(inputs, usedAsIs !== undefined, p);
  if (read('tag-rules').trim() !== '' && (inputs.metaTags !== undefined || inputs.flavor !== undefined)) {
    p.push(
      "tag-rules: adjusts this action's own tag rules, and meta-tags/flavor replace them with docker/metadata-action's; use one or the other"
    );
  }
  return inputs;
}

/**
 * Every secret value among the inputs, masked before anything can print it (problems included):
 * build secrets (values and the environment variables secret-envs names), passwords, and the
 * values of build-args whose names look secret.
 */
function maskSecrets(i: Pick<Inputs, 'secrets' | 'secretEnvs' | 'password' | 'githubToken' | 'buildArgs' | 'signingKeyPassword'>): void {
  const values = [
    ...i.secrets.map(s => s.value),
    ...i.secretEnvs.map(s => process.env[s.env] ?? ''),
    ...secretLookingBuildArgs(i.buildArgs).map(a => a.value)
  ];
  for (const value of values) maskValue(value);
  if (i.password) core.setSecret(i.password);
  if (i.githubToken) core.setSecret(i.githubToken);
  if (i.signingKeyPassword) core.setSecret(i.signingKeyPassword);
}
