/**
 * Layer `policy`: pure decisions. This module owns trust: from the event alone, whether this run
 * may push, log in to registries, write the shared build cache, use the Actions cache and sign.
 */
import { csvFields, goBool } from '../inputs/csv';
import { RunEvent } from '../inputs/event';
import { BuildInputs, BuilderInputs, PublishInputs } from '../inputs/inputs';
import { SecretEnv, SecretFile, evaluatesOnly } from '../inputs/build-options';
import { BuildSecret, secretLookingBuildArgs } from '../inputs/secrets';
import { BuildkitConfigInputs, driverOptFields, untrustedBuildkitProblems } from './untrusted-buildkit';

/**
 * The builder, as far as trust goes: whether BuildKit's state (its cache mounts, its layer cache)
 * outlives the run, so that a later trusted build on that builder reads what untrusted code wrote.
 */
export type SharedBuilderOptions = Partial<
  Pick<
    BuilderInputs,
    | 'driver'
    | 'driverOpts'
    | 'endpoint'
    | 'append'
    | 'name'
    | 'cleanup'
    | 'keepState'
    | 'allowUntrustedSharedBuilder'
    | 'allowUntrustedHostNetwork'
  >
> & {
  /** The workflow named an existing builder (`builder:`). */
  explicitBuilder?: boolean;
  /** RUNNER_ENVIRONMENT is self-hosted: the engine and its BuildKit outlive the job. */
  selfHostedRunner?: boolean;
};

export type TrustOptions = Pick<PublishInputs, 'pushMode' | 'pushPullRequests' | 'allowPullRequestTarget'> &
  Pick<BuildInputs, 'outputs' | 'allowUntrustedSecrets' | 'allow' | 'call'> &
  Partial<Pick<BuildInputs, 'network'>> &
  SharedBuilderOptions &
  BuildkitConfigInputs;

/** How a build may use GitHub's Actions cache (`type=gha`), whose token buildx hands to BuildKit. */
export type GithubCache = 'read-write' | 'read' | 'none';

export interface TrustDecision {
  push: boolean;
  /** Why push is on or off, for the log. */
  reason: string;
  /** Registry credentials are used only by a run that pushes. */
  login: boolean;
  /** May write the shared build cache that release builds read. */
  writeCache: boolean;
  /**
   * The Actions cache: untrusted code only reads it, and never when it runs with the base
   * repository's token (which can write the default branch's cache, and which buildx would hand
   * to a frontend the Dockerfile names).
   */
  githubCache: GithubCache;
  /** May sign and attest what it publishes: never untrusted code, opt-ins included (no signing identity for a fork). */
  sign: boolean;
  /** Why a run that publishes may not sign, when it may not (for the notice). */
  noSigning?: string;
  /** Build secrets and secret-looking build-arg values reach the build (never foreign untrusted code, unless opted in). */
  passSecrets: boolean;
  /** Set when untrusted code is built without publishing: why, for a notice. */
  untrusted?: string;
  /** Set when untrusted code builds on a builder that outlives the run, opted in: the risk accepted, for a notice. */
  sharedBuilder?: string;
  /** Inputs the event does not allow. */
  problems: string[];
}

/** Outputs whose exporter pushes: `type=registry`, or any `push` that Go does not read as false (an empty one included). */
export function pushingOutputs(outputs: string[]): string[] {
  return outputs.filter(o => {
    const fields = csvFields(o);
    const push = fields.get('push');
    return fields.get('type')?.toLowerCase() === 'registry' || (fields.has('push') && goBool(push ?? '') !== false);
  });
}

/** What makes the builder outlive this run, each with the input that says so. */
export function persistentBuilder(o: SharedBuilderOptions): string[] {
  const out: string[] = [];
  if (o.explicitBuilder) out.push('builder: an existing builder, used as it is and left as it was');
  if (o.driver === 'remote') out.push('driver: remote: a BuildKit that runs elsewhere and keeps its state');
  if (o.endpoint !== undefined && o.driver !== 'remote') out.push(`endpoint: a builder node on ${o.endpoint}`);
  if ((o.append ?? []).length > 0) out.push('append: builder nodes on other endpoints');
  if (o.name !== undefined) out.push(`name: ${o.name} reuses an existing builder of that name as it is`);
  if (o.cleanup === false) out.push('cleanup: false keeps the builder after the job');
  if (o.keepState) out.push("keep-state: true keeps BuildKit's state for the next builder of that name");
  if (o.driver === 'docker' && !o.explicitBuilder && o.selfHostedRunner)
    out.push("driver: docker on a self-hosted runner: the engine's own BuildKit, which outlives the job");
  return out;
}

