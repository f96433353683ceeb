/**
 * docker/metadata-action's tag syntax: the `tags` rules and `flavor` block users paste from it,
 * computed for a GitHub event to exactly the tags and version metadata-action gives for the same
 * event, payload, settings and clock, plus this action's safety rules as explicit switches.
 * Pure: no I/O, no process.env (the `DOCKER_METADATA_*` settings are an argument), the clock and
 * metadata-action's two GitHub API lookups are the caller's.
 *
 *   const r = metadataTags(
 *     { tags: 'type=semver,pattern={{version}}\ntype=sha', flavor: 'latest=auto', env: process.env },
 *     classifyEvent(ctx), new Date(), { safety: ACTION_SAFETY });
 *   if (r.errors.length) fail(r.errors); else publish(r.tags.map(t => t.tag));  // r.version for labels
 */
import * as semver from 'semver';
import { RunEvent } from '../../inputs/event';
import { EventTags } from '../tags';
import { Row, evaluateRules, latestTagName, sanitizeTag, uniqueRows, wantsLatest } from './assemble';
import { GitHubApiHooks, MetadataEnv, metaRun, refName } from './context';
import { Flavor, parseFlavor } from './flavor';
import { parseTagRules } from './rules';
import { SafetyRules, prereleaseReason, unknownCommit, untrustedHold } from './safety';

export type { GitHubApiHooks, MetadataEnv } from './context';
export { ACTION_SAFETY, METADATA_ACTION_BEHAVIOUR } from './safety';
export type { SafetyRules } from './safety';

export interface MetadataInput {
  /** The `tags:` block as written for metadata-action (empty: its default rules). */
  tags: string;
  /** The `flavor:` block. */
  flavor: string;
  /** DOCKER_METADATA_PR_HEAD_SHA and DOCKER_METADATA_SHORT_SHA_LENGTH are read from here. */
  env: MetadataEnv;
}

export interface MetadataOptions {
  /** This action's safety rules (ACTION_SAFETY), or none (METADATA_ACTION_BEHAVIOUR). */
  safety: SafetyRules;
  /** Answers to metadata-action's GitHub API lookups; the payload's facts when absent. */
  api?: GitHubApiHooks;
}

export interface MetadataTag {
  tag: string;
  /** The priority of the rule that made it (latest: of the rule that decided it). */
  priority: number;
  /** That rule's line as written, for the log. */
  rule: string;
  /** The stable semver release this tag publishes (for the backport guard); undefined when none. */
  release?: string;
  /** The name it carries before prefix and suffix, for a tag named after a ref or a raw value (the guard reads it). */
  refName?: string;
  /** The flavor's latest tag. */
  latest?: boolean;
}

/** Rules whose tag is a name (a branch, a tag, a raw value), not a version or a commit. */
const NAMED_TYPES = new Set(['ref', 'raw', 'match', 'schedule']);

export interface MetadataResult {
  /** In metadata-action's order: the version's tag, the others by priority, latest last; each once. */
  tags: MetadataTag[];
  /** metadata-action's `version` output: the first tag ('' when none). */
  version: string;
  /** The flavor's latest tag is among `tags`. */
  latestAdded: boolean;
  /** The stable semver release the run publishes, for holdBackwardMoves/publishTags. */
  release?: semver.SemVer;
  /** Why the run publishes a pre-release (semver, PEP 440 or the release's box), when it does. */
  prerelease?: string;
  /** Tags the safety rules removed, and why. */
  held: { tag: string; why: string }[];
  /** metadata-action's warnings (a tag that is not semver, a pattern that does not match…) and ignored attributes. */
  warnings: string[];
  /** Every malformed line and every expression that failed, each naming its line; no tags then. */
  errors: string[];
}

/** The first stable version a semver/pep440 rule gave, else the pushed tag when it is a stable semver. */
function runRelease(rows: Row[], event: RunEvent, ref: string): semver.SemVer | undefined {
  const fromRule = rows.find(r => r.version && !r.version.prerelease && r.version.semver)?.version?.semver;
  if (fromRule) return fromRule;
  const tag = refName(ref, 'tags') ?? event.release?.tagName;
  const v = rows.length > 0 && tag !== undefined ? semver.parse(tag.replace(/^v/i, '')) : null;
  return v && v.prerelease.length === 0 ? v : undefined;
}

