import { RunContext } from '../../../src/inputs/context';
import { readGroup } from '../../../src/inputs/input-spec';
import { BUILD_INPUTS } from '../../../src/inputs/inputs';
import { Problems } from '../../../src/inputs/problems';
import { buildCommand, planCache } from '../../../src/policy/build-command';
import { buildxProblems } from '../../../src/policy/buildx-support';

/** The build group as the declarations default it (sbom left to buildx), pushing. */
const base = {
  ...readGroup(BUILD_INPUTS, () => '', new Problems(), {} as RunContext),
  sbom: undefined,
  push: true
};
const plan = { builder: 'b1', tags: ['ghcr.io/o/r:1'], secretFiles: {}, metadataFile: '/tmp/m.json' };

describe('buildArgs', () => {
  test('minimal push', () => {
    expect(buildCommand(base, plan).args).toEqual([
      'build',
      '--builder',
      'b1',
      '--progress',
      'plain',
      '--platform',
      'linux/amd64,linux/arm64',
      '--output',
      'type=image,push=true,oci-mediatypes=true',
      '--tag',
      'ghcr.io/o/r:1',
      '--metadata-file',
      '/tmp/m.json',
      '.'
    ]);
  });

  test.each([
    ['file and target', { file: 'docker/Dockerfile', target: 'prod' }, ['--file', 'docker/Dockerfile', '--target', 'prod']],
    ['labels', { labels: ['org.opencontainers.image.title=x'] }, ['--label', 'org.opencontainers.image.title=x']],
    [
      'annotations',
      { annotations: ['index:org.opencontainers.image.description=d'] },
      ['--annotation', 'index:org.opencontainers.image.description=d']
    ],
    ['network', { network: 'host' }, ['--network', 'host']],
    ['no-cache and pull', { noCache: true, pull: true }, ['--no-cache', '--pull']],
    [
      'caches',
      { cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max'] },
      ['--cache-from', 'type=gha', '--cache-to', 'type=gha,mode=max']
    ],
    ['provenance off', { provenance: 'false' }, ['--provenance=false']],
    ['provenance attributes', { provenance: 'mode=max' }, ['--provenance=mode=max']],
    ['sbom', { sbom: 'true' }, ['--sbom=true']],
    ['custom outputs replace push', { outputs: ['type=local,dest=out'], push: false }, ['--output', 'type=local,dest=out']],
    ['load without push', { push: false, load: true }, ['--load']]
  ])('%s', (_name, over, expected) => {
    const { args } = buildCommand({ ...base, ...over }, plan);
    const at = args.indexOf(expected[0]);
    expect(at).toBeGreaterThan(0);
    expect(args.slice(at, at + expected.length)).toEqual(expected);
  });

  test('build-arg values travel in the environment, never in the argv', () => {
    const { args, env } = buildCommand({ ...base, buildArgs: ['A=1', 'B=x y', 'NPM_TOKEN=npm_s3cr3t', 'EMPTY='] }, plan);
    expect(args.slice(args.indexOf('--build-arg'), args.indexOf('--build-arg') + 8)).toEqual([
      '--build-arg',
      'A',
      '--build-arg',
      'B',
      '--build-arg',
      'NPM_TOKEN',
      '--build-arg',
      'EMPTY'
    ]);
    expect(env).toEqual({ A: '1', B: 'x y', NPM_TOKEN: 'npm_s3cr3t', EMPTY: '', BUILDX_METADATA_PROVENANCE: 'disabled' });
    expect(args.join(' ')).not.toContain('npm_s3cr3t');
  });

  test.each([
    ['DOCKER_PASSWORD', false],
    ['DOCKER_USER', false],
    ['USER', false],
    ['DOCKER_HOST', true],
    ['DOCKER_CONFIG', true],
    ['HTTPS_PROXY', true],
    ['no_proxy', true],
    ['BUILDKIT_PROGRESS', true],
    ['BUILDX_BUILDER', true],
    ['GODEBUG', true],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', true]
  ])('%s: buildx reads it from its environment: %s', (name, reads) => {
    const { args, env } = buildCommand({ ...base, buildArgs: [`${name}=v`] }, plan);
    expect(args.includes(`${name}=v`)).toBe(reads);
    expect(name in env).toBe(!reads);
  });

  test("names the build's own environment needs keep their value on the command line", () => {
    const { args, env } = buildCommand({ ...base, buildArgs: ['PATH=/opt/bin', 'DOCKER_HOST=x'] }, plan);
    expect(args).toContain('PATH=/opt/bin');
    expect(args).toContain('DOCKER_HOST=x');
    expect(env).toEqual({ BUILDX_METADATA_PROVENANCE: 'disabled' });
  });

  test('buildx writes no provenance (which holds build-arg values) into the metadata file', () => {
    expect(buildCommand(base, plan).env.BUILDX_METADATA_PROVENANCE).toBe('disabled');
    const { env } = buildCommand({ ...base, buildArgs: ['BUILDX_METADATA_PROVENANCE=max'] }, plan);
    expect(env.BUILDX_METADATA_PROVENANCE).toBe('disabled');
  });

  test('secrets are passed as files, never values', () => {
    const { args } = buildCommand(base, { ...plan, secretFiles: { npm: '/run/s/npm' } });
    expect(args).toContain('id=npm,src=/run/s/npm');
  });

  test('pushed by digest and loaded: two exporters, the engine gets the tags', () => {
    const pushed = { ...plan, tags: [], pushByDigest: ['ghcr.io/o/r'], loadTags: ['ghcr.io/o/r:1', 'ghcr.io/o/r:latest'] };
    const outputs = (load: boolean): string[] => {
      const { args } = buildCommand({ ...base, load }, pushed);
      return args.flatMap((a, i) => (a === '--output' ? [args[i + 1]] : []));
    };
    expect(outputs(false)).toEqual(['type=image,"name=ghcr.io/o/r",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true']);
    // The push last: the metadata file keeps the last exporter's digest.
    expect(outputs(true)).toEqual([
      'type=docker,"name=ghcr.io/o/r:1,ghcr.io/o/r:latest",oci-mediatypes=true',
      'type=image,"name=ghcr.io/o/r",push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true'
    ]);
  });

  test("build-push-action's build options, each with its buildx flag", () => {
    const { args } = buildCommand(
      {
        ...base,
        addHosts: ['docker:10.180.0.1'],
        allow: ['network.host'],
        attests: ['type=sbom,generator=r/scanner'],
        buildContexts: ['extra=./other', 'base=docker-image://r/base:1'],
        cgroupParent: 'ci.slice',
        noCacheFilters: ['build'],
        secretEnvs: [{ id: 'npm', env: 'NPM_TOKEN' }],
        secretFiles: [{ id: 'netrc', path: '/home/u/.netrc' }],
        shmSize: '2g',
        ssh: ['default'],
        ulimit: ['nofile=1024:1024']
      },
      plan
    );
    const pairs = (flag: string): string[] => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
    expect(pairs('--add-host')).toEqual(['docker:10.180.0.1']);
    expect(pairs('--allow')).toEqual(['network.host']);
    expect(pairs('--attest')).toEqual(['type=sbom,generator=r/scanner']);
    expect(pairs('--build-context')).toEqual(['extra=./other', 'base=docker-image://r/base:1']);
    expect(pairs('--cgroup-parent')).toEqual(['ci.slice']);
    expect(pairs('--no-cache-filter')).toEqual(['build']);
    // Secrets by reference only: an environment variable's name, a file's path, never a value.
    expect(pairs('--secret')).toEqual(['id=npm,env=NPM_TOKEN', 'id=netrc,src=/home/u/.netrc']);
    expect(pairs('--shm-size')).toEqual(['2g']);
    expect(pairs('--ssh')).toEqual(['default']);
    expect(pairs('--ulimit')).toEqual(['nofile=1024:1024']);
  });

  // buildx 0.13 refuses --sbom beside --attest type=sbom ("duplicate attestation field").
  test.each([
    ['true', 'mode=max', ['type=sbom,generator=r/scanner', 'type=provenance,mode=max'], []],
    ['generator=r/other', undefined, ['type=sbom,generator=r/other', 'type=provenance,mode=max'], []],
    ['false', 'false', ['type=sbom,disabled=true', 'type=provenance,disabled=true'], []],
    [undefined, 'true', ['type=sbom,generator=r/scanner', 'type=provenance,mode=max'], []],
    [undefined, '"builder-id=https://x/a,b"', ['type=sbom,generator=r/scanner', 'type=provenance,mode=max,"builder-id=https://x/a,b"'], []]
  ])(
    'sbom %s and provenance %s beside attests of those types: one --attest each, the input over the entry',
    (sbom, provenance, attest, flags) => {
      const { args } = buildCommand(
        { ...base, sbom, provenance, attests: ['type=sbom,generator=r/scanner', 'type=provenance,mode=max'] },
        plan
      );
      expect(args.flatMap((a, i) => (a === '--attest' ? [args[i + 1]] : []))).toEqual(attest);
      expect(args.filter(a => a.startsWith('--sbom') || a.startsWith('--provenance'))).toEqual(flags);
    }
  );

  test('provenance and sbom without attests of their type keep their own flags', () => {
    const { args } = buildCommand({ ...base, sbom: 'true', provenance: 'mode=max', attests: ['type=custom,x=1'] }, plan);
    expect(args).toEqual(expect.arrayContaining(['--provenance=mode=max', '--sbom=true', '--attest', 'type=custom,x=1']));
  });

  test('call: check evaluates the build: --call, and no output or tag', () => {
    const { args } = buildCommand({ ...base, call: 'check' }, plan);
    expect(args).toContain('--call');
    expect(args).not.toContain('--output');
    expect(args).not.toContain('--tag');
    expect(buildCommand({ ...base, call: 'build' }, plan).args).toContain('--output');
  });

  test('the context is the last argument even when it looks like a flag', () => {
    const { args } = buildCommand({ ...base, context: '--evil' }, plan);
    expect(args[args.length - 1]).toBe('--evil');
  });
});

describe('the buildx version gate', () => {
  test.each([
    ['older than the minimum', '0.9.1', {}, /buildx 0\.9\.1 \(installed\) is older than the minimum supported buildx 0\.10\.0/],
    ['annotations before 0.12', '0.11.2', { annotations: ['a=b'] }, /annotations need buildx 0\.12\.0/],
    ['push and load before 0.13', '0.12.1', { load: true }, /push together with load needs buildx 0\.13\.0/],
    ['call before 0.15', '0.13.1', { call: 'check' }, /call needs buildx 0\.15\.0 or newer/],
    [
      'index annotations on appended nodes before 0.16',
      '0.15.1',
      { annotations: ['index[linux/amd64]:a=b'], append: [{}] },
      /index annotations on a builder with appended nodes need buildx 0\.16\.0 or newer \(installed: 0\.15\.1\)/
    ]
  ])('%s is refused', (_name, version, over, message) => {
    expect(buildxProblems(version, { ...base, ...over }, 'installed', 'set buildx-version').join('\n')).toMatch(message);
  });

  test('what this buildx can do passes', () => {
    expect(buildxProblems('0.13.1', { ...base, annotations: ['a=b'], load: true }, 'installed', 'x')).toEqual([]);
  });

  test.each([
    ['manifest annotations on appended nodes', '0.13.1', ['manifest:a=b', 'a=b'], [{}]],
    ['index annotations on one node', '0.13.1', ['index:a=b'], []],
    ['index annotations on appended nodes from 0.16', '0.16.0', ['index:a=b'], [{}]]
  ])('%s (buildx %s) pass', (_name, version, annotations, append) => {
    expect(buildxProblems(version, { ...base, annotations, append }, 'installed', 'x')).toEqual([]);
  });
});

describe('planCache', () => {
  const cfg = { cacheFrom: [], cacheTo: [], images: ['ghcr.io/o/app'], platforms: ['linux/arm64'] };
  const trusted = { leg: true, onGitHub: true, writeCache: true, githubCache: 'read-write' as const };
  const scoped = ['type=gha,scope=ghcr.io/o/app@linux/arm64'];
  const plan = (cacheFrom: string[], cacheTo: string[], refused: string[] = [], withoutGithubCache = false) => ({
    cacheFrom,
    cacheTo,
    refused,
    withoutGithubCache
  });

  test('a leg on GitHub: a GHA cache scope per image and platform', () => {
    expect(planCache(cfg, trusted)).toEqual(plan(scoped, ['type=gha,mode=max,scope=ghcr.io/o/app@linux/arm64']));
  });
  test('off GitHub, in a single build, or with caches given: the inputs as they are', () => {
    expect(planCache(cfg, { ...trusted, onGitHub: false })).toEqual(plan([], []));
    expect(planCache(cfg, { ...trusted, leg: false })).toEqual(plan([], []));
    const own = { ...cfg, cacheFrom: ['type=registry,ref=x'] };
    expect(planCache(own, trusted)).toEqual(plan(['type=registry,ref=x'], []));
  });
  test('untrusted code reads the leg scope but never writes it', () => {
    expect(planCache(cfg, { ...trusted, writeCache: false, githubCache: 'read' })).toEqual(plan(scoped, []));
  });
  test("untrusted code never writes the user's cache-to either, and it is reported by type only (an s3 entry may hold a key)", () => {
    const own = { ...cfg, cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max', 'type=s3,secret_access_key=AKxyz'] };
    expect(planCache(own, { leg: false, onGitHub: true, writeCache: false, githubCache: 'read' })).toEqual(
      plan(['type=gha'], [], ['type=gha', 'type=s3'])
    );
  });
  test("untrusted code with the base repository's token gets no Actions cache at all: no leg default, no gha source, no token", () => {
    const base = { ...trusted, writeCache: false, githubCache: 'none' as const };
    expect(planCache(cfg, base)).toEqual(plan([], [], [], true));
    const own = { ...cfg, cacheFrom: ['type=gha,scope=main', 'Type=GHA', 'type=registry,ref=x'] };
    expect(planCache(own, { ...base, leg: false })).toEqual(plan(['type=registry,ref=x'], [], ['type=gha', 'type=GHA'], true));
  });

  // A workflow_run off the default branch writes caches, but no Actions cache (its scope is the default branch's).
  test('writing caches without the Actions cache: a gha cache-to is dropped too, even with its own token and url', () => {
    const own = { ...cfg, cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max,token=t,url=https://cache', 'type=registry,ref=x'] };
    expect(planCache(own, { leg: false, onGitHub: true, writeCache: true, githubCache: 'none' })).toEqual(
      plan([], ['type=registry,ref=x'], ['type=gha', 'type=gha'], true)
    );
  });
});
