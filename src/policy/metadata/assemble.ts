/**
 * From the rules (already sorted by priority) to metadata-action's tag list: each enabled rule
 * that applies gives one tag (prefix, suffix, then invalid characters made `-`; an empty one
 * counts for nothing); the first is the version, the others follow once each in priority order,
 * and `latest` comes last when the flavor (or, with `latest=auto`, the first tag's rule) says so.
 */
import { MetaRun } from './context';
import { Flavor } from './flavor';
import { Rule, describeLine } from './rules';
import { renderGlobal } from './scopes';
import { produce } from './types';
import { PublishedVersion } from './versions';

export interface Row {
  tag: string;
  /** The rule's value before prefix, suffix and sanitising (a branch name, a raw value…). */
  value: string;
  rule: Rule;
  latestAuto: boolean;
  version?: PublishedVersion;
}

/** metadata-action's sanitising: each run of characters a tag may not hold becomes one `-`. */
export function sanitizeTag(tag: string): string {
  return tag.replace(/[^a-zA-Z0-9._-]+/g, '-');
}

/** A rule's own prefix (even empty) wins over the flavor's. */
function affixed(value: string, rule: Rule, flavor: Flavor, run: MetaRun): string {
  const prefix = rule.prefix ?? flavor.prefix;
  const suffix = rule.suffix ?? flavor.suffix;
  return `${prefix && renderGlobal(prefix, run)}${value}${suffix && renderGlobal(suffix, run)}`;
}

function enabled(rule: Rule, run: MetaRun): boolean {
  const on = renderGlobal(rule.enable, run);
  if (on !== 'true' && on !== 'false')
    throw new Error(`has enable=${rule.enable}, which gives ${JSON.stringify(on)}: it must give true or false`);
  return on === 'true';
}

function row(rule: Rule, flavor: Flavor, run: MetaRun): Row | undefined {
  if (!enabled(rule, run)) return undefined;
  const produced = produce(rule, run);
  if (!produced) return undefined;
  const tag = affixed(produced.value, rule, flavor, run);
  if (tag === '') return undefined;
  return { tag: sanitizeTag(tag), value: produced.value, rule, latestAuto: produced.latestAuto, version: produced.version };
}

/** One row per rule that gives a tag, in priority order; what is wrong with a rule goes to `errors`. */
export function evaluateRules(rules: Rule[], flavor: Flavor, run: MetaRun, errors: string[]): Row[] {
  const rows: Row[] = [];
  for (const rule of rules) {
    try {
      const r = row(rule, flavor, run);
      if (r) rows.push(r);
    } catch (e) {
      errors.push(`${describeLine('meta-tags', rule)} ${(e as Error).message}`);
    }
  }
  return rows;
}

/** The flavor's latest tag, with the prefix and suffix that apply to it (as written: no expressions). */
export function latestTagName(flavor: Flavor): string {
  return sanitizeTag(`${flavor.prefixOnLatest ? flavor.prefix : ''}latest${flavor.suffixOnLatest ? flavor.suffix : ''}`);
}

/** Whether latest is added: `latest=true|false`, or with `auto` what the first tag's rule says. */
export function wantsLatest(rows: Row[], flavor: Flavor): boolean {
  if (rows.length === 0) return false;
  return flavor.latest === 'auto' ? rows[0].latestAuto : flavor.latest === 'true';
}

/** Each tag once, first rule first. */
export function uniqueRows(rows: Row[]): Row[] {
  return rows.filter((r, i) => rows.findIndex(x => x.tag === r.tag) === i);
}