function sharedBuilderProblems(event: RunEvent, o: TrustOptions): string[] {
  const persistent = persistentBuilder(o);
  if (!event.untrusted || persistent.length === 0 || o.allowUntrustedSharedBuilder) return [];
  return [
    `a ${event.name} event builds untrusted code, which would write cache mounts and layers that later builds on this builder ` +
      `read (${persistent.join('; ')}); build untrusted code on a builder created for the run (the default), ` +
      'or set allow-untrusted-shared-builder: true to accept that'
  ];
}

/**
 * The runner's network for untrusted code: `network: host`, or a builder container on the host's
 * network (`driver-opts: network=host`), whose RUN steps then share it (BuildKit's default).
 */
function hostNetworkProblems(event: RunEvent, o: TrustOptions): string[] {
  if (o.allowUntrustedHostNetwork) return [];
  const fix = 'use default or none, or set allow-untrusted-host-network: true to accept that';
  const why = `is refused on a ${event.name} event: it would give untrusted code the runner's network`;
  const hostOpt = (opts: readonly string[] | undefined): boolean =>
    driverOptFields(opts).some(([k, v]) => k === 'network' && v?.toLowerCase() === 'host');
  const out: string[] = [];
  // buildx adds the network.host entitlement for --network host itself; allow: network.host is refused on its own.
  if (o.network === 'host' && !o.allow.includes('network.host')) out.push(`network: host ${why}; ${fix}`);
  if (hostOpt(o.driverOpts)) out.push(`driver-opts: network=host ${why}; ${fix}`);
  (o.append ?? []).forEach((node, i) => {
    if (hostOpt(node.driverOpts)) out.push(`append: node ${i + 1}'s driver-opts network=host ${why}; ${fix}`);
  });
  return out;
}

function problems(event: RunEvent, o: TrustOptions, wantsPush: boolean): string[] {
  const untrusted = event.untrusted;
  if (!untrusted) return [];
  const out: string[] = [];
  // Untrusted code is published only with the opt-ins, however it would be pushed (outputs included).
  const optedIn = o.pushPullRequests && (!untrusted.withBaseSecrets || o.allowPullRequestTarget);
  for (const output of optedIn ? [] : pushingOutputs(o.outputs)) {
    out.push(
      `outputs: ${JSON.stringify(output)} pushes, and a ${event.name} event builds untrusted code, which is never published ` +
        `unless push-pull-requests: true${untrusted.withBaseSecrets ? ' and allow-pull-request-target: true' : ''}; ` +
        'use a non-pushing output (type=local, type=tar, type=docker)'
    );
  }
  out.push(...hostNetworkProblems(event, o));
  out.push(...sharedBuilderProblems(event, o));
  out.push(...untrustedBuildkitProblems(event.name, o));
  for (const entitlement of o.allow) {
    out.push(
      `allow: ${entitlement} is refused on a ${event.name} event: it would give untrusted code ${
        entitlement === 'network.host' ? "the runner's network" : 'a privileged build container'
      }`
    );
  }
  if (o.pushMode === 'true' && !o.pushPullRequests) {
    out.push(`push: "true" pushes from a ${event.name} event (untrusted code) only with push-pull-requests: true`);
  }
  if (untrusted.withBaseSecrets && wantsPush && !o.allowPullRequestTarget) {
    out.push(
      `allow-pull-request-target: pushing from ${untrusted.reason} (untrusted code with the base repository's secrets) ` +
        'needs allow-pull-request-target: true as well'
    );
  }
  return out;
}

function pushAndReason(event: RunEvent, o: TrustOptions): { push: boolean; reason: string } {
  if (o.pushMode !== 'auto') return { push: o.pushMode === 'true', reason: `push: ${o.pushMode}` };
  if (o.outputs.length > 0) return { push: false, reason: 'outputs given' };
  if (evaluatesOnly(o)) return { push: false, reason: `call: ${o.call} (the build is evaluated, nothing is built)` };
  if (event.untrusted && !o.pushPullRequests) return { push: false, reason: `${event.name} event (build only)` };
  if (event.release && !event.release.publishes) {
    const action = event.release.action;
    return { push: false, reason: `release ${action ?? 'event'} (only published, released or prereleased releases publish)` };
  }
  return { push: true, reason: `${event.name || 'local'} event` };
}

