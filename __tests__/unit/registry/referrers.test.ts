import { MEDIA_TYPES } from '../../../src/oci/manifest';
import { attachReferrer, findReferrers, referrersTag } from '../../../src/registry/referrers';
import { FakeRegistry } from '../fake-registry';

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
  registry.referrersApi = true;
  await attachReferrer(registry, REPO, SUBJECT, referrer(1));
  expect((await findReferrers(registry, REPO, SUBJECT)).map(d => d.artifactType)).toEqual(['x/y']);
  expect(registry.manifests.get('reg.example/o/app')?.has(referrersTag(SUBJECT))).toBe(false);
});
