/**
 * How an action input is declared: its name and default as `action.yml` gives them (a unit test
 * holds the two equal), and the reader that turns its text into a typed value. A group of
 * declarations is read in one call, and its value type is derived from the declarations.
 */
import * as core from '@actions/core';
import { RunContext } from './context';
import { keyValueLines, listItems } from './lists';
import { Problems } from './problems';

/** Reads an input's text by name (`core.getInput`, or a table in tests). */
export type InputReader = (name: string) => string;

/** What a reader gets besides the text: the input's name, its default, where problems go, the run. */
export interface ReadContext {
  name: string;
  /** The default as action.yml writes it ('' when none). */
  fallback: string;
  p: Problems;
  ctx: RunContext;
}

export type Read<T> = (raw: string, rc: ReadContext) => T;

export interface InputSpec<T> {
  name: string;
  /** action.yml's default; the runner fills it in, and so does the reader when the input is empty. */
  default?: string;
  read: Read<T>;
  /** Whitespace is the value (a separator such as `sep-tags: " "`): read untrimmed, empty only when ''. */
  keepWhitespace?: boolean;
}

export function input<T>(name: string, dflt: string | undefined, read: Read<T>, opts: { keepWhitespace?: boolean } = {}): InputSpec<T> {
  return { name, default: dflt, read, ...opts };
}

export type InputGroup = Record<string, InputSpec<unknown>>;

type SpecValues<G extends InputGroup> = { [K in keyof G]: G[K] extends InputSpec<infer T> ? T : never };
type OptionalKeys<T> = { [K in keyof T]: undefined extends T[K] ? K : never }[keyof T];

/** The values a group of declarations yields, field by field (a reader that may give undefined makes an optional field). */
export type GroupValues<G extends InputGroup> = Omit<SpecValues<G>, OptionalKeys<SpecValues<G>>> &
  Partial<Pick<SpecValues<G>, OptionalKeys<SpecValues<G>>>>;

/** An expression default (`${{ github.token }}`) is the runner's to evaluate, never ours. */
function codeDefault(spec: InputSpec<unknown>): string {
  const d = spec.default ?? '';
  return d.startsWith('${{') ? '' : d;
}

export function readGroup<G extends InputGroup>(group: G, read: InputReader, p: Problems, ctx: RunContext): GroupValues<G> {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(group)) {
    const fallback = codeDefault(spec);
    const given = read(spec.name);
    const empty = spec.keepWhitespace ? given === '' : given.trim() === '';
    out[field] = spec.read(empty ? fallback : given, { name: spec.name, fallback, p, ctx });
  }
  return out as GroupValues<G>;
}

// ---------------------------------------------------------------------------------------------
// Readers shared by many inputs. Each records problems and still returns a usable value, so
// every problem is found in one pass.

export const text: Read<string> = raw => raw.trim();

export const optional: Read<string | undefined> = raw => raw.trim() || undefined;

export const verbatim: Read<string> = raw => raw;

/** Case-insensitive choice; the value is always one of `allowed` (the default when invalid). */
export function choice<T extends string>(allowed: readonly T[]): Read<T> {
  return (raw, rc) => {
    const value = raw.trim().toLowerCase() as T;
    if (allowed.includes(value)) return value;
    rc.p.add(rc.name, raw.trim(), `is not valid; use one of: ${allowed.join(', ')}`);
    return rc.fallback as T;
  };
}

const trueOrFalse = choice(['true', 'false'] as const);

export const bool: Read<boolean> = (raw, rc) => trueOrFalse(raw, rc) === 'true';

/** One item per line (`#` lines are comments). */
export const lines: Read<string[]> = raw => listItems(raw);

/** One item per line or comma-separated. */
export const list: Read<string[]> = raw => listItems(raw, { commas: true });

/**
 * KEY=VALUE lines; `keyPattern` says what a key may look like. A malformed line is quoted only up
 * to its `=` (what follows may be a secret), and that part is masked before anything can print it.
 */
export function keyValues(keyPattern = /^[^=\s]+$/): Read<string[]> {
  return (raw, rc) => {
    const out: string[] = [];
    for (const { line, key } of keyValueLines(raw)) {
      const eq = line.indexOf('=');
      if (key !== '' && keyPattern.test(line.slice(0, eq))) {
        out.push(line);
        continue;
      }
      if (eq < 0) rc.p.add(rc.name, line, 'is not KEY=VALUE');
      else {
        maskValue(line.slice(eq + 1));
        rc.p.add(rc.name, `${line.slice(0, eq)}=…`, 'is not KEY=VALUE (KEY must be non-empty, without spaces; the value is not shown)');
      }
    }
    return out;
  };
}

/** Masks a value (and each of its lines) in the step's log. */
export function maskValue(value: string): void {
  for (const v of [value, ...value.split(/\r?\n/)].map(x => x.trim())) if (v !== '') core.setSecret(v);
}

/** `true`, `false`, or buildx attestation attributes (`mode=max,builder-id=...`). */
export const attestation: Read<string | undefined> = (raw, rc) => {
  const value = raw.trim();
  if (value === '') return undefined;
  if (/^(true|false)$/i.test(value)) return value.toLowerCase();
  if (value.split(',').every(kv => /^[a-z-]+=[^,=]+$/.test(kv.trim()))) return value;
  rc.p.add(rc.name, value, 'is not valid; use true, false, or attributes like mode=max');
  return undefined;
};

export const url: Read<string> = (raw, rc) => {
  const value = raw.trim();
  if (!URL.canParse(value) || !['https:', 'http:'].includes(new URL(value).protocol)) rc.p.add(rc.name, value, 'is not an http(s) URL');
  return value.replace(/\/+$/, '');
};
