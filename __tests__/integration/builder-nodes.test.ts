/**
 * A builder made of two BuildKit daemons reached over TLS (driver: remote), as a setup-buildx-action
 * `with:` block makes it: `endpoint` and `node-platforms` for the first node, `append` for the
 * second. Both daemons run on loopback from the stack's BuildKit image, each with its own
 * buildkitd.toml (the plain-HTTP registry, and a DNS search domain that names the daemon, which the
 * fixture's RUN step writes into the image). The arm64 daemon runs arm64 steps under a QEMU
 * handler this test registers: the action installs none for a builder that is not on the runner.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  ActionRun,
  BINFMT_DIR,
  FIXTURES,
  REGISTRY,
  blobJson,
  commandLines,
  docker,
  imageIndex,
  imageManifest,
  localStackInputs,
  platformOf,
  runAction,
  uniqueRepo
} from './stack';

jest.setTimeout(600_000);

const BUILDKIT_IMAGE = 'moby/buildkit:buildx-stable-1';
const NODES = [
  { platform: 'linux/amd64', domain: 'amd64-node.test', machine: 'x86_64' },
  { platform: 'linux/arm64', domain: 'arm64-node.test', machine: 'aarch64' }
];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(dir: string): void {
  const sign = (name: string, ext: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    const ca = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'];
    openssl(['x509', '-req', '-in', `${name}.csr`, ...ca, '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`], dir);
  };
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca'],
    dir
  );
  sign('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', 'extendedKeyUsage=clientAuth\n');
}

/** A free port on loopback (asked of the kernel, then released for the daemon). */
function freePort(): Promise<number> {
  return new Promise(resolve => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>(resolve => {
      const c = net.connect(port, '127.0.0.1', () => c.end(() => resolve(true))).on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`buildkitd on 127.0.0.1:${port} did not start`);
}

/** arm64 binaries run under the host's qemu-user-static, with argv[0] kept (P), as busybox's applets need. */
function registerArm64Emulator(): void {
  const handler = path.join(BINFMT_DIR, 'qemu-aarch64');
  if (fs.existsSync(handler) && /^flags: .*P/m.test(fs.readFileSync(handler, 'utf8'))) return;
  if (fs.existsSync(handler)) fs.writeFileSync(handler, '-1');
  fs.writeFileSync(path.join(BINFMT_DIR, 'register'), fs.readFileSync('/usr/lib/binfmt.d/qemu-aarch64.conf'));
}

/** One buildkitd on 127.0.0.1:port with TLS, its own buildkitd.toml, and a hostname of its own. */
function startDaemon(dir: string, name: string, port: number, domain: string): void {
  const config = `[registry."${REGISTRY}"]\n  http = true\n[dns]\n  nameservers = ["127.0.0.1"]\n  searchDomains = ["${domain}"]\n`;
  fs.writeFileSync(path.join(dir, `${name}.toml`), config);
  const tls = ['--tlscacert', '/certs/ca.pem', '--tlscert', '/certs/server.pem', '--tlskey', '/certs/server.key'];
  const run = ['run', '-d', '--name', name, '--hostname', name, '--network', 'host', '--privileged', '-v', `${dir}:/certs:ro`];
  docker([...run, BUILDKIT_IMAGE, '--addr', `tcp://127.0.0.1:${port}`, ...tls, '--config', `/certs/${name}.toml`]);
}

/** The files a gzip'd layer tar holds, by path (regular files only). */
function layerFiles(gz: Buffer): Map<string, string> {
  const tar = zlib.gunzipSync(gz);
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0;) {
    const name = tar
      .subarray(at, at + 100)
      .toString()
      .replace(/\0.*$/s, '');
    const size = parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString()
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8
    );
    if (tar[at + 156] === 0x30 || tar[at + 156] === 0) files.set(name, tar.subarray(at + 512, at + 512 + size).toString());
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** What the image of one platform says about the daemon that built it (/built-by, from its last layer). */
async function builtBy(repo: string, digest: string): Promise<string> {
  const m = await imageManifest(REGISTRY, repo, digest);
  const last = m.layers[m.layers.length - 1];
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${last.digest}`);
  return (layerFiles(Buffer.from(await res.arrayBuffer())).get('built-by') ?? '').trim();
}

describe('driver: remote, two TLS nodes: endpoint and node-platforms, then append', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remote-nodes-'));
  const suffix = Date.now().toString(36);
  const daemons = NODES.map(n => ({ ...n, name: `bk-${n.platform.split('/')[1]}-${suffix}`, port: 0 }));
  const repo = uniqueRepo('remote-nodes');
  let run: ActionRun;

  beforeAll(async () => {
    makeCertificates(dir);
    registerArm64Emulator();
    for (const d of daemons) {
      d.port = await freePort();
      startDaemon(dir, d.name, d.port, d.domain);
    }
    for (const d of daemons) await waitForPort(d.port);
    const tls = ['cacert=ca.pem', 'cert=client.pem', 'key=client.key'].map(o => o.replace('=', `=${dir}/`));
    const [amd, arm] = daemons;
    const append = [
      `- name: ${arm.name}`,
      `  endpoint: tcp://127.0.0.1:${arm.port}`,
      `  platforms: ${arm.platform}`,
      '  driver-opts:',
      ...tls.map(o => `    - ${o}`)
    ].join('\n');
    run = await runAction({
      inputs: {
        ...localStackInputs(),
        network: '',
        'buildkitd-config-inline': '',
        file: path.join(FIXTURES, 'builder-nodes', 'Dockerfile'),
        platforms: 'linux/amd64,linux/arm64',
        tags: `${REGISTRY}/${repo}:1`,
        driver: 'remote',
        endpoint: `tcp://127.0.0.1:${amd.port}`,
        'node-platforms': amd.platform,
        'driver-opts': tls.join('\n'),
        append
      },
      env: { BUILDX_CONFIG: path.join(dir, 'buildx') }
    });
  });

  afterAll(() => {
    for (const d of daemons) execFileSync('docker', ['rm', '--force', d.name], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('main and post succeed: the builder is created with both nodes, then removed', () => {
    expect(run.main.code).toBe(0);
    const creates = commandLines(run.main.stdout).filter(c => / create /.test(c));
    const [amd, arm] = daemons;
    expect(creates).toHaveLength(2);
    expect(creates[0]).toMatch(
      new RegExp(`create --name (\\S+) --driver remote --platform linux/amd64 .*--driver-opt key=\\S+ tcp://127.0.0.1:${amd.port}$`)
    );
    expect(creates[1]).toMatch(
      new RegExp(`create --append --name \\S+ --node ${arm.name} --platform linux/arm64 .* tcp://127.0.0.1:${arm.port}$`)
    );
    expect(run.post?.code).toBe(0);
    expect(run.post?.stdout).toContain(`Removed builder ${run.outputs.name}`);
  });

  test("each platform's image was built by the daemon declared for it", async () => {
    const index = await imageIndex(REGISTRY, repo, '1');
    const images = index.manifests.filter(d => platformOf(d).os === 'linux');
    for (const d of daemons) {
      const entry = images.find(m => `${platformOf(m).os}/${platformOf(m).architecture}` === d.platform);
      expect(entry).toBeDefined();
      expect(await builtBy(repo, entry!.digest)).toBe(d.domain);
      const config = await blobJson(REGISTRY, repo, (await imageManifest(REGISTRY, repo, entry!.digest)).config.digest);
      expect(`${config.os}/${config.architecture}`).toBe(d.platform);
    }
  });

  test('the build log and the action say which node served which platform', () => {
    for (const d of daemons) {
      expect(run.main.stdout).toContain(`RUN step on ${d.domain} as ${d.machine}`);
    }
    const [amd, arm] = daemons;
    const firstNode = `${run.outputs.name}0`;
    expect(run.main.stdout).toContain(`  linux/amd64 → node ${firstNode} (tcp://127.0.0.1:${amd.port}; declared)`);
    expect(run.main.stdout).toContain(`  linux/arm64 → node ${arm.name} (tcp://127.0.0.1:${arm.port}; declared)`);
    expect(JSON.parse(run.outputs['platform-nodes'])).toEqual({ 'linux/amd64': firstNode, 'linux/arm64': arm.name });
  });

  test('the job summary names each node, its platforms, and what it built', () => {
    const [amd, arm] = daemons;
    expect(run.summary).toContain('<td>linux/amd64</td>');
    expect(run.summary).toContain(`node <code>${run.outputs.name}0</code> (declared)`);
    expect(run.summary).toContain(`node <code>${arm.name}</code> (declared)`);
    expect(run.summary).toMatch(
      new RegExp(
        `<td><code>${arm.name}</code></td><td><code>tcp://127.0.0.1:${arm.port}</code></td><td>running</td>.*<td>linux/arm64\\*</td><td>linux/arm64</td>`
      )
    );
    expect(run.summary).toContain(`<code>tcp://127.0.0.1:${amd.port}</code>`);
  });

  test('the outputs describe the builder as setup-buildx-action does', () => {
    const [amd, arm] = daemons;
    expect(run.outputs.driver).toBe('remote');
    expect(run.outputs['builder-platforms']).toBe('linux/amd64,linux/arm64');
    const nodes = JSON.parse(run.outputs.nodes) as {
      name: string;
      endpoint: string;
      status: string;
      platforms: string;
      buildkit?: string;
    }[];
    expect(nodes.map(n => [n.name, n.endpoint, n.status, n.platforms])).toEqual([
      [`${run.outputs.name}0`, `tcp://127.0.0.1:${amd.port}`, 'running', 'linux/amd64'],
      [arm.name, `tcp://127.0.0.1:${arm.port}`, 'running', 'linux/arm64']
    ]);
    for (const n of nodes) expect(n.buildkit).toMatch(/^v\d+\.\d+/);
  });

  test('no emulator was installed: QEMU was not touched', () => {
    expect(run.main.stdout).toMatch(
      /QEMU: not touched; the builder does not run on this runner \(remote tcp:\/\/127\.0\.0\.1:\d+, remote tcp:\/\/127\.0\.0\.1:\d+\)/
    );
    expect(commandLines(run.main.stdout).filter(c => /--privileged|binfmt/.test(c))).toEqual([]);
  });
});
