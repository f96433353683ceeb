import { BaseImage, dockerfileBases, DockerfileBasesOptions } from '../../../src/policy/base-images';

const AMD = 'linux/amd64';
const ARM = 'linux/arm64';
const BOTH = [AMD, ARM];

const OPTIONS: DockerfileBasesOptions = { buildArgs: {}, targetPlatforms: BOTH, buildPlatform: AMD };

function bases(lines: string[], over: Partial<DockerfileBasesOptions> = {}) {
  return dockerfileBases(lines.join('\n'), { ...OPTIONS, ...over });
}

function img(image: string, line: number, platforms: string[] = BOTH): BaseImage {
  return { image, line, platforms };
}

describe('global ARGs and substitution in FROM', () => {
  test.each<[string, string[], Record<string, string>, string]>([
    ['ARG default', ['ARG V=3.19', 'FROM alpine:${V}'], {}, 'alpine:3.19'],
    ['build arg overrides the default', ['ARG V=3.19', 'FROM alpine:${V}'], { V: '3.20' }, 'alpine:3.20'],
    ['build arg sets an ARG without default', ['ARG V', 'FROM alpine:${V}'], { V: '3.18' }, 'alpine:3.18'],
    ['build arg for an undeclared ARG is not seen', ['FROM alpine:${V:-latest}'], { V: '9' }, 'alpine:latest'],
    ['$VAR', ['ARG IMG=alpine', 'FROM $IMG'], {}, 'alpine'],
    ['${VAR}', ['ARG IMG=alpine', 'FROM ${IMG}:3'], {}, 'alpine:3'],
    ['${VAR:-default} when unset', ['ARG TAG', 'FROM alpine:${TAG:-3.17}'], {}, 'alpine:3.17'],
    ['${VAR:-default} when empty', ['ARG TAG=', 'FROM alpine:${TAG:-3.17}'], {}, 'alpine:3.17'],
    ['${VAR:-default} when set', ['ARG TAG=3.16', 'FROM alpine:${TAG:-3.17}'], {}, 'alpine:3.16'],
    ['${VAR-default} when unset', ['FROM alpine:${TAG-3.15}'], {}, 'alpine:3.15'],
    ['${VAR-default} when empty keeps empty', ['ARG SUFFIX=', 'FROM alpine:3${SUFFIX-.99}'], {}, 'alpine:3'],
    ['${VAR:+alt} when set', ['ARG SLIM=1', 'FROM debian:12${SLIM:+-slim}'], {}, 'debian:12-slim'],
    ['${VAR:+alt} when unset', ['ARG SLIM', 'FROM debian:12${SLIM:+-slim}'], {}, 'debian:12'],
    ['${VAR:+alt} when empty', ['ARG SLIM=', 'FROM debian:12${SLIM:+-slim}'], {}, 'debian:12'],
    ['${VAR+alt} when empty', ['ARG SLIM=', 'FROM debian:12${SLIM+-slim}'], {}, 'debian:12-slim'],
    ['nested default', ['ARG B=busybox', 'FROM ${A:-${B}}:1'], {}, 'busybox:1'],
    ['a default uses an earlier ARG', ['ARG V=3.19', 'ARG IMG=alpine:${V}', 'FROM ${IMG}'], { V: '3.20' }, 'alpine:3.20'],
    ['quoted default', ['ARG IMG="alpine:3.19"', 'FROM ${IMG}'], {}, 'alpine:3.19'],
    ['several ARGs on one line', ['ARG NAME=alpine TAG=3.19', 'FROM ${NAME}:${TAG}'], {}, 'alpine:3.19'],
    ['several ARGs without defaults on one line', ['ARG V', 'ARG IMG V', 'FROM ${IMG:-alpine}:${V:-3}'], {}, 'alpine:3'],
    [
      'registry and digest',
      ['ARG REG=ghcr.io', 'FROM ${REG}/o/base@sha256:' + 'a'.repeat(64)],
      {},
      'ghcr.io/o/base@sha256:' + 'a'.repeat(64)
    ],
    ['an ARG inside a stage is not global', ['FROM alpine AS a', 'ARG V=1', 'FROM busybox:${V:-latest}'], {}, 'busybox:latest'],
    ['automatic BUILDARCH', ['FROM --platform=$BUILDPLATFORM tool:${BUILDOS}-${BUILDARCH}'], {}, 'tool:linux-amd64']
  ])('%s', (_name, lines, buildArgs, image) => {
    const result = bases(lines, { buildArgs });
    expect(result.problems).toEqual([]);
    expect(result.images.map(i => i.image)).toEqual([image]);
  });

  test('TARGET* args give one image per target platform', () => {
    const lines = ['FROM tool:${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-}${TARGETVARIANT}'];
    expect(bases(lines, { targetPlatforms: [AMD, 'linux/arm/v7'] }).images).toEqual([
      img('tool:linux-amd64', 1, [AMD]),
      img('tool:linux-arm-v7', 1, ['linux/arm/v7'])
    ]);
  });

  test('redeclaring automatic args globally (ARG TARGETOS TARGETARCH) keeps their values', () => {
    const lines = ['ARG TARGETOS TARGETARCH', 'FROM tool:${TARGETOS}-${TARGETARCH}'];
    expect(bases(lines).images).toEqual([img('tool:linux-amd64', 2, [AMD]), img('tool:linux-arm64', 2, [ARM])]);
  });

  test('a build arg overrides an automatic arg, as in BuildKit', () => {
    expect(bases(['FROM tool:${TARGETARCH}'], { buildArgs: { TARGETARCH: 'any' } }).images).toEqual([img('tool:any', 1)]);
  });
});

