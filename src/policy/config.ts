/**
 * The run's configuration: the inputs (checked for form in `inputs/`) plus what the event decides
 * (push, logins, tags). Every problem, of form or of policy, is reported at once, before any
 * side effect.
 */
import { RunContext } from '../inputs/context';
import { RunEvent, classifyEvent } from '../inputs/event';
import { InputReader, Inputs, readInputs } from '../inputs/inputs';
import { Problems } from '../inputs/problems';
import { secretLookingBuildArgs } from '../inputs/secrets';
import { DOCKER_DRIVER_PUSH, buildxReads } from './build-command';
import { buildxProblems } from './buildx-support';
import { PlannedLogin, routeLogins } from './logins';
import { ACTION_SAFETY, GitHubApiHooks, asEventTags, metadataTags } from './metadata';
import { modeProblems } from './modes';
import { SigningPlan, decideSigning } from './signing';
import { EventTags, eventTags, holdUndesignatedLatest } from './tags';
import { SecretsPlan, TrustDecision, decideTrust, planSecrets } from './trust';

export type Config = Readonly<
  Inputs & {
    /** What the event says about the run. */
    event: RunEvent;
    push: boolean;
    /** Why push is on or off, for the log. */
    pushReason: string;
    trust: TrustDecision;
    /** What the build does not get of `secrets` and `build-args` (untrusted code): named for a notice. */
    withheld: SecretsPlan['withheld'];
    /** Registry logins, in order; an ECR login's password is asked for when the run starts. */
    logins: PlannedLogin[];
    /** Logins left out because a secret is unset where none is needed: said in notices. */
    loginNotices: string[];
    /** Tags derived from the event (also computed when `tags` is given, for the version). */
    derived?: EventTags;
    /**
     * Export the metadata outputs as DOCKER_METADATA_OUTPUT_* too, as metadata-action does: only
     * for its syntax (meta-tags or flavor), unless DOCKER_METADATA_SET_OUTPUT_ENV is false.
     */
    exportMetadataEnv: boolean;
    /** How this run signs and attests what it publishes (undefined: it does not). */
    signing?: SigningPlan;
    /** Why sign or attest was asked for and is not done (untrusted code), for a notice. */
    signingSkipped?: string;
  }
>;

/** metadata-action's API lookups, answered from what was asked beforehand (github/metadata-facts.ts). */
function metadataApi(ctx: RunContext): GitHubApiHooks {
  const facts = ctx.metadataFacts;
  return {
    defaultBranch: () => facts?.defaultBranch,
    commitDate: sha => (facts?.commitDate?.sha === sha ? new Date(facts.commitDate.date) : undefined)
  };
}

/** Tags from meta-tags/flavor, metadata-action's syntax; its messages are problems (form) or notices. */
function metadataDerivedTags(i: Inputs, event: RunEvent, ctx: RunContext, p: Problems): EventTags | undefined {
  const input = { tags: i.metaTags ?? '', flavor: i.flavor ?? '', env: ctx.metadataEnv ?? {} };
  const result = metadataTags(input, event, ctx.startedAt ?? new Date(), { safety: ACTION_SAFETY, api: metadataApi(ctx) });
  p.push(...result.errors);
  if (result.errors.length > 0) return undefined;
  if (result.tags.length === 0 && i.tags.length === 0 && i.mode !== 'plan')
    p.push('meta-tags: no rule gives a tag for this event; add one that applies (e.g. type=sha), or set tags');
  return { ...asEventTags(result), notes: { warnings: result.warnings, held: result.held } };
}

/** A stable release's latest, held when GitHub calls another release the latest. */
function withDesignatedLatest(derived: EventTags | undefined, event: RunEvent, ctx: RunContext): EventTags | undefined {
  const release = event.release && !event.release.prerelease ? event.release.tagName : undefined;
  if (!derived) return undefined;
  const problem = ctx.latestRelease?.problem;
  if (!problem || !derived.tags.some(t => t.latest)) return holdUndesignatedLatest(derived, release, ctx.latestRelease);
  const warning = `Could not ask GitHub which release is the repository's latest (${problem}); latest follows the version order alone`;
  return { ...derived, notes: { warnings: [...(derived.notes?.warnings ?? []), warning], held: derived.notes?.held ?? [] } };
}

function usesMetadataSyntax(i: Inputs): boolean {
  return i.metaTags !== undefined || i.flavor !== undefined;
}

