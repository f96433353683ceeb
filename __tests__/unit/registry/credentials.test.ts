/**
 * Where registry credentials come from: the login inputs first, else the Docker config the way the
 * docker CLI reads it (per-registry credHelpers, then auths, then credsStore).
 */
import * as core from '@actions/core';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandResult, RunOptions, Runner } from '../../../src/docker/command';
import { dockerConfigCredentials, firstOf, staticCredentials } from '../../../src/registry/credentials';

interface HelperCall {
  command: string;
  args: string[];
  options?: RunOptions;
}

/**
 * A stand-in for `docker-credential-<name> get`: answers from `store[name][server]` (the server
 * name arrives on stdin) and exits 1 with "credentials not found" otherwise, like the real helpers.
 */
function helpers(store: Record<string, Record<string, { Username: string; Secret: string }>>): { run: Runner; calls: HelperCall[] } {
  const calls: HelperCall[] = [];
  const run: Runner = (command, args, options) => {
    calls.push({ command, args, options });
    const name = command.replace(/^docker-credential-/, '');
    const entry = store[name]?.[options?.input ?? ''];
    const result: CommandResult = entry
      ? { exitCode: 0, stdout: JSON.stringify({ ServerURL: options?.input, ...entry }), stderr: '' }
      : { exitCode: 1, stdout: 'credentials not found in native keychain', stderr: '' };
    return Promise.resolve(result);
  };
  return { run, calls };
}