describe('--platform', () => {
  test.each<[string, string, Partial<DockerfileBasesOptions>, string[]]>([
    ['none: every target platform', 'FROM alpine', {}, BOTH],
    ['$BUILDPLATFORM', 'FROM --platform=$BUILDPLATFORM alpine', { buildPlatform: ARM }, [ARM]],
    ['${BUILDPLATFORM}', 'FROM --platform=${BUILDPLATFORM} alpine', { buildPlatform: ARM }, [ARM]],
    ['$BUILDPLATFORM normalised', 'FROM --platform=$BUILDPLATFORM alpine', { buildPlatform: 'linux/arm64/v8' }, [ARM]],
    ['$TARGETPLATFORM', 'FROM --platform=$TARGETPLATFORM alpine', {}, BOTH],
    ['${TARGETPLATFORM}', 'FROM --platform=${TARGETPLATFORM} alpine', {}, BOTH],
    ['fixed', 'FROM --platform=linux/amd64 alpine', { targetPlatforms: [ARM, 'linux/arm/v7'] }, [AMD]],
    ['fixed linux/arm64/v8 → linux/arm64', 'FROM --platform=linux/arm64/v8 alpine', {}, [ARM]],
    ['fixed linux/arm → linux/arm/v7', 'FROM --platform=linux/arm alpine', {}, ['linux/arm/v7']],
    ['fixed linux/amd64/v1 → linux/amd64', 'FROM --platform=linux/amd64/v1 alpine', {}, [AMD]],
    ['from a global ARG', 'ARG P=linux/arm64\nFROM --platform=$P alpine', {}, [ARM]],
    [
      'target platforms normalised and deduplicated',
      'FROM alpine',
      { targetPlatforms: ['linux/arm64/v8', ARM, 'linux/amd64/v1'] },
      [ARM, AMD]
    ],
    ['no target platforms: the build platform', 'FROM alpine', { targetPlatforms: [], buildPlatform: ARM }, [ARM]]
  ])('%s', (_name, text, over, platforms) => {
    const result = dockerfileBases(text, { ...OPTIONS, ...over });
    expect(result.problems).toEqual([]);
    expect(result.images.map(i => i.platforms)).toEqual([platforms]);
  });

  test('an invalid --platform is a problem naming the line', () => {
    const result = bases(['FROM alpine AS a', 'FROM --platform=linux/sparc busybox']);
    expect(result.problems).toEqual([expect.stringMatching(/^line 2: --platform=linux\/sparc .*sparc/)]);
  });
});

