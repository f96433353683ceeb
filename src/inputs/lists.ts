/** The one list parser every multi-value input goes through. */

/**
 * Items of a list input: one per line (lines starting with `#` are comments), or also
 * comma-separated where `commas` is set; trimmed, empty items dropped.
 */
export function listItems(raw: string, opts: { commas?: boolean } = {}): string[] {
  return raw
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => !line.startsWith('#'))
    .flatMap(line => (opts.commas ? line.split(',') : [line]))
    .map(item => item.trim())
    .filter(item => item !== '');
}

export interface KeyValue {
  /** The whole line, as written (trimmed). */
  line: string;
  /** Trimmed text before the first `=`; '' when the line has no key. */
  key: string;
  value: string;
}

/** `KEY=VALUE` lines of a list input; the caller decides what a valid key is. */
export function keyValueLines(raw: string): KeyValue[] {
  return listItems(raw).map(line => {
    const eq = line.indexOf('=');
    return eq > 0 ? { line, key: line.slice(0, eq).trim(), value: line.slice(eq + 1) } : { line, key: '', value: '' };
  });
}
