/**
 * Guardrails against publishing something other than what was asked, driven through dist/ on the
 * real stack: the base-image preflight, and secret-looking build-args (masked before the build,
 * never in the argv).
 */
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './registries';
import {
  BINFMT_STANDIN,
  FIXTURES,
  REGISTRY,
  commandLines,
  docker,
  errorLines,
  imageIndex,
  imageManifest,
  localStackInputs,
  qemuHandlers,
  registryGet,
  runAction,
  tagList,
  uniqueRepo
} from './stack';

jest.setTimeout(300_000);

/** The command lines of every process now running whose command line mentions `word`. */
function processesMentioning(word: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmdline = fs
        .readFileSync(path.join('/proc', pid, 'cmdline'), 'utf8')
        .split('\0')
        .join(' ');
      if (cmdline.includes(word)) out.push(cmdline);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

describe('a build-arg whose name looks secret', () => {
  const token = `npm_s3cr3t_${Date.now().toString(36)}`;
  const repo = uniqueRepo('secret-arg');
  const seen: string[] = [];
  let stdout = '';
  let metadata = '';
  let code: number | null = null;

  beforeAll(async () => {
    const run = runAction({
      inputs: {
        ...localStackInputs(),
        file: path.join(FIXTURES, 'secret-arg', 'Dockerfile'),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${repo}:1`,
        // DOCKER_PASSWORD is no setting buildx reads: its value travels like NPM_TOKEN's.
        'build-args': `NPM_TOKEN=${token}\nDOCKER_PASSWORD=${token}-docker\nVERSION=1.0`,
        provenance: 'false'
      }
    });
    // Read the process table while the build runs (its RUN step sleeps 3 s).
    let done = false;
    void run.finally(() => (done = true));
    while (!done) {
      seen.push(...processesMentioning('--build-arg'));
      await new Promise(r => setTimeout(r, 50));
    }
    const r = await run;
    stdout = r.main.stdout;
    metadata = r.outputs.metadata;
    code = r.main.code;
  });

  test('the build succeeds and publishes', async () => {
    expect(code).toBe(0);
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });

  test('it is warned about by name, with the way to pass it safely', () => {
    expect(stdout).toContain('::warning::build-args: NPM_TOKEN looks like a secret.');
    expect(stdout).toContain('pass it with secrets instead');
  });

  test('its value is masked before anything can print it: the first line holding it is the mask', () => {
    const lines = stdout.split('\n').filter(l => l.includes(token));
    expect(lines[0]).toBe(`::add-mask::${token}`);
    const firstCommand = stdout.split('\n').findIndex(l => l.startsWith('[command]'));
    expect(stdout.split('\n').indexOf(`::add-mask::${token}`)).toBeLessThan(firstCommand);
  });

  test('no value is in the [command] echo of the build', () => {
    const build = commandLines(stdout).filter(l => l.includes(' build '));
    expect(build).toHaveLength(1);
    expect(build[0]).toContain('--build-arg NPM_TOKEN --build-arg DOCKER_PASSWORD --build-arg VERSION ');
    expect(build[0]).not.toContain(token);
    expect(build[0]).not.toContain('1.0');
  });

  test('no value is in the metadata output (buildx 0.14 and newer would add its provenance, build-args included)', () => {
    // The same fields from buildx 0.13 and 0.29 once buildx's own provenance is turned off.
    const fields = Object.keys(JSON.parse(metadata) as Record<string, unknown>).sort();
    expect(fields).toEqual([
      'buildx.build.ref',
      'containerimage.config.digest',
      'containerimage.descriptor',
      'containerimage.digest',
      'image.name'
    ]);
    expect(metadata).not.toContain(token);
  });

  test('no value is in the argv of any process while the build runs', () => {
    const buildx = seen.filter(c => c.includes('buildx') && c.includes(' build '));
    expect(buildx.length).toBeGreaterThan(0);
    expect(seen.filter(c => c.includes(token))).toEqual([]);
  });
});

/** Publishes the busybox fixture for linux/amd64 only: a single-platform base image. */
async function amd64OnlyBase(): Promise<string> {
  const repo = uniqueRepo('amd64-only-base');
  const r = await runAction({
    inputs: { ...localStackInputs(), platforms: 'linux/amd64', tags: `${REGISTRY}/${repo}:1`, provenance: 'false' }
  });
  expect(r.main.code).toBe(0);
  const m = await imageManifest(REGISTRY, repo, '1');
  expect(m.config.mediaType).toContain('config');
  return `${REGISTRY}/${repo}:1`;
}

/** A build context whose Dockerfile builds FROM `base` with a RUN step. */
function contextFrom(base: string, extra = ''): string {
  const dir = tempDir('context-');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nRUN ["/bin/busybox", "true"]\n${extra}CMD ["/bin/uname", "-m"]\n`);
  return dir;
}

/** Runs the action on a context built FROM `base`, pushing to `repo`:1. */
function buildFrom(base: string, repo: string, inputs: Record<string, string>, env?: Record<string, string>) {
  const context = contextFrom(base);
  const file = path.join(context, 'Dockerfile');
  return runAction({ inputs: { ...localStackInputs(), context, file, tags: `${REGISTRY}/${repo}:1`, ...inputs }, env });
}

describe('preflight: a base image that exists only for linux/amd64, built for linux/amd64 and linux/arm64', () => {
  let base: string;
  beforeAll(async () => {
    base = await amd64OnlyBase();
  });

  test('fails before anything runs, with one error naming the image, linux/arm64, what it has, and the fix', async () => {
    const repo = uniqueRepo('preflight-miss');
    const r = await buildFrom(base, repo, { platforms: 'linux/amd64,linux/arm64' }, { GITHUB_RUN_ID: `preflight-${Date.now()}` });
    expect(r.main.code).toBe(1);
    const errors = errorLines(r.main.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`base image ${base} has no linux/arm64 (it has linux/amd64)`);
    expect(errors[0]).toContain('FROM --platform=$BUILDPLATFORM');
    expect(errors[0]).toMatch(/file=.*Dockerfile,line=1/);
    expect(r.main.stdout).toMatch(/Preflight: 1 base image use\(s\) checked for linux\/amd64, linux\/arm64 in \d+ ms/);
    // Nothing else ran: no command at all (no QEMU, no builder, no build), nothing pushed.
    expect(commandLines(r.main.stdout)).toEqual([]);
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });

  test('passes for the platform it has', async () => {
    const repo = uniqueRepo('preflight-ok');
    const r = await buildFrom(base, repo, { platforms: 'linux/amd64', provenance: 'false' });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toMatch(/Preflight: 1 base image use\(s\) checked for linux\/amd64 in \d+ ms/);
    expect(r.main.stdout).toMatch(/Content check of linux\/amd64: .*busybox.*x86-64/);
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });

  test('with preflight off, the build goes through, but the content check fails the step before any tag: the arm64 image holds x86-64 binaries', async () => {
    const repo = uniqueRepo('content-miss');
    const r = await buildFrom(base, repo, {
      platforms: 'linux/amd64,linux/arm64',
      provenance: 'false',
      preflight: 'false',
      'qemu-image': BINFMT_STANDIN
    });
    expect(r.main.code).toBe(1);
    const errors = errorLines(r.main.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error::linux\/arm64: \/bin\/busybox is ELF 64-bit LSB x86-64, not ELF 64-bit LSB ARM aarch64/);
    expect(errors[0]).toContain("The linux/arm64 image holds another machine's binaries");
    // Pushed by digest, checked, and never tagged.
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });

  test('a base image that cannot be read is a warning, and preflight: false turns the check off', async () => {
    const context = contextFrom('127.0.0.1:1/nowhere/base:1');
    const inputs = {
      ...localStackInputs(),
      context,
      file: path.join(context, 'Dockerfile'),
      platforms: 'linux/amd64',
      push: 'false',
      outputs: 'type=cacheonly'
    };
    const unreadable = await runAction({ inputs: { ...inputs, qemu: 'false' }, env: { GITHUB_RUN_ID: `unreadable-${Date.now()}` } });
    expect(unreadable.main.stdout).toContain('::warning file=');
    expect(unreadable.main.stdout).toContain('Preflight: could not read base image 127.0.0.1:1/nowhere/base:1');
    const off = await runAction({ inputs: { ...inputs, preflight: 'false' } });
    expect(off.main.stdout).not.toContain('Preflight');
  });
});

describe('preflight: a base image indexed the way most Docker Official Images are', () => {
  let base: string;

  /**
   * An index like golang's or python's: linux/amd64 (the real busybox image), linux/arm64/v8,
   * windows/amd64 twice (one per os.version), a platform this action does not know, and an
   * attestation manifest; PUT straight to the registry.
   */
  beforeAll(async () => {
    const amd64 = await amd64OnlyBase();
    const repo = amd64.slice(`${REGISTRY}/`.length, -':1'.length);
    const child = await registryGet(REGISTRY, `${repo}/manifests/1`);
    const digest = child.headers.get('docker-content-digest') ?? '';
    const d = { mediaType: child.headers.get('content-type') ?? '', digest, size: child.body.length };
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...d, platform: { os: 'linux', architecture: 'amd64' } },
        { ...d, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { ...d, platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.2655' } },
        { ...d, platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.17763.6189' } },
        { ...d, platform: { os: 'linux', architecture: 'sparc64' } },
        {
          ...d,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': digest }
        }
      ]
    });
    const put = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/official`, {
      method: 'PUT',
      body: index,
      headers: { 'Content-Type': 'application/vnd.oci.image.index.v1+json' }
    });
    expect(put.status).toBe(201);
    base = `${REGISTRY}/${repo}:official`;
  });

  test('is read and checked, not skipped with a warning: a platform it lacks fails before anything runs', async () => {
    const repo = uniqueRepo('official-miss');
    const r = await buildFrom(base, repo, { platforms: 'linux/amd64,linux/riscv64' });
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).not.toContain('could not read base image');
    const errors = errorLines(r.main.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`base image ${base} has no linux/riscv64 (it has linux/amd64, linux/arm64, windows/amd64)`);
    expect(commandLines(r.main.stdout)).toEqual([]);
  });

  test('a platform it has passes the check, and the build uses it', async () => {
    const repo = uniqueRepo('official-ok');
    const r = await buildFrom(base, repo, { platforms: 'linux/amd64', provenance: 'false' });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).not.toContain('could not read base image');
    expect(r.main.stdout).toMatch(/Preflight: 1 base image use\(s\) checked for linux\/amd64 in \d+ ms/);
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });
});

describe("smoke-test: a command in every platform's pushed image before any tag moves", () => {
  const ONLY_X86 = `/bin/sh -c 'uname -m; test "$(uname -m)" = x86_64'`;

  test('passing everywhere: each output in a log group and the summary, then the tags are put', async () => {
    const repo = uniqueRepo('smoke-pass');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64,linux/arm64',
        tags: `${REGISTRY}/${repo}:1\n${REGISTRY}/${repo}:latest`,
        provenance: 'false',
        'qemu-image': BINFMT_STANDIN,
        'smoke-test': '/bin/uname -m'
      }
    });
    expect(r.main.code).toBe(0);
    const digestRef = `${REGISTRY}/${repo}@${r.outputs.digest}`;
    expect(r.main.stdout).toContain(
      `::group::Smoke test on linux/amd64: exit code 0\n$ docker run --rm --quiet --platform linux/amd64 --network host ${digestRef} /bin/uname -m\nx86_64\n::endgroup::`
    );
    expect(r.main.stdout).toContain(
      `::group::Smoke test on linux/arm64: exit code 0\n$ docker run --rm --quiet --platform linux/arm64 --network host ${digestRef} /bin/uname -m\naarch64\n::endgroup::`
    );
    expect(r.summary).toContain('<summary>linux/arm64: passed</summary>');
    expect(r.summary).toContain('<pre>aarch64</pre>');
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['1', 'latest']);
    expect((await imageIndex(REGISTRY, repo, 'latest'))._digest).toBe(r.outputs.digest);
  });

  test('failing on one platform: the error names it with its output, and no tag exists', async () => {
    const repo = uniqueRepo('smoke-fail');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64,linux/arm64',
        tags: `${REGISTRY}/${repo}:1`,
        provenance: 'false',
        'qemu-image': BINFMT_STANDIN,
        'smoke-test': ONLY_X86
      }
    });
    expect(r.main.code).toBe(1);
    const errors = errorLines(r.main.stdout);
    expect(errors).toEqual([expect.stringMatching(/^::error::smoke test failed on linux\/arm64 \(exit code 1\):%0Aaarch64$/)]);
    expect(r.summary).toContain('<summary>linux/arm64: failed (exit code 1)</summary>');
    expect(r.summary).toContain('<summary>linux/amd64: passed</summary>');
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });

  test('a fan-out leg smoke-tests its own platform before handing off', async () => {
    const repo = uniqueRepo('smoke-leg');
    const handoff = tempDir('handoff-');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        mode: 'leg',
        platforms: 'linux/arm64',
        images: `${REGISTRY}/${repo}`,
        provenance: 'false',
        'qemu-image': BINFMT_STANDIN,
        'handoff-dir': handoff,
        'smoke-test': ONLY_X86
      },
      env: { GITHUB_RUN_ID: `smoke-leg-${Date.now()}` }
    });
    expect(r.main.code).toBe(1);
    expect(r.main.stdout).toContain('::error::smoke test failed on linux/arm64 (exit code 1)');
    expect(r.outputs.record).toBeUndefined();
    expect(fs.readdirSync(handoff)).toEqual([]);
  });
});

test('a RUN line hard-coding an architecture in a multi-platform stage is warned about with file and line', async () => {
  const context = tempDir('context-');
  const file = path.join(context, 'Dockerfile');
  fs.writeFileSync(file, 'FROM scratch\nRUN wget https://example.com/tool_linux_amd64.tar.gz\n');
  const r = await runAction({
    inputs: {
      ...localStackInputs(),
      context,
      file,
      platforms: 'linux/amd64,linux/arm64',
      push: 'false',
      outputs: 'type=cacheonly',
      qemu: 'false'
    }
  });
  expect(r.main.stdout).toContain(
    `::warning file=${file},line=2::RUN hard-codes amd64 in a stage built for linux/amd64, linux/arm64: use \${TARGETARCH}`
  );
});

test('nothing touches binfmt_misc when the builder is not on this runner (a remote BuildKit)', async () => {
  const builder = `remote-builder-${Date.now().toString(36)}`;
  // The action and this test share one buildx config, where the builder is registered.
  const env = { ...process.env, BUILDX_CONFIG: tempDir('buildx-config-') };
  docker(['buildx', 'create', '--name', builder, '--driver', 'remote', 'tcp://127.0.0.1:1'], env);
  try {
    expect(Object.keys(qemuHandlers())).not.toContain('qemu-s390x');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        'driver-opts': '',
        'buildkitd-config-inline': '',
        builder,
        platforms: 'linux/s390x',
        push: 'false',
        outputs: 'type=cacheonly'
      },
      env: { BUILDX_CONFIG: env.BUILDX_CONFIG }
    });
    expect(r.main.stdout).toContain('QEMU: not touched; the builder does not run on this runner (remote tcp://127.0.0.1:1)');
    expect(r.main.stdout).not.toContain('--privileged');
    expect(Object.keys(qemuHandlers())).not.toContain('qemu-s390x');
    // The remote BuildKit is unreachable here, so the step fails when it boots the builder.
    expect(r.main.code).toBe(1);
  } finally {
    docker(['buildx', 'rm', '--force', builder], env);
  }
});
