/**
 * The `{{…}}` expressions metadata-action evaluates with Handlebars, for the subset its
 * documentation uses: `{{name}}`, a helper with quoted arguments and `key='value'` options
 * (`{{date 'YYYYMMDD' tz='Asia/Tokyo'}}`), `{{{name}}}` (not HTML-escaped), comments, `~`
 * whitespace control and `\{{` escapes. Like Handlebars, a `{{…}}` result is HTML-escaped
 * (`&` → `&amp;`: a tag then sanitises it to `-amp-`), an unknown name gives '' and an unknown
 * helper given arguments is an error. Blocks (`{{#if}}`), partials and paths (`a.b`, `this`) are
 * refused with an error rather than half-supported.
 */

export type Literal = { kind: 'string'; value: string } | { kind: 'path'; name: string } | { kind: 'other'; text: string };

export interface Mustache {
  kind: 'mustache';
  name: string;
  params: Literal[];
  hash: Map<string, Literal>;
  escaped: boolean;
}

export type TemplateNode = { kind: 'text'; text: string } | { kind: 'comment' } | Mustache;

/** A helper gets its arguments (quoted strings; anything else is undefined) and options. */
export type Helper = (params: (string | undefined)[], options: Map<string, string | undefined>) => string | number;

export type Scope = Record<string, Helper>;

/** A Handlebars identifier: none of the characters its lexer reserves. */
const ID = /^[^\s!"#%-,./;->@[-^`{-~]+$/;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;'
};

/** Handlebars' HTML escaping of a `{{…}}` result. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`=]/g, c => ESCAPES[c]);
}

/** Splits `name 'a b' key='v'` into words, keeping quoted strings whole. */
function words(body: string): string[] {
  const out = body.match(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|[^\s=]+=(?:'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|\S+)|\S+/g);
  return out ?? [];
}

function literal(word: string): Literal {
  if (/^(['"])[\s\S]*\1$/.test(word)) return { kind: 'string', value: word.slice(1, -1).replace(/\\(['"])/g, '$1') };
  if (ID.test(word) && !/^(-?\d+(\.\d+)?|true|false|null|undefined)$/.test(word)) return { kind: 'path', name: word };
  return { kind: 'other', text: word };
}

function mustache(body: string, escaped: boolean): Mustache {
  const [name, ...rest] = words(body);
  if (name === undefined) throw new Error('{{}} names nothing');
  if (/^[#/^>]/.test(name) || name === 'else') throw new Error(`{{${body}}}: blocks, partials and else are not supported`);
  if (!ID.test(name) || name === 'this')
    throw new Error(`{{${body}}}: ${name} is not a name (paths such as a.b or this are not supported)`);
  const m: Mustache = { kind: 'mustache', name, params: [], hash: new Map(), escaped };
  for (const w of rest) {
    const eq = /^([^\s'"=]+)=([\s\S]+)$/.exec(w);
    if (eq) m.hash.set(eq[1], literal(eq[2]));
    else if (m.hash.size > 0) throw new Error(`{{${body}}}: an argument after an option`);
    else m.params.push(literal(w));
  }
  return m;
}

interface Tag {
  node: TemplateNode;
  stripBefore: boolean;
  stripAfter: boolean;
}

/** The `{{…}}` starting at `i` (which points at `{{`); returns it and where it ends. */
function readTag(t: string, i: number): { tag: Tag; end: number } {
  const triple = t.startsWith('{{{', i);
  const close = triple ? '}}}' : '}}';
  const end = t.indexOf(close, i);
  if (end < 0) throw new Error(`${t.slice(i)}: an expression is not closed with ${close}`);
  let body = t.slice(i + close.length, end);
  const stripBefore = body.startsWith('~');
  const stripAfter = body.endsWith('~');
  body = body.slice(stripBefore ? 1 : 0, stripAfter ? -1 : undefined).trim();
  const commentEnd = body.startsWith('!--') ? t.indexOf('--}}', i) : -1;
  if (commentEnd >= 0) return { tag: { node: { kind: 'comment' }, stripBefore, stripAfter }, end: commentEnd + 4 };
  if (body.startsWith('!')) return { tag: { node: { kind: 'comment' }, stripBefore, stripAfter }, end: end + close.length };
  const unescaped = triple || body.startsWith('&');
  const node = mustache(unescaped && !triple ? body.slice(1).trim() : body, !unescaped);
  return { tag: { node, stripBefore, stripAfter }, end: end + close.length };
}

/** `~` trims the whitespace of the text beside it, as Handlebars does. */
function applyStrips(parts: (Tag | string)[]): TemplateNode[] {
  return parts.flatMap((p, k): TemplateNode[] => {
    if (typeof p !== 'string') return [p.node];
    let text = p;
    const before = parts[k - 1];
    const after = parts[k + 1];
    if (typeof before === 'object' && before.stripAfter) text = text.replace(/^\s+/, '');
    if (typeof after === 'object' && after.stripBefore) text = text.replace(/\s+$/, '');
    return text === '' ? [] : [{ kind: 'text', text }];
  });
}

/** Parses a template; throws a message saying what is wrong with it. */
export function parseTemplate(t: string): TemplateNode[] {
  const parts: (Tag | string)[] = [];
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{{', i);
    if (open < 0) {
      parts.push(t.slice(i));
      break;
    }
    if (open > i && t[open - 1] === '\\' && t[open - 2] !== '\\') {
      // \{{ is literal up to the next {{.
      const next = t.indexOf('{{', open + 2);
      parts.push(t.slice(i, open - 1) + t.slice(open, next < 0 ? t.length : next));
      i = next < 0 ? t.length : next;
      continue;
    }
    if (open > i) parts.push(t.slice(i, open));
    const { tag, end } = readTag(t, open);
    parts.push(tag);
    i = end;
  }
  return applyStrips(parts);
}

function value(l: Literal): string | undefined {
  return l.kind === 'string' ? l.value : undefined;
}

function evaluate(m: Mustache, scope: Scope): string {
  const helper = Object.prototype.hasOwnProperty.call(scope, m.name) ? scope[m.name] : undefined;
  if (!helper) {
    if (m.params.length > 0) throw new Error(`{{${m.name} …}}: there is no ${m.name} here`);
    return '';
  }
  const options = new Map([...m.hash].map(([k, v]) => [k, value(v)]));
  const out = String(helper(m.params.map(value), options));
  return m.escaped ? escapeHtml(out) : out;
}

/** Renders a template with the names of `scope`; throws what is wrong (syntax, a bad argument). */
export function render(template: string, scope: Scope): string {
  return parseTemplate(template)
    .map(n => (n.kind === 'text' ? n.text : n.kind === 'comment' ? '' : evaluate(n, scope)))
    .join('');
}

/** A pattern that is exactly `{{raw}}`: metadata-action keeps it for pre-releases too. */
export function isRawStatement(pattern: string): boolean {
  try {
    const nodes = parseTemplate(pattern);
    return nodes.length === 1 && nodes[0].kind === 'mustache' && nodes[0].name === 'raw';
  } catch {
    return false;
  }
}
