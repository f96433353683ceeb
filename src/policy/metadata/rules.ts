/**
 * docker/metadata-action's `tags` input parsed into typed rules: `type=<type>,key=value,...` per
 * line, a bare field being the `value` (so a bare line is `type=raw,value=...`), each type's
 * attributes with its defaults, sorted by priority (highest first; equal priorities keep their
 * order). Every malformed line is reported, each once, naming it.
 */
import { InputLine, inputLines, lineFields } from './csv';

export type RefEvent = 'branch' | 'tag' | 'pr';
export type ShaFormat = 'short' | 'long';

/** Each type's own attributes. */
export interface AttrsByType {
  schedule: { pattern: string };
  semver: { pattern: string; value: string; match: string };
  pep440: { pattern: string; value: string; match: string };
  match: { pattern: string; group: string; value: string };
  edge: { branch: string };
  ref: { event: RefEvent };
  raw: { value: string };
  sha: { format: ShaFormat };
}

export type TagType = keyof AttrsByType;

export interface RuleCommon {
  /** The line as written, for the log and messages. */
  text: string;
  line: number;
  /** An expression that must come out `true` or `false`. */
  enable: string;
  priority: number;
  /** Undefined: the flavor's prefix (suffix) applies instead. */
  prefix?: string;
  suffix?: string;
}

export type RuleOf<T extends TagType> = RuleCommon & { type: T } & AttrsByType[T];
export type Rule = { [T in TagType]: RuleOf<T> }[TagType];

/** metadata-action's default priority of each type; the table names every type. */
export const DEFAULT_PRIORITIES: Record<TagType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100
};

export const TAG_TYPES = Object.keys(DEFAULT_PRIORITIES) as TagType[];

/** The rules metadata-action uses when `tags` is empty. */
export const DEFAULT_TAG_LINES = ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'];

const COMMON_KEYS = ['type', 'enable', 'priority', 'prefix', 'suffix'];

type Attrs = Map<string, string>;

/** Reads one type's attributes; `problem` records what is wrong (the result is then unused). */
type TypeParser<T extends TagType> = (a: Attrs, problem: (what: string) => void) => AttrsByType[T];

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): value is T {
  return allowed.includes(value as T);
}

function required(a: Attrs, key: string, problem: (what: string) => void): string {
  const v = a.get(key);
  if (v === undefined) problem(`has no ${key}=`);
  return v ?? '';
}

/** `type=match`'s pattern: `/body/flags` is a regular expression literal; anything else is its body. */
export function matchPattern(pattern: string): RegExp {
  const literal = /^\/(.+)\/(.*)$/.exec(pattern);
  return literal ? new RegExp(literal[1], literal[2]) : new RegExp(pattern);
}

/** metadata-action compiles a pattern only when the rule applies; a bad one is reported on every event here. */
function checkRegExp(key: string, compile: () => RegExp, problem: (what: string) => void): void {
  try {
    compile();
  } catch (e) {
    problem(`has ${key}= that is not a regular expression: ${(e as Error).message}`);
  }
}

const versionAttrs = (a: Attrs, problem: (what: string) => void): AttrsByType['semver'] => {
  const match = a.get('match') ?? '';
  checkRegExp('match', () => new RegExp(match), problem);
  return { pattern: required(a, 'pattern', problem), value: a.get('value') ?? '', match };
};

const TYPE_PARSERS: { [T in TagType]: TypeParser<T> } = {
  schedule: a => ({ pattern: a.get('pattern') ?? 'nightly' }),
  semver: versionAttrs,
  pep440: versionAttrs,
  match: (a, problem) => {
    const group = a.get('group') ?? '0';
    if (isNaN(Number(group))) problem(`has group=${group}, which is not a number`);
    const pattern = required(a, 'pattern', problem);
    checkRegExp('pattern', () => matchPattern(pattern), problem);
    return { pattern, group, value: a.get('value') ?? '' };
  },
  edge: a => ({ branch: a.get('branch') ?? '' }),
  ref: (a, problem) => {
    const event = required(a, 'event', problem);
    if (a.has('event') && !oneOf(event, ['branch', 'tag', 'pr'] as const)) problem(`has event=${event}; use branch, tag or pr`);
    return { event: event as RefEvent };
  },
  raw: (a, problem) => ({ value: required(a, 'value', problem) }),
  sha: (a, problem) => {
    const format = a.get('format') ?? 'short';
    if (!oneOf(format, ['short', 'long'] as const)) problem(`has format=${format}; use short or long`);
    return { format: format as ShaFormat };
  }
};

