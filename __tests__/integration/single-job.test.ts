/**
 * The single-job path, driven through dist/ under Node 24 like a runner does, against the real
 * Docker engine, buildx, BuildKit, QEMU through binfmt_misc, and registries.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BINFMT_DIR,
  BINFMT_STANDIN,
  REGISTRY,
  ActionRun,
  blobJson,
  builderContainers,
  byBuildx,
  clearQemuHandlers,
  commandLines,
  docker,
  errorLines,
  imageIndex,
  imageManifest,
  localStackInputs,
  manifest,
  platformOf,
  qemuHandlers,
  runAction,
  tagList,
  uniqueRepo
} from './stack';
import { RunningRegistry, startRegistry, tempDir } from './registries';

jest.setTimeout(600_000);

const USER = 'ci-user';
const PASSWORD = 'ci-password-9f2d';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const UNPULLABLE = '127.0.0.1:1/none/binfmt:x';

/** The parts of the main step's saved state (`post-state`) these tests read. */
interface PostState {
  builder: string;
  runDir: string;
  dockerConfig: string;
}

function log(run: ActionRun): string {
  return run.main.stdout + run.main.stderr;
}

describe('three platforms from a fixture whose RUN steps execute under QEMU (binfmt image, login, provenance off)', () => {
  let auth: RunningRegistry;
  let run: ActionRun;
  const repo = uniqueRepo('three-arch');
  const creds = { username: USER, password: PASSWORD };

  beforeAll(async () => {
    auth = await startRegistry({ storage: tempDir('auth-storage-'), htpasswd: { user: USER, password: PASSWORD } });
    clearQemuHandlers();
    run = await runAction({
      inputs: {
        ...localStackInputs([auth.host]),
        platforms: 'linux/amd64,linux/arm64/v8,linux/arm',
        images: `${auth.host}/${repo}`,
        tags: `${auth.host}/${repo}:1.0.0\n${auth.host}/${repo}:latest`,
        provenance: 'false',
        sbom: 'false',
        'qemu-image': BINFMT_STANDIN,
        username: USER,
        password: PASSWORD
      }
    });
  });
  afterAll(async () => auth?.stop());

  test('main and post succeed', () => {
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
  });

  test('emulators were installed only for the foreign platforms, then verified', () => {
    expect(log(run)).toContain('QEMU: installing emulators for linux/arm64, linux/arm/v7 on this linux/amd64 runner');
    expect(log(run)).toMatch(/QEMU: emulator version binfmt-standin\/test-fixture qemu\/\d+/);
    const handlers = qemuHandlers();
    expect(handlers['qemu-aarch64']).toMatch(/^enabled[\s\S]*flags: [A-Z]*F/);
    expect(handlers['qemu-arm']).toMatch(/^enabled/);
  });

  test('the RUN steps really ran as each architecture', () => {
    for (const m of ['x86_64', 'aarch64', 'armv7l']) expect(log(run)).toContain(`RUN step executed as ${m}`);
  });

  test('the registry holds one OCI index with exactly those platforms, under both tags', async () => {
    const index = await imageIndex(auth.host, repo, '1.0.0', creds);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index._digest).toBe(run.outputs.digest);
    const platforms = index.manifests.map(m => {
      const p = platformOf(m);
      return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
    });
    expect(platforms.sort()).toEqual(['linux/amd64', 'linux/arm/v7', 'linux/arm64']);
    expect(platforms).not.toContain('unknown/unknown');
    expect((await manifest(auth.host, repo, 'latest', creds))._digest).toBe(run.outputs.digest);
    expect((await tagList(auth.host, repo, creds))?.sort()).toEqual(['1.0.0', 'latest']);
  });

  test("each platform's config reports its architecture, and outputs.digests agrees", async () => {
    const digests = JSON.parse(run.outputs.digests) as Record<string, string>;
    const expected: Record<string, { architecture: string; variant?: string }> = {
      'linux/amd64': { architecture: 'amd64' },
      'linux/arm64': { architecture: 'arm64' },
      'linux/arm/v7': { architecture: 'arm', variant: 'v7' }
    };
    expect(Object.keys(digests).sort()).toEqual(Object.keys(expected).sort());
    for (const [platform, want] of Object.entries(expected)) {
      const m = await imageManifest(auth.host, repo, digests[platform], creds);
      const config = await blobJson(auth.host, repo, m.config.digest, creds);
      expect({ os: config.os, architecture: config.architecture, ...(want.variant ? { variant: config.variant } : {}) }).toEqual({
        os: 'linux',
        ...want
      });
    }
  });

  test('outputs: tags, platforms, metadata', () => {
    expect(run.outputs.tags.split('\n')).toEqual([`${auth.host}/${repo}:1.0.0`, `${auth.host}/${repo}:latest`]);
    expect(run.outputs.platforms).toBe('linux/amd64,linux/arm64,linux/arm/v7');
    expect((JSON.parse(run.outputs.metadata) as Record<string, unknown>)['containerimage.digest']).toBe(run.outputs.digest);
  });

  test('the job summary has the image, tags and a native/QEMU row per platform', () => {
    expect(run.summary).toContain(`<code>${auth.host}/${repo}</code>`);
    expect(run.summary).toContain(`<code>${auth.host}/${repo}:1.0.0</code>`);
    expect(run.summary).toMatch(/<td>linux\/amd64<\/td><td><code>sha256:[0-9a-f]{64}<\/code><\/td><td>native<\/td>/);
    expect(run.summary).toMatch(/<td>linux\/arm64<\/td><td><code>sha256:[0-9a-f]{64}<\/code><\/td><td>QEMU \(binfmt-image\)<\/td>/);
    expect(run.summary).toMatch(/<td>linux\/arm\/v7<\/td>.*QEMU/);
  });

  test('the password never reached the log (other than the runner mask command)', () => {
    const lines = log(run)
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::'));
    expect(lines.join('\n')).not.toContain(PASSWORD);
    expect((run.post?.stdout ?? '') + (run.post?.stderr ?? '')).not.toContain(PASSWORD);
  });

  test('the post step removed the builder and the credentials', () => {
    const state = JSON.parse(run.state['post-state']) as PostState;
    expect(state.builder).toMatch(/^multiarch-/);
    expect(run.post?.stdout).toContain(`Removed builder ${state.builder}`);
    expect(builderContainers().filter(n => n.includes(state.builder))).toEqual([]);
    const ls = docker(['buildx', 'ls'], { ...process.env, HOME: run.home });
    expect(ls).not.toContain(state.builder);
    expect(run.post?.stdout).toContain(`Logged out of ${auth.host}`);
    expect(fs.existsSync(state.runDir)).toBe(false);
    expect(fs.existsSync(state.dockerConfig)).toBe(false);
    const userConfig = path.join(run.home, '.docker', 'config.json');
    if (fs.existsSync(userConfig)) expect(fs.readFileSync(userConfig, 'utf8')).not.toContain(auth.host);
  });

  test('docker run --platform linux/arm64 of the pushed image prints aarch64', () => {
    const cfgDir = fs.mkdtempSync(path.join(run.dir, 'pull-config-'));
    const env = { ...process.env, DOCKER_CONFIG: cfgDir };
    docker(['login', '--username', USER, '--password', PASSWORD, auth.host], env);
    const ref = `${auth.host}/${repo}:1.0.0`;
    const out = docker(['run', '--rm', '--pull', 'always', '--network', 'host', '--platform', 'linux/arm64', ref], env);
    expect(out.trim()).toBe('aarch64');
    docker(['rmi', '-f', ref], env);
  });
});