function configDir(config: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const auth = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

let masked: jest.SpyInstance;

beforeEach(() => {
  masked = jest.spyOn(core, 'setSecret').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('lookup order in the Docker config', () => {
  const config = {
    credHelpers: { 'helped.example.com': 'per-registry' },
    auths: {
      'helped.example.com': { auth: auth('from-auths', 'auths-pw') },
      'auths.example.com': { auth: auth('from-auths', 'auths-pw') }
    },
    credsStore: 'store'
  };
  const store = {
    'per-registry': { 'helped.example.com': { Username: 'from-helper', Secret: 'helper-pw' } },
    store: {
      'helped.example.com': { Username: 'from-store', Secret: 'store-pw' },
      'auths.example.com': { Username: 'from-store', Secret: 'store-pw' },
      'stored.example.com': { Username: 'from-store', Secret: 'store-pw' }
    }
  };

  test('a per-registry credHelper beats auths and credsStore', async () => {
    const { run, calls } = helpers(store);
    const cred = await dockerConfigCredentials(configDir(config), run)('helped.example.com');
    expect(cred).toEqual({ username: 'from-helper', password: 'helper-pw' });
    expect(calls).toEqual([
      {
        command: 'docker-credential-per-registry',
        args: ['get'],
        options: expect.objectContaining({ input: 'helped.example.com' }) as unknown
      }
    ]);
    expect(masked).toHaveBeenCalledWith('helper-pw');
  });

  test('auths beat credsStore, and need no helper', async () => {
    const { run, calls } = helpers(store);
    const cred = await dockerConfigCredentials(configDir(config), run)('auths.example.com');
    expect(cred).toEqual({ username: 'from-auths', password: 'auths-pw' });
    expect(calls).toEqual([]);
    expect(masked).toHaveBeenCalledWith('auths-pw');
  });

  test('credsStore serves a registry nothing else names', async () => {
    const { run, calls } = helpers(store);
    const cred = await dockerConfigCredentials(configDir(config), run)('stored.example.com');
    expect(cred).toEqual({ username: 'from-store', password: 'store-pw' });
    expect(calls.map(c => [c.command, ...c.args, c.options?.input])).toEqual([['docker-credential-store', 'get', 'stored.example.com']]);
  });

  test('a registry no source knows has no credentials', async () => {
    const { run } = helpers(store);
    expect(await dockerConfigCredentials(configDir(config), run)('unknown.example.com')).toBeUndefined();
    expect(masked).not.toHaveBeenCalled();
  });

  test('a per-registry helper that has nothing is the answer: auths are not consulted (as the docker CLI does)', async () => {
    const { run } = helpers({});
    expect(await dockerConfigCredentials(configDir(config), run)('helped.example.com')).toBeUndefined();
  });

  test('no config.json: no credentials and no helper call', async () => {
    const { run, calls } = helpers(store);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    expect(await dockerConfigCredentials(empty, run)('stored.example.com')).toBeUndefined();
    expect(calls).toEqual([]);
  });
});

describe('Docker Hub', () => {
  test('auths filed under https://index.docker.io/v1/ (where `docker login` puts them) serve docker.io', async () => {
    const { run } = helpers({});
    const dir = configDir({ auths: { 'https://index.docker.io/v1/': { auth: auth('hubuser', 'dckr_pat_x') } } });
    expect(await dockerConfigCredentials(dir, run)('docker.io')).toEqual({ username: 'hubuser', password: 'dckr_pat_x' });
  });

  test('credHelpers and credsStore are asked for https://index.docker.io/v1/, the server name the CLI stores Hub credentials under', async () => {
    const hub = { 'https://index.docker.io/v1/': { Username: 'hubuser', Secret: 'dckr_pat_y' } };
    const viaHelper = helpers({ hubhelper: hub });
    const perRegistry = configDir({ credHelpers: { 'https://index.docker.io/v1/': 'hubhelper' } });
    expect(await dockerConfigCredentials(perRegistry, viaHelper.run)('docker.io')).toEqual({ username: 'hubuser', password: 'dckr_pat_y' });
    const viaStore = helpers({ desktop: hub });
    expect(await dockerConfigCredentials(configDir({ credsStore: 'desktop' }), viaStore.run)('docker.io')).toEqual({
      username: 'hubuser',
      password: 'dckr_pat_y'
    });
    expect(viaStore.calls.map(c => c.options?.input)).toEqual(['https://index.docker.io/v1/']);
  });
});

describe('auths entries', () => {
  test('an identity token is skipped (it needs an OAuth2 exchange): the next key that has a password is used', async () => {
    const { run } = helpers({});
    const dir = configDir({
      auths: {
        'registry.example.com': { auth: auth('tokenuser', 'unused'), identitytoken: 'refresh-token' },
        'https://registry.example.com': { auth: auth('plain', 'pw') }
      }
    });
    expect(await dockerConfigCredentials(dir, run)('registry.example.com')).toEqual({ username: 'plain', password: 'pw' });
  });

  test('an identity token alone gives no credentials; credsStore is asked instead', async () => {
    const { run, calls } = helpers({ store: { 'registry.example.com': { Username: 'u', Secret: 's' } } });
    const dir = configDir({ auths: { 'registry.example.com': { identitytoken: 'refresh-token' } }, credsStore: 'store' });
    expect(await dockerConfigCredentials(dir, run)('registry.example.com')).toEqual({ username: 'u', password: 's' });
    expect(calls).toHaveLength(1);
    expect(masked).not.toHaveBeenCalledWith('refresh-token');
  });

  test('username and password fields are used as they are; a password containing ":" survives the auth field', async () => {
    const { run } = helpers({});
    const dir = configDir({
      auths: { 'a.example.com': { username: 'u', password: 'p' }, 'b.example.com': { auth: auth('u', 'pa:ss:word') } }
    });
    expect(await dockerConfigCredentials(dir, run)('a.example.com')).toEqual({ username: 'u', password: 'p' });
    expect(await dockerConfigCredentials(dir, run)('b.example.com')).toEqual({ username: 'u', password: 'pa:ss:word' });
  });
});

describe('firstOf(login inputs, Docker config)', () => {
  const dir = configDir({ auths: { 'registry.example.com': { auth: auth('config-user', 'config-pw') } }, credsStore: 'store' });
  const logins = [{ registry: 'registry.example.com', username: 'input-user', password: 'input-pw' }];

  test('the login inputs win, and the Docker config is not read for that registry', async () => {
    const { run, calls } = helpers({ store: { 'registry.example.com': { Username: 'store-user', Secret: 'store-pw' } } });
    const source = firstOf(staticCredentials(logins), dockerConfigCredentials(dir, run));
    expect(await source('registry.example.com')).toEqual({ username: 'input-user', password: 'input-pw' });
    expect(calls).toEqual([]);
  });

  test('a registry without a login input falls back to the Docker config', async () => {
    const { run } = helpers({ store: { 'other.example.com': { Username: 'store-user', Secret: 'store-pw' } } });
    const source = firstOf(staticCredentials(logins), dockerConfigCredentials(dir, run));
    expect(await source('other.example.com')).toEqual({ username: 'store-user', password: 'store-pw' });
    expect(await source('third.example.com')).toBeUndefined();
  });
});

test('a helper that exits 0 without JSON gives no credentials and a warning, not a failed request', async () => {
  const warned = jest.spyOn(core, 'warning').mockImplementation(() => undefined);
  const run: Runner = () => Promise.resolve<CommandResult>({ exitCode: 0, stdout: 'not json', stderr: '' });
  const lookup = dockerConfigCredentials(configDir({ credsStore: 'broken' }), run);
  await expect(lookup('registry.example.com')).resolves.toBeUndefined();
  expect(warned).toHaveBeenCalledWith(expect.stringContaining('docker-credential-broken printed no JSON for registry.example.com'));
});
