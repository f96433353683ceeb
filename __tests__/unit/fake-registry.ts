/**
 * An in-memory registry for unit tests. It implements the interfaces the layers use, so the
 * compiler catches a fake that falls behind a new registry operation. Every call is recorded.
 */
import { Readable } from 'stream';
import { sha256Digest } from '../../src/oci/digest';
import { Descriptor, Manifest } from '../../src/oci/manifest';
import { Repo, imageName } from '../../src/oci/reference';
import { BlobCopy, BlobStream, ByteCounter, Registry } from '../../src/registry/registry';

export interface Stored {
  bytes: Buffer;
  mediaType: string;
}

function notFound(what: string): Error {
  return new Error(`HTTP 404: ${what}`);
}

/** Repositories by `registry/repository`, each with its manifests (by digest or tag) and blobs by digest. */
export class FakeRegistry implements Registry {
  readonly manifests = new Map<string, Map<string, Stored>>();
  readonly blobs = new Map<string, Map<string, Buffer>>();
  readonly calls: string[] = [];
  /** Set to refuse a PUT of `registry/repository:reference`. */
  refusePut?: (ref: string) => boolean;
  /** Set to fail the copy of a blob into `registry/repository` (as a cut connection would). */
  failCopy?: (to: string, digest: string) => boolean;
  /** Registries with the OCI 1.1 referrers API (the others answer 404 to it, as distribution 2.8 does). */
  readonly referrersApi = new Set<string>();

  get requests(): number {
    return this.calls.length;
  }

  private store<T>(all: Map<string, Map<string, T>>, repo: Repo): Map<string, T> {
    const key = `${repo.registry}/${repo.repository}`;
    if (!all.has(key)) all.set(key, new Map());
    return all.get(key) as Map<string, T>;
  }

  addBlob(registry: string, repository: string, bytes: Buffer): Descriptor {
    const digest = sha256Digest(bytes);
    this.store(this.blobs, { registry, repository }).set(digest, bytes);
    return { mediaType: 'application/octet-stream', digest, size: bytes.length };
  }

  addManifest(registry: string, repository: string, json: object, mediaType: string): Descriptor {
    const bytes = Buffer.from(JSON.stringify(json));
    const digest = sha256Digest(bytes);
    this.store(this.manifests, { registry, repository }).set(digest, { bytes, mediaType });
    return { mediaType, digest, size: bytes.length };
  }

  findManifest(repo: Repo, reference: string): Promise<Manifest | undefined> {
    this.calls.push(`findManifest ${repo.registry}/${repo.repository}@${reference}`);
    return Promise.resolve(this.read(repo, reference));
  }

  getManifest(repo: Repo, reference: string): Promise<Manifest> {
    this.calls.push(`getManifest ${repo.registry}/${repo.repository}@${reference}`);
    const m = this.read(repo, reference);
    return m ? Promise.resolve(m) : Promise.reject(notFound(`${repo.registry}/${repo.repository}@${reference}`));
  }

  hasManifest(repo: Repo, reference: string): Promise<boolean> {
    this.calls.push(`hasManifest ${repo.registry}/${repo.repository}@${reference}`);
    return Promise.resolve(this.store(this.manifests, repo).has(reference));
  }

  getBlob(repo: Repo, digest: string): Promise<Buffer> {
    this.calls.push(`getBlob ${repo.registry}/${repo.repository}@${digest}`);
    const b = this.store(this.blobs, repo).get(digest);
    return b ? Promise.resolve(b) : Promise.reject(notFound(`blob ${digest}`));
  }

  openBlob(repo: Repo, digest: string): Promise<BlobStream> {
    this.calls.push(`openBlob ${repo.registry}/${repo.repository}@${digest}`);
    const b = this.store(this.blobs, repo).get(digest);
    if (!b) return Promise.reject(notFound(`blob ${digest}`));
    return Promise.resolve(Readable.from([b]));
  }

