/**
 * Dockerfile text → the instructions BuildKit's Dockerfile frontend reads from it (moby/buildkit
 * frontend/dockerfile/parser): parser directives (the escape character), comments, continued lines,
 * heredocs, instruction flags and ARG declarations. Syntax only: what the instructions mean is decided
 * by the layers above.
 */

export interface Flag {
  /** Lower-case, without the leading `--`. */
  name: string;
  /** Empty when the flag has none. */
  value: string;
  /** The value's comma-separated `key=value` fields (as --mount has), keys lower-case. */
  fields: [string, string][];
}

export interface ArgDeclaration {
  name: string;
  /** The default as written (quotes and escapes kept); undefined when there is none. */
  value?: string;
}

export interface Instruction {
  /** Upper-case. */
  keyword: string;
  /** 1-based line of the instruction (its first line when continued). */
  line: number;
  /**
   * The instruction on one line: the keyword as written, then its flags and arguments separated by single
   * spaces (continued lines joined, comment lines and heredoc bodies left out).
   */
  text: string;
  /** The `--name=value` flags before the arguments; a name may repeat (--mount). */
  flags: Flag[];
  /** The arguments after the flags, as written. */
  words: string[];
  /** ARG's declarations; empty for other instructions. */
  declarations: ArgDeclaration[];
  /** Heredoc bodies, in the order they are declared. */
  heredocs: string[];
}

export interface ParsedDockerfile {
  /** The escape character: `\` or the `# escape=` directive's backtick. */
  escape: string;
  instructions: Instruction[];
}

interface Cursor {
  lines: string[];
  at: number;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = ['syntax', 'escape', 'check'];
const SKIPPED_LINE = /^\s*(?:#|$)/;
const HEREDOC_KEYWORDS = ['RUN', 'COPY', 'ADD'];
const HEREDOC_WORD = /^\d*<<(-?)\s*([^<]+)$/;

export function readDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const escape = escapeCharacter(lines);
  const continuation = continuationPattern(escape);
  const cursor: Cursor = { lines, at: 0 };
  const instructions: Instruction[] = [];
  while (cursor.at < lines.length) {
    if (SKIPPED_LINE.test(lines[cursor.at])) {
      cursor.at++;
      continue;
    }
    const line = cursor.at + 1;
    const instruction = toInstruction(joinContinued(cursor, continuation), line);
    instruction.heredocs = readHeredocs(cursor, instruction);
    instructions.push(instruction);
  }
  return { escape, instructions };
}

/** The `# escape=` parser directive's character; directives end at the first other line. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const m = DIRECTIVE.exec(line.trimStart());
    if (!m || !DIRECTIVE_NAMES.includes(m[1].toLowerCase())) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/** A line ending in the escape character (not itself escaped) continues on the next line. */
function continuationPattern(escape: string): RegExp {
  const e = escape === '`' ? '`' : '\\\\';
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

function joinContinued(cursor: Cursor, continuation: RegExp): string {
  let joined = '';
  let line: string | undefined = cursor.lines[cursor.at++];
  while (line !== undefined && continuation.test(line)) {
    joined += line.replace(continuation, '$1');
    line = nextContentLine(cursor);
  }
  return joined + (line ?? '');
}

/** BuildKit drops comment and blank lines inside a continued instruction. */
function nextContentLine(cursor: Cursor): string | undefined {
  while (cursor.at < cursor.lines.length) {
    const line = cursor.lines[cursor.at++];
    if (!SKIPPED_LINE.test(line)) return line;
  }
  return undefined;
}

function toInstruction(joined: string, line: number): Instruction {
  const [written = '', ...args] = shellWords(joined);
  const keyword = written.toUpperCase();
  const { flags, words } = splitFlags(args);
  const declarations = keyword === 'ARG' ? parseArgDeclarations(args) : [];
  return { keyword, line, text: [written, ...args].join(' '), flags, words, declarations, heredocs: [] };
}

function readHeredocs(cursor: Cursor, instruction: Instruction): string[] {
  if (!HEREDOC_KEYWORDS.includes(instruction.keyword) || !instruction.text.includes('<<')) return [];
  return heredocMarkers(instruction.words).map(marker => readHeredocBody(cursor, marker));
}

function heredocMarkers(words: string[]): { name: string; chomp: boolean }[] {
  return words.flatMap(word => {
    const m = HEREDOC_WORD.exec(word);
    const name = m?.[2].replace(/["']/g, '') ?? '';
    return m && name ? [{ name, chomp: m[1] === '-' }] : [];
  });
}

/** Consumes the body up to its terminator (`<<-` strips leading tabs before comparing). */
function readHeredocBody(cursor: Cursor, marker: { name: string; chomp: boolean }): string {
  const body: string[] = [];
  while (cursor.at < cursor.lines.length) {
    const line = cursor.lines[cursor.at++];
    if ((marker.chomp ? line.replace(/^\t+/, '') : line) === marker.name) break;
    body.push(line);
  }
  return body.join('\n');
}

/** Splits on unquoted whitespace, keeping quotes and backslash escapes in the words. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote !== "'") word += c + (text[++i] ?? '');
    else if (c === quote || (!quote && (c === '"' || c === "'"))) {
      quote = quote ? '' : c;
      word += c;
    } else if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = '';
    } else word += c;
  }
  if (word) words.push(word);
  return words;
}

/** Leading `--name=value` flags and the words after them. */
function splitFlags(words: string[]): { flags: Flag[]; words: string[] } {
  const flags: Flag[] = [];
  let i = 0;
  for (; i < words.length && words[i].startsWith('--'); i++) {
    const [name, ...value] = words[i].slice(2).split('=');
    flags.push(toFlag(name, value.join('=')));
  }
  return { flags, words: words.slice(i) };
}

function toFlag(name: string, value: string): Flag {
  const fields = value.includes('=')
    ? value.split(',').map((field): [string, string] => {
        const [key, ...rest] = field.split('=');
        return [key.trim().toLowerCase(), rest.join('=')];
      })
    : [];
  return { name: name.toLowerCase(), value, fields };
}

function parseArgDeclarations(words: string[]): ArgDeclaration[] {
  return words.map(word => {
    const eq = word.indexOf('=');
    return eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}