function toTag(r: Row, release: semver.SemVer | undefined): MetadataTag {
  const own = r.version && !r.version.prerelease ? r.version.semver : null;
  const tag = { tag: r.tag, priority: r.rule.priority, rule: r.rule.text, release: (own ?? release)?.version };
  return NAMED_TYPES.has(r.rule.type) ? { ...tag, refName: sanitizeTag(r.value) } : tag;
}

function latestTag(rows: Row[], flavor: Flavor, release: semver.SemVer | undefined): MetadataTag {
  const decider = rows[0].rule;
  const rule = `flavor latest=${flavor.latest}${flavor.latest === 'auto' ? ` (${decider.text})` : ''}`;
  // Without a release to judge it by, latest is guarded like a branch of that name.
  return {
    tag: latestTagName(flavor),
    priority: decider.priority,
    rule,
    release: release?.version,
    latest: true,
    ...(release ? {} : { refName: 'latest' })
  };
}

type Held = MetadataResult['held'];

/** This action's safety rules, as `safety` switches them on: what is kept, and what is held and why. */
function applySafety(
  tags: MetadataTag[],
  rows: Row[],
  latest: string,
  event: RunEvent,
  prerelease: string | undefined,
  safety: SafetyRules
) {
  const isLatest = (t: MetadataTag): boolean => t.tag === latest || t.tag === 'latest';
  const ruleOf = (t: MetadataTag): Row['rule'] | undefined => rows.find(r => r.tag === t.tag)?.rule;
  const why = (t: MetadataTag): string | undefined => {
    if (safety.noLatestOnPrerelease && prerelease !== undefined && isLatest(t))
      return `latest does not move on a pre-release: ${prerelease}`;
    if (!safety.untrustedOwnTagsOnly) return undefined;
    const rule = ruleOf(t);
    return untrustedHold(event, isLatest(t) || !rule ? 'latest' : rule);
  };
  const held: Held = [];
  const kept = tags.filter(t => {
    const reason = why(t);
    if (reason) held.push({ tag: t.tag, why: reason });
    return reason === undefined;
  });
  return { kept, held };
}

function assemble(rows: Row[], flavor: Flavor, event: RunEvent, ref: string, safety: SafetyRules) {
  const release = runRelease(rows, event, ref);
  const tags = uniqueRows(rows).map(r => toTag(r, release));
  const latest = latestTagName(flavor);
  // metadata-action lists latest a second time when a rule already made it; once is the same tag.
  if (wantsLatest(rows, flavor) && !tags.some(t => t.tag === latest)) tags.push(latestTag(rows, flavor, release));
  const prerelease = prereleaseReason(event, ref, rows);
  const { kept, held } = applySafety(tags, rows, latest, event, prerelease, safety);
  return { tags: kept, version: kept[0]?.tag ?? '', latestAdded: kept.some(t => t.tag === latest), release, prerelease, held };
}

/** The tags and version metadata-action computes for `input` on `event` at `now`, with `options.safety` applied. */
export function metadataTags(input: MetadataInput, event: RunEvent, now: Date, options: MetadataOptions): MetadataResult {
  const warnings: string[] = [];
  const parsed = parseTagRules(input.tags);
  const { flavor, errors: flavorErrors } = parseFlavor(input.flavor);
  const errors = [...parsed.errors, ...flavorErrors];
  warnings.push(...parsed.warnings);
  const run = metaRun(event, input.env, now, options.api ?? {}, m => warnings.push(m), options.safety.untrustedOwnTagsOnly);
  const rows = evaluateRules(parsed.rules, flavor, run, errors);
  if (errors.length > 0) return { tags: [], version: '', latestAdded: false, held: [], warnings, errors };
  const result = { ...assemble(rows, flavor, event, run.ref, options.safety), warnings, errors };
  const noCommit = unknownCommit(event, parsed.rules, options.safety);
  if (noCommit) warnings.push(noCommit);
  if (rows.length === 0) warnings.push('meta-tags: no rule gives a tag for this event');
  return result;
}

/** The result in the shape policy/tags.ts's holdBackwardMoves and publishTags take (the backport guard). */
export function asEventTags(result: MetadataResult): EventTags {
  return {
    tags: result.tags.map(t => ({
      tag: t.tag,
      rule: t.rule,
      ...(t.refName !== undefined ? { refName: t.refName } : {}),
      ...(t.latest ? { latest: true } : {})
    })),
    version: result.version,
    release: result.release
  };
}
