/**
 * Inputs the workflow sets that this action does not declare. The runner passes every `with:` key
 * as an INPUT_* variable and only warns about unknown ones, so a block pasted from another action
 * (`ssh:`, `build-contexts:`) would be ignored without a word: each one is an input problem here,
 * with the input that was probably meant.
 */
import { closest, distance } from 'fastest-levenshtein';
import { Problems } from './problems';

/** Inputs of Docker's actions that this action has under another name. */
const RENAMED: Record<string, string> = {
  'meta-flavor': 'flavor',
  'meta-images': 'images',
  'meta-labels': 'labels',
  'meta-annotations': 'annotations',
  image: 'qemu-image',
  config: 'buildkitd-config',
  'config-inline': 'buildkitd-config-inline',
  'driver-opt': 'driver-opts',
  'buildkitd-flag': 'buildkitd-flags',
  'node-platform': 'node-platforms',
  nodes: 'append'
};

/** The variable the runner sets for an input: `INPUT_` and the name upper-cased, spaces as `_`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The inputs the environment sets, as names (lower case). */
export function givenInputs(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env)
    .filter(k => k.startsWith('INPUT_') && k.length > 'INPUT_'.length)
    .map(k => k.slice('INPUT_'.length).toLowerCase());
}

/** The declared input a misspelt or renamed one most likely means, if any is close enough. */
export function suggestInput(name: string, declared: string[]): string | undefined {
  const renamed = RENAMED[name];
  if (renamed && declared.includes(renamed)) return renamed;
  const best = closest(name, declared);
  return distance(name, best) <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

export function undeclaredInputProblems(given: string[], declared: { name: string }[], p: Problems): void {
  const names = declared.map(d => d.name);
  const known = new Set(names.map(inputVariable));
  for (const name of given) {
    if (known.has(inputVariable(name))) continue;
    const suggestion = suggestInput(name, names);
    p.push(
      suggestion
        ? `\`${name}\` is not an input of this action; did you mean \`${suggestion}\`?`
        : `\`${name}\` is not an input of this action; remove it (the README's Inputs table lists every input)`
    );
  }
}
