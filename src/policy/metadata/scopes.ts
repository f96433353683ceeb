/**
 * The names each kind of metadata-action template may use: the global expressions (`enable`,
 * `prefix`, `suffix`, `value`), and the dates a `type=schedule` pattern may use.
 */
import { formatDate } from './dates';
import { MetaRun, refName } from './context';
import { Helper, Scope, render } from './expressions';

/** `{{date 'format' tz='Zone'}}`: one quoted moment format, tz optional (UTC). */
function dateHelper(name: string, at: () => Date, warn: (m: string) => void): Helper {
  return (params, options) => {
    const [format, ...more] = params;
    if (format === undefined) throw new Error(`{{${name}}} needs a quoted format, e.g. {{${name} 'YYYYMMDD'}}`);
    if (more.length > 0) throw new Error(`{{${name}}} takes one format; the zone is written tz='Zone'`);
    const unknown = [...options.keys()].find(k => k !== 'tz');
    if (unknown !== undefined) throw new Error(`{{${name}}} has no ${unknown}= option (only tz=)`);
    const tz = options.has('tz') ? options.get('tz') : 'UTC';
    if (!tz) throw new Error(`{{${name}}}: tz takes a quoted zone name, e.g. tz='Asia/Tokyo'`);
    return formatDate(at(), format, tz, warn);
  };
}

export function dateScope(run: MetaRun): Scope {
  return {
    date: dateHelper('date', () => run.now, run.warn),
    commit_date: dateHelper('commit_date', run.commitDate, run.warn)
  };
}

/** The branch a pushed tag was on (a push's base_ref), or a pull request's target; else empty. */
function baseRef(run: MetaRun): string {
  if (refName(run.ref, 'tags') !== undefined && run.pushBaseRef !== undefined) return run.pushBaseRef.replace(/^refs\/heads\//, '');
  if (refName(run.ref, 'pull') !== undefined && run.pullRequestBaseRef !== undefined) return run.pullRequestBaseRef;
  return '';
}

/**
 * metadata-action compares the ref minus `refs/heads/` with the payload's default branch, and
 * counts create, discussion, issues and schedule events (which run on the default branch) as on it.
 */
function isDefaultBranch(run: MetaRun): boolean {
  const branch = run.ref.replace(/^refs\/heads\//, '');
  if (branch === '') return false;
  if (run.payloadDefaultBranch === branch) return true;
  return /create|discussion|issues|schedule/.test(run.eventName);
}

export function globalScope(run: MetaRun): Scope {
  return {
    branch: () => refName(run.ref, 'heads') ?? '',
    tag: () => refName(run.ref, 'tags') ?? '',
    sha: () => run.shortSha(),
    base_ref: () => baseRef(run),
    is_default_branch: () => String(isDefaultBranch(run)),
    is_not_default_branch: () => String(!isDefaultBranch(run)),
    ...dateScope(run)
  };
}

/** Renders a global expression (enable, prefix, suffix, value). */
export function renderGlobal(template: string, run: MetaRun): string {
  return render(template, globalScope(run));
}
