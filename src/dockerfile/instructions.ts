/**
 * Dockerfile text → the instructions BuildKit's Dockerfile frontend reads from it (moby/buildkit
 * frontend/dockerfile/parser). dockerfile-ast does the parsing: parser directives and the escape
 * character, comments, continued lines, JSON form, keywords and lines, arguments, flags and their fields.
 * Kept here, because the library reads them differently from BuildKit (each shown by a test in
 * __tests__/unit/dockerfile/instructions.test.ts):
 * - where the parser directives end: BuildKit stops at the first comment that is not a known directive;
 * - a line ending in an escaped escape character (`c:\\`) does not continue in BuildKit;
 * - heredocs: which words start one (`2<<'B'`, `<<"E O F"`; not `"s/ <<x/"`), their names, and `<<-`
 *   per marker.
 * The last two decide where an instruction ends; where the library ends one elsewhere, it is asked again
 * from the line BuildKit goes on at. Syntax only: what the instructions mean is decided above.
 */
import {
  Arg,
  Argument,
  Dockerfile,
  DockerfileParser,
  Flag as AstFlag,
  Heredoc,
  Instruction as AstInstruction,
  ModifiableInstruction
} from 'dockerfile-ast';

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
  /** The arguments after the flags, split on whitespace, as written. */
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

