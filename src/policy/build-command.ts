/** The exact argument vector of the one `docker buildx build`, and the cache a fan-out leg uses. */
import { evaluatesOnly } from '../inputs/build-options';
import { csvFields, goBool } from '../inputs/csv';
import { BuildInputs, Inputs } from '../inputs/inputs';
import { GithubCache } from './trust';

export interface BuildPlan {
  builder: string;
  tags: string[];
  /** Files holding secret values, by secret id (written 0600 in the run's private dir). */
  secretFiles: Record<string, string>;
  metadataFile: string;
  /** Push to these images by digest only, no tags (tags move after the checks). */
  pushByDigest?: string[];
  /** With pushByDigest and load: the references the image is loaded into the engine under. */
  loadTags?: string[];
}

/** The build group of inputs, and whether this run pushes. */
export type BuildCommandInputs = BuildInputs & { push: boolean };

function repeat(flag: string, values: string[]): string[] {
  return values.flatMap(v => [flag, v]);
}

/**
 * Every push goes by digest first, so the image is checked before any tag moves; the engine's own
 * builder (docker driver) cannot push that way.
 */
export const DOCKER_DRIVER_PUSH =
  "driver: docker (the Docker engine's own builder) cannot push by digest, and this action pushes by digest to check the image " +
  'before any tag moves; use driver: docker-container (the default), or push: false (with load: true to keep the image in the engine)';

