/**
 * `type=semver` and `type=pep440`: the version comes from the pushed tag (or `value`), narrowed by
 * `match` (its first group); a release renders `pattern`, and a pre-release (PEP 440: also a
 * post- or dev release) gives only its full version (`{{raw}}` alone is kept as written), never
 * `latest` on its own. `{{major}}` of a 0.x release is `0`, as metadata-action documents.
 */
import { clean, explain, valid as validPep440 } from '@renovatebot/pep440/lib/version';
import { major, minor, patch } from '@renovatebot/pep440/lib/semantic';
import * as semver from 'semver';
import { MetaRun, refName } from './context';
import { Scope, isRawStatement, render } from './expressions';
import { RuleOf } from './rules';
import { renderGlobal } from './scopes';

export interface PublishedVersion {
  scheme: 'semver' | 'pep440';
  /** The version as `{{version}}` writes it (`1.2.3`, `2.0.8-beta.67`, `1.2.3rc1`). */
  version: string;
  /** A pre-release (semver) or a pre- or dev release (PEP 440). */
  prerelease: boolean;
  /** The release as semver, for the backport guard (PEP 440: its first three release numbers). */
  semver: semver.SemVer | null;
}

export interface Produced {
  /** The tag before prefix, suffix and sanitising. */
  value: string;
  /** Whether `latest=auto` adds latest when this is the first tag. */
  latestAuto: boolean;
  version?: PublishedVersion;
}

/** The text a version rule reads: `value` (evaluated) or the pushed tag, narrowed by `match`, `/` made `-`. */
function versionSource(rule: RuleOf<'semver' | 'pep440'>, run: MetaRun): string | undefined {
  const tag = refName(run.ref, 'tags');
  if (rule.value === '' && tag === undefined) return undefined;
  let raw = rule.value !== '' ? renderGlobal(rule.value, run) : (tag as string);
  if (rule.match !== '') {
    const m = raw.match(new RegExp(rule.match));
    if (!m) run.warn(`${rule.match} does not match ${raw}.`);
    else if (m[1] === undefined) throw new Error(`has match=${rule.match}, whose first group matches nothing in ${raw}`);
    else raw = m[1];
  }
  return raw.replace(/\//g, '-');
}

function semverScope(v: semver.SemVer): Scope {
  return {
    raw: () => v.raw,
    version: () => v.version,
    major: () => v.major,
    minor: () => v.minor,
    patch: () => v.patch,
    prerelease: () => v.prerelease.join(','),
    build: () => v.build.join(',')
  };
}

export function semverRule(rule: RuleOf<'semver'>, run: MetaRun): Produced | undefined {
  const raw = versionSource(rule, run);
  if (raw === undefined) return undefined;
  if (!semver.valid(raw)) {
    run.warn(`${raw} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const v = semver.parse(raw, { loose: true }) as semver.SemVer;
  const prerelease = semver.prerelease(raw) !== null;
  const pattern = prerelease && !isRawStatement(rule.pattern) ? '{{version}}' : rule.pattern;
  const version = { scheme: 'semver' as const, version: v.version, prerelease, semver: v };
  return { value: render(pattern, semverScope(v)), latestAuto: !prerelease, version };
}

function pep440Scope(raw: string): Scope {
  return {
    raw: () => raw,
    version: () => clean(raw) ?? '',
    major: () => major(raw),
    minor: () => minor(raw),
    patch: () => patch(raw)
  };
}

export function pep440Rule(rule: RuleOf<'pep440'>, run: MetaRun): Produced | undefined {
  const raw = versionSource(rule, run);
  if (raw === undefined) return undefined;
  const v = validPep440(raw) ? explain(raw) : null;
  if (!v) {
    run.warn(`${raw} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`);
    return undefined;
  }
  const cleaned = clean(raw) ?? raw;
  const prerelease = v.is_prerelease || v.is_devrelease;
  const version = {
    scheme: 'pep440' as const,
    version: cleaned,
    prerelease,
    semver: semver.parse(v.release.concat(0, 0).slice(0, 3).join('.'))
  };
  if (prerelease || v.is_postrelease) {
    return { value: isRawStatement(rule.pattern) ? raw : cleaned, latestAuto: false, version };
  }
  return { value: render(rule.pattern, pep440Scope(raw)), latestAuto: true, version };
}
