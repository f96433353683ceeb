/**
 * Dockerfile text → the instructions BuildKit's Dockerfile frontend reads from it, step by step as its
 * parser does (moby/buildkit frontend/dockerfile/parser): parser directives (the escape character),
 * comments, continued lines, heredocs, instruction flags and ARG declarations. Syntax only: what the
 * instructions mean is decided by the layers above.
 */
import { HeredocMarker, heredocMarkers } from './heredocs';

export interface Flag {
  /** Lower-case, without the leading `--`. */
  name: string;
  /** Quotes removed and escapes resolved, as BuildKit reads it; empty when the flag has none. */
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
   * The instruction on one line: the keyword as written, then its flags and arguments as written, separated
   * by single spaces (continued lines joined, comment lines and heredoc bodies left out).
   */
  text: string;
  /** The `--name=value` flags before the arguments; a name may repeat (--mount). */
  flags: Flag[];
  /** The arguments after the flags, split on blanks outside quotes (FROM's on every blank), as written. */
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

/** An instruction line cut as BuildKit's splitCommand cuts it. */
interface InstructionParts {
  keyword: string;
  flags: Flag[];
  /** The flags as written, and the `--` that ends them if there is one. */
  flagWords: string[];
  /** What follows the flags. */
  args: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = ['syntax', 'escape', 'check'];
const SKIPPED_LINE = /^\s*(?:#|$)/;
/** BuildKit's reWhitespace separates the keyword from the rest, and FROM's words. */
const BLANKS = /[\t\v\f\r ]+/;
const KEYWORD = /^([^\t\v\f\r ]*)[\t\v\f\r ]*/;
const NOT_BLANK = /\S|$/;
const HEREDOC_KEYWORDS = ['RUN', 'COPY', 'ADD'];

export function readDockerfile(text: string): ParsedDockerfile {
  // BuildKit splits on \n and takes the \r (any number of them) off each line's end.
  const lines = text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map(line => line.replace(/\r+$/, ''));
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
    const joined = joinContinued(cursor, continuation);
    const parts = splitInstruction(joined, escape);
    const instruction = toInstruction(parts, line, escape);
    if (joined.includes('<<') && takesHeredocs(parts, escape)) {
      instruction.heredocs = heredocMarkers(joined).map(marker => readHeredocBody(cursor, marker));
    }
    instructions.push(instruction);
  }
  return { escape, instructions };
}

/** The `# escape=` parser directive's character; directives end at the first line that is not a known one. */
function escapeCharacter(lines: string[]): string {
  for (const line of lines) {
    const m = DIRECTIVE.exec(line.trimStart());
    if (!m || !DIRECTIVE_NAMES.includes(m[1].toLowerCase())) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/**
 * A line ending in the escape character continues on the next line, unless that character is itself
 * escaped (`c:\\` ends the instruction): BuildKit's lineContinuationRegex.
 */
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

function splitInstruction(line: string, escape: string): InstructionParts {
  const trimmed = line.trim();
  const [cut = '', keyword = ''] = KEYWORD.exec(trimmed) ?? [];
  return { keyword, ...readFlags(trimmed.slice(cut.length), escape) };
}

function toInstruction(parts: InstructionParts, line: number, escape: string): Instruction {
  const keyword = parts.keyword.toUpperCase();
  // BuildKit splits FROM's arguments on blanks even inside quotes: `AS "my stage"` is two words there.
  const words = keyword === 'FROM' ? parts.args.split(BLANKS).filter(Boolean) : splitWords(parts.args, escape, true);
  return {
    keyword,
    line,
    text: [parts.keyword, ...parts.flagWords, ...words].join(' '),
    flags: parts.flags,
    words,
    declarations: keyword === 'ARG' ? splitWords(parts.args, escape, false).map(toDeclaration) : [],
    heredocs: []
  };
}

/** Leading words starting with `--` are flags; a bare `--` ends them (BuildKit's extractBuilderFlags). */
function readFlags(rest: string, escape: string): Omit<InstructionParts, 'keyword'> {
  const flags: Flag[] = [];
  const flagWords: string[] = [];
  let at = rest.search(NOT_BLANK);
  while (rest.startsWith('--', at)) {
    const { value, end } = readFlagWord(rest, at, escape);
    flagWords.push(rest.slice(at, end));
    at = end + rest.slice(end).search(NOT_BLANK);
    if (value === '--') break;
    const [name, ...fieldValue] = value.slice(2).split('=');
    flags.push(toFlag(name, fieldValue.join('=')));
  }
  return { flags, flagWords, args: rest.slice(at).trim() };
}

/** A flag word up to the first blank outside quotes: quotes removed, the escape character taking the next one. */
function readFlagWord(rest: string, start: number, escape: string): { value: string; end: number } {
  let value = '';
  let quote = '';
  let at = start;
  for (; at < rest.length; at++) {
    const c = rest[at];
    if (!quote && /\s/.test(c)) break;
    if (c === quote) quote = '';
    else if (!quote && (c === '"' || c === "'")) quote = c;
    else if (c === escape) value += rest[++at] ?? '';
    else value += c;
  }
  return { value, end: Math.min(at, rest.length) };
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

/**
 * Splits on blanks outside quotes, keeping quotes and escapes in the words (BuildKit's parseWords): the
 * escape character keeps the next character in the word, except inside single quotes. BuildKit drops an
 * escape character left alone at the very end (`ARG A=x\\\`); `asWritten` keeps it.
 */
function splitWords(text: string, escape: string, asWritten: boolean): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") {
      if (i + 1 < text.length) word += c + text[++i];
      else if (asWritten) word += c;
    } else if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = '';
    } else {
      if (c === quote) quote = '';
      else if (!quote && (c === '"' || c === "'")) quote = c;
      word += c;
    }
  }
  if (word) words.push(word);
  return words;
}

function toDeclaration(word: string): ArgDeclaration {
  const eq = word.indexOf('=');
  return eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
}

/** RUN, COPY and ADD take heredocs, also after ONBUILD, but not in JSON form. */
function takesHeredocs(parts: InstructionParts, escape: string): boolean {
  const own = parts.keyword.toUpperCase() === 'ONBUILD' ? splitInstruction(parts.args, escape) : parts;
  return HEREDOC_KEYWORDS.includes(own.keyword.toUpperCase()) && !isJsonForm(own.args);
}

function isJsonForm(args: string): boolean {
  if (!args.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every(item => typeof item === 'string');
  } catch {
    return false;
  }
}

/** Consumes the body up to its terminator (`<<-` ignores the tabs before it). */
function readHeredocBody(cursor: Cursor, marker: HeredocMarker): string {
  const body: string[] = [];
  while (cursor.at < cursor.lines.length) {
    const line = cursor.lines[cursor.at++];
    if ((marker.chomp ? line.replace(/^\t+/, '') : line) === marker.name) break;
    body.push(line);
  }
  return body.join('\n');
}
