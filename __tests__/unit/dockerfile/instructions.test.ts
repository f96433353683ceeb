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

  test('several ARG names without defaults on one line, and a continued ARG', () => {
    const [first, second] = read(['ARG TARGETOS TARGETARCH', 'ARG A="x y" \\', '  B']);
    expect(first.declarations).toEqual([{ name: 'TARGETOS' }, { name: 'TARGETARCH' }]);
    expect(second.declarations).toEqual([{ name: 'A', value: '"x y"' }, { name: 'B' }]);
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

describe('syntax cases, as BuildKit reads them', () => {
  test.each<[string, string[], string[]]>([
    ['a `# syntax=` line is a directive, not an instruction', ['# syntax=docker/dockerfile:1.7', 'FROM alpine'], ['2 FROM alpine']],
    [
      'escape directive: a backtick-continued Windows RUN, and backslashes as plain characters',
      [
        '# escape=`',
        'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        'RUN powershell -Command `',
        "    $ErrorActionPreference = 'Stop'; `",
        '    Write-Host hi',
        'COPY app C:\\app\\'
      ],
      [
        '2 FROM mcr.microsoft.com/windows/servercore:ltsc2022',
        "3 RUN powershell -Command $ErrorActionPreference = 'Stop'; Write-Host hi",
        '6 COPY app C:\\app\\'
      ]
    ],
    [
      'an escaped escape character at the end of a line does not continue it (the Docker docs example)',
      ['FROM mcr.microsoft.com/windows/nanoserver', 'COPY testfile.txt c:\\\\', 'RUN dir c:\\'],
      ['1 FROM mcr.microsoft.com/windows/nanoserver', '2 COPY testfile.txt c:\\\\', '3 RUN dir c:']
    ],
    [
      'a continuation inside JSON (exec) form',
      ['FROM alpine', 'RUN ["sh", "-c", \\', '  "curl https://e.com/amd64/t"]', 'COPY --from=busybox:1 ["/bin/busybox", \\', '   "/x"]'],
      ['1 FROM alpine', '2 RUN ["sh", "-c", "curl https://e.com/amd64/t"]', '4 COPY --from=busybox:1 ["/bin/busybox", "/x"]']
    ],
    [
      'comment lines inside a continued RUN are left out, indented or not',
      [
        'FROM alpine',
        'RUN --mount=type=bind,from=node:20,target=/n \\',
        '# a comment',
        '  curl -fsSL https://e.com/t \\',
        '    # was: curl https://e.com/amd64/t',
        '  && true'
      ],
      ['1 FROM alpine', '2 RUN --mount=type=bind,from=node:20,target=/n curl -fsSL https://e.com/t && true']
    ],
    [
      'an unknown directive ends the directives: a later `# escape=` is a comment',
      ['# foo=bar', '# escape=`', 'FROM alpine', 'RUN dir C:\\', 'FROM busybox'],
      ['3 FROM alpine', '4 RUN dir C:FROM busybox']
    ]
  ])('%s', (_name, lines, expected) => {
    expect(summary(lines)).toEqual(expected);
  });

  test.each<[string, string[], [string, string[]][]]>([
    [
      '<<- with a single-quoted marker, << with a double-quoted one',
      ['FROM alpine', "RUN <<-'EOT' sh", '\techo hi', '\tEOT', 'COPY <<"A" /a', 'x', 'A', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ["2 RUN <<-'EOT' sh", ['\techo hi']],
        ['5 COPY <<"A" /a', ['x']],
        ['8 FROM busybox', []]
      ]
    ],
    [
      'a quoted marker with a space in it',
      ['FROM alpine', 'RUN cat <<"E O F"', 'FROM evil', 'E O F', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat <<"E O F"', ['FROM evil']],
        ['5 FROM busybox', []]
      ]
    ],
    [
      'a partly quoted marker',
      ['FROM alpine', 'RUN cat <<E"O"F', 'FROM evil', 'EOF', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat <<E"O"F', ['FROM evil']],
        ['5 FROM busybox', []]
      ]
    ],
    [
      '<<- strips the tabs before its own terminator only',
      ['FROM alpine', 'RUN cat <<-A <<B', '\ta', '\tA', 'b', '\tB', 'B', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat <<-A <<B', ['\ta', 'b\n\tB']],
        ['8 FROM busybox', []]
      ]
    ],
    [
      '<< inside a quoted word is not a heredoc',
      ['FROM alpine', 'RUN sed -i "s/ <<x/y/" f', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN sed -i "s/ <<x/y/" f', []],
        ['3 FROM busybox', []]
      ]
    ],
    [
      '<< followed by blanks starts one too (Dockerfile frontend 1.16 and later), and a name may start with -',
      ['FROM alpine', 'RUN cat <<  EOF', 'FROM evil', 'EOF', 'RUN cat << -EOF', 'FROM evil', '-EOF', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat << EOF', ['FROM evil']],
        ['5 RUN cat << -EOF', ['FROM evil']],
        ['8 FROM busybox', []]
      ]
    ],
    [
      '<<- followed by a blank names nothing: not a heredoc',
      ['FROM alpine', 'RUN cat <<- EOF', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat <<- EOF', []],
        ['3 FROM busybox', []]
      ]
    ],
    [
      'a backslash-escaped quote in a name is part of it',
      ['FROM alpine', "RUN <<eo\\'f", 'FROM evil', "eo'f", 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ["2 RUN <<eo\\'f", ['FROM evil']],
        ['5 FROM busybox', []]
      ]
    ],
    [
      'a line the shell lexer cannot read (an unterminated quote) starts none',
      ['FROM alpine', "RUN echo it's <<EOF", 'FROM evil', 'EOF'],
      [
        ['1 FROM alpine', []],
        ["2 RUN echo it's <<EOF", []],
        ['3 FROM evil', []],
        ['4 EOF', []]
      ]
    ],
    [
      '${x:-y} empties the word before it: <<EOF${x:-y} starts none',
      ['FROM alpine', 'RUN cat <<EOF${x:-y}', 'FROM evil', 'EOF'],
      [
        ['1 FROM alpine', []],
        ['2 RUN cat <<EOF${x:-y}', []],
        ['3 FROM evil', []],
        ['4 EOF', []]
      ]
    ],
    [
      'ONBUILD RUN (the heredoc belongs to the instruction ONBUILD adds)',
      ['FROM alpine', 'ONBUILD RUN <<EOF', 'FROM evil', 'EOF', 'FROM busybox'],
      [
        ['1 FROM alpine', []],
        ['2 ONBUILD RUN <<EOF', ['FROM evil']],
        ['5 FROM busybox', []]
      ]
    ],
    [
      'a CRLF terminator',
      ['FROM alpine\r', 'RUN <<EOF\r', 'FROM evil\r', 'EOF\r', 'FROM busybox\r'],
      [
        ['1 FROM alpine', []],
        ['2 RUN <<EOF', ['FROM evil']],
        ['5 FROM busybox', []]
      ]
    ]
  ])('heredoc: %s', (_name, lines, expected) => {
    expect(read(lines).map(i => [`${i.line} ${i.text}`, i.heredocs])).toEqual(expected);
  });

  test.each<[string, string, { name: string; value: string }[], string[]]>([
    [
      'FROM --platform=$BUILDPLATFORM',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      [{ name: 'platform', value: '$BUILDPLATFORM' }],
      ['golang:1.22', 'AS', 'build']
    ],
    [
      'FROM --platform=${BUILDPLATFORM}',
      'FROM --platform=${BUILDPLATFORM} tool',
      [{ name: 'platform', value: '${BUILDPLATFORM}' }],
      ['tool']
    ],
    ['COPY --from=<image>', 'COPY --from=busybox:1.36 /bin/busybox /', [{ name: 'from', value: 'busybox:1.36' }], ['/bin/busybox', '/']],
    [
      'a quoted flag value loses its quotes',
      'COPY --from="busybox" /bin/busybox /',
      [{ name: 'from', value: 'busybox' }],
      ['/bin/busybox', '/']
    ],
    [
      'a single-quoted --mount',
      "RUN --mount='type=bind,from=ghcr.io/o/t:1,target=/t' /t/run",
      [{ name: 'mount', value: 'type=bind,from=ghcr.io/o/t:1,target=/t' }],
      ['/t/run']
    ],
    ['a bare -- ends the flags', 'COPY --chmod=755 -- --x /a', [{ name: 'chmod', value: '755' }], ['--x', '/a']],
    ['FROM splits on every blank, quoted or not', 'FROM alpine AS "my stage"', [], ['alpine', 'AS', '"my', 'stage"']],
    [
      'COPY --from and --chmod',
      'COPY --chmod=755 --from=build /app /app',
      [
        { name: 'chmod', value: '755' },
        { name: 'from', value: 'build' }
      ],
      ['/app', '/app']
    ]
  ])('%s', (_name, line, flags, words) => {
    const [instruction] = read([line]);
    expect(instruction.flags).toMatchObject(flags);
    expect(instruction.words).toEqual(words);
  });

  test('RUN --mount=type=bind,from=<image>', () => {
    const [run] = read(['RUN --mount=type=bind,from=ghcr.io/o/tools:1,target=/t /t/run']);
    expect(run.flags).toEqual([
      {
        name: 'mount',
        value: 'type=bind,from=ghcr.io/o/tools:1,target=/t',
        fields: [
          ['type', 'bind'],
          ['from', 'ghcr.io/o/tools:1'],
          ['target', '/t']
        ]
      }
    ]);
    expect(run.words).toEqual(['/t/run']);
  });
});
