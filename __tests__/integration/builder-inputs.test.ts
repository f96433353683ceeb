/**
 * setup-buildx-action's builder inputs on the real stack: buildkitd-flags and a buildkitd-config
 * file reach the BuildKit container; name creates a builder of that name, and reuses it when it
 * exists; cleanup: false keeps it after the post step; keep-state keeps BuildKit's state volume;
 * version is buildx-version's other name, and buildx-version: latest asks a stand-in of the GitHub
 * API and downloads from a local mirror; conflicting or unknown inputs fail before anything runs.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { ActionRun, REGISTRY, commandLines, docker, errorLines, localStackInputs, runAction, tagList, uniqueRepo } from './stack';

jest.setTimeout(600_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'builder-inputs-'));
/** Builders these tests create live in their own buildx config, as a runner's would. */
const env = { BUILDX_CONFIG: path.join(dir, 'buildx') };
const suffix = Date.now().toString(36);

/** localStackInputs without the inline config (these tests give a file, or nothing), for linux/amd64. */
function inputs(repo: string, extra: Record<string, string>): Record<string, string> {
  return { ...localStackInputs(), 'buildkitd-config-inline': '', platforms: 'linux/amd64', tags: `${REGISTRY}/${repo}:1`, ...extra };
}

function builderExists(name: string): boolean {
  try {
    docker(['buildx', 'inspect', '--builder', name], { ...process.env, ...env });
    return true;
  } catch {
    return false;
  }
}

function removeBuilder(name: string): void {
  if (builderExists(name)) docker(['buildx', 'rm', name], { ...process.env, ...env });
}

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('buildkitd-flags, a buildkitd-config file, name, and cleanup: false', () => {
  const name = `named-${suffix}`;
  const config = path.join(dir, 'buildkitd.toml');
  const marker = `marker-${suffix}.invalid`;
  let first: ActionRun;
  let second: ActionRun;

  beforeAll(async () => {
    fs.writeFileSync(config, `[registry."${REGISTRY}"]\n  http = true\n[registry."${marker}"]\n  http = true\n`);
    const repo = uniqueRepo('named-builder');
    first = await runAction({
      inputs: inputs(repo, { name, 'buildkitd-flags': '--debug', 'buildkitd-config': config, cleanup: 'false' }),
      env
    });
    second = await runAction({ inputs: inputs(repo, { name, tags: `${REGISTRY}/${repo}:2` }), env });
  });

  afterAll(() => removeBuilder(name));

  test('a builder of that name is created with the flags and the config file, and builds', async () => {
    expect(first.main.code).toBe(0);
    const create = commandLines(first.main.stdout).find(c => / create /.test(c));
    expect(create).toContain(`create --name ${name} --driver docker-container`);
    expect(create).toContain(`--buildkitd-flags --debug --buildkitd-config ${config}`);
    expect(first.outputs.name).toBe(name);
    const args = JSON.parse(docker(['inspect', '--format', '{{json .Args}}', `buildx_buildkit_${name}0`])) as string[];
    expect(args).toContain('--debug');
    // The BuildKit image has no shell tools: the config buildx put in the container is copied out.
    const copied = path.join(dir, 'copied.toml');
    docker(['cp', `buildx_buildkit_${name}0:/etc/buildkit/buildkitd.toml`, copied]);
    expect(fs.readFileSync(copied, 'utf8')).toContain(marker);
    const nodes = JSON.parse(first.outputs.nodes) as { name: string; 'buildkitd-flags'?: string }[];
    expect(nodes[0].name).toBe(`${name}0`);
    expect(nodes[0]['buildkitd-flags']).toContain('--debug');
    expect(await tagList(REGISTRY, first.outputs.tags.split('/').slice(1).join('/').replace(/:1$/, ''))).toContain('1');
  });

  test('cleanup: false keeps it after the post step', () => {
    expect(first.post?.code).toBe(0);
    expect(first.post?.stdout).toContain(`Kept builder ${name} (cleanup: false)`);
    expect(commandLines(first.post?.stdout ?? '').filter(c => / rm /.test(c))).toEqual([]);
  });

  test('a second run with the same name uses the existing builder as it is, and leaves it', () => {
    expect(second.main.code).toBe(0);
    expect(second.main.stdout).toContain(`Builder ${name} exists: it is used as it is (and not removed after the job)`);
    expect(commandLines(second.main.stdout).filter(c => / create /.test(c))).toEqual([]);
    expect(commandLines(second.main.stdout).find(c => / build /.test(c))).toContain(`--builder ${name}`);
    expect(commandLines(second.post?.stdout ?? '').filter(c => / rm /.test(c))).toEqual([]);
    expect(builderExists(name)).toBe(true);
  });
});