describe.each(['true', 'mode=max'])('provenance: %s keeps attestation manifests attached to their subjects', provenance => {
  const repo = uniqueRepo('provenance');
  let run: ActionRun;

  beforeAll(async () => {
    run = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64,linux/arm64',
        tags: `${REGISTRY}/${repo}:prov`,
        provenance,
        'qemu-image': BINFMT_STANDIN
      }
    });
  });

  test('the index holds both platforms and one attestation manifest per platform', async () => {
    expect(run.main.code).toBe(0);
    const index = await imageIndex(REGISTRY, repo, 'prov');
    expect(index._digest).toBe(run.outputs.digest);
    const runnable = index.manifests.filter(m => platformOf(m).os !== 'unknown');
    const attestations = index.manifests.filter(m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(runnable).toHaveLength(2);
    expect(attestations).toHaveLength(2);
    for (const a of attestations) {
      expect(a.platform).toEqual({ os: 'unknown', architecture: 'unknown' });
      expect(runnable.map(m => m.digest)).toContain(a.annotations?.['vnd.docker.reference.digest']);
    }
    expect(Object.keys(JSON.parse(run.outputs.digests) as Record<string, string>).sort()).toEqual(['linux/amd64', 'linux/arm64']);
  });
});

describe('host fallback: the binfmt image cannot be pulled, so the runner qemu-user-static handlers are registered', () => {
  const repo = uniqueRepo('host-qemu');
  let run: ActionRun;

  beforeAll(async () => {
    clearQemuHandlers();
    run = await runAction({
      // An image reference nothing serves, so the pull fails on any machine.
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/arm64',
        tags: `${REGISTRY}/${repo}:fallback`,
        provenance: 'false',
        'qemu-image': UNPULLABLE
      }
    });
  });

  test('falls back, says so, and the arm64 build runs under the host emulator', async () => {
    expect(run.main.code).toBe(0);
    expect(log(run)).toMatch(
      /could not use 127\.0\.0\.1:1\/none\/binfmt:x \(docker pull --quiet failed.*\); registering this runner's qemu-user-static handlers/
    );
    // The pull was retried with backoff before falling back.
    expect(log(run)).toContain(`QEMU: pulling ${UNPULLABLE} failed (attempt 1 of 3); retrying`);
    expect(log(run)).toContain(`QEMU: pulling ${UNPULLABLE} failed (attempt 2 of 3); retrying`);
    expect(log(run)).toMatch(/QEMU: emulator version qemu-aarch64 version \d+/);
    expect(qemuHandlers()['qemu-aarch64']).toContain('/usr/libexec/qemu-binfmt/aarch64-binfmt-P');
    expect(log(run)).toContain('RUN step executed as aarch64');
    const single = await imageManifest(REGISTRY, repo, 'fallback');
    expect((await blobJson(REGISTRY, repo, single.config.digest)).architecture).toBe('arm64');
    expect(JSON.parse(run.outputs.digests)).toEqual({ 'linux/arm64': run.outputs.digest });
    expect(run.summary).toContain('QEMU (host-qemu-user-static)');
  });

  test('all-native platforms skip QEMU with a log line', async () => {
    const r = await runAction({
      inputs: { ...localStackInputs(), platforms: 'linux/amd64', tags: `${REGISTRY}/${repo}:native`, provenance: 'false' }
    });
    expect(r.main.code).toBe(0);
    expect(log(r)).toContain('QEMU: not needed, every platform runs natively on this linux/amd64 runner');
    // A single-platform build reports its config digest as the image ID.
    const single = await imageManifest(REGISTRY, repo, 'native');
    expect(r.outputs.imageid).toBe(single.config.digest);
  });
});