describe('stage references', () => {
  test.each<[string, string[], Partial<DockerfileBasesOptions>, string[]]>([
    ['FROM <stage> is not an image', ['FROM golang:1.22 AS build', 'FROM build'], {}, ['golang:1.22@1']],
    ['stage names are case-insensitive', ['FROM golang:1.22 AS Build', 'FROM BUILD'], {}, ['golang:1.22@1']],
    ['FROM <index>', ['FROM golang:1.22', 'FROM 0'], {}, ['golang:1.22@1']],
    ['FROM names only earlier stages', ['FROM app AS base', 'FROM alpine AS app', 'COPY --from=base / /'], {}, ['app@1', 'alpine@2']],
    ['a stage name from an ARG', ['ARG BASE=build', 'FROM golang:1.22 AS build', 'FROM ${BASE}'], {}, ['golang:1.22@2']],
    ['scratch is skipped', ['FROM scratch'], {}, []],
    ['SCRATCH is skipped', ['FROM SCRATCH AS s', 'FROM s'], {}, []],
    ['COPY --from=<image>', ['FROM scratch', 'COPY --from=busybox:1.36 /bin/busybox /'], {}, ['busybox:1.36@2']],
    ['COPY --from=<stage>', ['FROM golang AS build', 'FROM scratch', 'COPY --from=build /app /'], {}, ['golang@1']],
    ['COPY --from=<index>', ['FROM golang', 'FROM scratch', 'COPY --from=0 /app /'], {}, ['golang@1']],
    ['COPY --from=scratch', ['FROM alpine', 'COPY --from=scratch / /'], {}, ['alpine@1']],
    [
      'RUN --mount from=<image>',
      ['FROM alpine', 'RUN --mount=type=bind,from=ghcr.io/o/tools:1,target=/t /t/run'],
      {},
      ['alpine@1', 'ghcr.io/o/tools:1@2']
    ],
    [
      'RUN --mount from=<stage>',
      ['FROM golang AS src', 'FROM alpine', 'RUN --mount=from=src,target=/s true'],
      {},
      ['golang@1', 'alpine@2']
    ],
    ['RUN --mount without from', ['FROM alpine', 'RUN --mount=type=cache,target=/root/.cache true'], {}, ['alpine@1']],
    [
      'several --mount flags',
      ['FROM alpine', 'RUN --mount=type=cache,target=/c --mount=type=bind,source=/x,from=node:20,target=/n true'],
      {},
      ['alpine@1', 'node:20@2']
    ]
  ])('%s', (_name, lines, over, expected) => {
    const result = bases(lines, over);
    expect(result.problems).toEqual([]);
    expect(result.images.map(i => `${i.image}@${i.line}`)).toEqual(expected);
  });

  test('a stage built FROM another keeps its platform, and --platform on it is ignored (as in BuildKit)', () => {
    const curl = 'RUN curl -fsSL https://example.com/tool-linux-amd64.tgz';
    const lines = [
      'FROM --platform=$BUILDPLATFORM golang AS build',
      'FROM build AS more',
      curl,
      'FROM --platform=$TARGETPLATFORM more',
      curl
    ];
    const result = bases(lines);
    expect(result.images).toEqual([img('golang', 1, [AMD])]);
    expect(result.warnings).toEqual([]);
  });

  test('a stage built FROM a multi-platform stage inherits its platforms', () => {
    const lines = ['FROM alpine AS base', 'FROM base', 'RUN curl -fsSL https://example.com/tool-linux-amd64.tgz'];
    expect(bases(lines).warnings.map(w => w.line)).toEqual([3]);
  });

  test('COPY --from and mount images are pulled for the target platforms, even in a build-platform stage (as in BuildKit)', () => {
    const lines = [
      'FROM --platform=$BUILDPLATFORM golang AS build',
      'COPY --from=tonistiigi/xx:1.6 / /',
      'FROM scratch',
      'COPY --from=build /a /'
    ];
    expect(bases(lines).images).toEqual([img('golang', 1, [AMD]), img('tonistiigi/xx:1.6', 2, BOTH)]);
  });

  test('a quoted --from image is pulled without its quotes (as in BuildKit)', () => {
    const result = bases(['FROM alpine', 'COPY --from="busybox:1.36" /bin/busybox /']);
    expect(result.problems).toEqual([]);
    expect(result.images).toEqual([img('alpine', 1), img('busybox:1.36', 2)]);
  });

  test('a variable in --from or from= is a problem (BuildKit does not expand it)', () => {
    const lines = ['FROM alpine', 'ARG IMG=busybox', 'COPY --from=$IMG / /', 'RUN --mount=from=${IMG},target=/x true'];
    const result = bases(lines);
    expect(result.images).toEqual([img('alpine', 1)]);
    expect(result.problems).toEqual([expect.stringMatching(/^line 3: from=\$IMG: /), expect.stringMatching(/^line 4: from=\$\{IMG\}: /)]);
  });
});

