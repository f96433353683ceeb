/** metadata-action's `flavor` input (README "flavor input"; the details from its src/flavor.ts). */
import { DEFAULT_FLAVOR, parseFlavor } from '../../../../src/policy/metadata/flavor';

test.each([
  ['', {}],
  ['latest=auto', {}],
  ['latest=true', { latest: 'true' }],
  ['latest=false\nprefix=app-\nsuffix=-alpine', { latest: 'false', prefix: 'app-', suffix: '-alpine' }],
  ['prefix=app-,onlatest=true', { prefix: 'app-', prefixOnLatest: true }],
  ['suffix=-alpine,onlatest=true', { suffix: '-alpine', suffixOnLatest: true }],
  // onlatest applies to the last prefix or suffix before it on its line (from the source).
  ['prefix=app-,suffix=-alpine,onlatest=true', { prefix: 'app-', suffix: '-alpine', suffixOnLatest: true }],
  ['onlatest=true,prefix=app-', { prefix: 'app-' }],
  ['prefix=app-\nonlatest=true', { prefix: 'app-' }],
  ['prefix=a-,onlatest=true\nprefix=b-', { prefix: 'b-', prefixOnLatest: true }],
  [' PREFIX = app- ', { prefix: 'app-' }],
  // Split at every =: the part between the first two is the value (from the source).
  ['prefix=a=b', { prefix: 'a' }],
  ['#latest=false\nlatest=true', { latest: 'true' }]
])('%j', (input, expected) => {
  expect(parseFlavor(input)).toEqual({ flavor: { ...DEFAULT_FLAVOR, ...expected }, errors: [] });
});

test('every bad line is reported, naming it', () => {
  expect(parseFlavor('latest=maybe\nprefix\ncolour=blue\nprefix=x,onlatest=yes\nlatest=True\nsuffix="x').errors).toEqual([
    'flavor: "latest=maybe" (line 1) has latest=maybe; use auto, true or false',
    'flavor: "prefix" (line 2) has "prefix", which is not key=value',
    'flavor: "colour=blue" (line 3) has colour=, which is not a flavor; use latest=, prefix=, suffix= or onlatest=',
    'flavor: "prefix=x,onlatest=yes" (line 4) has onlatest=yes; use true or false',
    'flavor: "latest=True" (line 5) has latest=True; use auto, true or false',
    'flavor: "suffix=\\"x" (line 6) a quote inside a value; a value with a comma or a quote is written """key=value"""'
  ]);
});
