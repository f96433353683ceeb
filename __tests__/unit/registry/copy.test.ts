/** Copying a published image's graph into other repositories and registries, with the in-memory fake. */
import * as core from '@actions/core';
import { MEDIA_TYPES, Manifest } from '../../../src/oci/manifest';
import { Repo, parseReference } from '../../../src/oci/reference';
import { copyGraph, putLevels } from '../../../src/registry/copy';
import { ImageGraph, readGraph, resolveSource } from '../../../src/registry/graph';
import { FakeRegistry } from '../fake-registry';
import { REGISTRY, SOURCE, publishImage } from './graph-fixture';

const OTHER: Repo = { registry: 'registry.example.com', repository: 'prod/app' };
const tagOf = (d: string) => d.replace(':', '-');

let info: jest.SpyInstance;
beforeEach(() => {
  info = jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function setUp(o: { sourceApi?: boolean; targetApi?: boolean } = {}) {
  const reg = new FakeRegistry();
  if (o.sourceApi) reg.referrersApi.add(REGISTRY);
  if (o.targetApi) reg.referrersApi.add(OTHER.registry);
  const image = publishImage(reg, { fallbackTag: !o.sourceApi });
  const root = await resolveSource(reg, parseReference(`${REGISTRY}/team/app:sha-abc1234`));
  const graph = await readGraph(reg, SOURCE, root, 'index');
  reg.calls.length = 0;
  return { reg, image, graph };
}

const stored = (reg: FakeRegistry, repo: Repo, ref: string) => reg.manifests.get(`${repo.registry}/${repo.repository}`)?.get(ref);
const puts = (reg: FakeRegistry) => reg.calls.filter(c => c.startsWith('putManifest')).map(c => c.split('@')[1].split(' ')[0]);

describe('into another registry without the referrers API (distribution 2.8)', () => {
  test('every manifest arrives by digest with the same bytes and media type', async () => {
    const { reg, graph } = await setUp();
    await copyGraph(reg, graph, OTHER);
    for (const [digest, node] of graph.nodes) {
      expect(stored(reg, OTHER, digest)).toEqual({ bytes: node.manifest.bytes, mediaType: node.manifest.mediaType });
    }
  });

  test('children before parents: each manifest is put after everything it names or refers to', async () => {
    const { reg, graph } = await setUp();
    await copyGraph(reg, graph, OTHER);
    const order = puts(reg);
    for (const [digest, node] of graph.nodes) {
      for (const before of node.after) expect(order.indexOf(before)).toBeLessThan(order.indexOf(digest));
    }
    const firstManifest = reg.calls.findIndex(c => c.startsWith('putManifest'));
    expect(reg.calls.slice(firstManifest).some(c => c.startsWith('copyBlob'))).toBe(false);
  });

  test("the cosign tags and the source's own fallback index (same digest) are written last", async () => {
    const { reg, graph, image } = await setUp();
    const result = await copyGraph(reg, graph, OTHER);
    const fallback = graph.referrers.get(image.index.digest)?.fallback as Manifest;
    expect(stored(reg, OTHER, tagOf(image.index.digest))?.bytes).toEqual(fallback.bytes);
    expect(stored(reg, OTHER, `${tagOf(image.index.digest)}.sig`)?.bytes).toEqual(graph.nodes.get(image.signature.digest)?.manifest.bytes);
    expect(stored(reg, OTHER, `${tagOf(image.sbom.digest)}.sig`)).toBeDefined();
    expect(puts(reg).slice(-3).sort()).toEqual(
      [tagOf(image.index.digest), `${tagOf(image.index.digest)}.sig`, `${tagOf(image.sbom.digest)}.sig`].sort()
    );
    expect(result.tags).toEqual({ written: 3, present: 0 });
  });

  test('every blob is streamed once, its bytes counted in its group, and each group logged', async () => {
    const { reg, graph, image } = await setUp();
    const result = await copyGraph(reg, graph, OTHER);
    const amd64 = result.groups.find(g => g.digest === image.amd64.digest);
    expect(amd64).toEqual(
      expect.objectContaining({ label: 'linux/amd64', manifest: 'copied', blobs: { uploaded: 2, mounted: 0, present: 0 } })
    );
    expect(amd64?.bytes).toBe(graph.nodes.get(image.amd64.digest)?.blobs.reduce((n, b) => n + b.size, 0));
    expect(info).toHaveBeenCalledWith(expect.stringMatching(/^promote: linux\/amd64 → registry\.example\.com\/prod\/app: blobs 2 sent \(/));
  });
});

test('into another repository of the same registry: blobs are mounted, nothing streamed', async () => {
  const { reg, graph } = await setUp();
  const result = await copyGraph(reg, graph, { registry: REGISTRY, repository: 'team/mirror' });
  const blobs = result.groups.map(g => g.blobs);
  expect(blobs.reduce((n, b) => n + b.mounted, 0)).toBeGreaterThan(0);
  expect(blobs.reduce((n, b) => n + b.uploaded, 0)).toBe(0);
});

test('into the source repository itself: every manifest is there, nothing is written', async () => {
  const { reg, graph } = await setUp();
  const result = await copyGraph(reg, graph, SOURCE);
  expect(reg.calls.filter(c => c.startsWith('put') || c.startsWith('copyBlob'))).toEqual([]);
  expect(result.groups.every(g => g.manifest === 'present')).toBe(true);
  expect(result.tags).toEqual({ written: 0, present: 3 });
});

test('a target with the referrers API (OCI-Subject) gets no fallback tag', async () => {
  const { reg, graph, image } = await setUp({ targetApi: true });
  await copyGraph(reg, graph, OTHER);
  expect(stored(reg, OTHER, tagOf(image.index.digest))).toBeUndefined();
  expect(await reg.listReferrers(OTHER, image.index.digest)).toEqual([expect.objectContaining({ digest: image.sbom.digest })]);
});

test('referrers found through the source API, target without it: the fallback index is written from the API descriptors', async () => {
  const { reg, graph, image } = await setUp({ sourceApi: true });
  await copyGraph(reg, graph, OTHER);
  const index = JSON.parse(stored(reg, OTHER, tagOf(image.index.digest))?.bytes.toString() ?? '{}') as Manifest['json'];
  expect(index.mediaType).toBe(MEDIA_TYPES.ociIndex);
  expect(index.manifests?.map(d => [d.digest, d.artifactType])).toEqual([[image.sbom.digest, image.sbom.artifactType]]);
});

test("a target fallback index listing other referrers keeps them, the source's appended", async () => {
  const { reg, graph, image } = await setUp();
  const theirs = { mediaType: MEDIA_TYPES.ociManifest, digest: `sha256:${'e'.repeat(64)}`, size: 3, artifactType: 'x/y' };
  await reg.putManifest(
    OTHER,
    tagOf(image.index.digest),
    Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [theirs] })),
    MEDIA_TYPES.ociIndex
  );
  await copyGraph(reg, graph, OTHER);
  const index = JSON.parse(stored(reg, OTHER, tagOf(image.index.digest))?.bytes.toString() ?? '{}') as Manifest['json'];
  expect(index.manifests?.map(d => d.digest)).toEqual([theirs.digest, image.sbom.digest]);
});

