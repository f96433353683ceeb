/**
 * The merge against an in-memory registry: mergeLegs composes the index from what the legs pushed
 * to the first image; prepareTargets makes every repository a tag names hold the index's children
 * (copied on the legs' registry, refused on another one) before anything is put.
 */
import * as core from '@actions/core';
import * as crypto from 'crypto';
import { mergeLegs, prepareTargets } from '../../../src/fanout/merge';
import { LegRecord } from '../../../src/fanout/records';
import { sha256Digest } from '../../../src/oci/digest';
import { Descriptor, Manifest, MEDIA_TYPES } from '../../../src/oci/manifest';
import { RegistryClient } from '../../../src/registry/client';

const OCI_MANIFEST = MEDIA_TYPES.ociManifest;
const OCI_INDEX = MEDIA_TYPES.ociIndex;

interface Stored {
  bytes: Buffer;
  mediaType: string;
}

/** Repositories by `registry/repository`, each with its manifests and blobs by digest. */
class FakeRegistry {
  readonly manifests = new Map<string, Map<string, Stored>>();
  readonly blobs = new Map<string, Map<string, Buffer>>();
  readonly calls: string[] = [];

  private repo<T>(all: Map<string, Map<string, T>>, registry: string, repository: string): Map<string, T> {
    const key = `${registry}/${repository}`;
    if (!all.has(key)) all.set(key, new Map());
    return all.get(key) as Map<string, T>;
  }

  addBlob(registry: string, repository: string, bytes: Buffer): Descriptor {
    const digest = sha256Digest(bytes);
    this.repo(this.blobs, registry, repository).set(digest, bytes);
    return { mediaType: 'application/octet-stream', digest, size: bytes.length };
  }

  addManifest(registry: string, repository: string, json: object, mediaType: string): Descriptor {
    const bytes = Buffer.from(JSON.stringify(json));
    const digest = sha256Digest(bytes);
    this.repo(this.manifests, registry, repository).set(digest, { bytes, mediaType });
    return { mediaType, digest, size: bytes.length };
  }

  /** The RegistryClient methods the merge uses, recording each call. */
  client(): RegistryClient {
    const fake = {
      getManifest: (registry: string, repository: string, reference: string): Promise<Manifest> => {
        this.calls.push(`getManifest ${registry}/${repository}@${reference}`);
        const m = this.repo(this.manifests, registry, repository).get(reference);
        if (!m) return Promise.reject(new Error(`HTTP 404: ${registry}/${repository}@${reference}`));
        const json = JSON.parse(m.bytes.toString()) as Manifest['json'];
        return Promise.resolve({ mediaType: m.mediaType, digest: reference, bytes: m.bytes, json });
      },
      hasManifest: (registry: string, repository: string, reference: string): Promise<boolean> => {
        this.calls.push(`hasManifest ${registry}/${repository}@${reference}`);
        return Promise.resolve(this.repo(this.manifests, registry, repository).has(reference));
      },
      getBlob: (registry: string, repository: string, digest: string): Promise<Buffer> => {
        this.calls.push(`getBlob ${registry}/${repository}@${digest}`);
        const b = this.repo(this.blobs, registry, repository).get(digest);
        return b ? Promise.resolve(b) : Promise.reject(new Error(`HTTP 404: blob ${digest}`));
      },
      copyBlob: (registry: string, from: string, repository: string, digest: string): Promise<string> => {
        this.calls.push(`copyBlob ${registry}/${from} → ${repository} ${digest}`);
        const b = this.repo(this.blobs, registry, from).get(digest);
        if (!b) return Promise.reject(new Error(`HTTP 404: blob ${digest} not in ${from}`));
        this.repo(this.blobs, registry, repository).set(digest, b);
        return Promise.resolve('mounted');
      },
      putManifest: (registry: string, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> => {
        this.calls.push(`putManifest ${registry}/${repository}@${reference} ${mediaType}`);
        this.repo(this.manifests, registry, repository).set(reference, { bytes, mediaType });
        return Promise.resolve(sha256Digest(bytes));
      }
    };
    return fake as unknown as RegistryClient;
  }
}

const REGISTRY = '127.0.0.1:5000';
const SOURCE = `${REGISTRY}/team/app`;

/**
 * What two legs pushed to `registry/repository`: linux/amd64 as a single image manifest,
 * linux/arm64 as an index with its image and an attestation manifest.
 */
function pushLegs(reg: FakeRegistry, registry: string, repository: string) {
  const image = (arch: string, layer: string): Descriptor => {
    const config = reg.addBlob(registry, repository, Buffer.from(JSON.stringify({ os: 'linux', architecture: arch, rootfs: {} })));
    const layerBlob = reg.addBlob(registry, repository, Buffer.from(layer));
    return reg.addManifest(
      registry,
      repository,
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
        layers: [layerBlob]
      },
      OCI_MANIFEST
    );
  };
  const amd64 = image('amd64', 'amd64 layer');
  const arm64 = image('arm64', 'arm64 layer');
  const provenance = reg.addBlob(registry, repository, Buffer.from('{"predicateType":"https://slsa.dev/provenance/v0.2"}'));
  const attestConfig = reg.addBlob(registry, repository, Buffer.from('{"architecture":"unknown","os":"unknown"}'));
  const attestation = reg.addManifest(
    registry,
    repository,
    { schemaVersion: 2, mediaType: OCI_MANIFEST, config: attestConfig, layers: [provenance] },
    OCI_MANIFEST
  );
  const attestationDescriptor: Descriptor = {
    ...attestation,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': arm64.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  };
  const armIndex = reg.addManifest(
    registry,
    repository,
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...arm64, platform: { os: 'linux', architecture: 'arm64' } }, attestationDescriptor]
    },
    OCI_INDEX
  );
  const records: LegRecord[] = [
    { platform: 'linux/amd64', digest: amd64.digest, runAttempt: 1 },
    { platform: 'linux/arm64', digest: armIndex.digest, runAttempt: 1 }
  ];
  return { amd64, arm64, attestation: attestationDescriptor, armIndex, records };
}