/** Each type's own attribute names (checked against AttrsByType). */
const TYPE_KEYS: { [T in TagType]: (keyof AttrsByType[T])[] } = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format']
};

/** `key=value` splits at the first `=` with something before it; a field without one is the value. */
function attributes(fields: string[]): Attrs {
  const a: Attrs = new Map();
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq > 0) a.set(field.slice(0, eq).trim().toLowerCase(), field.slice(eq + 1).trim());
    else a.set('value', field.trim());
  }
  return a;
}

/** The defaults metadata-action gives before the flavor applies: `pr-` for pull requests, `sha-` for commits. */
function defaultPrefix(type: TagType, a: Attrs): string | undefined {
  if (type === 'sha') return 'sha-';
  if (type === 'ref' && a.get('event') === 'pr') return 'pr-';
  return undefined;
}

function common(type: TagType, a: Attrs, l: InputLine, problem: (what: string) => void): RuleCommon {
  const priority = Number(a.get('priority') ?? DEFAULT_PRIORITIES[type]);
  if (isNaN(priority)) problem(`has priority=${a.get('priority')}, which is not a number`);
  return {
    text: l.text,
    line: l.line,
    enable: a.get('enable') ?? 'true',
    priority,
    prefix: a.get('prefix') ?? defaultPrefix(type, a),
    suffix: a.get('suffix')
  };
}

function unknownKeys(type: TagType, a: Attrs): string[] {
  const own: string[] = TYPE_KEYS[type];
  return [...a.keys()].filter(k => !COMMON_KEYS.includes(k) && !own.includes(k));
}

function typedRule(type: TagType, a: Attrs, l: InputLine, problem: (what: string) => void): Rule {
  // TYPE_PARSERS[type] gives exactly the attributes of `type`; TypeScript cannot correlate the two.
  const specific = (TYPE_PARSERS[type] as TypeParser<TagType>)(a, problem);
  return { ...common(type, a, l, problem), type, ...specific } as Rule;
}

interface LineResult {
  rule?: Rule;
  problems: string[];
  warnings: string[];
}

function parseLine(l: InputLine): LineResult {
  const problems: string[] = [];
  let fields: string[];
  try {
    fields = lineFields(l.text);
  } catch (e) {
    return { problems: [(e as Error).message], warnings: [] };
  }
  const a = attributes(fields);
  const type = a.get('type') ?? 'raw';
  if (!oneOf(type, TAG_TYPES)) return { problems: [`has type=${type}; use one of ${TAG_TYPES.join(', ')}`], warnings: [] };
  const rule = typedRule(type, a, l, what => problems.push(what));
  const warnings = unknownKeys(type, a).map(k => `has ${k}=, which type=${type} does not use: ignored`);
  return { rule: problems.length === 0 ? rule : undefined, problems, warnings };
}

/** How a message names a line: `meta-tags: "type=sha,format=x" (line 3)`; metadata-action's default rules have no line. */
export function describeLine(input: 'meta-tags' | 'flavor', l: InputLine): string {
  return `${input}: ${JSON.stringify(l.text)} (${l.line > 0 ? `line ${l.line}` : 'default rule'})`;
}

export interface ParsedRules {
  /** Sorted by priority, highest first. */
  rules: Rule[];
  errors: string[];
  warnings: string[];
}

/** The `tags` input as metadata-action reads it; with no line at all, its default rules. */
export function parseTagRules(input: string): ParsedRules {
  const { lines, error } = inputLines(input);
  if (error) return { rules: [], errors: [`meta-tags: ${error}`], warnings: [] };
  const given = lines.length > 0 ? lines : DEFAULT_TAG_LINES.map(text => ({ text, line: 0 }));
  const out: ParsedRules = { rules: [], errors: [], warnings: [] };
  for (const l of given) {
    const r = parseLine(l);
    out.errors.push(...r.problems.map(p => `${describeLine('meta-tags', l)} ${p}`));
    out.warnings.push(...r.warnings.map(w => `${describeLine('meta-tags', l)} ${w}`));
    if (r.rule) out.rules.push(r.rule);
  }
  // Array.prototype.sort is stable: equal priorities keep the order they were written in.
  out.rules.sort((x, y) => y.priority - x.priority);
  return out;
}
