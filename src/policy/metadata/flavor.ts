/**
 * docker/metadata-action's `flavor` input: `latest=auto|true|false`, and a global `prefix` and
 * `suffix`, each followed on its line by `onlatest=true` to put it on `latest` too. Every
 * malformed line is reported, naming it.
 */
import { InputLine, inputLines, lineFields } from './csv';
import { describeLine } from './rules';

export interface Flavor {
  latest: 'auto' | 'true' | 'false';
  prefix: string;
  prefixOnLatest: boolean;
  suffix: string;
  suffixOnLatest: boolean;
}

export const DEFAULT_FLAVOR: Flavor = { latest: 'auto', prefix: '', prefixOnLatest: false, suffix: '', suffixOnLatest: false };

const LATEST = ['auto', 'true', 'false'] as const;

/** Applies one `key=value` field; `affix` is the prefix or suffix this line last set (onlatest refers to it). */
function applyField(f: Flavor, key: string, value: string, affix: 'prefix' | 'suffix' | undefined): string | undefined {
  switch (key) {
    case 'latest':
      if (!LATEST.includes(value as Flavor['latest'])) return `has latest=${value}; use auto, true or false`;
      f.latest = value as Flavor['latest'];
      return undefined;
    case 'prefix':
    case 'suffix':
      f[key] = value;
      return undefined;
    case 'onlatest':
      if (value !== 'true' && value !== 'false') return `has onlatest=${value}; use true or false`;
      if (affix) f[affix === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = value === 'true';
      return undefined;
    default:
      return `has ${key}=, which is not a flavor; use latest=, prefix=, suffix= or onlatest=`;
  }
}

function parseFlavorLine(f: Flavor, l: InputLine): string[] {
  let fields: string[];
  try {
    fields = lineFields(l.text);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  let affix: 'prefix' | 'suffix' | undefined;
  for (const field of fields) {
    // metadata-action splits at every `=` and keeps the part between the first two.
    const parts = field.split('=').map(s => s.trim());
    if (parts.length === 1) {
      problems.push(`has ${JSON.stringify(field)}, which is not key=value`);
      continue;
    }
    const key = parts[0].toLowerCase();
    const problem = applyField(f, key, parts[1], affix);
    if (problem) problems.push(problem);
    if (key === 'prefix' || key === 'suffix') affix = key;
  }
  return problems;
}

export function parseFlavor(input: string): { flavor: Flavor; errors: string[] } {
  const flavor = { ...DEFAULT_FLAVOR };
  const { lines, error } = inputLines(input);
  if (error) return { flavor, errors: [`flavor: ${error}`] };
  const errors = lines.flatMap(l => parseFlavorLine(flavor, l).map(p => `${describeLine('flavor', l)} ${p}`));
  return { flavor, errors };
}