/** Attestation flag value: buildx takes `--provenance=false`, `--provenance=true` or attributes. */
function attestationFlag(flag: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${flag}=${value}`];
}

/** Pushes an OCI image index (buildx would otherwise pick Docker media types without attestations). */
function outputFlags(cfg: BuildCommandInputs, plan: BuildPlan): string[] {
  if (cfg.outputs.length > 0) return repeat('--output', cfg.outputs);
  if (plan.pushByDigest) {
    // One CSV field holding several names must be quoted.
    const names = `"name=${plan.pushByDigest.join(',')}"`;
    const push = ['--output', `type=image,${names},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`];
    // A second exporter (buildx 0.13 and newer; the version gate refuses push with load before),
    // put first: the metadata file keeps the last exporter's digest, which must be the pushed one.
    const load = cfg.load ? ['--output', `type=docker,"name=${(plan.loadTags ?? []).join(',')}",oci-mediatypes=true`] : [];
    return [...load, ...push];
  }
  const out: string[] = [];
  if (cfg.push) out.push('--output', 'type=image,push=true,oci-mediatypes=true');
  if (cfg.load) out.push('--load');
  return out;
}

export interface BuildCommand {
  args: string[];
  /** Build-arg values, handed to buildx through its environment (`--build-arg NAME` reads them), and buildx settings. */
  env: Record<string, string>;
}

/**
 * Names buildx and the docker CLI read from their own environment (settings, the daemon, TLS,
 * proxies, the Go runtime, tracing, the git it runs for build metadata): a build-arg of that name
 * must keep NAME=VALUE on the command line, or its value would configure buildx itself (an
 * HTTPS_PROXY build-arg would proxy buildx).
 */
const BUILDX_READS = new RegExp(
  '^(' +
    [
      'PATH|HOME|TMPDIR|TERM|NO_COLOR|XDG_[A-Z_]+|SSL_CERT_(FILE|DIR)|GO[A-Z]+|OTEL_[A-Z_]+|LD_[A-Z_]+|KUBECONFIG|ACTIONS_[A-Z_]+',
      'GIT_(DIR|WORK_TREE|CONFIG[A-Z_]*|SSH[A-Z_]*|ASKPASS|TERMINAL_PROMPT|TRACE[A-Z_]*|EXEC_PATH|CEILING_DIRECTORIES|DISCOVERY_ACROSS_FILESYSTEM|SSL_[A-Z_]+|PROXY_COMMAND)',
      '(HTTPS?|FTP|ALL|NO)_PROXY|(https?|ftp|all|no)_proxy',
      'DOCKER_(HOST|CONFIG|CONTEXT|TLS|TLS_VERIFY|CERT_PATH|API_VERSION|DEFAULT_PLATFORM|BUILDKIT|CLI_[A-Z_]+)',
      'BUILDX_[A-Z_]+|BUILDKIT_[A-Z_]+|EXPERIMENTAL_BUILDKIT_[A-Z_]+'
    ].join('|') +
    ')$'
);

/** Cloud credentials buildx reads only for a cache of that kind (s3, azblob). */
const CACHE_CREDENTIALS: [RegExp, string][] = [
  [/^AWS_[A-Z_]+$/, 's3'],
  [/^AZURE_[A-Z_]+$/, 'azblob']
];

/** Whether buildx reads `name` from its environment, given the caches this build uses. */
export function buildxReads(name: string, caches: string[] = []): boolean {
  if (BUILDX_READS.test(name)) return true;
  const types = caches.map(c => csvFields(c).get('type')?.toLowerCase());
  return CACHE_CREDENTIALS.some(([pattern, type]) => pattern.test(name) && types.includes(type));
}

/**
 * `--build-arg NAME` with the value in the child's environment, so no value shows in the
 * `[command]` echo or in the argv any process on the runner can read.
 */
function buildArgFlags(buildArgs: string[], caches: string[]): BuildCommand {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const line of buildArgs) {
    const name = line.slice(0, line.indexOf('='));
    if (buildxReads(name, caches)) {
      args.push('--build-arg', line);
      continue;
    }
    args.push('--build-arg', name);
    env[name] = line.slice(name.length + 1);
  }
  return { args, env };
}

/** What the Dockerfile is read with: its file, target, build-args, extra contexts. */
function sourceFlags(cfg: BuildCommandInputs, buildArgs: string[]): string[] {
  return [
    ...(cfg.file ? ['--file', cfg.file] : []),
    ...(cfg.target ? ['--target', cfg.target] : []),
    ...buildArgs,
    ...repeat('--build-context', cfg.buildContexts)
  ];
}

/** What RUN steps get: secrets (files only, never values), SSH, network, hosts and limits. */
function runFlags(cfg: BuildCommandInputs, plan: BuildPlan): string[] {
  return [
    ...Object.entries(plan.secretFiles).flatMap(([id, file]) => ['--secret', `id=${id},src=${file}`]),
    ...cfg.secretEnvs.flatMap(s => ['--secret', `id=${s.id},env=${s.env}`]),
    ...cfg.secretFiles.flatMap(s => ['--secret', `id=${s.id},src=${s.path}`]),
    ...repeat('--ssh', cfg.ssh),
    ...(cfg.network ? ['--network', cfg.network] : []),
    ...repeat('--add-host', cfg.addHosts),
    ...repeat('--allow', cfg.allow),
    ...(cfg.shmSize ? ['--shm-size', cfg.shmSize] : []),
    ...repeat('--ulimit', cfg.ulimit),
    ...(cfg.cgroupParent ? ['--cgroup-parent', cfg.cgroupParent] : [])
  ];
}

/** Cache use and the attestations written beside the image. */
function cacheAndAttestFlags(cfg: BuildCommandInputs): string[] {
  return [
    ...(cfg.noCache ? ['--no-cache'] : []),
    ...repeat('--no-cache-filter', cfg.noCacheFilters),
    ...(cfg.pull ? ['--pull'] : []),
    ...repeat('--cache-from', cfg.cacheFrom),
    ...repeat('--cache-to', cfg.cacheTo),
    ...attestationFlags(cfg)
  ];
}

/**
 * `provenance`/`sbom` and an `attests` entry of the same type become one `--attest` entry, the
 * input's attributes over the entry's (as build-push-action lets the input win): buildx 0.13
 * refuses the pair ("duplicate attestation field").
 */
function attestationFlags(cfg: Pick<BuildCommandInputs, 'provenance' | 'sbom' | 'attests'>): string[] {
  const attests = [...cfg.attests];
  const flags: string[] = [];
  for (const [type, value] of [
    ['provenance', cfg.provenance],
    ['sbom', cfg.sbom]
  ] as const) {
    if (value === undefined) continue;
    const i = attests.findIndex(a => csvFields(a).get('type') === type);
    if (i < 0) flags.push(...attestationFlag(`--${type}`, value));
    else attests[i] = mergedAttest(type, attests[i], value);
  }
  return [...flags, ...repeat('--attest', attests)];
}

function mergedAttest(type: string, entry: string, value: string): string {
  if (goBool(value) === false) return `type=${type},disabled=true`;
  const fields = csvFields(entry);
  if (goBool(value) !== true) for (const [k, v] of csvFields(value)) fields.set(k, v);
  return [...fields].map(([k, v]) => csvField(v === undefined ? k : `${k}=${v}`)).join(',');
}

/** A CSV field, quoted when it holds a comma or a quote. */
function csvField(field: string): string {
  return /[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** The build command; the buildx version gate has already accepted these inputs. */
export function buildCommand(cfg: BuildCommandInputs, plan: BuildPlan): BuildCommand {
  const buildArgs = buildArgFlags(cfg.buildArgs, [...cfg.cacheFrom, ...cfg.cacheTo]);
  // --call evaluates the build instead of running it: nothing is exported.
  const evaluates = evaluatesOnly(cfg);
  const args = [
    'build',
    '--builder',
    plan.builder,
    '--progress',
    'plain',
    '--platform',
    cfg.platforms.join(','),
    ...sourceFlags(cfg, buildArgs.args),
    ...repeat('--label', cfg.labels),
    ...repeat('--annotation', cfg.annotations),
    ...runFlags(cfg, plan),
    ...cacheAndAttestFlags(cfg),
    ...(cfg.call ? ['--call', cfg.call] : []),
    ...(evaluates ? [] : [...outputFlags(cfg, plan), ...repeat('--tag', plan.tags)]),
    '--metadata-file',
    plan.metadataFile,
    cfg.context
  ];
  return { args, env: { ...buildArgs.env, ...METADATA_ENV } };
}

/**
 * buildx 0.14 and newer add the build's provenance to the metadata file by default, build-arg
 * values included, even with provenance: false; the metadata output would carry them to every
 * later step. The action reads no field of it.
 */
const METADATA_ENV = { BUILDX_METADATA_PROVENANCE: 'disabled' };

export interface CachePlan {
  cacheFrom: string[];
  cacheTo: string[];
  /** The types of the cache entries not used (never their values: an s3 entry may hold a key). */
  refused: string[];
  /** The Actions cache token stays out of buildx's environment. */
  withoutGithubCache: boolean;
}

const isGithubCache = (entry: string): boolean => csvFields(entry).get('type')?.toLowerCase() === 'gha';

/**
 * The caches a build reads and writes. A fan-out leg on GitHub (`onGitHub`: the cache service is
 * reachable) defaults to a GitHub Actions cache scope per image and platform. Untrusted events
 * (`writeCache` false) only ever read: release builds read the same scopes; with the base
 * repository's token (`githubCache: none`) the Actions cache is not used at all.
 */
export function planCache(
  cfg: Pick<Inputs, 'cacheFrom' | 'cacheTo' | 'images' | 'platforms'>,
  opts: { leg: boolean; onGitHub: boolean; writeCache: boolean; githubCache: GithubCache }
): CachePlan {
  let { cacheFrom, cacheTo } = cfg;
  if (opts.leg && opts.onGitHub && cacheFrom.length === 0 && cacheTo.length === 0 && opts.githubCache !== 'none') {
    const scope = `${cfg.images[0]}@${cfg.platforms[0]}`;
    cacheFrom = [`type=gha,scope=${scope}`];
    cacheTo = [`type=gha,mode=max,scope=${scope}`];
  }
  // Without the Actions cache, its entries go either way: a token= or url= in one would still reach it.
  const dropped = opts.githubCache === 'none' ? [...cacheFrom, ...cacheTo].filter(isGithubCache) : [];
  cacheFrom = cacheFrom.filter(c => !dropped.includes(c));
  const unwritten = opts.writeCache ? cacheTo.filter(c => dropped.includes(c)) : cfg.cacheTo;
  const refused = [...new Set([...dropped, ...unwritten])].map(c => `type=${csvFields(c).get('type') ?? 'registry'}`);
  return {
    cacheFrom,
    cacheTo: opts.writeCache ? cacheTo.filter(c => !dropped.includes(c)) : [],
    refused,
    withoutGithubCache: opts.githubCache === 'none'
  };
}

/** What buildx would hand to BuildKit (and to a frontend the Dockerfile names) for `type=gha`. */
export const GITHUB_CACHE_ENV = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2'];