/**
 * With the base repository's token (which can write the default branch's cache scope, and which
 * buildx would hand to a frontend the Dockerfile names), no Actions cache at all: untrusted code
 * that has it, and a workflow_run building another branch's code with the default branch's token.
 */
function githubCache(event: RunEvent): GithubCache {
  if (event.offDefaultBranch) return 'none';
  if (!event.untrusted) return 'read-write';
  return event.untrusted.withBaseSecrets ? 'none' : 'read';
}

function noSigning(event: RunEvent): string | undefined {
  if (event.untrusted) return `${event.untrusted.reason}: this event builds untrusted code, which never gets the signing identity`;
  if (event.offDefaultBranch)
    return (
      `${event.offDefaultBranch}. A signature would claim the default branch built it; ` +
      'trigger on push to sign each branch as itself, or give the workflow_run a branches: filter'
    );
  return undefined;
}

export function decideTrust(event: RunEvent, o: TrustOptions): TrustDecision {
  const untrusted = event.untrusted;
  const wantsPush =
    o.pushMode === 'true' || (o.pushMode === 'auto' && o.outputs.length === 0 && !evaluatesOnly(o) && (!untrusted || o.pushPullRequests));
  const { push, reason } = pushAndReason(event, o);
  return {
    push,
    reason,
    login: push,
    // Opt-ins included: a cache written from untrusted code would be read by release builds.
    writeCache: !untrusted,
    sign: push && noSigning(event) === undefined,
    ...(push && noSigning(event) ? { noSigning: noSigning(event) } : {}),
    githubCache: githubCache(event),
    // A same-repository pull request's author could push here anyway: only foreign code is kept from secrets.
    passSecrets: !untrusted?.foreign || o.allowUntrustedSecrets,
    untrusted:
      untrusted && !push
        ? `${untrusted.reason}: building without login or push (untrusted code; push-pull-requests: true publishes it)`
        : undefined,
    sharedBuilder:
      untrusted && o.allowUntrustedSharedBuilder && persistentBuilder(o).length > 0
        ? `allow-untrusted-shared-builder: untrusted code (${untrusted.reason}) builds on a builder that outlives the run ` +
          `(${persistentBuilder(o).join('; ')}); what its RUN steps write to cache mounts and layers, later builds on that builder read`
        : undefined,
    problems: problems(event, o, wantsPush)
  };
}

/** What a build gets of its secrets: all of them, or (untrusted code without the opt-in) none, named in `withheld`. */
export interface SecretsPlan {
  secrets: BuildSecret[];
  secretEnvs: SecretEnv[];
  secretFiles: SecretFile[];
  ssh: string[];
  buildArgs: string[];
  /** What was withheld, for the notice: secret ids, SSH entries and build-arg names. */
  withheld: { secrets: string[]; ssh: string[]; buildArgs: string[] };
}

type SecretInputs = Pick<BuildInputs, 'secrets' | 'secretEnvs' | 'secretFiles' | 'ssh' | 'buildArgs'>;

/**
 * Foreign untrusted code gets no build secret (from secrets, secret-envs or secret-files), no SSH
 * agent or key, and no value of a secret-looking build-arg (a Dockerfile line could send them
 * anywhere), unless allow-untrusted-secrets says so.
 */
export function planSecrets(cfg: SecretInputs, trust: Pick<TrustDecision, 'passSecrets'>): SecretsPlan {
  const { secrets, secretEnvs, secretFiles, ssh, buildArgs } = cfg;
  if (trust.passSecrets) return { secrets, secretEnvs, secretFiles, ssh, buildArgs, withheld: { secrets: [], ssh: [], buildArgs: [] } };
  const secretArgs = secretLookingBuildArgs(buildArgs).map(a => a.name);
  return {
    secrets: [],
    secretEnvs: [],
    secretFiles: [],
    ssh: [],
    buildArgs: buildArgs.filter(l => !secretArgs.includes(l.slice(0, l.indexOf('=')))),
    withheld: { secrets: [...secrets, ...secretEnvs, ...secretFiles].map(s => s.id), ssh, buildArgs: secretArgs }
  };
}
