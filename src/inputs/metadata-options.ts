/**
 * Readers of the inputs docker/metadata-action users paste: `meta-tags` (its `tags` rules),
 * `flavor`, `sep-tags`/`sep-labels`/`sep-annotations`, and its `name=…,enable=…` image lines.
 * The rules themselves are parsed with the event in `policy/metadata`; here only their text.
 */
import { csvFields, goBool } from './csv';
import { Read } from './input-spec';
import { listItems } from './lists';

/** The rule text as written ('' lines and all), or undefined when the input is empty. */
export const ruleText: Read<string | undefined> = raw => (raw.trim() === '' ? undefined : raw);

/** A separator is taken as written, spaces included; empty means a newline, as in metadata-action. */
export const separator: Read<string> = raw => (raw === '' ? '\n' : raw);

/** A line that uses metadata-action's image attributes rather than a plain list of names. */
function hasAttributes(line: string): boolean {
  return /^\s*name\s*=/i.test(line) || /,\s*enable\s*=/i.test(line);
}

/**
 * Image names from `images`: plain names, comma- or newline-separated, or metadata-action's
 * `name=NAME,enable=true|false` lines (a disabled image is dropped). `bad` records a line whose
 * attributes cannot be read.
 */
export function imageItems(raw: string, bad: (item: string, why: string) => void): string[] {
  const out: string[] = [];
  for (const line of listItems(raw)) {
    if (!hasAttributes(line)) {
      out.push(...listItems(line, { commas: true }));
      continue;
    }
    const fields = csvFields(line);
    const name = fields.get('name');
    const enable = goBool(fields.get('enable') ?? 'true');
    const unknown = [...fields.keys()].filter(k => k !== 'name' && k !== 'enable');
    if (!name) bad(line, 'has no name=; use name=IMAGE[,enable=true|false]');
    else if (enable === undefined) bad(line, 'has enable= that is neither true nor false');
    else if (unknown.length > 0) bad(line, `has ${unknown.join(', ')}, which images does not take; use name=IMAGE[,enable=true|false]`);
    else if (enable) out.push(name);
  }
  return out;
}
