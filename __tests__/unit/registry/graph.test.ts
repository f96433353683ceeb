/** Reading a published image's whole graph from its source, by digest, with the in-memory fake. */
import * as core from '@actions/core';
import { parseReference } from '../../../src/oci/reference';
import { readGraph, resolveSource } from '../../../src/registry/graph';
import { FakeRegistry } from '../fake-registry';
import { REGISTRY, SBOM_TYPE, SOURCE, publishImage } from './graph-fixture';

beforeEach(() => {
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function graphOf(reg: FakeRegistry) {
  const root = await resolveSource(reg, parseReference(`${REGISTRY}/team/app:sha-abc1234`));
  return readGraph(reg, SOURCE, root, 'index');
}

describe.each([
  ['the referrers fallback tag (distribution 2.8)', false],
  ['the referrers API', true]
])('an index with attestations, a cosign signature and a signed SBOM referrer, found through %s', (_how, api) => {
  const reg = new FakeRegistry();
  if (api) reg.referrersApi.add(REGISTRY);
  const image = publishImage(reg, { fallbackTag: !api });

  test('every manifest is in the graph, labelled by what it is', async () => {
    const graph = await graphOf(reg);
    const labels = Object.fromEntries([...graph.nodes].map(([d, n]) => [d, n.label]));
    expect(labels).toEqual({
      [image.index.digest]: 'index',
      [image.amd64.digest]: 'linux/amd64',
      [image.arm64.digest]: 'linux/arm64',
      [image.attestations[0].digest]: 'attestation of linux/amd64',
      [image.attestations[1].digest]: 'attestation of linux/arm64',
      [image.signature.digest]: 'cosign signature of index',
      [image.sbom.digest]: `${SBOM_TYPE} of index`,
      [image.sbomSignature.digest]: `cosign signature of ${SBOM_TYPE} of index`
    });
  });

  test('each manifest comes after what it names, the subject it refers to, or the manifest its cosign tag is for', async () => {
    const graph = await graphOf(reg);
    const after = (d: string) => graph.nodes.get(d)?.after;
    expect(after(image.index.digest)?.sort()).toEqual([image.amd64, image.arm64, ...image.attestations].map(d => d.digest).sort());
    expect(after(image.amd64.digest)).toEqual([]);
    expect(after(image.sbom.digest)).toEqual([image.index.digest]);
    expect(after(image.signature.digest)).toEqual([image.index.digest]);
    expect(after(image.sbomSignature.digest)).toEqual([image.sbom.digest]);
  });

  test("the cosign tags and the index's referrers are recorded for the target", async () => {
    const graph = await graphOf(reg);
    const tagOf = (d: string) => d.replace(':', '-');
    expect(graph.tags).toEqual([
      { tag: `${tagOf(image.index.digest)}.sig`, digest: image.signature.digest },
      { tag: `${tagOf(image.sbom.digest)}.sig`, digest: image.sbomSignature.digest }
    ]);
    expect([...graph.referrers.keys()]).toEqual([image.index.digest]);
    expect(graph.referrers.get(image.index.digest)?.descriptors.map(d => d.digest)).toEqual([image.sbom.digest]);
    expect(graph.referrers.get(image.index.digest)?.fallback !== undefined).toBe(!api);
  });

  test('config and layers are the blobs of each manifest; the index has none', async () => {
    const graph = await graphOf(reg);
    expect(graph.nodes.get(image.index.digest)?.blobs).toEqual([]);
    expect(graph.nodes.get(image.amd64.digest)?.blobs).toHaveLength(2);
  });

  test('the tag is read once; everything else by digest, and the tag list once', async () => {
    reg.calls.length = 0;
    await graphOf(reg);
    const byTag = reg.calls.filter(c => /@(?!sha256:)/.test(c) && !c.startsWith('referrers'));
    expect(byTag.filter(c => c.includes('@sha-abc1234'))).toEqual([`findManifest ${REGISTRY}/team/app@sha-abc1234`]);
    expect(reg.calls.filter(c => c.startsWith('listTags'))).toHaveLength(1);
  });
});

test('a source tag that does not exist fails before anything is written, naming it', async () => {
  const reg = new FakeRegistry();
  await expect(resolveSource(reg, parseReference(`${REGISTRY}/team/app:sha-0000000`))).rejects.toThrow(
    `promote: the source ${REGISTRY}/team/app:sha-0000000 does not exist; nothing was copied`
  );
});

test('a manifest the index names but the source lacks fails the walk', async () => {
  const reg = new FakeRegistry();
  const image = publishImage(reg);
  reg.manifests.get(`${REGISTRY}/team/app`)?.delete(image.arm64.digest);
  await expect(graphOf(reg)).rejects.toThrow(`HTTP 404: ${REGISTRY}/team/app@${image.arm64.digest}`);
});

test('tags that cannot be listed are asked for one by one', async () => {
  const reg = new FakeRegistry();
  const image = publishImage(reg);
  reg.listTags = () => Promise.reject(new Error('HTTP 403: listing denied'));
  const graph = await graphOf(reg);
  expect(graph.nodes.size).toBe(8);
  expect(reg.calls).toContain(`findManifest ${REGISTRY}/team/app@${image.index.digest.replace(':', '-')}.att`);
});

test('a foreign layer (with URLs of its own) is not a blob to copy', async () => {
  const reg = new FakeRegistry();
  const layer = {
    mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
    digest: `sha256:${'f'.repeat(64)}`,
    size: 9,
    urls: ['https://x']
  };
  const config = reg.addBlob(REGISTRY, 'team/app', Buffer.from('{}'));
  const m = reg.addManifest(
    REGISTRY,
    'team/app',
    { schemaVersion: 2, config, layers: [layer] },
    'application/vnd.docker.distribution.manifest.v2+json'
  );
  const graph = await readGraph(
    reg,
    SOURCE,
    await resolveSource(reg, parseReference(`${REGISTRY}/team/app@${m.digest}`)),
    'image manifest'
  );
  expect(graph.nodes.get(m.digest)?.blobs.map(b => b.digest)).toEqual([config.digest]);
});
