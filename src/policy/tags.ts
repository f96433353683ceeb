/**
 * The tags an image is published under, derived from the GitHub event (release publishing above
 * all), with the `tag-rules` overrides. `tags` given as input still win verbatim.
 */
import * as semver from 'semver';
import { RunContext, isPullRequestEvent } from '../inputs/context';
import { TagRules } from '../inputs/tag-rules';
import { TAG_PATTERN } from '../oci/reference';

/** Makes a valid OCI tag of a ref name: `/` and other disallowed characters become `-`. */
export function sanitizeTag(name: string, what: string): string {
  const tag = name
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
  if (!TAG_PATTERN.test(tag)) throw new Error(`${what} "${name}" cannot be made into an image tag`);
  return tag;
}

export interface DerivedTag {
  tag: string;
  /** Which rule produced it, for the log table. */
  rule: string;
}

export interface EventTags {
  tags: DerivedTag[];
  /** The version this build publishes: the release's semver, or a ref-derived name. */
  version: string;
  /** A stable semver release (floating tags may move). */
  release?: semver.SemVer;
}

function refName(ref: string, kind: 'heads' | 'tags'): string | undefined {
  const prefix = `refs/${kind}/`;
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}

function parseSemverTag(name: string): semver.SemVer | null {
  return semver.parse(name.replace(/^v/i, ''));
}

function renderTemplate(template: string, v: semver.SemVer): string | undefined {
  // v0.x: a bare major 0 would lump every pre-1.0 release together.
  if (template === '{{major}}' && v.major === 0) return undefined;
  return template
    .replace(/\{\{version\}\}/g, v.version)
    .replace(/\{\{major\}\}/g, String(v.major))
    .replace(/\{\{minor\}\}/g, String(v.minor))
    .replace(/\{\{patch\}\}/g, String(v.patch));
}

/** A release or a pushed tag. `prerelease` is the release's checkbox (tag pushes have none). */
function releaseTags(tagName: string, prerelease: boolean, rules: TagRules): EventTags {
  const v = parseSemverTag(tagName);
  if (!v) {
    const tag = sanitizeTag(tagName, 'tag');
    return { tags: [{ tag, rule: 'tag (not semver)' }], version: tag };
  }
  if (v.prerelease.length > 0 || prerelease) {
    const why = v.prerelease.length > 0 ? 'semver pre-release' : 'release marked pre-release';
    return { tags: [{ tag: v.version, rule: `{{version}} (${why}: no latest, no short forms)` }], version: v.version };
  }
  const tags: DerivedTag[] = [];
  for (const t of rules.semver) {
    const tag = renderTemplate(t, v);
    if (tag !== undefined && !tags.some(x => x.tag === tag)) tags.push({ tag, rule: t });
  }
  if (rules.latest !== 'false') tags.push({ tag: 'latest', rule: 'latest (stable release)' });
  return { tags, version: v.version, release: v };
}

function branchTags(branch: string, ctx: RunContext, rules: TagRules): EventTags {
  const edgeBranch = rules.edgeBranch ?? ctx.payload.repository?.default_branch ?? 'main';
  const tags: DerivedTag[] = [];
  let version: string;
  if (branch === edgeBranch) {
    tags.push({ tag: 'edge', rule: `edge (push to ${edgeBranch})` });
    if (rules.latest === 'edge') tags.push({ tag: 'latest', rule: 'latest (latest=edge)' });
    version = 'edge';
  } else {
    version = sanitizeTag(branch, 'branch');
    tags.push({ tag: version, rule: 'branch name' });
  }
  if (rules.sha && ctx.sha) tags.push({ tag: `sha-${ctx.sha.slice(0, 7)}`, rule: 'sha' });
  return { tags, version };
}

function refTags(ref: string, ctx: RunContext, rules: TagRules): EventTags {
  const tag = refName(ref, 'tags');
  if (tag !== undefined) return releaseTags(tag, false, rules);
  const branch = refName(ref, 'heads');
  if (branch !== undefined) return branchTags(branch, ctx, rules);
  throw new Error(`ref "${ref}" is neither a branch nor a tag; set tags explicitly`);
}

/** Tags from the event, before prefix/suffix and raw tags. */
/**
 * A workflow_run after a pull request's run builds that pull request's code, never the default
 * branch's tags: pr-<n>, or (GitHub lists no pull request for a fork's) sha-<head commit>.
 */
function pullRequestRunTags(run: NonNullable<RunContext['payload']['workflow_run']>): EventTags {
  const n = run.pull_requests?.[0]?.number;
  if (n) return { tags: [{ tag: `pr-${n}`, rule: 'workflow_run of a pull request' }], version: `pr-${n}` };
  const sha = run.head_sha;
  if (!sha) throw new Error('workflow_run of a pull request without a number or head_sha; set tags explicitly');
  const tag = `sha-${sha.slice(0, 7)}`;
  return { tags: [{ tag, rule: 'workflow_run of a fork pull request' }], version: tag };
}

