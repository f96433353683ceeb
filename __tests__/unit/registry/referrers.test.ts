/** The referrers tag schema and cosign's tag scheme: tags, merged signature objects, fallback indexes. */
import { MEDIA_TYPES, Manifest } from '../../../src/oci/manifest';
import {
  attachReferrer,
  cosignTag,
  findReferrers,
  mergedTaggedObject,
  referrersTag,
  writeFallbackIndex
} from '../../../src/registry/referrers';
import { FakeRegistry } from '../fake-registry';

test('referrersTag: the digest with its colon made a dash; cosignTag adds the suffix', () => {
  expect(referrersTag(`sha256:${'a'.repeat(64)}`)).toBe(`sha256-${'a'.repeat(64)}`);
  expect(cosignTag(`sha256:${'a'.repeat(64)}`, 'att')).toBe(`sha256-${'a'.repeat(64)}.att`);
});

const layer = (c: string) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${c.repeat(64)}`, size: 1 });
const sigObject = (...layers: string[]): Manifest => {
  const json = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: layer('c'), layers: layers.map(layer) };
  const bytes = Buffer.from(JSON.stringify(json));
  return { mediaType: MEDIA_TYPES.ociManifest, digest: `sha256:${layers.join('')}`, bytes, json };
};

test.each([
  ['the target has every source signature (and more): left as it is', ['1'], ['1', '2'], undefined],
  ['the target has others: the source layers, then the target-only ones', ['1'], ['2'], ['1', '2']],
  ['both have some of each', ['1', '2'], ['2', '3'], ['1', '2', '3']]
])('mergedTaggedObject: %s', (_name, source, existing, expected) => {
  const merged = mergedTaggedObject(sigObject(...source), sigObject(...existing));
  if (expected === undefined) expect(merged).toBeUndefined();
  else
    expect((JSON.parse(merged?.toString() ?? '{}') as Manifest['json']).layers?.map(l => l.digest)).toEqual(
      expected.map(c => layer(c).digest)
    );
});

test('mergedTaggedObject keeps the exact source bytes (its digest) when it adds nothing from the target', () => {
  const source = sigObject('1', '2');
  expect(mergedTaggedObject(source, sigObject('1'))).toBe(source.bytes);
});

describe('writeFallbackIndex', () => {
  const target = { registry: 'r.example', repository: 'prod/app' };
  const subject = `sha256:${'9'.repeat(64)}`;
  const descriptor = {
    mediaType: MEDIA_TYPES.ociManifest,
    digest: `sha256:${'8'.repeat(64)}`,
    size: 10,
    artifactType: 'application/spdx+json'
  };

  test('no fallback index at the target, none at the source (API): one listing the descriptors', async () => {
    const reg = new FakeRegistry();
    expect(await writeFallbackIndex(reg, target, subject, { descriptors: [descriptor] })).toBe(true);
    const index = await reg.getManifest(target, referrersTag(subject));
    expect(index.json).toEqual({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [descriptor] });
    expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex);
  });

  test('a target index that lists them all already: nothing written', async () => {
    const reg = new FakeRegistry();
    await writeFallbackIndex(reg, target, subject, { descriptors: [descriptor] });
    reg.calls.length = 0;
    expect(await writeFallbackIndex(reg, target, subject, { descriptors: [descriptor] })).toBe(false);
    expect(reg.calls.filter(c => c.startsWith('put'))).toEqual([]);
  });
});

const REPO = { registry: 'reg.example', repository: 'o/app' };
const SUBJECT = 'sha256:' + 'a'.repeat(64);

function referrer(n: number) {
  const json = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: 'x/y', subject: { digest: SUBJECT }, n };
  return {
    bytes: Buffer.from(JSON.stringify(json)),
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: 'x/y',
    annotations: { n: String(n) }
  };
}

test('without a referrers API, each referrer is added once to the sha256-<hex> tag index', async () => {
  const registry = new FakeRegistry();
  await attachReferrer(registry, REPO, SUBJECT, referrer(1));
  await attachReferrer(registry, REPO, SUBJECT, referrer(2));
  await attachReferrer(registry, REPO, SUBJECT, referrer(1));
  expect(referrersTag(SUBJECT)).toBe(`sha256-${'a'.repeat(64)}`);
  const found = await findReferrers(registry, REPO, SUBJECT, 'x/y');
  expect(found.map(d => d.annotations?.n)).toEqual(['1', '2']);
  expect(await findReferrers(registry, REPO, SUBJECT, 'other/type')).toEqual([]);
});

test('with a referrers API, the registry lists them and no tag is written', async () => {
  const registry = new FakeRegistry();
  registry.referrersApi.add(REPO.registry);
  await attachReferrer(registry, REPO, SUBJECT, referrer(1));
  expect((await findReferrers(registry, REPO, SUBJECT)).map(d => d.artifactType)).toEqual(['x/y']);
  expect(registry.manifests.get('reg.example/o/app')?.has(referrersTag(SUBJECT))).toBe(false);
});