function derivedTags(i: Inputs, event: RunEvent, ctx: RunContext, p: Problems): EventTags | undefined {
  if (usesMetadataSyntax(i)) return metadataDerivedTags(i, event, ctx, p);
  try {
    return eventTags(event, i.tagRules);
  } catch (e) {
    // With explicit tags the event only names the version; without them it must yield tags (a plan needs none).
    if (i.tags.length === 0 && i.mode !== 'plan')
      p.push(`tags: none given, and none can be derived from the event: ${(e as Error).message}`);
    return undefined;
  }
}

/** A secret-looking build-arg named like a setting buildx reads would have its value on the command line. */
function reservedSecretArgProblems(i: Inputs): string[] {
  return secretLookingBuildArgs(i.buildArgs)
    .filter(a => buildxReads(a.name, [...i.cacheFrom, ...i.cacheTo]))
    .map(
      a =>
        `build-args: ${a.name} looks secret, and buildx reads that name from its own environment, so its value would be on the ` +
        'command line any process can read; rename the build-arg, or pass it with secrets (RUN --mount=type=secret)'
    );
}

/** provenance mode=max records every build-arg value in the attestation pushed with the image. */
function secretArgProblems(i: Inputs): string[] {
  const names = secretLookingBuildArgs(i.buildArgs).map(a => a.name);
  if (names.length === 0 || !/\bmode=max\b/.test(i.provenance ?? '') || i.allowSecretBuildArgs) return [];
  return [
    `build-args: ${names.join(', ')} look${names.length === 1 ? 's' : ''} secret, and provenance mode=max publishes build-arg values; ` +
      'pass them with secrets (RUN --mount=type=secret), or set allow-secret-build-args: true to accept the risk'
  ];
}

/**
 * Reads and checks every input against the event; `given` names the inputs the workflow set (an
 * undeclared one is a problem). Throws every problem at once.
 */
export function loadConfig(read: InputReader, ctx: RunContext, given: string[] = []): Config {
  const p = new Problems();
  const inputs = readInputs(read, ctx, p, given);
  const event = classifyEvent(ctx);
  const trust = decideTrust(event, {
    ...inputs,
    explicitBuilder: read('builder').trim() !== '',
    selfHostedRunner: ctx.runnerEnvironment === 'self-hosted'
  });
  p.push(...trust.problems);
  // A plan publishes nothing: sign and attest given to every step of a hand-written fan-out are for the others.
  // A promotion signs nothing either: sign and attest are refused there (modeProblems).
  const signing = inputs.mode === 'plan' || inputs.mode === 'promote' ? { problems: [] } : decideSigning(inputs, trust, ctx);
  p.push(...signing.problems);
  const derived = withDesignatedLatest(derivedTags(inputs, event, ctx, p), event, ctx);
  if (trust.push && inputs.tags.length === 0 && inputs.images.length === 0) {
    p.push('images: nothing to push to; set images (e.g. ghcr.io/owner/app) or tags, or push: false');
  }
  // `latest` is asked of the GitHub API when the run starts, and gated there.
  if (inputs.buildxVersion && inputs.buildxVersion !== 'latest') {
    const use = { ...inputs, push: trust.push };
    p.push(...buildxProblems(inputs.buildxVersion, use, 'buildx-version', 'pick a newer buildx-version').map(x => `buildx-version: ${x}`));
  }
  p.push(...secretArgProblems(inputs), ...reservedSecretArgProblems(inputs));
  if (trust.push && inputs.driver === 'docker' && inputs.builder === 'default') p.push(DOCKER_DRIVER_PUSH);
  p.push(...modeProblems(inputs, { push: trust.push, actionsRuntime: Boolean(ctx.actionsRuntime), commit: event.sha }));
  const pushTargets = inputs.tags.length > 0 ? inputs.tags : inputs.images;
  // A promotion also reads its source, with that registry's credentials.
  const source = inputs.mode === 'promote' && inputs.source ? [inputs.source] : [];
  const { logins, notices: loginNotices } = routeLogins(inputs, ctx, [...pushTargets, ...source], { event, login: trust.login }, p);
  p.throwIfAny();
  // From here on every step (the preflight included) sees only what the build may get.
  return Object.freeze({
    ...inputs,
    ...planSecrets(inputs, trust),
    event,
    push: trust.push,
    pushReason: trust.reason,
    trust,
    logins,
    loginNotices,
    derived,
    exportMetadataEnv: usesMetadataSyntax(inputs) && !/^(false|0)$/i.test(ctx.metadataEnv?.DOCKER_METADATA_SET_OUTPUT_ENV ?? ''),
    signing: signing.plan,
    signingSkipped: signing.skipped
  });
}