function baseEventTags(ctx: RunContext, rules: TagRules): EventTags {
  const p = ctx.payload;
  if (ctx.eventName === 'release') {
    const name = p.release?.tag_name ?? refName(ctx.ref, 'tags');
    if (!name) throw new Error('release event without release.tag_name; set tags explicitly');
    return releaseTags(name, p.release?.prerelease === true, rules);
  }
  if (isPullRequestEvent(ctx.eventName)) {
    const n = p.pull_request?.number ?? p.number;
    if (!n) throw new Error(`${ctx.eventName} event without a pull request number; set tags explicitly`);
    return { tags: [{ tag: `pr-${n}`, rule: 'pull request' }], version: `pr-${n}` };
  }
  if (ctx.eventName === 'schedule') return { tags: [{ tag: 'nightly', rule: 'schedule' }], version: 'nightly' };
  const run = p.workflow_run;
  if (ctx.eventName === 'workflow_run' && run && isPullRequestEvent(run.event ?? '')) return pullRequestRunTags(run);
  if (!ctx.ref) throw new Error(`no ref for the ${ctx.eventName || 'unknown'} event; set tags explicitly`);
  // push, workflow_dispatch, and any other event: as a push of the ref it ran on.
  return refTags(ctx.ref, ctx, rules);
}

export function eventTags(ctx: RunContext, rules: TagRules): EventTags {
  const base = baseEventTags(ctx, rules);
  const tags: DerivedTag[] = [];
  const add = (t: DerivedTag): void => {
    if (!tags.some(x => x.tag === t.tag)) tags.push(t);
  };
  // prefix and suffix go on raw tags too, as users of docker/metadata-action expect.
  for (const t of [...base.tags, ...rules.raw.map(tag => ({ tag, rule: 'raw' }))]) {
    add({ tag: sanitizeTag(`${rules.prefix}${t.tag}${rules.suffix}`, 'tag'), rule: t.rule });
  }
  return { ...base, tags };
}

/**
 * Floating tags must never move backwards: publishing 1.2.4 after 1.3.0 moves `1.2` but not `1`
 * or `latest`. `existing` are the tags already in the registry.
 */
export function dropBackwardMoves(derived: EventTags, rules: TagRules, existing: string[]): { kept: DerivedTag[]; dropped: DerivedTag[] } {
  const v = derived.release;
  if (!v) return { kept: derived.tags, dropped: [] };
  const published = existing
    .filter(t => t.startsWith(rules.prefix) && t.endsWith(rules.suffix) && t.length > rules.prefix.length + rules.suffix.length)
    .map(t => parseSemverTag(t.slice(rules.prefix.length, t.length - rules.suffix.length)))
    .filter((x): x is semver.SemVer => x !== null && x.prerelease.length === 0);
  const newerThan = (pred: (o: semver.SemVer) => boolean): boolean => published.some(o => pred(o) && semver.gt(o, v));
  const kept: DerivedTag[] = [];
  const dropped: DerivedTag[] = [];
  for (const t of derived.tags) {
    let backwards = false;
    if (t.rule.startsWith('latest')) backwards = newerThan(() => true);
    else if (rules.semver.includes(t.rule) && !t.rule.includes('{{patch}}') && !t.rule.includes('{{version}}')) {
      const sameMajor = (o: semver.SemVer): boolean => o.major === v.major;
      const sameMinor = (o: semver.SemVer): boolean => sameMajor(o) && o.minor === v.minor;
      backwards = t.rule.includes('{{minor}}') ? newerThan(sameMinor) : newerThan(sameMajor);
    }
    (backwards ? dropped : kept).push(t);
  }
  return { kept, dropped };
}

/** `tags` wins verbatim; otherwise every image gets every derived tag. */
export function imageRefs(images: string[], tags: DerivedTag[]): string[] {
  return images.flatMap(image => tags.map(t => `${image}:${t.tag}`));
}

export interface PublishTags {
  refs: string[];
  /** Each tag and the rule that produced it, for the log. */
  table: DerivedTag[];
  /** Floating tags held back because a newer release is already published. */
  held: DerivedTag[];
}

/**
 * The references to publish: `tags` verbatim when given, else every image × every derived tag,
 * minus floating tags that would move backwards. `existingTags` reads an image's current tags.
 */
export async function publishTags(
  cfg: { tags: string[]; images: string[]; tagRules: TagRules; derived?: EventTags },
  existingTags?: (image: string) => Promise<string[]>
): Promise<PublishTags> {
  if (cfg.tags.length > 0) return { refs: cfg.tags, table: cfg.tags.map(t => ({ tag: t, rule: 'tags input' })), held: [] };
  const derived = cfg.derived as EventTags;
  let kept = derived.tags;
  let held: DerivedTag[] = [];
  if (derived.release && existingTags) {
    const existing = (await Promise.all(cfg.images.map(existingTags))).flat();
    ({ kept, dropped: held } = dropBackwardMoves(derived, cfg.tagRules, existing));
  }
  return { refs: imageRefs(cfg.images, kept), table: kept, held };
}
