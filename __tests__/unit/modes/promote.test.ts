/** mode: promote with the in-memory registry: what it copies and tags, what it refuses, and when it does nothing. */
import * as core from '@actions/core';
import { promote, runPromoteMode } from '../../../src/modes/promote';
import { MEDIA_TYPES } from '../../../src/oci/manifest';
import { loadConfig } from '../../../src/policy/config';
import { ctxFor } from '../policy/events';
import { FakeRegistry } from '../fake-registry';
import { REGISTRY, publishImage } from '../registry/graph-fixture';
import { stubRunner } from '../stub-runner';

const TARGET = 'registry.example.com/prod/app';
const release = ctxFor('release', 'release-published-stable.json', 'refs/tags/v2.3.4');
const configFor = (inputs: Record<string, string>, ctx = release) =>
  loadConfig(n => ({ 'github-token': 'x', mode: 'promote', ...inputs })[n] ?? '', ctx);

let notices: jest.SpyInstance;
beforeEach(() => {
  notices = jest.spyOn(core, 'notice').mockImplementation(() => undefined);
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const tagsOf = async (reg: FakeRegistry) => (await reg.listTags({ registry: 'registry.example.com', repository: 'prod/app' })).sort();
const at = async (reg: FakeRegistry, tag: string) =>
  (await reg.findManifest({ registry: 'registry.example.com', repository: 'prod/app' }, tag))?.digest;

test("a release promotes the commit's sha- image: the graph is copied, then 2.3.4, 2.3, 2 and latest move to its index", async () => {
  const reg = new FakeRegistry();
  const image = publishImage(reg, { tag: 'sha-6113728' });
  const result = await promote(configFor({ source: `${REGISTRY}/team/app`, images: TARGET }), reg);
  expect(result.source).toBe(`${REGISTRY}/team/app:sha-6113728`);
  expect(result.refs).toEqual(['2.3.4', '2.3', '2', 'latest'].map(t => `${TARGET}:${t}`));
  for (const t of ['2.3.4', '2.3', '2', 'latest']) expect(await at(reg, t)).toBe(image.index.digest);
  const firstTag = reg.calls.findIndex(c => c.startsWith('putManifest registry.example.com/prod/app@2.3.4'));
  const graphWrites = reg.calls.map((c, i) => (c.startsWith('copyBlob') || /^putManifest \S+@sha256[:-]/.test(c) ? i : -1));
  expect(Math.max(...graphWrites)).toBeLessThan(firstTag);
});

test('a backport: latest stays on the promoted 3.0.0 (known by its release tag: its annotations say edge); 2.3.4, 2.3 and 2 move', async () => {
  const reg = new FakeRegistry();
  const target = { registry: 'registry.example.com', repository: 'prod/app' };
  const newer = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [],
      annotations: { 'org.opencontainers.image.version': 'edge' }
    })
  );
  for (const t of ['3.0.0', '3.0', '3', 'latest']) await reg.putManifest(target, t, newer, MEDIA_TYPES.ociIndex);
  const image = publishImage(reg);
  await promote(configFor({ source: `${REGISTRY}/team/app:sha-abc1234`, images: TARGET }), reg);
  expect(await tagsOf(reg)).toEqual(expect.arrayContaining(['2', '2.3', '2.3.4', '3', '3.0', '3.0.0', 'latest']));
  for (const t of ['2.3.4', '2.3', '2']) expect(await at(reg, t)).toBe(image.index.digest);
  expect(await at(reg, 'latest')).not.toBe(image.index.digest);
  expect(notices).toHaveBeenCalledWith(`Not moving ${TARGET}:latest: it points at 3.0.0, newer than 2.3.4`);
});

test('a target that refuses the push: the step fails before anything is copied or tagged', async () => {
  const reg = new FakeRegistry();
  publishImage(reg);
  reg.refusePut = ref => ref === `${TARGET}:*`;
  await expect(promote(configFor({ source: `${REGISTRY}/team/app:sha-abc1234`, images: TARGET }), reg)).rejects.toThrow(
    /^pushing to registry\.example\.com\/prod\/app would be refused \(HTTP 401: unauthorized\).*; nothing was copied or tagged$/
  );
  expect(reg.calls.filter(c => c.startsWith('copyBlob') || c.startsWith('put'))).toEqual([]);
});

test('a source that cannot be read: nothing is copied or tagged', async () => {
  const reg = new FakeRegistry();
  await expect(promote(configFor({ source: `${REGISTRY}/team/app:sha-0000000`, images: TARGET }), reg)).rejects.toThrow(
    'does not exist; nothing was copied'
  );
  expect(reg.calls.filter(c => c.startsWith('copyBlob') || c.startsWith('put') || c.startsWith('checkPush'))).toEqual([]);
});

test('explicit tags are put verbatim, in every repository they name', async () => {
  const reg = new FakeRegistry();
  const image = publishImage(reg);
  const push = ctxFor('push', 'push-default-branch.json', 'refs/heads/main');
  const tags = `${TARGET}:stable\n${REGISTRY}/team/mirror:stable`;
  const result = await promote(configFor({ source: `${REGISTRY}/team/app:sha-abc1234`, tags }, push), reg);
  expect(result.copies.map(c => `${c.target.registry}/${c.target.repository}`)).toEqual([TARGET, `${REGISTRY}/team/mirror`]);
  expect(await at(reg, 'stable')).toBe(image.index.digest);
  expect((await reg.findManifest({ registry: REGISTRY, repository: 'team/mirror' }, 'stable'))?.digest).toBe(image.index.digest);
});

test('an untrusted event: the promotion says it does not push and does nothing', async () => {
  const cfg = configFor(
    { source: `${REGISTRY}/team/app:sha-abc1234`, images: TARGET },
    ctxFor('pull_request', 'pull-request-fork.json', 'refs/pull/7/merge')
  );
  const { run, calls } = stubRunner(() => new Error('no command may run'));
  await runPromoteMode(cfg, release, run);
  expect(notices).toHaveBeenCalledWith(
    expect.stringMatching(/^promote: not pushing \(pull_request event \(build only\)\); nothing was copied or tagged$/)
  );
  expect(calls).toEqual([]);
});
