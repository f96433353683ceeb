/** The `tag-rules` input: overrides of the event tag rules, one `key=value` per line. */
import { TAG_PATTERN } from '../oci/reference';
import { keyValueLines } from './lists';

export interface TagRules {
  /** auto: stable releases move latest; false: never; edge: edge-branch pushes move it too. */
  latest: 'auto' | 'false' | 'edge';
  /** Branch whose pushes get `edge` (default: the repository's default branch). */
  edgeBranch?: string;
  prefix: string;
  suffix: string;
  /** Templates for stable semver releases ({{version}}, {{major}}, {{minor}}, {{patch}}). */
  semver: string[];
  /** Extra tags added on every event. */
  raw: string[];
  /** sha-<7 hex> on branch pushes. */
  sha: boolean;
}

export const DEFAULT_SEMVER_TEMPLATES = ['{{version}}', '{{major}}.{{minor}}', '{{major}}'];

export const DEFAULT_TAG_RULES: TagRules = { latest: 'auto', prefix: '', suffix: '', semver: DEFAULT_SEMVER_TEMPLATES, raw: [], sha: true };

const TEMPLATE = /^(\{\{(version|major|minor|patch)\}\}|[A-Za-z0-9_.-])+$/;

type RuleParser = (rules: TagRules, value: string) => string | undefined;

/** Each rule applies its value, or returns what is wrong with it. */
const RULES: Record<string, RuleParser> = {
  latest: (rules, value) => {
    if (value === 'auto' || value === 'false' || value === 'edge') rules.latest = value;
    else if (value === 'true') rules.latest = 'auto';
    else return 'is not valid; latest takes auto, true, false or edge';
    return undefined;
  },
  'edge-branch': (rules, value) => {
    if (value === '') return 'names no branch';
    rules.edgeBranch = value;
    return undefined;
  },
  prefix: (rules, value) => affix(rules, 'prefix', value),
  suffix: (rules, value) => affix(rules, 'suffix', value),
  semver: (rules, value) => {
    if (!TEMPLATE.test(value) || !value.includes('{{')) return 'is not a template like {{major}}.{{minor}}';
    rules.semver.push(value);
    return undefined;
  },
  raw: (rules, value) => {
    if (!TAG_PATTERN.test(value)) return 'is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})';
    rules.raw.push(value);
    return undefined;
  },
  sha: (rules, value) => {
    if (value !== 'true' && value !== 'false') return 'is not valid; sha takes true or false';
    rules.sha = value === 'true';
    return undefined;
  }
};

function affix(rules: TagRules, key: 'prefix' | 'suffix', value: string): string | undefined {
  if (value !== '' && !/^[A-Za-z0-9_.-]+$/.test(value)) return 'may only use letters, digits, _ . -';
  rules[key] = value;
  return undefined;
}

/** Parses `tag-rules` lines (`key=value`); reports each bad line. */
export function parseTagRules(raw: string): { rules: TagRules; errors: string[] } {
  const rules: TagRules = { ...DEFAULT_TAG_RULES, semver: [], raw: [] };
  const errors: string[] = [];
  for (const { line, key, value } of keyValueLines(raw)) {
    const parse = Object.prototype.hasOwnProperty.call(RULES, key) ? RULES[key] : undefined;
    const problem =
      key === 'type'
        ? "is docker/metadata-action's rule syntax; give those lines as meta-tags (and flavor) instead"
        : parse
          ? parse(rules, value.trim())
          : 'is not a rule; use latest=, edge-branch=, prefix=, suffix=, semver=, raw= or sha=';
    if (problem) errors.push(`tag-rules: "${line}" ${problem}`);
  }
  if (rules.semver.length === 0) rules.semver = DEFAULT_SEMVER_TEMPLATES;
  return { rules, errors };
}
