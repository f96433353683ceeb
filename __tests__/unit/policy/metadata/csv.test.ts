/**
 * The two CSV passes metadata-action reads `tags` and `flavor` with (csv-parse: the input into
 * lines with quotes relaxed and `#` comment lines, then each line into fields with quotes strict);
 * each expectation is what csv-parse gives with those options.
 */
import { inputLines, lineFields } from '../../../../src/policy/metadata/csv';

test.each([
  ['one line', 'type=sha', [['type=sha', 1]]],
  [
    'lines trimmed, empty and blank lines skipped',
    '\n a \n\n   \nb',
    [
      ['a', 2],
      ['b', 5]
    ]
  ],
  [
    'a # line is a comment, a # later in a line is not',
    '#x\na#b\n  #c',
    [
      ['a#b', 2],
      ['#c', 3]
    ]
  ],
  ['quotes around a field are removed', 'type=match,"pattern=\\d{1,3}"', [['type=match,pattern=\\d{1,3}', 1]]],
  ['"""…""" keeps one pair of quotes for the second pass', 'type=match,"""pattern=a,b"""', [['type=match,"pattern=a,b"', 1]]],
  ['a quote inside a value is kept', 'value=a"b', [['value=a"b', 1]]],
  ['a quoted field followed by more text is kept as written', '"ab"c,d', [['"ab"c,d', 1]]],
  [
    'a quoted field may span lines',
    '"a\nb",c\nd',
    [
      ['a\nb,c', 1],
      ['d', 3]
    ]
  ],
  [
    'CRLF line ends',
    'a\r\nb',
    [
      ['a', 1],
      ['b', 2]
    ]
  ]
])('inputLines: %s', (_what, input, expected) => {
  expect(inputLines(input)).toEqual({ lines: expected.map(([text, line]) => ({ text, line })) });
});

test('inputLines: a quote never closed', () => {
  expect(inputLines('a\n"b')).toEqual({ lines: [], error: 'a quote is not closed (line 2)' });
});

test.each([
  ['type=raw,value=a', ['type=raw', 'value=a']],
  ['a,,b,', ['a', '', 'b', '']],
  ['"a,b",c', ['a,b', 'c']],
  ['"a""b"', ['a"b']],
  ['""', ['']]
])('lineFields(%j)', (line, expected) => {
  expect(lineFields(line)).toEqual(expected);
});

test.each([
  ['value="a', /a quote inside a value/],
  ['"ab"c', /a closing quote is followed by "c"/],
  [' "a"', /a quote inside a value/]
])('lineFields(%j): quotes are strict in a line', (line, message) => {
  expect(() => lineFields(line)).toThrow(message);
});
