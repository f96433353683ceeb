/**
 * Issue 18's acceptance: a user migrating from Docker's actions pastes the `with:` block of a
 * docker/build-push-action step that sets every input build-push-action has, and that of the
 * docker/setup-buildx-action step before it (every input of setup-buildx-action v4), into this
 * action's one step, renaming only what the README says is renamed (setup-buildx-action's
 * `platforms` is `node-platforms` here; setup-qemu-action's `image` is `qemu-image`). The blocks
 * are YAML text, parsed and handed to the bundled action as the runner would (INPUT_*), main then
 * post, against the real engine and the local registry. The test checks what the inputs did: the
 * image in the registry (platforms, tags, labels, annotations, attestations), files the fixture's
 * RUN steps wrote into it (read back from the pushed layers), the builder's nodes, the cache, the
 * loaded image and what the post step leaves.
 */
import { execFileSync, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import * as zlib from 'zlib';
import { parse } from 'yaml';
import { tempDir } from './registries';
import {
  ActionRun,
  BINFMT_STANDIN,
  FIXTURES,
  REGISTRY,
  blobJson,
  byBuildx,
  commandLines,
  docker,
  errorLines,
  imageIndex,
  imageManifest,
  manifest,
  platformOf,
  runAction,
  stack,
  tagList,
  uniqueRepo
} from './stack';

jest.setTimeout(900_000);

const SBOM_SCANNER = `${REGISTRY}/test-fixture/sbom-scanner:1`;
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const ARCH = { 'linux/amd64': 'x86_64', 'linux/arm64': 'aarch64' } as Record<string, string>;
const SEARCH_DOMAIN = 'buildkitd-config.drop-in.test';

/** The files of one layer tar (gzip'd or not), by path: regular files only. */
function layerFiles(blob: Buffer): Map<string, string> {
  const tar = blob[0] === 0x1f && blob[1] === 0x8b ? zlib.gunzipSync(blob) : blob;
  const files = new Map<string, string>();
  const field = (at: number, len: number) =>
    tar
      .subarray(at, at + len)
      .toString()
      .replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const name = field(at, 100).replace(/^\.\//, '');
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    if (tar[at + 156] === 0x30 || tar[at + 156] === 0) files.set(name, tar.subarray(at + 512, at + 512 + size).toString());
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** Every file the image's layers hold, later layers over earlier ones. */
async function imageFiles(repo: string, digest: string): Promise<Map<string, string>> {
  const m = await imageManifest(REGISTRY, repo, digest);
  const files = new Map<string, string>();
  for (const layer of m.layers) {
    const res = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${layer.digest}`);
    for (const [name, text] of layerFiles(Buffer.from(await res.arrayBuffer()))) files.set(name, text);
  }
  return files;
}

/** The `with:` keys of a YAML block, as the runner hands them to the action: each value a string. */
function withBlock(yaml: string): Record<string, string> {
  const parsed = parse(yaml) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** A local stand-in for buildx's release downloads: the buildx this stack runs, under `version`. */
function buildxMirror(version: string): http.Server {
  const info = JSON.parse(docker(['info', '--format', '{{json .ClientInfo.Plugins}}'])) as { Name: string; Path: string }[];
  const binary = fs.readFileSync(info.find(p => p.Name === 'buildx')?.Path ?? '/usr/libexec/docker/cli-plugins/docker-buildx');
  const file = `buildx-v${version}.linux-amd64`;
  const sum = crypto.createHash('sha256').update(binary).digest('hex');
  const files: Record<string, Buffer> = {
    [`/v${version}/${file}`]: binary,
    [`/v${version}/checksums.txt`]: Buffer.from(`${sum} *${file}\n`)
  };
  return http.createServer((req, res) => {
    const body = files[req.url ?? ''];
    res.writeHead(body ? 200 : 404).end(body ?? 'not found');
  });
}

describe('a build-push-action block and a setup-buildx-action block, every input of each, in one step', () => {
  const dir = tempDir('drop-in-');
  const suffix = Date.now().toString(36);
  const name = `drop-in-${suffix}`;
  const armNode = `drop-in-arm-${suffix}`;
  const repo = uniqueRepo('drop-in');
  const cacheRepo = `${repo}-cache`;
  const toolCache = path.join(dir, 'tool-cache');
  const env = { BUILDX_CONFIG: path.join(dir, 'buildx'), DROP_IN_SECRET: 'from the environment' };
  // On a runner where the stack's buildx is downloaded (TESTENV_BUILDX_VERSION), version names it
  // and it comes from GitHub; here it names the buildx the stack runs, served by a local mirror.
  const pinned = process.env.TESTENV_BUILDX_VERSION?.replace(/^v/, '');
  const version = pinned ?? stack().buildx;
  const mirror = pinned ? undefined : buildxMirror(version);
  let fingerprint = '';
  let agent: { pid: number } | undefined;
  let inputs: Record<string, string> = {};
  let run: ActionRun;
  const results = new Map<string, Map<string, string>>();

  beforeAll(async () => {
    // A throwaway key in a real ssh-agent, for ssh.
    const keyDir = path.join(dir, 'ssh');
    fs.mkdirSync(keyDir);
    execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-C', 'drop-in@test', '-f', path.join(keyDir, 'id')], { stdio: 'ignore' });
    fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(keyDir, 'id.pub')], { encoding: 'utf8' }).split(' ')[1];
    const sock = path.join(keyDir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    agent = { pid: child.pid as number };
    for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise(r => setTimeout(r, 100));
    execFileSync('ssh-add', [path.join(keyDir, 'id')], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });

    const secretFile = path.join(dir, 'secret.txt');
    fs.writeFileSync(secretFile, 'from a file');
    // setup-buildx-action's buildkitd-config: a file. The plain-HTTP local registry, and a DNS
    // search domain BuildKit writes into every RUN step's /etc/resolv.conf on that node.
    const config = path.join(dir, 'buildkitd.toml');
    fs.writeFileSync(config, `[registry."${REGISTRY}"]\n  http = true\n[dns]\n  searchDomains = ["${SEARCH_DOMAIN}"]\n`);
    let download = '';
    if (mirror) {
      await new Promise<void>(r => mirror.listen(0, '127.0.0.1', r));
      download = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    }
    const flags = '--debug --allow-insecure-entitlement security.insecure --allow-insecure-entitlement network.host';

    // docker/setup-buildx-action's `with:` (v4: its every input). The builder has two
    // docker-container nodes on this machine's one engine, reached through two spellings of its
    // socket (buildx refuses one endpoint twice); on a real runner the appended node would be an
    // arm64 machine's engine or BuildKit.
    const setupBuildx = `
version: v${version}
driver: docker-container
driver-opts: |
  network=host
buildkitd-flags: ${flags}
buildkitd-config: ${config}
use: true
name: ${name}
endpoint: unix:///var/run/docker.sock
platforms: linux/amd64
append: |
  - name: ${armNode}
    endpoint: unix:///run/docker.sock
    platforms: linux/arm64
    driver-opts:
      - network=host
    buildkitd-flags: ${flags}
keep-state: true
cache-binary: true
cleanup: true
`;

    // docker/build-push-action's `with:`: every input it has, in its action.yml's order.
    const buildPush = `
add-hosts: myhost:10.180.0.1
allow: network.host,security.insecure
# buildx before 0.16 merges a build over appended nodes into an index without index annotations,
# and the action refuses them there: on the minimum stack (buildx 0.13) the line is a manifest's.
annotations: |
  ${byBuildx({ minimum: 'manifest', current: 'index' })}:org.opencontainers.image.description=pasted from build-push-action
  manifest:com.example.drop-in=every platform
attests: type=sbom,generator=${SBOM_SCANNER}
build-args: |
  GREETING=hello from a build-arg
build-contexts: |
  extra=${path.join(FIXTURES, 'build-options', 'extra')}
# build-push-action's builder named setup-buildx-action's (steps.buildx.outputs.name): the same name.
builder: ${name}
cache-from: type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache
cache-to: type=registry,ref=${REGISTRY}/${cacheRepo}:buildcache,mode=max
# build, the default method: check, outline and targets evaluate the build and push nothing. buildx
# has --call from 0.15 on, and build-push-action refuses the input below that as this action does:
# on the minimum stack (buildx 0.13) the line is there, empty.
call: ${byBuildx({ minimum: '', current: 'build' })}
cgroup-parent: drop-in-${suffix}
context: ${FIXTURES}
file: ${path.join(FIXTURES, 'drop-in', 'Dockerfile')}
labels: |
  org.opencontainers.image.title=drop-in
  com.example.drop-in=a label
# load: true is refused by buildx for a build split over several nodes ("oci for multi-node builds
# currently not supported"), as this builder's is; a one-node build loads and pushes together.
load: false
network: host
# no-cache: true would be refused beside no-cache-filters (buildx takes one of the two).
no-cache: false
no-cache-filters: app
# outputs replaces push and load (buildx's --output); a step that pushes leaves it empty.
outputs: ""
platforms: ${PLATFORMS.join(',')}
provenance: mode=max
pull: true
push: true
sbom: generator=${SBOM_SCANNER}
secrets: |
  from_value=from a value
secret-envs: from_env=DROP_IN_SECRET
secret-files: |
  from_file=${secretFile}
shm-size: 128m
ssh: default=${sock}
tags: |
  ${REGISTRY}/${repo}:1.0
  ${REGISTRY}/${repo}:latest
target: app
ulimit: nofile=4321:4321
github-token: ghs_drop_in_stand_in
`;

    // This action's own lines: setup-qemu-action's image (the local binfmt stand-in), and where
    // the buildx download comes from on this offline machine.
    const own: Record<string, string> = { 'qemu-image': BINFMT_STANDIN, ...(download ? { 'buildx-download-url': download } : {}) };

    const buildx = withBlock(setupBuildx);
    // setup-buildx-action's platforms are the first node's: node-platforms here (see the README).
    buildx['node-platforms'] = buildx.platforms;
    delete buildx.platforms;
    inputs = { ...withBlock(buildPush), ...buildx, ...own };
    run = await runAction({ inputs, env, toolCache });

    if (run.main.code !== 0) return;
    const index = await imageIndex(REGISTRY, repo, '1.0');
    for (const d of index.manifests.filter(m => platformOf(m).os === 'linux')) {
      results.set(`${platformOf(d).os}/${platformOf(d).architecture}`, await imageFiles(repo, d.digest));
    }
  });

  afterAll(() => {
    if (agent) process.kill(agent.pid);
    mirror?.close();
    for (const node of [`${name}0`, armNode]) {
      execFileSync('docker', ['volume', 'rm', '--force', `buildx_buildkit_${node}_state`], { stdio: 'ignore' });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const result = (platform: string, file: string): string => (results.get(platform)?.get(`results/${file}`) ?? '').trim();

  test('the blocks hold every input of build-push-action and of setup-buildx-action', () => {
    const buildPushInputs =
      'add-hosts allow annotations attests build-args build-contexts builder cache-from cache-to call cgroup-parent context file labels ' +
      'load network no-cache no-cache-filters outputs platforms provenance pull push sbom secrets secret-envs secret-files shm-size ' +
      'ssh tags target ulimit github-token';
    const setupBuildxInputs =
      'version driver driver-opts buildkitd-flags buildkitd-config use name endpoint node-platforms append keep-state cache-binary cleanup';
    for (const input of `${buildPushInputs} ${setupBuildxInputs}`.split(' ')) expect(Object.keys(inputs)).toContain(input);
  });

  test('main and post succeed, with no input problem', () => {
    expect(errorLines(run.main.stdout)).toEqual([]);
    expect(run.main.stdout).not.toContain('not an input');
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
  });

  test('the registry holds one index under both tags, for both platforms, with the labels and annotations', async () => {
    expect((await tagList(REGISTRY, repo))?.sort()).toEqual(['1.0', 'latest']);
    const index = await imageIndex(REGISTRY, repo, '1.0');
    expect((await imageIndex(REGISTRY, repo, 'latest'))._digest).toBe(index._digest);
    expect(run.outputs.digest).toBe(index._digest);
    byBuildx({
      minimum: () => expect(run.main.stdout).toContain("merges the appended nodes' images without index annotations"),
      current: () => expect(index.annotations?.['org.opencontainers.image.description']).toBe('pasted from build-push-action')
    })();
    const images = index.manifests.filter(m => platformOf(m).os === 'linux');
    expect(images.map(m => `${platformOf(m).os}/${platformOf(m).architecture}`).sort()).toEqual(PLATFORMS);
    for (const d of images) {
      const m = await imageManifest(REGISTRY, repo, d.digest);
      expect(m.annotations?.['com.example.drop-in']).toBe('every platform');
      const config = await blobJson(REGISTRY, repo, m.config.digest);
      expect(config.config?.Labels).toMatchObject({ 'org.opencontainers.image.title': 'drop-in', 'com.example.drop-in': 'a label' });
    }
  });

  test('attests, sbom and provenance: an SPDX SBOM from the scanner and a mode=max provenance for each platform', async () => {
    const index = await imageIndex(REGISTRY, repo, '1.0');
    const attestations = index.manifests.filter(m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
    expect(attestations).toHaveLength(PLATFORMS.length);
    for (const a of attestations) {
      const att = (await manifest(REGISTRY, repo, a.digest)) as { layers: { digest: string; annotations?: Record<string, string> }[] };
      const types = att.layers.map(l => l.annotations?.['in-toto.io/predicate-type'] ?? '');
      expect(types).toContain('https://spdx.dev/Document');
      const provenance = att.layers.find(l => /slsa\.dev\/provenance/.test(l.annotations?.['in-toto.io/predicate-type'] ?? ''));
      const res = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${provenance?.digest}`);
      // mode=max records the build's LLB definition; mode=min does not.
      expect(await res.text()).toContain('llbDefinition');
    }
  });

  test('target: the app stage was built, not the failing stage after it', () => {
    for (const p of PLATFORMS) expect(result(p, 'arch.txt')).toBe(ARCH[p]);
  });

  test('build-args, secrets, secret-files, secret-envs, ssh, add-hosts, shm-size, ulimit and build-contexts reached every RUN step', () => {
    for (const p of PLATFORMS) {
      expect(result(p, 'build-arg.txt')).toBe('hello from a build-arg');
      expect(result(p, 'secret-value.txt')).toBe('from a value');
      expect(result(p, 'secret-file.txt')).toBe('from a file');
      expect(result(p, 'secret-env.txt')).toBe('from the environment');
      expect(result(p, 'ssh.txt')).toBe(`${fingerprint} drop-in@test`);
      expect(result(p, 'hosts.txt')).toMatch(/^10\.180\.0\.1\s+myhost$/);
      expect(result(p, 'shm.txt').split(/\s+/)[1]).toBe('131072');
      expect(result(p, 'ulimit.txt')).toBe('4321');
      expect(result(p, 'extra.txt')).toBe('hello from another build context');
    }
  });

  test("network: host (with driver-opts network=host and allow network.host): RUN steps saw this machine's interfaces", () => {
    const host = fs
      .readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map(l => l.split(':')[0].trim())
      .filter(i => i && !/^(lo|veth.*|br-.*)$/.test(i));
    for (const p of PLATFORMS) expect(result(p, 'net.txt').split('\n')).toEqual(expect.arrayContaining(host));
  });

  test('cgroup-parent: RUN steps ran in a cgroup under it', () => {
    for (const p of PLATFORMS) {
      const cgroup = result(p, 'cgroup.txt').split('\n');
      const v1 = cgroup.filter(l => /^\d+:[a-z]/.test(l));
      if (v1.length > 0) {
        // cgroup v1: each hierarchy's path, as BuildKit made it, is <daemon's cgroup>/<cgroup-parent>/buildkit/<id>.
        for (const line of v1) expect(line).toContain(`/drop-in-${suffix}/buildkit/`);
      } else {
        // cgroup v2: BuildKit gives each RUN step a cgroup namespace of its own, which hides the path.
        expect(cgroup).toEqual(['0::/']);
      }
    }
  });

  test('append and node-platforms: amd64 was built on the first node (with buildkitd-config), arm64 on the appended one', () => {
    expect(JSON.parse(run.outputs['platform-nodes'])).toEqual({ 'linux/amd64': `${name}0`, 'linux/arm64': armNode });
    expect(result('linux/amd64', 'search.txt')).toBe(SEARCH_DOMAIN);
    // setup-buildx-action gives buildkitd-config to the first node only, and so does this action.
    expect(result('linux/arm64', 'search.txt')).not.toContain(SEARCH_DOMAIN);
  });

  test('name, driver, endpoint, driver-opts, buildkitd-flags: the builder the outputs describe', () => {
    expect(run.outputs.name).toBe(name);
    expect(run.outputs.driver).toBe('docker-container');
    const nodes = JSON.parse(run.outputs.nodes) as { name: string; endpoint: string; platforms: string; 'buildkitd-flags'?: string }[];
    expect(nodes.map(n => [n.name, n.endpoint, n.platforms])).toEqual([
      [`${name}0`, 'unix:///var/run/docker.sock', 'linux/amd64'],
      [armNode, 'unix:///run/docker.sock', 'linux/arm64']
    ]);
    // allow security.insecure builds only where the daemons allow that entitlement (buildkitd-flags).
    for (const n of nodes) expect(n['buildkitd-flags']).toContain('--debug');
  });

  test('version and cache-binary: the build ran the buildx of that version, kept in the tool cache', () => {
    const binary = path.join(toolCache, 'buildx', version, 'amd64', 'docker-buildx');
    expect(commandLines(run.main.stdout).find(c => / build /.test(c))).toMatch(new RegExp(`^\\[command\\]${binary} `));
    expect(fs.existsSync(binary)).toBe(true);
  });

  test('cache-to: the build cache was exported to the registry', async () => {
    expect(await tagList(REGISTRY, cacheRepo)).toEqual(['buildcache']);
  });

  test("cleanup and keep-state: the post step removed the builder's containers and kept BuildKit's state", () => {
    expect(run.post?.stdout).toContain(`Removed builder ${name} (BuildKit's state kept)`);
    const containers = docker(['ps', '-a', '--format', '{{.Names}}']).split('\n');
    expect(containers.filter(c => [`buildx_buildkit_${name}0`, `buildx_buildkit_${armNode}`].includes(c))).toEqual([]);
    for (const node of [`${name}0`, armNode]) {
      const volume = `buildx_buildkit_${node}_state`;
      expect(docker(['volume', 'ls', '--quiet', '--filter', `name=^${volume}$`]).trim()).toBe(volume);
    }
  });
});
