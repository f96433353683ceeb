/** YAML, read with the yaml package (the `append` input), which is loaded only when such an input is given. */
import type * as Yaml from 'yaml';

/** Parses a YAML document; throws the yaml package's error (with `linePos`) when it is not YAML. */
export function parseYaml(text: string): unknown {
  // Required here, not at the top: most runs give no YAML input and never load the parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof Yaml;
  return yaml.parse(text);
}
