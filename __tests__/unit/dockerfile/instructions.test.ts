import { Instruction, readDockerfile } from '../../../src/dockerfile/instructions';

function read(lines: string[]): Instruction[] {
  return readDockerfile(lines.join('\n')).instructions;
}

/** `line text` per instruction, for compact expectations. */
function summary(lines: string[]): string[] {
  return read(lines).map(i => `${i.line} ${i.text}`);
}

describe('reading instructions', () => {
  test.each<[string, string[], string[]]>([
    ['comments and blank lines', ['# a comment', '', '  # indented comment', 'FROM alpine'], ['4 FROM alpine']],
    ['lower-case instruction', ['from alpine as base', 'from base'], ['1 from alpine as base', '2 from base']],
    [
      'continuation: the first line counts',
      ['FROM --platform=$TARGETPLATFORM \\', '    golang:1.22 \\', '    AS build', 'FROM alpine', 'COPY --from=build / /'],
      ['1 FROM --platform=$TARGETPLATFORM golang:1.22 AS build', '4 FROM alpine', '5 COPY --from=build / /']
    ],
    ['continuation with trailing blanks', ['FROM \\  ', 'alpine'], ['1 FROM alpine']],
    [
      'comment and blank lines inside a continuation',
      ['FROM \\', '# note', '', '  alpine AS a', 'FROM a'],
      ['1 FROM alpine AS a', '5 FROM a']
    ],
    [
      'escape directive: backtick continues',
      ['# escape=`', 'FROM `', '  alpine:3.19 AS base', 'FROM base'],
      ['2 FROM alpine:3.19 AS base', '4 FROM base']
    ],
    [
      'escape directive: backslash does not continue',
      ['# escape=`', 'FROM alpine AS a', 'RUN dir C:\\', 'FROM busybox', 'COPY --from=a / /'],
      ['2 FROM alpine AS a', '3 RUN dir C:\\', '4 FROM busybox', '5 COPY --from=a / /']
    ],
    [
      'escape directive after syntax directive',
      ['# syntax=docker/dockerfile:1', '#escape = `', 'FROM alpine AS a', 'RUN dir C:\\', 'FROM busybox', 'COPY --from=a / /'],
      ['3 FROM alpine AS a', '4 RUN dir C:\\', '5 FROM busybox', '6 COPY --from=a / /']
    ],
    [
      'a directive after a comment is a comment',
      ['# hello', '# escape=`', 'FROM alpine', 'RUN dir C:\\', 'FROM busybox'],
      ['3 FROM alpine', '4 RUN dir C:FROM busybox']
    ],
    ['backtick escape in a FROM reference', ['# escape=`', 'ARG TAG=3', 'FROM alpine:${TAG}'], ['2 ARG TAG=3', '3 FROM alpine:${TAG}']],
    [
      'byte-order mark and CRLF',
      ['\uFEFFARG V=1\r', 'FROM alpine:${V} AS a\r', 'FROM a\r'],
      ['1 ARG V=1', '2 FROM alpine:${V} AS a', '3 FROM a']
    ]
  ])('%s', (_name, lines, expected) => {
    expect(summary(lines)).toEqual(expected);
  });

  test('the escape character', () => {
    expect(readDockerfile('FROM alpine').escape).toBe('\\');
    expect(readDockerfile('# escape=`\nFROM alpine').escape).toBe('`');
    expect(readDockerfile('# hello\n# escape=`\nFROM alpine').escape).toBe('\\');
  });

  test('heredoc bodies are not instructions and still count as lines', () => {
    // Without heredoc handling there would be instructions `FROM evil:...`.
    const lines = [
      'FROM alpine AS a',
      'RUN <<EOF',
      'FROM evil:one',
      'EOF',
      'FROM busybox AS b',
      'COPY <<-"EOT" /x',
      '\tFROM evil:two',
      '\tEOT',
      'FROM debian:12',
      'COPY --from=a / /',
      'COPY --from=b / /',
      "RUN cat <<A 2<<'B'",
      'FROM evil:three',
      'A',
      'FROM evil:four',
      'B'
    ];
    expect(read(lines).map(i => [`${i.line} ${i.text}`, i.heredocs])).toEqual([
      ['1 FROM alpine AS a', []],
      ['2 RUN <<EOF', ['FROM evil:one']],
      ['5 FROM busybox AS b', []],
      ['6 COPY <<-"EOT" /x', ['\tFROM evil:two']],
      ['9 FROM debian:12', []],
      ['10 COPY --from=a / /', []],
      ['11 COPY --from=b / /', []],
      ["12 RUN cat <<A 2<<'B'", ['FROM evil:three', 'FROM evil:four']]
    ]);
  });

  test('a shift in a RUN is not a heredoc', () => {
    const lines = ['FROM alpine AS a', 'RUN echo $((1<<2)) "<<X"', 'FROM a'];
    expect(read(lines).map(i => [`${i.line} ${i.text}`, i.heredocs])).toEqual([
      ['1 FROM alpine AS a', []],
      ['2 RUN echo $((1<<2)) "<<X"', []],
      ['3 FROM a', []]
    ]);
  });

  test('never throws on odd input', () => {
    for (const text of ['', '\\', 'FROM', 'FROM --platform= ', 'RUN <<EOF', 'FROM alpine\nRUN <<EOF\nno end', 'FROM ${', 'FROM $']) {
      expect(() => readDockerfile(text)).not.toThrow();
    }
  });
});

describe('flags, arguments and ARG declarations', () => {
  test('FROM: flags, then the image and AS <name>', () => {
    const [from] = read(['FROM --platform=$TARGETPLATFORM golang:1.22 AS build']);
    expect(from).toMatchObject({
      keyword: 'FROM',
      flags: [{ name: 'platform', value: '$TARGETPLATFORM' }],
      words: ['golang:1.22', 'AS', 'build']
    });
  });

  test('several ARGs on one line, with and without defaults, quotes kept', () => {
    const [arg] = read(['ARG NAME=alpine TAG=3.19 V IMG="alpine:3.19" EMPTY=']);
    expect(arg.declarations).toEqual([
      { name: 'NAME', value: 'alpine' },
      { name: 'TAG', value: '3.19' },
      { name: 'V' },
      { name: 'IMG', value: '"alpine:3.19"' },
      { name: 'EMPTY', value: '' }
    ]);
  });

  test('several --mount flags, each with its fields', () => {
    const [, run] = read(['FROM alpine', 'RUN --mount=type=cache,target=/c --mount=type=bind,source=/x,from=node:20,target=/n true']);
    expect(run.flags).toEqual([
      {
        name: 'mount',
        value: 'type=cache,target=/c',
        fields: [
          ['type', 'cache'],
          ['target', '/c']
        ]
      },
      {
        name: 'mount',
        value: 'type=bind,source=/x,from=node:20,target=/n',
        fields: [
          ['type', 'bind'],
          ['source', '/x'],
          ['from', 'node:20'],
          ['target', '/n']
        ]
      }
    ]);
    expect(run.words).toEqual(['true']);
  });
});