describe('QEMU repairs a handler that is registered but unusable', () => {
  /** Registers qemu-aarch64 as the stand-in image would, then spoils it (disabled, or without the F flag). */
  function spoiledHandler(how: 'disabled' | 'no fix-binary flag'): void {
    clearQemuHandlers();
    const flags = how === 'disabled' ? 'F' : '';
    const conf = fs.readFileSync('/usr/lib/binfmt.d/qemu-aarch64.conf', 'utf8').trim();
    fs.writeFileSync(`${BINFMT_DIR}/register`, conf.replace(/:[^:]*:[A-Z]*$/, `:/usr/bin/qemu-aarch64-static:${flags}`));
    if (how === 'disabled') fs.writeFileSync(`${BINFMT_DIR}/qemu-aarch64`, '0');
  }

  test.each(['disabled', 'no fix-binary flag'] as const)('%s: removed and installed again, and the arm64 build runs', async how => {
    spoiledHandler(how);
    const repo = uniqueRepo('qemu-repair');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/arm64',
        tags: `${REGISTRY}/${repo}:1`,
        provenance: 'false',
        'qemu-image': BINFMT_STANDIN
      }
    });
    expect(r.main.code).toBe(0);
    expect(log(r)).toContain('uninstalling: qemu-aarch64 OK');
    expect(log(r)).toContain('RUN step executed as aarch64');
    expect(qemuHandlers()['qemu-aarch64']).toMatch(/^enabled\n[\s\S]*flags: [A-Z]*F/);
  });
});

