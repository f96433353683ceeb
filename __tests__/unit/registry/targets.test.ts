/**
 * prepareTargets against an in-memory registry: every repository a tag names must hold the
 * index's children (copied on the legs' registry, refused on another one) before anything is put.
 */
import * as core from '@actions/core';
import { mergeLegs } from '../../../src/fanout/merge';
import { Descriptor } from '../../../src/oci/manifest';
import { prepareTargets } from '../../../src/registry/targets';
import { FakeRegistry, Stored } from '../fake-registry';
import { OCI_MANIFEST, REGISTRY, SOURCE, pushLegs } from '../fanout/legs-fixture';

beforeEach(() => {
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('prepareTargets', () => {
  async function merged(reg: FakeRegistry) {
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const m = await mergeLegs(reg, [SOURCE], legs.records, {});
    reg.calls.length = 0;
    return { legs, m };
  }

  test('tags only in the repository the legs pushed to: only the children not read yet are checked there', async () => {
    const reg = new FakeRegistry();
    const { m } = await merged(reg);
    await prepareTargets(reg, m, [`${SOURCE}:1.0`, `${SOURCE}:latest`]);
    const unread = m.children.filter(d => !m.fetched.includes(d));
    expect(unread.length).toBeGreaterThan(0);
    expect(reg.calls.sort()).toEqual(unread.map(d => `hasManifest ${SOURCE}@${d}`).sort());
  });

  test("a child gone from the legs' own repository: refused naming it, nothing copied or put", async () => {
    const reg = new FakeRegistry();
    const { legs, m } = await merged(reg);
    reg.manifests.get(SOURCE)?.delete(legs.attestation.digest);
    await expect(prepareTargets(reg, m, [`${SOURCE}:1.0`])).rejects.toThrow(
      `merge: ${SOURCE} lacks ${legs.attestation.digest} that the legs pushed; nothing was tagged`
    );
    expect(reg.calls.filter(c => !c.startsWith('hasManifest '))).toEqual([]);
  });

  test('a second image on another registry holding every child: each child is checked there, nothing copied', async () => {
    const reg = new FakeRegistry();
    const { m } = await merged(reg);
    pushLegs(reg, 'ghcr.io', 'o/app');
    await prepareTargets(reg, m, [`${SOURCE}:1.0`, 'ghcr.io/o/app:1.0', 'ghcr.io/o/app:latest']);
    const unread = m.children.filter(d => !m.fetched.includes(d));
    expect(reg.calls.sort()).toEqual(
      [...unread.map(d => `hasManifest ${SOURCE}@${d}`), ...m.children.map(d => `hasManifest ghcr.io/o/app@${d}`)].sort()
    );
  });

  test('a second image on another registry missing a child: refused naming that image, and nothing is copied or put anywhere', async () => {
    const reg = new FakeRegistry();
    const { legs, m } = await merged(reg);
    pushLegs(reg, 'ghcr.io', 'o/app');
    reg.manifests.get('ghcr.io/o/app')?.delete(legs.attestation.digest);
    // A repository on the legs' registry that would be copied to, were nothing refused.
    const refs = [`${REGISTRY}/team/mirror:1.0`, 'ghcr.io/o/app:1.0'];
    await expect(prepareTargets(reg, m, refs)).rejects.toThrow(
      `merge: ghcr.io/o/app lacks ${legs.attestation.digest}, on another registry than the legs' ${SOURCE}; ` +
        'push the legs there too (add it to images) or drop those tags; nothing was tagged'
    );
    expect(reg.calls.filter(c => !c.startsWith('hasManifest '))).toEqual([]);
  });

  test('a repository on the same registry missing a child: its blobs are mounted from the source, then the manifest is put by digest', async () => {
    const reg = new FakeRegistry();
    const { legs, m } = await merged(reg);
    pushLegs(reg, REGISTRY, 'team/mirror');
    reg.manifests.get(`${REGISTRY}/team/mirror`)?.delete(legs.arm64.digest);
    await prepareTargets(reg, m, [`${REGISTRY}/team/mirror:1.0`]);

    const source = reg.manifests.get(`${REGISTRY}/team/app`)?.get(legs.arm64.digest) as Stored;
    const copied = reg.manifests.get(`${REGISTRY}/team/mirror`)?.get(legs.arm64.digest);
    expect(copied?.mediaType).toBe(OCI_MANIFEST);
    expect(copied?.bytes.equals(source.bytes)).toBe(true);
    const json = JSON.parse(source.bytes.toString()) as { config: Descriptor; layers: Descriptor[] };
    const writes = reg.calls.filter(c => !c.startsWith('hasManifest ') && !c.startsWith('getManifest '));
    expect(writes.slice(0, 2).sort()).toEqual(
      [json.config.digest, json.layers[0].digest].map(d => `copyBlob ${REGISTRY}/team/app → team/mirror ${d}`).sort()
    );
    expect(writes.slice(2)).toEqual([`putManifest ${REGISTRY}/team/mirror@${legs.arm64.digest} ${OCI_MANIFEST}`]);
  });
});
