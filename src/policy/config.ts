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
import { RegistryLogin, routeLogins } from './logins';
import { modeProblems } from './modes';
import { EventTags, eventTags } from './tags';
import { TrustDecision, decideTrust } from './trust';

export type Config = Readonly<
  Inputs & {
    /** What the event says about the run. */
    event: RunEvent;
    push: boolean;
    /** Why push is on or off, for the log. */
    pushReason: string;
    trust: TrustDecision;
    logins: RegistryLogin[];
    /** Tags derived from the event (also computed when `tags` is given, for the version). */
    derived?: EventTags;
  }
>;

function derivedTags(i: Inputs, event: RunEvent, p: Problems): EventTags | undefined {
  try {
    return eventTags(event, i.tagRules);
  } catch (e) {
    // With explicit tags the event only names the version; without them it must yield tags.
    if (i.tags.length === 0) p.push(`tags: none given, and none can be derived from the event: ${(e as Error).message}`);
    return undefined;
  }
}

/** A secret-looking build-arg named like a setting buildx reads would have its value on the command line. */
function reservedSecretArgProblems(i: Inputs): string[] {
  return secretLookingBuildArgs(i.buildArgs)
    .filter(a => buildxReads(a.name))
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
  const trust = decideTrust(event, inputs);
  p.push(...trust.problems);
  const derived = derivedTags(inputs, event, p);
  if (trust.push && inputs.tags.length === 0 && inputs.images.length === 0) {
    p.push('images: nothing to push to; set images (e.g. ghcr.io/owner/app) or tags, or push: false');
  }
  if (inputs.buildxVersion) {
    const use = { ...inputs, push: trust.push };
    p.push(...buildxProblems(inputs.buildxVersion, use, 'buildx-version', 'pick a newer buildx-version').map(x => `buildx-version: ${x}`));
  }
  p.push(...secretArgProblems(inputs), ...reservedSecretArgProblems(inputs));
  if (trust.push && inputs.driver === 'docker' && inputs.builder === 'default') p.push(DOCKER_DRIVER_PUSH);
  p.push(...modeProblems(inputs, { push: trust.push, actionsRuntime: Boolean(ctx.actionsRuntime), commit: event.sha }));
  const pushTargets = inputs.tags.length > 0 ? inputs.tags : inputs.images;
  // A promotion also reads its source, with that registry's credentials.
  const source = inputs.mode === 'promote' && inputs.source ? [inputs.source] : [];
  const logins = routeLogins(inputs, ctx, [...pushTargets, ...source], trust.login, p);
  p.throwIfAny();
  return Object.freeze({ ...inputs, event, push: trust.push, pushReason: trust.reason, trust, logins, derived });
}
