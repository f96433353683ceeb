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
  /** Every tag of the repository (all pages); none for a repository that does not exist. */
  listTags(repo: Repo): Promise<string[]>;
  /**
   * The manifests that name `digest` as their subject, from the OCI 1.1 referrers API (all pages);
   * undefined when the registry has no such API (it answers 404, or with something that is no
   * index), so the caller falls back to the referrers tag schema (`sha256-<hex>`).
   */
  listReferrers(repo: Repo, digest: string): Promise<Descriptor[] | undefined>;
}

export type BlobCopy = 'present' | 'mounted' | 'uploaded';

/** Told the size of each chunk as it goes out (a negative one when a failed attempt's bytes are taken back). */
export type ByteCounter = (bytes: number) => void;

export interface RegistryWriter {
  /**
   * Makes a blob of `from` available in `to`, on the same registry or another: already there,
   * mounted across repositories (same registry), or streamed from `from` into an upload to `to`,
   * never held whole in memory; a failed stream is re-opened from the start.
   */
  copyBlob(from: Repo, to: Repo, blob: Pick<Descriptor, 'digest' | 'size'>, counter?: ByteCounter): Promise<BlobCopy>;
  /** PUTs exact manifest bytes under a tag or digest; returns their digest. */
  putManifest(repo: Repo, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  /**
   * PUTs a manifest that names a `subject`, by digest. True when the registry answered with
   * `OCI-Subject` (it keeps the referrers list itself); false when the client must update the
   * `<alg>-<hex>` fallback tag.
   */
  putReferrer(repo: Repo, m: Pick<Manifest, 'bytes' | 'digest' | 'mediaType'>): Promise<boolean>;
  /** Uploads a blob (small ones: in one PUT); returns its digest. Callers that expect it there already ask hasBlob first. */
  putBlob(repo: Repo, bytes: Buffer): Promise<string>;
  /** Starts an upload and cancels it: throws (with the registry's answer) when a push would be refused. */
  checkPushAccess(repo: Repo): Promise<void>;
}

export interface Registry extends RegistryReader, RegistryWriter {
  /** HTTP requests sent so far, for the log and benchmarks. */
  readonly requests: number;
}