describe('the stages the target needs', () => {
  const lines = [
    'FROM node:20 AS web',
    'FROM golang:1.22 AS build',
    'FROM alpine:3.19 AS tools',
    'FROM debian:12 AS unused',
    'RUN curl https://example.com/amd64/x',
    'FROM build AS test',
    'FROM gcr.io/distroless/static AS final',
    'COPY --from=build /app /app',
    'RUN --mount=from=tools,target=/t /t/check'
  ];

  test.each<[string, string | undefined, string[]]>([
    ['no target: the last stage and its dependencies', undefined, ['golang:1.22@2', 'alpine:3.19@3', 'gcr.io/distroless/static@7']],
    ['a target through FROM <stage>', 'test', ['golang:1.22@2']],
    ['a target named in another case', 'WEB', ['node:20@1']],
    ['a target later stages depend on', 'tools', ['alpine:3.19@3']]
  ])('%s', (_name, target, expected) => {
    const result = bases(lines, { target });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.images.map(i => `${i.image}@${i.line}`)).toEqual(expected);
  });

  test('an unknown target is a problem listing the stage names', () => {
    expect(bases(lines, { target: 'release' })).toEqual({
      images: [],
      warnings: [],
      problems: ['target stage "release" is not in the Dockerfile; its stages are: web, build, tools, unused, test, final']
    });
  });

  test('an unknown target in a Dockerfile without named stages', () => {
    expect(bases(['FROM alpine'], { target: 'x' }).problems).toEqual([expect.stringContaining('(none named)')]);
  });

  test('a stage chosen by TARGETARCH is needed only for that platform', () => {
    const perArch = ['FROM alpine:3.19 AS build-amd64', 'FROM ubuntu:24.04 AS build-arm64', 'FROM build-${TARGETARCH} AS final'];
    expect(bases(perArch).images).toEqual([img('alpine:3.19', 1, [AMD]), img('ubuntu:24.04', 2, [ARM])]);
  });

  test('problems in stages the build does not need are not reported', () => {
    expect(bases(['FROM ${NOPE} AS broken', 'FROM alpine']).problems).toEqual([]);
  });
});

describe('reading the Dockerfile, end to end (the syntax itself: __tests__/unit/dockerfile/)', () => {
  test.each<[string, string[], string[]]>([
    ['backtick escape in a FROM reference', ['# escape=`', 'ARG TAG=3', 'FROM alpine:${TAG}'], ['alpine:3@3']],
    ['byte-order mark and CRLF', ['\uFEFFARG V=1\r', 'FROM alpine:${V} AS a\r', 'FROM a\r'], ['alpine:1@2']]
  ])('%s', (_name, lines, expected) => {
    const result = bases(lines);
    expect(result.problems).toEqual([]);
    expect(result.images.map(i => `${i.image}@${i.line}`)).toEqual(expected);
  });

  test('a continued RUN and COPY in JSON form: the warning and the --from image name their first line', () => {
    const lines = [
      'FROM alpine',
      'RUN ["sh", "-c", \\',
      '  "curl https://e.com/amd64/t"]',
      'COPY --from=busybox:1 ["/bin/busybox", \\',
      '   "/x"]'
    ];
    expect(bases(lines)).toEqual({
      images: [img('alpine', 1), img('busybox:1', 4)],
      warnings: [{ line: 2, arch: 'amd64', text: 'RUN ["sh", "-c", "curl https://e.com/amd64/t"]' }],
      problems: []
    });
  });

  test('a comment inside a continued RUN is not part of it: no warning for the URL in it', () => {
    const lines = [
      'FROM alpine',
      'RUN --mount=type=bind,from=node:20,target=/n \\',
      '  curl -fsSL https://e.com/tool.tgz \\',
      '    # was: https://e.com/tool-amd64.tgz',
      '  | tar xz'
    ];
    expect(bases(lines)).toEqual({ images: [img('alpine', 1), img('node:20', 2)], warnings: [], problems: [] });
  });
});

