/**
 * YAML for the inputs written in it: `registry-auth` (docker/login-action's list) and `append`
 * (setup-buildx-action's nodes). The parser is a chunk of its own, loaded only when such an input
 * is given (`loadYamlFor`, before the inputs are read), so a run without one never loads it.
 */
type Yaml = typeof import('yaml');

let yaml: Yaml | undefined;

/** Loads the YAML parser if any of these input texts is non-empty (reading them needs it). */
export async function loadYamlFor(...texts: string[]): Promise<void> {
  if (yaml || texts.every(t => t.trim() === '')) return;
  yaml = await import('yaml');
}

function loaded(): Yaml {
  if (!yaml) throw new Error('the YAML parser was not loaded before an input written in YAML was read');
  return yaml;
}

/**
 * Parses a YAML document with YAML's usual types, as setup-buildx-action reads `append`; throws the
 * yaml package's error (with `linePos`) when it is not YAML. `loadYamlFor` must have seen the text.
 */
export function parseYaml(text: string): unknown {
  return loaded().parse(text);
}

/**
 * Parses a YAML document in which every scalar is a string (the failsafe schema: `0123` and `true`
 * stay as written), keys are unique and aliases refused: for `registry-auth`, whose values are
 * secrets. `loadYamlFor` must have seen the text.
 */
export function parseYamlStrings(text: string): unknown {
  return loaded().parse(text, { schema: 'failsafe', prettyErrors: false, uniqueKeys: true, maxAliasCount: 0 });
}