export function readDockerfile(text: string): ParsedDockerfile {
  // BuildKit splits lines on \n only; the library would also split on a lone \r.
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map(line => line.replace(/\r/g, ' '));
  const shown = hideUnknownDirective(lines);
  const parsed = parse(shown);
  const escape = parsed.getEscapeCharacter();
  return { escape, instructions: fromParsed(parsed.getInstructions(), { lines: shown, offset: 0, escape }) };
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVE_NAMES = ['syntax', 'escape', 'check'];

/** dockerfile-ast takes any `# name=value` line for a directive; BuildKit stops at the first unknown one. */
function hideUnknownDirective(lines: string[]): string[] {
  const at = lines.findIndex(line => !DIRECTIVE_NAMES.includes(DIRECTIVE.exec(line.trimStart())?.[1].toLowerCase() ?? ''));
  if (at < 0 || !lines[at].trimStart().startsWith('#')) return lines;
  // A bare `#` is a comment to both, and ends the library's directives there too.
  return lines.map((line, i) => (i === at ? '#' : line));
}

/**
 * The library keeps an escape character at the very end of the text in the argument before it; BuildKit
 * drops it as a continuation (`RUN dir c:\` → `dir c:`), as the library does when a line break follows.
 */
function parse(lines: string[]): Dockerfile {
  return DockerfileParser.parse(lines.join('\n') + '\n');
}

/** The text being read, and where the library's line 0 is in it. */
interface Source {
  lines: string[];
  offset: number;
  escape: string;
}

function fromParsed(nodes: AstInstruction[], source: Source): Instruction[] {
  const instructions: Instruction[] = [];
  for (const node of nodes) {
    const { instruction, end } = readInstruction(node, source);
    instructions.push(instruction);
    if (end !== node.getRange().end.line + source.offset) return [...instructions, ...readFrom(end + 1, source)];
  }
  return instructions;
}

/** Parses again from `first` on, under the same escape character. */
function readFrom(first: number, source: Source): Instruction[] {
  const rest = [`# escape=${source.escape}`, ...source.lines.slice(first)];
  const nodes = parse(rest).getInstructions();
  return fromParsed(nodes, { ...source, offset: first - 1 });
}

/** One instruction as BuildKit reads it, and the last line (0-based, in source.lines) it takes. */
function readInstruction(node: AstInstruction, source: Source): { instruction: Instruction; end: number } {
  const lastLine = firstLogicalLineEnd(node, source);
  const onFirstLine = (arg: Argument): boolean => arg.getRange().start.line + source.offset <= lastLine;
  const flags = node instanceof ModifiableInstruction ? node.getFlags() : [];
  const words = node
    .getArguments()
    .filter(onFirstLine)
    .map(arg => written(arg, source));
  const flagWords = flags.map(flag => written(flag, source));
  const instruction: Instruction = {
    keyword: node.getKeyword(),
    line: node.getRange().start.line + source.offset + 1,
    text: [node.getInstruction(), ...flagWords, ...words].join(' '),
    flags: flags.map(toFlag),
    words,
    declarations: node instanceof Arg ? argDeclarations(node, onFirstLine, source) : [],
    heredocs: []
  };
  const markers = heredocMarkers(instruction);
  if (markers.length === 0) return { instruction, end: lastLine };
  const { bodies, end } = readHeredocBodies(source.lines, lastLine + 1, markers);
  instruction.heredocs = bodies;
  return { instruction, end };
}

/**
 * The last line of the instruction before any heredoc body: the library's, unless a line on the way
 * ends in an escaped escape character, which BuildKit does not take for a continuation.
 */
function firstLogicalLineEnd(node: AstInstruction, source: Source): number {
  const { start, end } = node.getRange();
  // A heredoc body starts on a later line than its instruction (the library may place an empty one on it).
  const bodyStarts = libraryHeredocs(node)
    .flatMap(h => h.getContentRange() ?? h.getDelimiterRange() ?? [])
    .filter(range => range.start.line > start.line);
  const libraryEnd = Math.min(end.line, ...bodyStarts.map(range => range.start.line - 1)) + source.offset;
  const e = source.escape === '`' ? '`' : '\\\\';
  const escapedEscape = new RegExp(`${e}${e}[ \\t]*$`);
  for (let i = start.line + source.offset; i < libraryEnd; i++) {
    const line = source.lines[i];
    if (!/^\s*#/.test(line) && escapedEscape.test(line)) return i;
  }
  return libraryEnd;
}

const HEREDOC_KEYWORDS = ['RUN', 'COPY', 'ADD'];

/** Instruction.getHeredocs is public on Run and Copy only in 0.7.1's typings; Add and Onbuild have it too. */
function libraryHeredocs(node: AstInstruction): Heredoc[] {
  const keyword = node.getKeyword();
  if (!HEREDOC_KEYWORDS.includes(keyword) && keyword !== 'ONBUILD') return [];
  return (node as unknown as { getHeredocs(): Heredoc[] }).getHeredocs();
}

/** An argument or flag as written when it sits on one line; the library's joined value when it spans several. */
function written(part: Argument | AstFlag, source: Source): string {
  const { start, end } = part.getRange();
  if (start.line !== end.line) return part instanceof Argument ? part.getValue() : part.toString();
  return source.lines[start.line + source.offset].slice(start.character, end.character);
}

function toFlag(flag: AstFlag): Flag {
  const fields = flag.getOptions().map((option): [string, string] => [option.getName().toLowerCase(), option.getValue() ?? '']);
  return { name: flag.getName().toLowerCase(), value: flag.getValue() ?? '', fields };
}

/**
 * Each word is a declaration. The library's ARG properties follow ENV's old `ENV name value` form, so
 * `ARG TARGETOS TARGETARCH` would be one ARG with a default; its property words are BuildKit's words.
 */
function argDeclarations(node: Arg, onFirstLine: (arg: Argument) => boolean, source: Source): ArgDeclaration[] {
  return node
    .getPropertyArguments()
    .filter(onFirstLine)
    .map(arg => {
      const word = written(arg, source);
      const eq = word.indexOf('=');
      return eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
    });
}

interface HeredocMarker {
  name: string;
  /** `<<-`: tabs before the terminator are ignored. */
  chomp: boolean;
}

const HEREDOC_WORD = /^\d*<<(-?)\s*([^<]*)$/;

/** BuildKit's heredoc words: an optional file descriptor, `<<` or `<<-`, and a name as the shell reads it. */
function heredocMarkers(instruction: Instruction): HeredocMarker[] {
  const keyword = instruction.keyword === 'ONBUILD' ? (instruction.words[0] ?? '').toUpperCase() : instruction.keyword;
  if (!HEREDOC_KEYWORDS.includes(keyword) || !instruction.text.includes('<<')) return [];
  return shellWords(instruction.words.join(' ')).flatMap(word => {
    const m = HEREDOC_WORD.exec(word);
    const name = m ? unquote(m[2]) : '';
    return m && name ? [{ name, chomp: m[1] === '-' }] : [];
  });
}

/** Reads each body up to its terminator line; `end` is the last line taken. */
function readHeredocBodies(lines: string[], first: number, markers: HeredocMarker[]): { bodies: string[]; end: number } {
  let at = first;
  const bodies = markers.map(marker => {
    const body: string[] = [];
    for (; at < lines.length; at++) {
      if ((marker.chomp ? lines[at].replace(/^\t+/, '') : lines[at]) === marker.name) break;
      body.push(lines[at]);
    }
    at++;
    return body.join('\n');
  });
  return { bodies, end: Math.min(at, lines.length) - 1 };
}

/**
 * Splits on unquoted whitespace, keeping quotes and backslash escapes in the words, as BuildKit's shell
 * lexer does when it looks for heredocs; like it (Dockerfile frontend 1.16 on), `<<` takes the blanks after it.
 */
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
    } else if (!quote && text.startsWith('<<', i)) {
      const operator = /^<<[ \t]*/.exec(text.slice(i))?.[0] ?? '<<';
      word += operator;
      i += operator.length - 1;
    } else if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = '';
    } else word += c;
  }
  if (word) words.push(word);
  return words;
}

/** A heredoc name as the shell reads it: quotes removed, backslash escapes resolved. */
function unquote(word: string): string {
  let name = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === '\\' && quote !== "'" && i + 1 < word.length) name += word[++i];
    else if (c === quote || (!quote && (c === '"' || c === "'"))) quote = quote ? '' : c;
    else name += c;
  }
  return name;
}
