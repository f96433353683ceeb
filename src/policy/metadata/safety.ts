/**
 * Where this action deliberately differs from metadata-action: its safety rules, each a switch
 * the caller sets, so the same rules can also be run exactly as metadata-action runs them.
 */
import { explain, valid as validPep440 } from '@renovatebot/pep440/lib/version';
import * as semver from 'semver';
import { RunEvent } from '../../inputs/event';
import { refName } from './context';
import { Row } from './assemble';
import { Rule } from './rules';

export interface SafetyRules {
  /**
   * `latest` never moves on a pre-release: a release whose pre-release box is ticked, or a tag
   * (or a semver/pep440 rule's version) that is a semver or PEP 440 pre-release. metadata-action
   * moves it on a ticked release's stable tag, and with `type=ref,event=tag` or `type=match` on a
   * pre-release tag. Drops the flavor's latest tag and any tag named `latest`.
   */
  noLatestOnPrerelease: boolean;
  /**
   * Untrusted code (a pull request, a merge queue…: see inputs/event.ts) gets only tags named after
   * itself: its own ref and commit (on pull_request_target and issue_comment, GITHUB_REF and
   * GITHUB_SHA are the base branch's: the pull request's merge ref and head commit instead, and no
   * `type=sha` tag when the payload names no commit), no `type=raw` tag, no semver/pep440/match tag
   * from `value=`, and no latest (any of them could
   * publish a fork's code under a name users pull), and for code from a fork no short `type=sha`
   * tag (a fork can craft a commit whose short hash is a trusted build's). metadata-action gives
   * them all, the base branch's included.
   */
  untrustedOwnTagsOnly: boolean;
}

/** This action's rules. */
export const ACTION_SAFETY: SafetyRules = { noLatestOnPrerelease: true, untrustedOwnTagsOnly: true };

/** None: metadata-action's behaviour exactly. */
export const METADATA_ACTION_BEHAVIOUR: SafetyRules = { noLatestOnPrerelease: false, untrustedOwnTagsOnly: false };

/** Why rules that name a commit give nothing: untrusted code whose payload names none of its own (an issue_comment). */
export function unknownCommit(event: RunEvent, rules: Rule[], safety: SafetyRules): string | undefined {
  const own = event.untrusted?.own;
  if (!safety.untrustedOwnTagsOnly || !own || own.sha !== undefined || !rules.some(r => r.type === 'sha')) return undefined;
  return (
    `meta-tags: type=sha gives no tag: the ${event.name} payload names no commit of the pull request, ` +
    "and GITHUB_SHA is the base branch's, not this untrusted code's"
  );
}

/** Rules whose version can be given as value= instead of coming from the ref: like type=raw, a name chosen for the code. */
const VALUE_TYPES: ReadonlySet<Rule['type']> = new Set(['semver', 'pep440', 'match']);

/** Why untrusted code may not have a tag of this rule, or undefined when it may. */
export function untrustedHold(event: RunEvent, rule: Rule | 'latest'): string | undefined {
  if (!event.untrusted) return undefined;
  const code = `this run builds untrusted code (${event.untrusted.reason})`;
  if (rule === 'latest') return `${code}: it never moves latest`;
  if (rule.type === 'raw') return `${code}: it gets no type=raw tags`;
  if (VALUE_TYPES.has(rule.type) && 'value' in rule && rule.value !== '')
    return `${code}: it gets no type=${rule.type} tags from value= (a version it was not built from)`;
  if (rule.type === 'sha' && rule.format === 'short' && event.untrusted.foreign)
    return `${code} from a fork, which could craft a commit sharing a trusted build's short SHA: use type=sha,format=long`;
  return undefined;
}

function tagIsPrerelease(name: string): boolean {
  const v = semver.parse(name.replace(/^v/i, ''));
  if (v) return v.prerelease.length > 0;
  const p = validPep440(name) ? explain(name) : null;
  return p !== null && (p.is_prerelease || p.is_devrelease);
}

/** Why this run publishes a pre-release, or undefined when it does not. */
export function prereleaseReason(event: RunEvent, ref: string, rows: Row[]): string | undefined {
  if (event.release?.prerelease) return `the release ${event.release.tagName ?? '(no tag name)'} is marked pre-release`;
  const tag = refName(ref, 'tags') ?? event.release?.tagName;
  if (tag !== undefined && tagIsPrerelease(tag)) return `${tag} is a pre-release`;
  const row = rows.find(r => r.version?.prerelease);
  return row ? `${row.version?.version} (${row.rule.text}) is a pre-release` : undefined;
}
