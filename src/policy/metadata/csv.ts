/**
 * How metadata-action splits its `tags` and `flavor` inputs (learned from its source and checked
 * against its published build): the whole input is read as CSV into lines, quotes relaxed and
 * lines starting with `#` skipped; each line's fields are joined back with `,`; then each line is
 * read again as CSV, quotes strict, into its fields. The first pass removes the quotes around a
 * field, so a value with a comma must be written `"""value=a,b"""` to reach the second pass quoted.
 */

export interface InputLine {
  text: string;
  /** 1-based line of the input where it starts. */
  line: number;
}

interface CsvRecord {
  fields: string[];
  line: number;
}

interface Scan {
  readonly text: string;
  readonly relaxed: boolean;
  i: number;
  line: number;
}

const END_OF_FIELD = new Set([undefined, ',', '\n', '\r']);

function quoteError(s: Scan, what: string): Error {
  return new Error(s.relaxed ? `${what} (line ${s.line})` : `${what}; a value with a comma or a quote is written """key=value"""`);
}

/** A field that opens with a quote; in relaxed mode one whose closing quote is not followed by `,` is kept as written. */
function quotedField(s: Scan): string {
  let content = '';
  for (s.i++; s.i < s.text.length; s.i++) {
    const c = s.text[s.i];
    if (c !== '"') {
      if (c === '\n') s.line++;
      content += c;
    } else if (s.text[s.i + 1] === '"') {
      content += '"';
      s.i++;
    } else {
      s.i++;
      if (END_OF_FIELD.has(s.text[s.i])) return content;
      if (!s.relaxed) throw quoteError(s, `a closing quote is followed by "${s.text[s.i]}"`);
      return `"${content}"${unquotedField(s)}`;
    }
  }
  throw quoteError(s, 'a quote is not closed');
}

function unquotedField(s: Scan): string {
  let out = '';
  for (; !END_OF_FIELD.has(s.text[s.i]); s.i++) {
    if (s.text[s.i] === '"' && !s.relaxed) throw quoteError(s, 'a quote inside a value');
    out += s.text[s.i];
  }
  return out;
}

function skipLineBreak(s: Scan): void {
  if (s.text[s.i] === '\r') s.i++;
  if (s.text[s.i] === '\n') s.i++;
  s.line++;
}

/** One record from s.i up to its line break; empty lines give no field at all. */
function record(s: Scan): string[] {
  const fields: string[] = [];
  if (END_OF_FIELD.has(s.text[s.i]) && s.text[s.i] !== ',') return fields;
  for (;;) {
    fields.push(s.text[s.i] === '"' ? quotedField(s) : unquotedField(s));
    if (s.text[s.i] !== ',') return fields;
    s.i++;
  }
}

function parseCsv(text: string, relaxed: boolean, comments: boolean, firstLine = 1): CsvRecord[] {
  const s: Scan = { text, relaxed, i: 0, line: firstLine };
  const records: CsvRecord[] = [];
  while (s.i < text.length) {
    const line = s.line;
    if (comments && text[s.i] === '#') while (s.i < text.length && text[s.i] !== '\n' && text[s.i] !== '\r') s.i++;
    else {
      const fields = record(s);
      if (fields.length > 0) records.push({ fields, line });
    }
    if (s.i < text.length) skipLineBreak(s);
  }
  return records;
}

/**
 * The input's lines as metadata-action reads them, trimmed. A line of blanks only is skipped
 * (metadata-action fails on one with an unhelpful message).
 */
export function inputLines(input: string): { lines: InputLine[]; error?: string } {
  try {
    // The runner trims the input; line numbers still count the blank lines it removed.
    const leading = input.slice(0, input.length - input.trimStart().length);
    const records = parseCsv(input.trim(), true, true, leading.split('\n').length);
    return {
      lines: records.map(r => ({ text: r.fields.join(',').trim(), line: r.line })).filter(l => l.text !== '')
    };
  } catch (e) {
    return { lines: [], error: (e as Error).message };
  }
}

/** The fields of one line (quotes strict); throws what is wrong with its quoting. */
export function lineFields(line: string): string[] {
  return parseCsv(line, false, false)[0]?.fields ?? [];
}
