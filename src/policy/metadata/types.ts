/**
 * One function per `type=`, in a table keyed by type so that a new type cannot be left out. Each
 * returns the tag it makes for this run (before prefix, suffix and sanitising) and whether
 * `latest=auto` adds `latest` when it is the first tag, or undefined when the type does not
 * apply to the event (metadata-action's warnings go through `run.warn`).
 */
import { MetaRun, refName } from './context';
import { render } from './expressions';
import { RefEvent, Rule, RuleOf, TagType, matchPattern } from './rules';
import { dateScope, renderGlobal } from './scopes';
import { Produced, pep440Rule, semverRule } from './versions';

type TypeFunction<T extends TagType> = (rule: RuleOf<T>, run: MetaRun) => Produced | undefined;

/** Only canonical array indexes reach a group (metadata-action indexes the match with the text). */
function group(m: RegExpMatchArray, key: string): string | undefined {
  return /^(0|[1-9]\d*)$/.test(key) ? m[Number(key)] : undefined;
}

const matchRule: TypeFunction<'match'> = (rule, run) => {
  const tag = refName(run.ref, 'tags');
  if (rule.value === '' && tag === undefined) return undefined;
  const text = rule.value !== '' ? renderGlobal(rule.value, run) : (tag as string);
  const m = text.match(matchPattern(rule.pattern));
  if (!m) {
    run.warn(`${rule.pattern} does not match ${text}.`);
    return undefined;
  }
  const value = group(m, rule.group);
  if (value === undefined) {
    run.warn(`Group ${rule.group} does not exist for ${rule.pattern} pattern.`);
    return undefined;
  }
  return { value, latestAuto: true };
};

const REF_EVENTS: Record<RefEvent, (run: MetaRun) => Produced | undefined> = {
  branch: run => {
    const branch = refName(run.ref, 'heads');
    return branch === undefined ? undefined : { value: branch, latestAuto: false };
  },
  tag: run => {
    const tag = refName(run.ref, 'tags');
    return tag === undefined ? undefined : { value: tag, latestAuto: true };
  },
  pr: run => {
    const pull = refName(run.ref, 'pull');
    return pull === undefined ? undefined : { value: pull.replace(/\/merge$/, ''), latestAuto: false };
  }
};

export const TYPE_FUNCTIONS: { [T in TagType]: TypeFunction<T> } = {
  schedule: (rule, run) =>
    run.eventName.includes('schedule') ? { value: render(rule.pattern, dateScope(run)), latestAuto: false } : undefined,
  semver: semverRule,
  pep440: pep440Rule,
  match: matchRule,
  edge: (rule, run) => {
    const branch = refName(run.ref, 'heads');
    if (branch === undefined || branch !== (rule.branch || run.edgeDefaultBranch())) return undefined;
    return { value: 'edge', latestAuto: false };
  },
  ref: (rule, run) => REF_EVENTS[rule.event](run),
  raw: (rule, run) => ({ value: renderGlobal(rule.value, run), latestAuto: false }),
  sha: (rule, run) => {
    if (!run.sha) return undefined;
    return { value: rule.format === 'short' ? run.shortSha() : run.sha, latestAuto: false };
  }
};

/** Runs the rule's type function; throws what is wrong with the rule for this run. */
export function produce(rule: Rule, run: MetaRun): Produced | undefined {
  // TYPE_FUNCTIONS[rule.type] takes exactly this rule's type; TypeScript cannot correlate the two.
  return (TYPE_FUNCTIONS[rule.type] as TypeFunction<TagType>)(rule, run);
}
