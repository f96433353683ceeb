/** TOML, read with smol-toml (buildkitd.toml in buildkitd-config-inline). */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml ships CommonJS too, but its types are declared as ES module types, which TypeScript
// will not let a CommonJS module import: require the CommonJS build, typed by the declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const smolToml = require('smol-toml') as typeof SmolToml;

/** Parses a TOML document; throws smol-toml's error (with `line`) when it is not TOML. */
export function parseToml(text: string): Record<string, unknown> {
  return smolToml.parse(text);
}
