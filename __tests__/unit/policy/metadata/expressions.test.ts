/** The `{{…}}` subset metadata-action's Handlebars templates use, evaluated without Handlebars. */
import { escapeHtml, isRawStatement, parseTemplate, render } from '../../../../src/policy/metadata/expressions';

const SCOPE = {
  branch: () => 'a&b',
  major: () => 0,
  echo: (params: (string | undefined)[], options: Map<string, string | undefined>) => `${params.join('|')};${[...options].join('|')}`
};

test.each([
  ['no expression', 'plain', 'plain'],
  ['a name', 'x-{{branch}}-y', 'x-a&amp;b-y'],
  ['spaces inside', '{{  branch  }}', 'a&amp;b'],
  ['{{{…}}} and {{&…}} are not escaped', '{{{branch}}}/{{& branch}}', 'a&b/a&b'],
  ['a number, 0 included', 'v{{major}}', 'v0'],
  ['an unknown name is empty', '<{{nothing}}>', '<>'],
  ['an unknown name with only options is empty', '<{{nothing tz="x"}}>', '<>'],
  ['quoted arguments and options', "{{echo 'a b' \"c\" key='v=w'}}", 'a b|c;key,v&#x3D;w'],
  ['a name argument is undefined', '{{echo branch}}', ';'],
  ['comments', '{{! short }}{{!-- long }} one --}}x', 'x'],
  ['~ trims the whitespace beside it', 'a  {{~branch~}}  b', 'aa&amp;bb'],
  ['\\{{ is literal up to the next {{', '\\{{branch}} {{branch}}', '{{branch}} a&amp;b']
])('%s: %j → %j', (_what, template, expected) => {
  expect(render(template, SCOPE)).toBe(expected);
});

test.each([
  ['{{branch', /not closed with }}/],
  ['{{}}', /names nothing/],
  ['{{#if branch}}x{{/if}}', /blocks, partials and else are not supported/],
  ['{{> partial}}', /blocks, partials/],
  ['{{a.b}}', /paths such as a.b or this are not supported/],
  ['{{this}}', /paths such as a.b or this/],
  ["{{unknown 'x'}}", /there is no unknown here/],
  ["{{echo k='v' 'late'}}", /an argument after an option/]
])('%j is an error', (template, message) => {
  expect(() => render(template, SCOPE)).toThrow(message);
});

test.each([
  ['{{raw}}', true],
  ['{{ raw }}', true],
  ['{{{raw}}}', true],
  ['v{{raw}}', false],
  ['{{raw}}.{{version}}', false],
  ['{{version}}', false],
  ['{{raw', false]
])('isRawStatement(%j) = %s', (pattern, expected) => {
  expect(isRawStatement(pattern)).toBe(expected);
});

test('escapeHtml escapes what Handlebars escapes', () => {
  expect(escapeHtml(`&<>"'\`=x`)).toBe('&amp;&lt;&gt;&quot;&#x27;&#x60;&#x3D;x');
});

test('parseTemplate keeps text, comments and expressions apart', () => {
  expect(parseTemplate("a{{!c}}{{date 'Y' tz='UTC'}}").map(n => n.kind)).toEqual(['text', 'comment', 'mustache']);
});
