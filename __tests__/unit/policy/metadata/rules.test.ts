/** metadata-action's `tags` input parsed into typed rules (README "tags input"; details from its src/tag.ts). */
import { DEFAULT_PRIORITIES, parseTagRules } from '../../../../src/policy/metadata/rules';

const common = { enable: 'true', prefix: undefined, suffix: undefined };

test.each([
  ['type=schedule', { type: 'schedule', pattern: 'nightly', priority: 1000 }],
  ['type=semver,pattern={{version}}', { type: 'semver', pattern: '{{version}}', value: '', match: '', priority: 900 }],
  ['type=pep440,pattern={{version}},value=1.0', { type: 'pep440', pattern: '{{version}}', value: '1.0', match: '', priority: 900 }],
  ['type=match,pattern=v(.*),group=1', { type: 'match', pattern: 'v(.*)', group: '1', value: '', priority: 800 }],
  ['type=match,pattern=\\d', { type: 'match', pattern: '\\d', group: '0', value: '', priority: 800 }],
  ['type=edge', { type: 'edge', branch: '', priority: 700 }],
  ['type=ref,event=branch', { type: 'ref', event: 'branch', priority: 600 }],
  ['type=ref,event=pr', { type: 'ref', event: 'pr', priority: 600, prefix: 'pr-' }],
  ['type=raw,value=foo', { type: 'raw', value: 'foo', priority: 200 }],
  ['type=raw,foo', { type: 'raw', value: 'foo', priority: 200 }],
  ['foo', { type: 'raw', value: 'foo', priority: 200 }],
  ['type=sha', { type: 'sha', format: 'short', priority: 100, prefix: 'sha-' }],
  ['type=sha,format=long,prefix=', { type: 'sha', format: 'long', priority: 100, prefix: '' }],
  [
    'type=raw,value=x,enable={{is_default_branch}},priority=5,prefix=p,suffix=s',
    { type: 'raw', value: 'x', enable: '{{is_default_branch}}', priority: 5, prefix: 'p', suffix: 's' }
  ]
])('%j', (line, expected) => {
  const r = parseTagRules(line);
  expect(r.errors).toEqual([]);
  expect(r.rules).toEqual([{ ...common, text: line, line: 1, ...expected }]);
});

test('no rule at all: metadata-action’s defaults (schedule, branch, tag, pull request)', () => {
  for (const input of ['', '# only a comment']) {
    expect(parseTagRules(input).rules.map(r => r.text)).toEqual([
      'type=schedule',
      'type=ref,event=branch',
      'type=ref,event=tag',
      'type=ref,event=pr'
    ]);
  }
});

test('sorted by priority, highest first; equal priorities keep their order', () => {
  const r = parseTagRules('type=sha\ntype=raw,value=a\ntype=semver,pattern={{version}}\ntype=raw,value=b\ntype=raw,value=c,priority=900');
  expect(r.rules.map(x => x.text)).toEqual([
    'type=semver,pattern={{version}}',
    'type=raw,value=c,priority=900',
    'type=raw,value=a',
    'type=raw,value=b',
    'type=sha'
  ]);
});

test('each type has a default priority', () => {
  expect(DEFAULT_PRIORITIES).toEqual({ schedule: 1000, semver: 900, pep440: 900, match: 800, edge: 700, ref: 600, raw: 200, sha: 100 });
});

test('every malformed line is reported at once, naming it; the good ones are kept', () => {
  const r = parseTagRules(
    [
      'type=semver',
      'type=match,pattern=x,group=abc',
      'type=ref',
      'type=ref,event=push',
      'type=raw',
      'type=sha,format=medium',
      'type=nope,value=x',
      'type=raw,value="a,b"',
      'type=raw,value=x,priority=high',
      'type=match,pattern=[',
      'type=semver,pattern={{version}},match=(',
      'type=raw,value=ok'
    ].join('\n')
  );
  // The engine's own words for a bad regular expression are left out.
  expect(r.errors.map(e => e.replace(/(not a regular expression): .*$/, '$1'))).toEqual([
    'meta-tags: "type=semver" (line 1) has no pattern=',
    'meta-tags: "type=match,pattern=x,group=abc" (line 2) has group=abc, which is not a number',
    'meta-tags: "type=ref" (line 3) has no event=',
    'meta-tags: "type=ref,event=push" (line 4) has event=push; use branch, tag or pr',
    'meta-tags: "type=raw" (line 5) has no value=',
    'meta-tags: "type=sha,format=medium" (line 6) has format=medium; use short or long',
    'meta-tags: "type=nope,value=x" (line 7) has type=nope; use one of schedule, semver, pep440, match, edge, ref, raw, sha',
    'meta-tags: "type=raw,value=\\"a,b\\"" (line 8) a quote inside a value; a value with a comma or a quote is written """key=value"""',
    'meta-tags: "type=raw,value=x,priority=high" (line 9) has priority=high, which is not a number',
    'meta-tags: "type=match,pattern=[" (line 10) has pattern= that is not a regular expression',
    'meta-tags: "type=semver,pattern={{version}},match=(" (line 11) has match= that is not a regular expression'
  ]);
  expect(r.rules.map(x => x.text)).toEqual(['type=raw,value=ok']);
});

test('an attribute the type does not use is ignored, with a warning', () => {
  expect(parseTagRules('type=sha,colour=blue,long').warnings).toEqual([
    'meta-tags: "type=sha,colour=blue,long" (line 1) has colour=, which type=sha does not use: ignored',
    'meta-tags: "type=sha,colour=blue,long" (line 1) has value=, which type=sha does not use: ignored'
  ]);
});