describe('load: true while pushing', () => {
  test('the image is pushed, checked and tagged, and also loaded into the engine under its tags', async () => {
    const repo = uniqueRepo('push-and-load');
    const tag = `${REGISTRY}/${repo}:loaded`;
    const r = await runAction({
      inputs: { ...localStackInputs(), platforms: 'linux/amd64,linux/arm64', tags: tag, load: 'true', 'qemu-image': BINFMT_STANDIN }
    });
    try {
      expect(r.main.code).toBe(0);
      expect(await tagList(REGISTRY, repo)).toEqual(['loaded']);
      const id = docker(['image', 'inspect', '--format', '{{.Id}}', tag]).trim();
      expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    } finally {
      spawnSync('docker', ['image', 'rm', tag]);
    }
  });
});

describe('failures', () => {
  test('invalid input fails before anything runs or is pushed, naming every problem', async () => {
    const repo = uniqueRepo('invalid');
    const before = builderContainers();
    clearQemuHandlers();
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64,linux/sparc64',
        push: 'yes',
        'build-args': 'NOT_A_PAIR',
        images: `${REGISTRY}/${repo}`
      }
    });
    expect(r.main.code).toBe(1);
    const out = log(r);
    expect(out).toContain('::error::Invalid input (3 problems)');
    expect(out).toContain('platforms: unknown architecture \\"sparc64\\"'.replace(/\\"/g, '"'));
    expect(out).toContain('push: "yes" is not valid; use one of: auto, true, false');
    expect(out).toContain('build-args: "NOT_A_PAIR" is not KEY=VALUE');
    expect(out).not.toContain('[command]');
    expect(builderContainers()).toEqual(before);
    expect(qemuHandlers()).toEqual({});
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
    expect(r.post?.code).toBe(0);
  });

  test('a with: block pasted from another action: each undeclared input is an error naming what was meant, and a malformed secret line shows no value', async () => {
    const repo = uniqueRepo('undeclared');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${repo}`,
        // flavor is an input now (metadata-action's); an old name of it is not.
        'meta-flavor': 'latest=auto',
        'cache-form': 'type=gha',
        'build-args': 'NPM_TOKEN = npm_s3cr3t_in_a_bad_line'
      }
    });
    expect(r.main.code).toBe(1);
    const out = log(r);
    expect(out).toContain('::error::Invalid input (3 problems)');
    expect(out).toContain('`meta-flavor` is not an input of this action; did you mean `flavor`?');
    expect(out).toContain('`cache-form` is not an input of this action; did you mean `cache-from`?');
    expect(out).toContain('build-args: "NPM_TOKEN =…" is not KEY=VALUE');
    // Masked before the error names its line, and never printed otherwise.
    const lines = out.split('\n');
    const mask = lines.indexOf('::add-mask::npm_s3cr3t_in_a_bad_line');
    expect(mask).toBeGreaterThanOrEqual(0);
    expect(mask).toBeLessThan(lines.findIndex(l => l.startsWith('::error::')));
    expect(lines.filter(l => !l.startsWith('::add-mask::')).join('\n')).not.toContain('npm_s3cr3t');
    expect(out).not.toContain('[command]');
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });

  test('a bogus cache type, a buildkitd config that is not TOML and a plain-HTTP buildx mirror are refused before anything runs', async () => {
    const repo = uniqueRepo('bad-three');
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${repo}`,
        'cache-from': 'type=bogus',
        'buildkitd-config-inline': '[registry."127.0.0.1:5000"]\n  http = yes',
        'buildx-version': '0.13.1',
        'buildx-download-url': 'http://mirror.example/buildx'
      }
    });
    expect(r.main.code).toBe(1);
    const out = log(r);
    expect(out).toContain('::error::Invalid input (3 problems)');
    expect(out).toContain('cache-from: "type=bogus" has an unknown cache type bogus');
    expect(out).toContain('buildkitd-config-inline: is not TOML (line 2)');
    expect(out).toContain('buildx-download-url: "http://mirror.example/buildx" is plain HTTP');
    expect(commandLines(out)).toEqual([]);
  });

  test('a push the registry would refuse (no credentials) fails before anything is built, naming the image, registry and inputs', async () => {
    const basic = await startRegistry({ storage: tempDir('refusing-'), htpasswd: { user: 'u', password: 'p' } });
    try {
      const repo = uniqueRepo('refused');
      const r = await runAction({
        inputs: { ...localStackInputs([basic.host]), platforms: 'linux/amd64', images: `${basic.host}/${repo}` }
      });
      expect(r.main.code).toBe(1);
      const errors = errorLines(r.main.stdout);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        new RegExp(`pushing to ${basic.host}/${repo} would be refused \\(.*HTTP 401.*\\); give credentials for ${basic.host}`)
      );
      expect(errors[0]).toContain('nothing was built');
      expect(commandLines(r.main.stdout).filter(l => l.includes('buildx build'))).toEqual([]);
    } finally {
      await basic.stop();
    }
  });

  test('a failing RUN step surfaces as one clear message, with the log in a group', async () => {
    const repo = uniqueRepo('broken');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY x /x\nRUN ["/x"]\n');
    fs.writeFileSync(path.join(dir, 'x'), '#!/bin/false\n', { mode: 0o755 });
    const r = await runAction({
      inputs: {
        ...localStackInputs(),
        context: dir,
        file: path.join(dir, 'Dockerfile'),
        platforms: 'linux/amd64',
        tags: `${REGISTRY}/${repo}:x`,
        username: 'someone',
        password: 'anything-goes-here'
      }
    });
    expect(r.main.code).toBe(1);
    // The post step still logs out and removes the private Docker config.
    const state = JSON.parse(r.state['post-state']) as PostState;
    expect(r.post?.stdout).toContain(`Logged out of ${REGISTRY}`);
    expect(fs.existsSync(state.dockerConfig)).toBe(false);
    expect(r.main.stdout).toContain('::group::Build log');
    // buildx's own last line, as this buildx words it.
    const last = byBuildx({ minimum: 'ERROR: failed to solve: process', current: 'ERROR: failed to build: failed to solve: process' });
    const annotation = errorLines(r.main.stdout);
    expect(annotation).toHaveLength(1);
    expect(annotation[0]).toMatch(/^::error::docker buildx build failed \(exit code 1\): /);
    // The exit code of exec'ing a script with no interpreter is the runtime's: runc 1.1 says 1, runc 1.3 says 255.
    expect(annotation[0]).toMatch(new RegExp(`%0A${last} "/x" did not complete successfully: exit code: (1|255)$`));
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
    expect(r.post?.code).toBe(0);
    expect(r.post?.stdout).toMatch(/Removed builder multiarch-/);
  });
});
