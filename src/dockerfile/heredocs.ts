/**
 * Which words of an instruction line start a heredoc, as BuildKit's Dockerfile parser finds them: it reads
 * the line with its shell lexer (frontend/dockerfile/shell) and takes each word of the form
 * `[n]<<[-]name`, the name as the shell reads it. Whether the instruction takes heredocs at all, and
 * reading their bodies, is instructions.ts's.
 */

export interface HeredocMarker {
  /** The terminator line: the word after `<<`, quotes removed and escapes resolved. */
  name: string;
  /** `<<-`: tabs before the terminator are ignored. */
  chomp: boolean;
}

/** BuildKit's reHeredoc (Go's `\s` is these five). */
const HEREDOC_WORD = /^\d*<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** The heredocs the line starts, in order. */
export function heredocMarkers(line: string): HeredocMarker[] {
  return (shellWords(line, true) ?? []).flatMap(word => {
    const m = HEREDOC_WORD.exec(word);
    const name = m?.[2] ? shellWords(m[2], false) : undefined;
    return m && name?.length === 1 ? [{ name: name[0], chomp: m[1] === '-' }] : [];
  });
}

/** BuildKit looks for heredocs with `\` as the escape character, whatever the Dockerfile's. */
const ESCAPE = '\\';

/** Where BuildKit's lexer fails (an unterminated quote, a malformed `${...}`); the line then starts no heredoc. */
class ShellSyntaxError extends Error {}

interface Scan {
  text: string;
  at: number;
  /** Quotes kept in the words (the lexer's RawQuotes). */
  rawQuotes: boolean;
  /**
   * The word being read. BuildKit shares this buffer with the reads nested in `${name:-...}` and the like,
   * which empty it: `<<EOF${x:-y}` is read as the word `${x:-y}`, and starts no heredoc.
   */
  word: string;
}

/**
 * The shell words of `text`, variables left as written (none is set when BuildKit looks for heredocs);
 * `raw` keeps quotes and escapes, as for the whole line. Undefined where the lexer fails.
 */
function shellWords(text: string, raw: boolean): string[] | undefined {
  const scan: Scan = { text, at: 0, rawQuotes: raw, word: '' };
  const words: string[] = [];
  try {
    readUntil(scan, undefined, raw, words);
  } catch (err) {
    if (err instanceof ShellSyntaxError) return undefined;
    throw err;
  }
  return scan.word ? [...words, scan.word] : words;
}

const SPECIAL = new Map<string, (scan: Scan, rawEscapes: boolean) => string>([
  ['$', dollar],
  ["'", singleQuoted],
  ['"', doubleQuoted],
  ['<', possibleHeredoc]
]);

/** Reads up to `stop` (taken) or the end of the text, collecting words when given; returns what it read. */
function readUntil(scan: Scan, stop: string | undefined, rawEscapes: boolean, words?: string[]): string {
  let result = '';
  scan.word = '';
  while (scan.at < scan.text.length) {
    const c = scan.text[scan.at];
    if (c === stop) {
      scan.at++;
      scan.word = '';
      return result;
    }
    const special = SPECIAL.get(c);
    const part = special ? special(scan, rawEscapes) : plainCharacter(scan, rawEscapes);
    result += part;
    if (!words) continue;
    // A variable's text splits on blanks like plain text; quoted text, escapes and `<<` with its blanks do not.
    if (c === '$' || (!special && c !== ESCAPE)) addSplitting(scan, words, part);
    else scan.word += part;
  }
  if (stop !== undefined) throw new ShellSyntaxError();
  return result;
}

/** One character, or an escape (kept when raw) and the character it escapes. */
function plainCharacter(scan: Scan, rawEscapes: boolean): string {
  const c = scan.text[scan.at++];
  if (c !== ESCAPE) return c;
  return (rawEscapes ? c : '') + (scan.text[scan.at++] ?? '');
}

function addSplitting(scan: Scan, words: string[], text: string): void {
  for (const c of text) {
    if (!/\s/.test(c)) scan.word += c;
    else if (scan.word) {
      words.push(scan.word);
      scan.word = '';
    }
  }
}

function singleQuoted(scan: Scan): string {
  const end = scan.text.indexOf("'", scan.at + 1);
  if (end < 0) throw new ShellSyntaxError();
  const inner = scan.text.slice(scan.at + 1, end);
  scan.at = end + 1;
  return scan.rawQuotes ? `'${inner}'` : inner;
}

/** In double quotes the escape character escapes only `"`, `$` and itself; before another character it stays (twice when raw). */
function doubleQuoted(scan: Scan, rawEscapes: boolean): string {
  let inner = '';
  scan.at++;
  for (let c = scan.text[scan.at]; c !== '"'; c = scan.text[scan.at]) {
    if (c === undefined) throw new ShellSyntaxError();
    if (c === '$') {
      inner += dollar(scan);
      continue;
    }
    scan.at++;
    if (c !== ESCAPE) {
      inner += c;
      continue;
    }
    if (rawEscapes) inner += c;
    const next = scan.text[scan.at];
    if (next === undefined) continue;
    const escapes = next === '"' || next === '$' || next === ESCAPE;
    if (escapes) scan.at++;
    inner += escapes ? next : c;
  }
  scan.at++;
  return scan.rawQuotes ? `"${inner}"` : inner;
}

/** `<<` takes the blanks after it into its word (Dockerfile frontend 1.16 on): `<<  EOF` is one word. */
function possibleHeredoc(scan: Scan): string {
  scan.at++;
  if (scan.text[scan.at] !== '<') return '<';
  const operator = /^<[\t\r ]*/.exec(scan.text.slice(scan.at))?.[0] ?? '<';
  scan.at += operator.length;
  return '<' + operator;
}

/** `$name` or `${...}`, as written; a malformed `${...}` fails the line as it fails BuildKit's lexer. */
function dollar(scan: Scan): string {
  scan.at++;
  if (scan.text[scan.at] !== '{') return '$' + readName(scan);
  scan.at++;
  const first = scan.text[scan.at];
  if (first === undefined || '{}:'.includes(first)) throw new ShellSyntaxError();
  const name = readName(scan);
  const op = scan.text[scan.at++];
  if (op === '}') return `\${${name}}`;
  if (op === ':') {
    const modifier = scan.text[scan.at++] ?? '';
    if (modifier === '#' || modifier === '%') throw new ShellSyntaxError();
    return `\${${name}:${modifier}${readUntil(scan, '}', false)}}`;
  }
  if (op !== undefined && '+-?#%'.includes(op)) return `\${${name}${op}${readUntil(scan, '}', op === '#' || op === '%')}}`;
  if (op !== '/') throw new ShellSyntaxError();
  if (scan.text[scan.at] === '/') scan.at++;
  const pattern = readUntil(scan, '/', true);
  return `\${${name}/${pattern}/${readUntil(scan, '}', true)}}`;
}

/** Digits, one special parameter character, or letters, digits and `_`. */
function readName(scan: Scan): string {
  const name = /^(?:\p{Nd}+|[@*#?$!-]|[\p{L}\p{Nd}_]*)/u.exec(scan.text.slice(scan.at))?.[0] ?? '';
  scan.at += name.length;
  return name;
}
