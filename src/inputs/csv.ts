/** buildx's `key=value,key="v,w"` option entries (--output, --cache-from…), read as buildx reads them. */
import { parse } from 'csv-parse/sync';

/**
 * The fields of one entry: CSV (quotes allowed), each field split at its first `=`, keys trimmed
 * and lower-cased as buildx does; a field without `=` has the value undefined.
 */
export function csvFields(entry: string): Map<string, string | undefined> {
  let rows: string[][];
  try {
    rows = parse(entry, { relax_quotes: true, trim: true });
  } catch {
    rows = [entry.split(',')];
  }
  const fields = new Map<string, string | undefined>();
  for (const field of rows[0] ?? []) {
    const eq = field.indexOf('=');
    fields.set((eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase(), eq < 0 ? undefined : field.slice(eq + 1).trim());
  }
  return fields;
}

/** A boolean as Go's strconv.ParseBool reads it (which BuildKit uses); undefined when it is none. */
export function goBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}