  hasBlob(repo: Repo, digest: string): Promise<boolean> {
    this.calls.push(`hasBlob ${repo.registry}/${repo.repository}@${digest}`);
    return Promise.resolve(this.store(this.blobs, repo).has(digest));
  }

  listTags(repo: Repo): Promise<string[]> {
    this.calls.push(`listTags ${repo.registry}/${repo.repository}`);
    return Promise.resolve([...this.store(this.manifests, repo).keys()].filter(k => !k.startsWith('sha256:')));
  }

  listReferrers(repo: Repo, digest: string): Promise<Descriptor[] | undefined> {
    this.calls.push(`listReferrers ${repo.registry}/${repo.repository}@${digest}`);
    if (!this.referrersApi.has(repo.registry)) return Promise.resolve(undefined);
    const found = [...this.store(this.manifests, repo).entries()].flatMap(([ref, m]) => {
      const json = JSON.parse(m.bytes.toString()) as Manifest['json'];
      if (!ref.startsWith('sha256:') || json.subject?.digest !== digest) return [];
      const artifactType = json.artifactType ?? json.config?.mediaType;
      return [{ mediaType: m.mediaType, digest: ref, size: m.bytes.length, artifactType, annotations: json.annotations }];
    });
    return Promise.resolve(found);
  }

  copyBlob(from: Repo, to: Repo, blob: Pick<Descriptor, 'digest' | 'size'>, counter?: ByteCounter): Promise<BlobCopy> {
    this.calls.push(
      `copyBlob ${from.registry}/${from.repository} → ${from.registry === to.registry ? '' : `${to.registry}/`}${to.repository} ${blob.digest}`
    );
    if (this.store(this.blobs, to).has(blob.digest)) return Promise.resolve('present');
    const b = this.store(this.blobs, from).get(blob.digest);
    if (!b) return Promise.reject(notFound(`blob ${blob.digest} not in ${from.repository}`));
    if (this.failCopy?.(imageName(to), blob.digest)) return Promise.reject(new Error(`connection reset copying ${blob.digest}`));
    this.store(this.blobs, to).set(blob.digest, b);
    if (from.registry === to.registry) return Promise.resolve('mounted');
    counter?.(b.length);
    return Promise.resolve('uploaded');
  }

  /** Stored under the reference, and (as registries do) under its digest. */
  putManifest(repo: Repo, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    this.calls.push(`putManifest ${repo.registry}/${repo.repository}@${reference} ${mediaType}`);
    if (this.refusePut?.(`${imageName(repo)}:${reference}`)) return Promise.reject(new Error('HTTP 403: denied'));
    const digest = sha256Digest(bytes);
    this.store(this.manifests, repo).set(reference, { bytes, mediaType });
    this.store(this.manifests, repo).set(digest, { bytes, mediaType });
    return Promise.resolve(digest);
  }

  async putReferrer(repo: Repo, m: Pick<Manifest, 'bytes' | 'digest' | 'mediaType'>): Promise<boolean> {
    await this.putManifest(repo, m.digest, m.bytes, m.mediaType);
    return this.referrersApi.has(repo.registry);
  }

  putBlob(repo: Repo, bytes: Buffer): Promise<string> {
    this.calls.push(`putBlob ${repo.registry}/${repo.repository}`);
    const digest = sha256Digest(bytes);
    this.store(this.blobs, repo).set(digest, bytes);
    return Promise.resolve(digest);
  }

  checkPushAccess(repo: Repo): Promise<void> {
    this.calls.push(`checkPushAccess ${repo.registry}/${repo.repository}`);
    return this.refusePut?.(`${imageName(repo)}:*`) ? Promise.reject(new Error('HTTP 401: unauthorized')) : Promise.resolve();
  }

  private read(repo: Repo, reference: string): Manifest | undefined {
    const m = this.store(this.manifests, repo).get(reference);
    if (!m) return undefined;
    const json = JSON.parse(m.bytes.toString()) as Manifest['json'];
    return { mediaType: m.mediaType, digest: sha256Digest(m.bytes), bytes: m.bytes, json };
  }
}
