/**
 * build-push-action's build options, each checked by its effect inside a real build on this
 * stack (the fixture Dockerfile writes what each RUN step got to /results, exported with
 * outputs: type=local): secrets from a file and from the environment, an SSH agent (a real
 * ssh-agent with a throwaway key), extra hosts, /dev/shm size, ulimits, build contexts from a
 * directory and from a registry image; call: check lints without building; attests adds an SBOM
 * from a scanner image in the local registry.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pushSyntheticImage } from '../../scripts/synthetic-image.js';
import { tempDir } from './registries';
import {
  FIXTURES,
  REGISTRY,
  byBuildx,
  commandLines,
  errorLines,
  imageIndex,
  localStackInputs,
  manifest,
  runAction,
  stack,
  tagList,
  uniqueRepo
} from './stack';

jest.setTimeout(600_000);

const SBOM_SCANNER = `${REGISTRY}/test-fixture/sbom-scanner:1`;

describe('secrets, ssh, hosts, shm, ulimit and build contexts reach the RUN steps', () => {
  const out = tempDir('build-options-out-');
  const keyDir = tempDir('ssh-key-');
  let fingerprint = '';
  let agent: { pid: number; sock: string };
  let results: (file: string) => string;
  let code: number | null = null;

  beforeAll(async () => {
    // A throwaway key in a real ssh-agent.
    execFileSync('ssh-keygen', ['-t', 'ed25519', '-N', '', '-C', 'throwaway@test', '-f', path.join(keyDir, 'id')], { stdio: 'ignore' });
    fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(keyDir, 'id.pub')], { encoding: 'utf8' }).split(' ')[1];
    const sock = path.join(keyDir, 'agent.sock');
    const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise(r => setTimeout(r, 100));
    execFileSync('ssh-add', [path.join(keyDir, 'id')], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    agent = { pid: child.pid as number, sock };

    // A registry image (pushed by digest) for the docker-image:// build context.
    const baseRepo = uniqueRepo('build-context-base');
    const digest = await pushSyntheticImage(REGISTRY, baseRepo, 'linux/amd64');
    const secretFile = path.join(keyDir, 'secret.txt');
    fs.writeFileSync(secretFile, 'from-a-file');
    const run = await runAction({
      env: { BUILD_OPTIONS_SECRET: 'from-the-environment' },
      inputs: {
        ...localStackInputs(),
        file: path.join(FIXTURES, 'build-options', 'Dockerfile'),
        platforms: 'linux/amd64',
        outputs: `type=local,dest=${out}`,
        'secret-files': `from_file=${secretFile}`,
        'secret-envs': 'from_env=BUILD_OPTIONS_SECRET',
        ssh: `default=${sock}`,
        'add-hosts': 'myhost:10.180.0.1',
        'shm-size': '128m',
        ulimit: 'nofile=4321:4321',
        'build-contexts': `extra=${path.join(FIXTURES, 'build-options', 'extra')}\nbase=docker-image://${REGISTRY}/${baseRepo}@${digest}`
      }
    });
    code = run.main.code;
    if (code !== 0)
      console.log(
        run.main.stdout
          .split('\n')
          .filter(l => l.startsWith('::error'))
          .join('\n')
      );
    results = f => fs.readFileSync(path.join(out, 'results', f), 'utf8').trim();
  });

  afterAll(() => {
    process.kill(agent.pid);
  });

  test('the build succeeds', () => expect(code).toBe(0));
  test('secret-files: the file is read inside RUN --mount=type=secret', () => expect(results('secret-file.txt')).toBe('from-a-file'));
  test('secret-envs: the environment variable is read inside RUN --mount=type=secret', () =>
    expect(results('secret-env.txt')).toBe('from-the-environment'));
  test('ssh: the agent serves the throwaway key to RUN --mount=type=ssh', () =>
    expect(results('ssh.txt')).toBe(`${fingerprint} throwaway@test`));
  test('add-hosts: the host resolves inside RUN', () => expect(results('hosts.txt')).toMatch(/^10\.180\.0\.1\s+myhost$/));
  test('shm-size: /dev/shm is 128 MiB', () => expect(results('shm.txt').split(/\s+/)[1]).toBe('131072'));
  test('ulimit: the open files limit is 4321', () => expect(results('ulimit.txt')).toBe('4321'));
  test('build-contexts: a stage from another directory and one from a registry image', () => {
    expect(results('extra.txt')).toBe('hello from another build context');
    expect(results('from-image.txt')).toBe('linux/amd64');
  });
});

describe('call: check', () => {
  const dir = tempDir('call-check-');
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch as base\nCOPY Dockerfile /\n');

  test('reports the Dockerfile lint warning, and builds and pushes nothing (buildx 0.15 and newer)', async () => {
    const repo = uniqueRepo('call-check');
    const run = await runAction({
      inputs: {
        ...localStackInputs(),
        context: dir,
        file: path.join(dir, 'Dockerfile'),
        platforms: 'linux/amd64',
        images: `${REGISTRY}/${repo}`,
        call: 'check'
      }
    });
    byBuildx({
      minimum: () => {
        expect(run.main.code).toBe(1);
        expect(errorLines(run.main.stdout).join('\n')).toContain(`call needs buildx 0.15.0 or newer (installed: ${stack().buildx})`);
        expect(commandLines(run.main.stdout).filter(l => l.includes(' buildx build '))).toEqual([]);
      },
      current: () => {
        expect(run.main.stdout).toContain('Push: no (call: check');
        expect(run.main.stdout).toMatch(/FromAsCasing/);
        const build = commandLines(run.main.stdout).find(l => l.includes(' buildx build '));
        expect(build).toContain('--call check');
        expect(build).not.toContain('--output');
      }
    })();
    expect(await tagList(REGISTRY, repo)).toBeUndefined();
  });
});

test('attests: type=sbom with a scanner image adds an SBOM attestation to the pushed image', async () => {
  const repo = uniqueRepo('attests-sbom');
  const run = await runAction({
    inputs: {
      ...localStackInputs(),
      platforms: 'linux/amd64',
      tags: `${REGISTRY}/${repo}:1`,
      attests: `type=sbom,generator=${SBOM_SCANNER}`
    }
  });
  expect(run.main.code).toBe(0);
  const index = await imageIndex(REGISTRY, repo, '1');
  const attestation = index.manifests.find(m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest');
  expect(attestation).toBeDefined();
  const att = (await manifest(REGISTRY, repo, attestation?.digest ?? '')) as { layers: { annotations?: Record<string, string> }[] };
  expect(att.layers.map(l => l.annotations?.['in-toto.io/predicate-type'])).toContain('https://spdx.dev/Document');
});
