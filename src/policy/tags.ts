/**
 * The tags an image is published under, derived from the GitHub event (release publishing above
 * all), with the `tag-rules` overrides. `tags` given as input still win verbatim.
 */
import * as semver from 'semver';
import { PullRequestCode, RunEvent } from '../inputs/event';
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
  /** Set for a tag named after a branch or a non-semver tag: that name, before any prefix or suffix. */
  refName?: string;
  /** The `latest` tag a stable release moves (with any prefix or suffix). */
  latest?: boolean;
}

export interface EventTags {
  tags: DerivedTag[];
  /** The version this build publishes: the release's semver, or a ref-derived name. */
  version: string;
  /** A stable semver release (floating tags may move). */
  release?: semver.SemVer;
  /** For the log: meta-tags' warnings, and the tags the safety rules held back (with why). */
  notes?: { warnings: string[]; held: { tag: string; why: string }[] };
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
    return { tags: [{ tag, rule: 'tag (not semver)', refName: tag }], version: tag };
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
  if (rules.latest !== 'false') tags.push({ tag: 'latest', rule: 'latest (stable release)', latest: true });
  return { tags, version: v.version, release: v };
}

function branchTags(branch: string, event: RunEvent, rules: TagRules): EventTags {
  const edgeBranch = rules.edgeBranch ?? event.defaultBranch ?? 'main';
  const tags: DerivedTag[] = [];
  let version: string;
  if (branch === edgeBranch) {
    tags.push({ tag: 'edge', rule: `edge (push to ${edgeBranch})` });
    if (rules.latest === 'edge') tags.push({ tag: 'latest', rule: 'latest (latest=edge)' });
    version = 'edge';
  } else {
    version = sanitizeTag(branch, 'branch');
    tags.push({ tag: version, rule: 'branch name', refName: version });
  }
  if (rules.sha && event.sha) tags.push({ tag: `sha-${event.sha.slice(0, 7)}`, rule: 'sha' });
  return { tags, version };
}

function refTags(event: RunEvent, rules: TagRules): EventTags {
  const tag = refName(event.ref, 'tags');
  if (tag !== undefined) return releaseTags(tag, false, rules);
  const branch = refName(event.ref, 'heads');
  if (branch !== undefined) return branchTags(branch, event, rules);
  throw new Error(`ref "${event.ref}" is neither a branch nor a tag; set tags explicitly`);
}

/**
 * A pull request's code gets pr-<n>, never the default branch's tags. A workflow_run after a
 * fork's pull request names no number (GitHub lists none for forks): sha-<head commit> instead.
 */
function pullRequestTags(event: RunEvent, pr: PullRequestCode): EventTags {
  const n = pr.number;
  if (!pr.viaWorkflowRun) {
    if (!n) throw new Error(`${event.name} event without a pull request number; set tags explicitly`);
    return { tags: [{ tag: `pr-${n}`, rule: 'pull request' }], version: `pr-${n}` };
  }
  if (n) return { tags: [{ tag: `pr-${n}`, rule: 'workflow_run of a pull request' }], version: `pr-${n}` };
  const sha = pr.viaWorkflowRun.headSha;
  if (!sha) throw new Error('workflow_run of a pull request without a number or head_sha; set tags explicitly');
  // Not sha-<7 hex>: a fork could craft a commit whose short hash names a trusted build's tag.
  const tag = `fork-sha-${sha.slice(0, 7)}`;
  return { tags: [{ tag, rule: 'workflow_run of a fork pull request' }], version: tag };
}

/** Tags from the event, before prefix/suffix and raw tags. */
function baseEventTags(event: RunEvent, rules: TagRules): EventTags {
  if (event.release) {
    if (!event.release.tagName) throw new Error('release event without release.tag_name; set tags explicitly');
    return releaseTags(event.release.tagName, event.release.prerelease, rules);
  }
  if (event.pullRequest) return pullRequestTags(event, event.pullRequest);
  if (event.name === 'schedule') return { tags: [{ tag: 'nightly', rule: 'schedule' }], version: 'nightly' };
  if (event.refProblem) throw new Error(event.refProblem);
  if (!event.ref) throw new Error(`no ref for the ${event.name || 'unknown'} event; set tags explicitly`);
  // push, workflow_dispatch, and any other event: as a push of the ref it ran on.
  return refTags(event, rules);
}

export function eventTags(event: RunEvent, rules: TagRules): EventTags {
  const base = baseEventTags(event, rules);
  const tags: DerivedTag[] = [];
  const add = (t: DerivedTag): void => {
    if (!tags.some(x => x.tag === t.tag)) tags.push(t);
  };
  // prefix and suffix go on raw tags too, as users of docker/metadata-action expect. Untrusted code
  // gets its own tags only (a raw latest would publish a fork as latest); a raw tag is guarded
  // like a branch name (a branch build's raw latest never moves a release's latest).
  const raw = event.untrusted ? [] : rules.raw.map(tag => ({ tag, rule: 'raw', refName: tag }));
  for (const t of [...base.tags, ...raw]) {
    add({ ...t, tag: sanitizeTag(`${rules.prefix}${t.tag}${rules.suffix}`, 'tag') });
  }
  return { ...base, tags };
}