describe('deduplication', () => {
  test('same image and platforms once (first line); another platform set stays separate', () => {
    const lines = [
      'FROM alpine:3.19 AS a',
      'FROM alpine:3.19 AS b',
      'FROM --platform=$BUILDPLATFORM alpine:3.19 AS c',
      'FROM debian:12',
      'COPY --from=a / /a',
      'COPY --from=b / /b',
      'COPY --from=c / /c',
      'COPY --from=alpine:3.19 / /d'
    ];
    expect(bases(lines).images).toEqual([img('alpine:3.19', 1), img('alpine:3.19', 3, [AMD]), img('debian:12', 4)]);
  });
});

describe('problems', () => {
  test.each<[string, string[], Partial<DockerfileBasesOptions>, RegExp]>([
    [
      'unset ARG leaves an invalid reference',
      ['ARG REGISTRY', 'FROM ${REGISTRY}/app:1'],
      {},
      /^line 2: FROM \$\{REGISTRY\}\/app:1 is not a valid image reference: .*\(unresolved: REGISTRY\)$/
    ],
    ['unset ARG leaves an empty name', ['FROM $IMAGE'], {}, /^line 1: FROM \$IMAGE resolves to an empty image name \(unresolved: IMAGE\)$/],
    [
      'unset ARG leaves an empty tag',
      ['FROM alpine:${TAG}'],
      {},
      /^line 1: FROM alpine:\$\{TAG\} is not a valid image reference: .*tag.*\(unresolved: TAG\)$/
    ],
    ['an unsupported substitution', ['ARG V=1', 'FROM alpine:${V%%.*}'], {}, /^line 2: .*\(unresolved: \$\{V%%\.\*\}\)$/],
    [
      'a build arg that makes an invalid reference',
      ['ARG IMG=alpine', 'FROM ${IMG}'],
      { buildArgs: { IMG: 'Alpine' } },
      /^line 2: .*lowercase/
    ],
    ['FROM with extra words', ['FROM alpine base'], {}, /^line 1: FROM takes one image and optionally AS <name>/],
    [
      'invalid COPY --from reference',
      ['FROM alpine', 'COPY --from=Bad/Name / /'],
      {},
      /^line 2: from=Bad\/Name is not a valid image reference/
    ],
    ['invalid target platform', ['FROM alpine'], { targetPlatforms: [AMD, 'linux/sparc'] }, /^platform linux\/sparc: /]
  ])('%s', (_name, lines, over, problem) => {
    expect(bases(lines, over).problems).toEqual([expect.stringMatching(problem)]);
  });

  test('an unset ARG that still leaves a valid reference is fine', () => {
    expect(bases(['FROM alpine${SUFFIX}'])).toEqual({ images: [img('alpine', 1)], warnings: [], problems: [] });
  });

  test('no FROM at all', () => {
    expect(bases(['ARG V=1', '# nothing else'])).toEqual({
      images: [],
      warnings: [],
      problems: ['the Dockerfile has no FROM instruction']
    });
  });

  test('never throws on odd input', () => {
    for (const text of ['', '\\', 'FROM', 'FROM --platform= ', 'RUN <<EOF', 'FROM alpine\nRUN <<EOF\nno end', 'FROM ${', 'FROM $']) {
      expect(() => dockerfileBases(text, OPTIONS)).not.toThrow();
    }
  });
});

