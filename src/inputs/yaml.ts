/**
 * YAML for the inputs written in it (`registry-auth`). The parser is a chunk of its own, loaded
 * only when such an input is given (`loadYamlFor`, before the inputs are read), so a run without
 * one never loads it. Every scalar is a string (the failsafe schema: `0123` and `true` stay as
 * written), and aliases are refused.
 */
type Parse = (text: string) => unknown;

let parser: Parse | undefined;

/** Loads the YAML parser if any of these input texts is non-empty (reading them needs it). */
export async function loadYamlFor(...texts: string[]): Promise<void> {
  if (parser || texts.every(t => t.trim() === '')) return;
  const { parse } = await import('yaml');
  parser = (text: string) => parse(text, { schema: 'failsafe', prettyErrors: false, uniqueKeys: true, maxAliasCount: 0 });
}

/** Parses YAML text; `loadYamlFor` must have seen it first (a program error otherwise). */
export function parseYaml(text: string): unknown {
  if (!parser) throw new Error('the YAML parser was not loaded before an input written in YAML was read');
  return parser(text);
}