/**
 * A stable release moves `latest` only when GitHub also calls it the repository's latest release
 * (its "Set as the latest release" box): otherwise latest stays, with a note saying why.
 */
export function holdUndesignatedLatest(
  derived: EventTags,
  release: string | undefined,
  designated: { tagName?: string; problem?: string } | undefined
): EventTags {
  if (!release || !designated?.tagName || designated.tagName === release || !derived.tags.some(t => t.latest)) return derived;
  const why = `GitHub marks ${designated.tagName} as the repository's latest release, not ${release}`;
  const held = derived.tags.filter(t => t.latest).map(t => ({ tag: t.tag, why }));
  const notes = { warnings: derived.notes?.warnings ?? [], held: [...(derived.notes?.held ?? []), ...held] };
  return { ...derived, tags: derived.tags.filter(t => !t.latest), notes };
}

/** A tag that reads as a version (7, 7.2, v7.2.1, 7.2.1-rc.1): a branch of that name could overwrite a release's tag. */
const VERSION_LIKE = /^v?\d+(\.\d+){0,2}([-+.][0-9A-Za-z.-]*)?$/;

/** A tag named after a branch or tag that reads as a version, or as `latest`: one a release's tag could have. */
function releaseShaped(t: DerivedTag): boolean {
  return t.refName !== undefined && (VERSION_LIKE.test(t.refName) || t.refName === 'latest');
}

/**
 * Tags never move backwards: a tag that already points at a newer stable release than this one
 * stays where it is (publishing 2.2.9 after 2.3.4 moves `2.2` but not `2` or `latest`). Judged
 * per tag from the version it points at now (`current`: tag → its version annotation), so any
 * `semver=` template works, and a release no tag points at (a pre-release) holds nothing back.
 * A build that is no release never moves a tag named after its branch that holds a release (a
 * branch `7.2`, with any prefix or suffix, or `latest`).
 */
export function holdBackwardMoves(
  derived: EventTags,
  current: Map<string, string | undefined>
): { kept: DerivedTag[]; held: DerivedTag[] } {
  const v = derived.release;
  const kept: DerivedTag[] = [];
  const held: DerivedTag[] = [];
  for (const t of derived.tags) {
    const now = semver.parse(current.get(t.tag) ?? '');
    const holdsRelease = now !== null && now.prerelease.length === 0;
    const hold = holdsRelease && (v ? semver.gt(now, v) : releaseShaped(t));
    (hold ? held : kept).push(t);
  }
  return { kept, held };
}

/** The tags whose current version decides whether they move: every tag of a release, version-like tags otherwise. */
export function guardedTags(derived: EventTags): DerivedTag[] {
  return derived.release ? derived.tags : derived.tags.filter(releaseShaped);
}

/** `tags` wins verbatim; otherwise every image gets every derived tag. */
export function imageRefs(images: string[], tags: DerivedTag[]): string[] {
  return images.flatMap(image => tags.map(t => `${image}:${t.tag}`));
}

export interface PublishTags {
  refs: string[];
  /** Each tag and the rule that produced it, for the log. */
  table: DerivedTag[];
  /** Tags held back because they already point at a newer release, with that version. */
  held: { ref: string; version: string }[];
}

/** The version `image:tag` publishes now (its version annotation), undefined when none or no such tag. */
export type PublishedVersion = (image: string, tag: string) => Promise<string | undefined>;

/**
 * The references to publish: `tags` verbatim when given, else every image × every derived tag,
 * minus tags that would move backwards in that image (a stable release asks `publishedVersion`).
 */
export async function publishTags(
  cfg: { tags: string[]; images: string[]; tagRules: TagRules; derived?: EventTags },
  publishedVersion?: PublishedVersion
): Promise<PublishTags> {
  if (cfg.tags.length > 0) return { refs: cfg.tags, table: cfg.tags.map(t => ({ tag: t, rule: 'tags input' })), held: [] };
  const derived = cfg.derived as EventTags;
  const guarded = guardedTags(derived);
  if (guarded.length === 0 || !publishedVersion) return { refs: imageRefs(cfg.images, derived.tags), table: derived.tags, held: [] };
  const perImage = await Promise.all(
    cfg.images.map(async image => {
      const versions = await Promise.all(guarded.map(t => publishedVersion(image, t.tag)));
      const current = new Map(guarded.map((t, i) => [t.tag, versions[i]]));
      const { kept, held } = holdBackwardMoves(derived, current);
      return {
        kept,
        refs: imageRefs([image], kept),
        held: held.map(t => ({ ref: `${image}:${t.tag}`, version: current.get(t.tag) ?? '' }))
      };
    })
  );
  // The log's table: the tags that move in at least one image.
  const table = derived.tags.filter(t => perImage.some(p => p.kept.includes(t)));
  return { refs: perImage.flatMap(p => p.refs), table, held: perImage.flatMap(p => p.held) };
}
