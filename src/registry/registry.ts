/**
 * The registry operations the layers use, as interfaces: the distribution client implements
 * them, and so does the unit tests' in-memory fake (so a fake that falls behind does not compile).
 * Every operation addresses a repository value, never a pair of strings.
 */
import { Descriptor, Manifest } from '../oci/manifest';
import { Repo } from '../oci/reference';

/** A blob's body as it arrives (unverified; the caller consumes or cancels it). */
export type BlobStream = ReadableStream<Uint8Array> | AsyncIterable<Buffer>;

export interface RegistryReader {
  /** The manifest, or undefined when the registry has none under that tag or digest. */
  findManifest(repo: Repo, reference: string): Promise<Manifest | undefined>;
  /** The manifest; a missing one is an error. */
  getManifest(repo: Repo, reference: string): Promise<Manifest>;
  hasManifest(repo: Repo, reference: string): Promise<boolean>;
  /** A blob, verified against its digest. */
  getBlob(repo: Repo, digest: string): Promise<Buffer>;
  openBlob(repo: Repo, digest: string): Promise<BlobStream>;
  hasBlob(repo: Repo, digest: string): Promise<boolean>;
  /**
   * The referrers API's list of manifests whose subject is `digest`, or undefined when the registry
   * has no referrers API (the caller then reads the `sha256-<hex>` tag schema).
   */
  listReferrers(repo: Repo, digest: string): Promise<Descriptor[] | undefined>;
}

export type BlobCopy = 'present' | 'mounted' | 'uploaded';

export interface RegistryWriter {
  /** Makes a blob of `from` available in `to` (the same registry). */
  copyBlob(from: Repo, to: Repo, digest: string): Promise<BlobCopy>;
  /** PUTs exact manifest bytes under a tag or digest; returns their digest. */
  putManifest(repo: Repo, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  /** Uploads a blob (small ones: in one PUT); returns its digest. Callers that expect it there already ask hasBlob first. */
  putBlob(repo: Repo, bytes: Buffer): Promise<string>;
  /** Starts an upload and cancels it: throws (with the registry's answer) when a push would be refused. */
  checkPushAccess(repo: Repo): Promise<void>;
}

export interface Registry extends RegistryReader, RegistryWriter {
  /** HTTP requests sent so far, for the log and benchmarks. */
  readonly requests: number;
}