describe('hard-coded architectures in RUN', () => {
  test.each<[string, string, string]>([
    ['amd64 in an https URL', 'RUN curl -fsSL https://example.com/tool-linux-amd64.tar.gz | tar xz', 'amd64'],
    ['x86_64 in a URL', 'RUN wget -q https://example.com/releases/x86_64/tool', 'x86_64'],
    ['aarch64 in an ftp URL', 'RUN curl -o t ftp://mirror.example.com/aarch64/t', 'aarch64'],
    ['arm64 in an http URL, underscore-bounded', 'RUN curl -LO http://example.com/tool_1.0_linux_arm64.tgz', 'arm64'],
    ['upper case', 'RUN curl -LO https://example.com/TOOL-AMD64.zip', 'amd64'],
    ['GOARCH=', 'RUN CGO_ENABLED=0 GOARCH=amd64 go build ./...', 'amd64'],
    ['GOARCH quoted', 'RUN GOARCH="arm64" go build .', 'arm64'],
    ['the first one found', 'RUN curl https://e.com/arm64/a && curl https://e.com/amd64/b', 'arm64']
  ])('%s', (_name, run, arch) => {
    expect(bases(['FROM alpine', run]).warnings).toEqual([{ line: 2, arch, text: run }]);
  });

  test.each<[string, string]>([
    ['${TARGETARCH} in a URL', 'RUN curl -fsSL https://example.com/tool-linux-${TARGETARCH}.tar.gz'],
    ['$TARGETARCH in a URL', 'RUN curl -fsSL https://example.com/$TARGETARCH/tool'],
    ['$(uname -m) in a URL', 'RUN curl -fsSL "https://example.com/tool-$(uname -m).tgz"'],
    ['$(dpkg --print-architecture) in a URL', 'RUN curl -fsSL https://example.com/tool_$(dpkg --print-architecture).deb'],
    ['GOARCH=$TARGETARCH', 'RUN GOARCH=$TARGETARCH go build .'],
    ['GOARCH=${TARGETARCH}', 'RUN GOARCH=${TARGETARCH} go build .'],
    ['a case on $TARGETARCH', 'RUN case "$TARGETARCH" in amd64) u=https://e.com/amd64/t;; arm64) u=https://e.com/arm64/t;; esac'],
    ['an arch outside a URL', 'RUN apt-get install -y gcc-aarch64-linux-gnu && echo amd64'],
    ['an arch inside a longer word', 'RUN curl https://example.com/arm64v8/alpine.tgz'],
    ['no URL at all', 'RUN make ARCH=x86_64']
  ])('%s', (_name, run) => {
    expect(bases(['FROM alpine', run]).warnings).toEqual([]);
  });

  test.each<[string, string[], Partial<DockerfileBasesOptions>]>([
    [
      'a stage built for the build platform',
      ['FROM --platform=$BUILDPLATFORM golang AS b', 'RUN GOARCH=arm64 go build', 'FROM alpine', 'COPY --from=b / /'],
      {}
    ],
    ['a stage pinned to one platform', ['FROM --platform=linux/amd64 alpine', 'RUN curl https://e.com/amd64/t'], {}],
    ['a single target platform', ['FROM alpine', 'RUN curl https://e.com/amd64/t'], { targetPlatforms: [AMD] }],
    ['a stage the build does not need', ['FROM alpine AS x', 'RUN curl https://e.com/amd64/t', 'FROM busybox'], {}],
    ['ENV and COPY are not RUN', ['FROM alpine', 'ENV URL=https://e.com/amd64/t', 'ADD https://e.com/amd64/t /t'], {}]
  ])('none in %s', (_name, lines, over) => {
    expect(bases(lines, over).warnings).toEqual([]);
  });

  test('a heredoc script is checked; the warning names the RUN line', () => {
    const result = bases(['FROM alpine', '', 'RUN <<EOF', 'set -e', 'curl -fsSL https://e.com/x86_64/t -o /t', 'EOF', 'RUN true']);
    expect(result.warnings).toEqual([{ line: 3, arch: 'x86_64', text: 'RUN <<EOF' }]);
  });

  test('a continued RUN: its first line, its text joined and trimmed to 120 characters', () => {
    const lines = ['FROM alpine', 'RUN set -e; \\', `    echo ${'x'.repeat(150)}; \\`, '    curl https://e.com/amd64/t'];
    const [warning] = bases(lines).warnings;
    expect(warning.line).toBe(2);
    expect(warning.text).toHaveLength(120);
    expect(warning.text).toMatch(/^RUN set -e; echo x+…$/);
  });
});