beforeEach(() => {
  jest.spyOn(core, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('mergeLegs', () => {
  test('composes one index from the legs in the first image: digest = sha256 of its bytes', async () => {
    const reg = new FakeRegistry();
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const merged = await mergeLegs(reg.client(), [SOURCE, 'ghcr.io/o/app'], legs.records, { 'org.opencontainers.image.version': '1.0' });

    expect(merged.digest).toBe('sha256:' + crypto.createHash('sha256').update(merged.bytes).digest('hex'));
    expect(JSON.parse(merged.bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...legs.amd64, platform: { os: 'linux', architecture: 'amd64' } },
        { ...legs.arm64, platform: { os: 'linux', architecture: 'arm64' } },
        legs.attestation
      ],
      annotations: { 'org.opencontainers.image.version': '1.0' }
    });
    expect(merged.digests).toEqual({ 'linux/amd64': legs.amd64.digest, 'linux/arm64': legs.arm64.digest });
    expect(merged.children).toEqual([legs.amd64.digest, legs.arm64.digest, legs.attestation.digest]);
    expect(merged.source).toBe(SOURCE);
    expect(merged.attestations).toBe(1);
    // Everything is read from the first image (the amd64 config for its platform); nothing is checked or written.
    const amd64Config = (JSON.parse(reg.manifests.get(SOURCE)?.get(legs.amd64.digest)?.bytes.toString() ?? '{}') as { config: Descriptor })
      .config;
    expect(reg.calls.sort()).toEqual(
      [
        `getManifest ${SOURCE}@${legs.amd64.digest}`,
        `getBlob ${SOURCE}@${amd64Config.digest}`,
        `getManifest ${SOURCE}@${legs.armIndex.digest}`
      ].sort()
    );
  });

  test('a leg whose single manifest has a config for another platform is refused', async () => {
    const reg = new FakeRegistry();
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const swapped: LegRecord[] = [{ platform: 'linux/arm64', digest: legs.amd64.digest, runAttempt: 1 }];
    await expect(mergeLegs(reg.client(), [SOURCE], swapped, {})).rejects.toThrow(
      `leg linux/arm64 pushed ${legs.amd64.digest}, whose config is for linux/amd64`
    );
  });
});

describe('prepareTargets', () => {
  async function merged(reg: FakeRegistry) {
    const legs = pushLegs(reg, REGISTRY, 'team/app');
    const m = await mergeLegs(reg.client(), [SOURCE], legs.records, {});
    reg.calls.length = 0;
    return { legs, m };
  }

  test('tags only in the repository the legs pushed to: only the children not read yet are checked there', async () => {
    const reg = new FakeRegistry();
    const { m } = await merged(reg);
    await prepareTargets(reg.client(), m, [`${SOURCE}:1.0`, `${SOURCE}:latest`]);
    const unread = m.children.filter(d => !m.fetched.includes(d));
    expect(unread.length).toBeGreaterThan(0);
    expect(reg.calls.sort()).toEqual(unread.map(d => `hasManifest ${SOURCE}@${d}`).sort());
  });

  test("a child gone from the legs' own repository: refused naming it, nothing copied or put", async () => {
    const reg = new FakeRegistry();
    const { legs, m } = await merged(reg);
    reg.manifests.get(SOURCE)?.delete(legs.attestation.digest);
    await expect(prepareTargets(reg.client(), m, [`${SOURCE}:1.0`])).rejects.toThrow(
      `merge: ${SOURCE} lacks ${legs.attestation.digest} that the legs pushed; nothing was tagged`
    );
    expect(reg.calls.filter(c => !c.startsWith('hasManifest '))).toEqual([]);
  });

  test('a second image on another registry holding every child: each child is checked there, nothing copied', async () => {
    const reg = new FakeRegistry();
    const { m } = await merged(reg);
    pushLegs(reg, 'ghcr.io', 'o/app');
    await prepareTargets(reg.client(), m, [`${SOURCE}:1.0`, 'ghcr.io/o/app:1.0', 'ghcr.io/o/app:latest']);
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
    await expect(prepareTargets(reg.client(), m, refs)).rejects.toThrow(
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
    await prepareTargets(reg.client(), m, [`${REGISTRY}/team/mirror:1.0`]);

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