test("a cosign tag the target holds with its own signature: both signatures kept, the source's first", async () => {
  const { reg, graph, image } = await setUp();
  const own = { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: `sha256:${'d'.repeat(64)}`, size: 5 };
  const config = reg.addBlob(OTHER.registry, OTHER.repository, Buffer.from('{}'));
  await reg.putManifest(
    OTHER,
    `${tagOf(image.index.digest)}.sig`,
    Buffer.from(JSON.stringify({ schemaVersion: 2, config, layers: [own] })),
    MEDIA_TYPES.ociManifest
  );
  await copyGraph(reg, graph, OTHER);
  const sig = JSON.parse(stored(reg, OTHER, `${tagOf(image.index.digest)}.sig`)?.bytes.toString() ?? '{}') as Manifest['json'];
  const source = graph.nodes.get(image.signature.digest)?.manifest.json.layers ?? [];
  expect(sig.layers?.map(l => l.digest)).toEqual([...source.map(l => l.digest), own.digest]);
});

test('an interrupted copy resumes: what arrived is not sent again, and no manifest was put before every blob was there', async () => {
  const { reg, graph } = await setUp();
  let copied = 0;
  reg.failCopy = () => copied++ >= 3;
  await expect(copyGraph(reg, graph, OTHER)).rejects.toThrow('connection reset');
  expect(puts(reg)).toEqual([]);
  const arrived = reg.blobs.get(`${OTHER.registry}/${OTHER.repository}`)?.size ?? 0;
  expect(arrived).toBeGreaterThan(0);
  reg.failCopy = undefined;
  const result = await copyGraph(reg, graph, OTHER);
  expect(result.groups.reduce((n, g) => n + g.blobs.present, 0)).toBe(arrived);
  expect(result.groups.reduce((n, g) => n + g.blobs.uploaded, 0)).toBe(
    new Set([...graph.nodes.values()].flatMap(n => n.blobs.map(b => b.digest))).size - arrived
  );
});

test('putLevels: leaves first, each manifest one level above the deepest it comes after', () => {
  const node = (after: string[]) => ({ manifest: {} as Manifest, label: '', after, blobs: [] });
  const graph = {
    nodes: new Map([
      ['index', node(['a', 'b'])],
      ['a', node([])],
      ['b', node([])],
      ['sig', node(['index'])],
      ['sbom', node(['index'])],
      ['sbom-sig', node(['sbom'])],
      ['outside', node(['not-in-graph'])]
    ])
  } as unknown as ImageGraph;
  expect(putLevels(graph)).toEqual([['a', 'b', 'outside'], ['index'], ['sig', 'sbom'], ['sbom-sig']]);
});