test("keep-state: the post step removes the builder with --keep-state, and BuildKit's state volume stays", async () => {
  const name = `kept-state-${suffix}`;
  const volume = `buildx_buildkit_${name}0_state`;
  try {
    const r = await runAction({ inputs: inputs(uniqueRepo('keep-state'), { name, 'keep-state': 'true' }), env });
    expect(r.main.code).toBe(0);
    expect(commandLines(r.post?.stdout ?? '')).toEqual([expect.stringMatching(new RegExp(` rm --keep-state ${name}$`))]);
    expect(r.post?.stdout).toContain(`Removed builder ${name} (BuildKit's state kept)`);
    expect(builderExists(name)).toBe(false);
    expect(docker(['volume', 'ls', '--quiet', '--filter', `name=^${volume}$`]).trim()).toBe(volume);
  } finally {
    removeBuilder(name);
    docker(['volume', 'rm', '--force', volume]);
  }
});

describe('version (buildx-version’s other name) and buildx-version: latest', () => {
  const PLUGIN = '/usr/libexec/docker/cli-plugins/docker-buildx';
  const VERSION = '0.13.1';
  const FILE = `buildx-v${VERSION}.linux-amd64`;
  const binary = fs.readFileSync(PLUGIN);
  const sum = crypto.createHash('sha256').update(binary).digest('hex');
  const files: Record<string, Buffer> = {
    [`/releases/v${VERSION}/${FILE}`]: binary,
    [`/releases/v${VERSION}/checksums.txt`]: Buffer.from(`${sum} *${FILE}\n`),
    '/api/repos/docker/buildx/releases/latest': Buffer.from(JSON.stringify({ tag_name: `v${VERSION}` }))
  };
  const seen: { url: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    const body = files[req.url ?? ''];
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' }).end(body ?? '{"message":"Not Found"}');
  });
  const toolCache = path.join(dir, 'tool-cache');
  let base: string;

  beforeAll(async () => {
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server.close();
  });

  test('latest: the newest release from the GitHub API (with the token), downloaded, verified and built with', async () => {
    const repo = uniqueRepo('latest-buildx');
    const r = await runAction({
      inputs: inputs(repo, { 'buildx-version': 'latest', 'buildx-download-url': `${base}/releases` }),
      env: { ...env, GITHUB_API_URL: `${base}/api` },
      token: 'ghs_stand_in',
      toolCache
    });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain(`buildx-version: latest is ${VERSION}`);
    expect(r.main.stdout).toContain(`buildx ${VERSION}: downloading ${base}/releases/v${VERSION}/${FILE}`);
    expect(seen.map(s => s.url)).toEqual([
      '/api/repos/docker/buildx/releases/latest',
      `/releases/v${VERSION}/${FILE}`,
      `/releases/v${VERSION}/checksums.txt`
    ]);
    expect(seen[0].auth).toBe('token ghs_stand_in');
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });

  test('version: the pinned buildx, here found in the tool cache the latest run filled', async () => {
    const repo = uniqueRepo('version-alias');
    const r = await runAction({
      inputs: inputs(repo, { version: `v${VERSION}`, 'buildx-version': '', 'buildx-download-url': `${base}/releases` }),
      env,
      toolCache
    });
    expect(r.main.code).toBe(0);
    expect(r.main.stdout).toContain(`buildx ${VERSION}: found in the tool cache`);
    expect(commandLines(r.main.stdout).find(c => / build /.test(c))).toMatch(
      new RegExp(`^\\[command\\]${toolCache}/buildx/${VERSION}/amd64/docker-buildx build `)
    );
    expect(await tagList(REGISTRY, repo)).toEqual(['1']);
  });
});

describe('input problems are reported together, before anything runs', () => {
  const problemsOf = (r: ActionRun): string => {
    expect(r.main.code).toBe(1);
    expect(commandLines(r.main.stdout)).toEqual([]);
    return errorLines(r.main.stdout).join('\n');
  };

  test('conflicts, remote without endpoint, and inputs this action does not have', async () => {
    const config = path.join(dir, 'conflict.toml');
    fs.writeFileSync(config, 'debug = true\n');
    const r = await runAction({
      inputs: inputs(uniqueRepo('bad-builder'), {
        version: '0.13.1',
        'buildx-version': '0.29.1',
        driver: 'remote',
        'buildkitd-config': config,
        'buildkitd-config-inline': 'debug = true',
        install: 'true',
        config: config
      }),
      env
    });
    const errors = problemsOf(r);
    for (const problem of [
      'version and buildx-version: both name the buildx to use (0.13.1, 0.29.1); give one',
      'driver: remote needs endpoint',
      'driver: remote: buildx sets no buildkitd-config, buildkitd-config-inline on a BuildKit it does not start',
      'buildkitd-config and buildkitd-config-inline: give one',
      '`install` is not an input of this action; remove it',
      '`config` is not an input of this action; did you mean `buildkitd-config`?'
    ]) {
      expect(errors).toContain(problem);
    }
  });

  test('append to the engine’s own builder, and a misspelt node field', async () => {
    const r = await runAction({
      inputs: inputs(uniqueRepo('bad-append'), { driver: 'docker', 'driver-opts': '', append: '- platform: linux/arm64\n  endpoint: ctx' }),
      env
    });
    const errors = problemsOf(r);
    expect(errors).toContain("append: driver: docker is the engine's own builder, to which buildx adds no nodes");
    expect(errors).toContain(
      'append: node 1: unknown field "platform"; a node has name, endpoint, platforms, driver-opts, buildkitd-flags'
    );
  });
});
