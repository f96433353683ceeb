/**
 * Reading image layers. tar-stream parses the archive (headers, checksums, PAX and GNU long names,
 * sizes); this module shapes its entries for the layer content check: paths normalised, links and
 * directories typed, the first bytes of a regular file on request while the rest streams by
 * unheld, and errors that say where an archive went wrong. Also: OCI whiteout names, and layer
 * decompression by media type.
 */
import * as path from 'path';
import { Readable, Transform, pipeline } from 'stream';
import type { Entry, Extract, Headers } from 'tar-stream';
import * as zlib from 'zlib';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Normalised: relative to the archive root, no `./` or leading `/`, no trailing `/` (the root itself is ''). */
  path: string;
  type: TarEntryType;
  /** The typeflag character as written ('0' for a regular file, '5' for a directory, ...); '?' for a type tar-stream does not name (GNU sparse 'S', ...). */
  typeflag: string;
  /** Bytes of content that follow the header (0 for links, directories and devices). */
  size: number;
  /** A symlink's target as written; a hard link's target normalised like `path`; else ''. */
  linkname: string;
  mode: number;
  /**
   * Up to `n` bytes from the start of the content (fewer when the file is shorter). Only while this
   * entry is the current one: the reader skips what is left when it moves to the next entry.
   */
  read: (n: number) => Promise<Buffer>;
}

type TarStreamType = NonNullable<Headers['type']>;

/** How each of tar-stream's types is typed here, and the typeflag it is written as. */
const TYPES: Record<TarStreamType, { type: TarEntryType; typeflag: string }> = {
  file: { type: 'file', typeflag: '0' },
  link: { type: 'hardlink', typeflag: '1' },
  symlink: { type: 'symlink', typeflag: '2' },
  'character-device': { type: 'other', typeflag: '3' },
  'block-device': { type: 'other', typeflag: '4' },
  directory: { type: 'directory', typeflag: '5' },
  fifo: { type: 'other', typeflag: '6' },
  'contiguous-file': { type: 'file', typeflag: '7' },
  // Metadata that tar-stream applies to the entry after it, never an entry itself.
  'pax-header': { type: 'other', typeflag: 'x' },
  'pax-global-header': { type: 'other', typeflag: 'g' },
  'gnu-long-link-path': { type: 'other', typeflag: 'K' },
  'gnu-long-path': { type: 'other', typeflag: 'L' }
};

/**
 * Types without content whatever their size field says, as Go's archive/tar (which Docker and
 * containerd read layers with) has it. tar-stream agrees for a directory only.
 */
const HEADER_ONLY = new Set<TarStreamType>(['link', 'symlink', 'character-device', 'block-device', 'directory', 'fifo']);

function typeOf(header: Headers): { type: TarEntryType; typeflag: string } {
  const known = header.type ? TYPES[header.type] : { type: 'other' as const, typeflag: '?' };
  // Old (v7) archives mark a directory by a trailing slash on a regular file; tar-stream keeps it a file.
  return header.type === 'file' && header.name.endsWith('/') ? { ...known, type: 'directory' } : known;
}

function contentSize(header: Headers): number {
  return header.type && HEADER_ONLY.has(header.type) ? 0 : (header.size ?? 0);
}

/**
 * tar-stream reads the bytes a link's or device's size field announces as its content, where Go
 * reads none and takes them for the next header: the two would see different entries after it.
 */
function refuseSizedHeaderOnly(header: Headers): void {
  const size = header.size ?? 0;
  if (header.type && header.type !== 'directory' && HEADER_ONLY.has(header.type) && size > 0) {
    throw new Error(
      `tar entry ${header.name} is a ${header.type} with a size of ${size} bytes: tar readers disagree on whether content follows it`
    );
  }
}

/** `./a/b/`, `/a/b` and `a//b` → `a/b`; `..` cannot climb above the root. */
export function normalizeTarPath(p: string): string {
  return path.posix
    .normalize('/' + p)
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
}

/** Where the reader has got to, for error messages, and the source's own failure (passed on as it is). */
interface Progress {
  bytesIn: number;
  /** The last entry handed out, as written. */
  lastEntry?: string;
  sourceError?: unknown;
}

/** tar-stream 3.1's messages for a header whose checksum does not match, and for input that ends inside an entry or header. */
const BAD_CHECKSUM = /^Invalid tar header\. Maybe the tar is corrupted/;
const UNEXPECTED_END = /^Unexpected end of data/;

/** tar-stream's error, said with where the archive went wrong; the source's error as it is. */
function explain(e: unknown, progress: Progress): Error {
  const error = e instanceof Error ? e : new Error(String(e));
  if (e === progress.sourceError) return error;
  const last = progress.lastEntry;
  const where = last === undefined ? 'before its first entry' : `in or after ${last}`;
  let message = `corrupt tar archive ${where}: ${error.message}`;
  if (BAD_CHECKSUM.test(error.message)) {
    // The first member starts at byte 0; when its header is not tar, the input most likely is not either.
    message =
      last === undefined ? 'not a tar archive: bad header checksum at byte 0' : `corrupt tar archive: bad header checksum after ${last}`;
  } else if (UNEXPECTED_END.test(error.message)) {
    message = `tar archive truncated at byte ${progress.bytesIn} (${where})`;
  }
  return new Error(message, { cause: error });
}

/** Resolves on the first of `events`, and stops listening. */
function firstOf(emitter: NodeJS.EventEmitter, events: string[]): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      for (const event of events) emitter.off(event, done);
      resolve();
    };
    for (const event of events) emitter.on(event, done);
  });
}

/**
 * Writes the source's chunks into the extractor, pulling the next only once the extractor has
 * taken the last (its write buffer holds one byte): nothing is read ahead of the entry the caller
 * is on, and the source is closed when the extractor is done or destroyed.
 */
class Feeder {
  private pulling = false;
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly extractor: Extract,
    private readonly progress: Progress
  ) {
    this.done = this.run();
  }

  /** Stops feeding; resolves once the source is closed, or at once while a pull (which may wait on the network) is in flight: the source is closed when it settles. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.pulling) await this.done;
  }

  private feeding(): boolean {
    return !this.stopped && !this.extractor.destroyed;
  }

  private async run(): Promise<void> {
    try {
      await this.feed();
    } catch (e) {
      this.progress.sourceError = e;
      this.extractor.destroy(e as Error);
    } finally {
      await Promise.resolve(this.source.return?.()).catch(() => undefined);
    }
  }

  private async feed(): Promise<void> {
    while (this.feeding()) {
      this.pulling = true;
      const next = await this.source.next();
      this.pulling = false;
      if (!this.feeding()) return;
      if (next.done) {
        this.extractor.end();
        return;
      }
      this.progress.bytesIn += next.value.length;
      if (!this.extractor.write(next.value)) await firstOf(this.extractor, ['drain', 'close']);
    }
  }
}

/** The start of an entry's content, pulled from tar-stream's entry stream only as far as asked. */
class EntryHead {
  private readonly chunks: Buffer[] = [];
  private held = 0;
  private current = true;
  private finished = false;
  private failure: unknown;
  private waiting: Promise<void> | undefined;
  /** Ends the wait for data when the stream ends or closes. */
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Entry,
    readonly size: number,
    private readonly progress: Progress
  ) {
    stream.on('error', (e: unknown) => (this.failure = e));
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
  }

  async read(n: number): Promise<Buffer> {
    if (!this.current) throw new Error('tar entry content read after moving to the next entry');
    const want = Math.min(n, this.size);
    while (this.held < want && !this.finished) await this.nextChunk();
    if (this.held < want) throw explain(this.failure ?? new Error('tar entry content read after the reader stopped'), this.progress);
    return Buffer.from(Buffer.concat(this.chunks, this.held).subarray(0, want));
  }

  /** Moving on: what is held is dropped, and the rest of the content streams by unread. */
  release(): void {
    this.current = false;
    this.chunks.length = 0;
    this.held = 0;
    this.stream.resume();
  }

  /** The next chunk of content, or the stream's end; reads at the same time share one wait. */
  private nextChunk(): Promise<void> {
    this.waiting ??= new Promise(resolve => {
      const onData = (chunk: Buffer): void => {
        this.chunks.push(chunk);
        this.held += chunk.length;
        stop();
      };
      const stop = (): void => {
        this.stream.pause();
        this.stream.off('data', onData);
        this.wake = undefined;
        this.waiting = undefined;
        resolve();
      };
      this.wake = stop;
      this.stream.on('data', onData);
    });
    return this.waiting;
  }

  private finish(): void {
    this.finished = true;
    this.wake?.();
  }
}

function toTarEntry(header: Headers, head: EntryHead): TarEntry {
  const { type, typeflag } = typeOf(header);
  const linkname = header.linkname ?? '';
  return {
    path: normalizeTarPath(header.name),
    type,
    typeflag,
    size: head.size,
    linkname: type === 'hardlink' ? normalizeTarPath(linkname) : type === 'symlink' ? linkname : '',
    mode: header.mode ?? 0,
    read: (n: number) => head.read(n)
  };
}

async function nextEntry(entries: AsyncIterator<Entry>, progress: Progress): Promise<Entry | undefined> {
  try {
    const next = await entries.next();
    return next.done ? undefined : next.value;
  } catch (e) {
    throw explain(e, progress);
  }
}

/** tar-stream, loaded when the first layer is read (a separate chunk of the bundle: only the post-push content check needs it). */
const tarStream = (): Promise<typeof import('tar-stream')> => import('tar-stream');

/**
 * Entries of a tar archive, read as the chunks arrive. A bad header checksum, a truncated archive,
 * or a link or device whose size field is not 0 throws. Ending the iteration early (break, return,
 * throw) destroys the extractor and closes the source.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry, void, undefined> {
  const { extract } = await tarStream();
  // Unknown format: v7 headers have no ustar magic. A one-byte write buffer: see Feeder.
  const extractor = extract({ allowUnknownFormat: true, highWaterMark: 1 });
  const entries = extractor[Symbol.asyncIterator]();
  const progress: Progress = { bytesIn: 0 };
  const feeder = new Feeder(source[Symbol.asyncIterator](), extractor, progress);
  let head: EntryHead | undefined;
  try {
    for (let entry = await nextEntry(entries, progress); entry; entry = await nextEntry(entries, progress)) {
      refuseSizedHeaderOnly(entry.header);
      head = new EntryHead(entry, contentSize(entry.header), progress);
      progress.lastEntry = entry.header.name;
      yield toTarEntry(entry.header, head);
      head.release();
    }
  } finally {
    head?.release();
    const stopped = feeder.stop();
    await entries.return?.();
    await stopped;
  }
}

/** What a whiteout entry means: `dir/.wh.name` deletes `dir/name`; `dir/.wh..wh..opq` hides lower `dir/*`. */
export type Whiteout = { kind: 'delete'; path: string } | { kind: 'opaque'; dir: string };

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';

/** The whiteout an entry path is, if any (undefined for an ordinary path). */
export function whiteout(entryPath: string): Whiteout | undefined {
  const base = path.posix.basename(entryPath);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = path.posix.dirname(entryPath);
  const parent = dir === '.' ? '' : dir;
  if (base === OPAQUE_WHITEOUT) return { kind: 'opaque', dir: parent };
  const name = base.slice(WHITEOUT_PREFIX.length);
  return { kind: 'delete', path: parent ? `${parent}/${name}` : name };
}

export type LayerCompression = 'gzip' | 'zstd' | 'none';

/**
 * How a layer is compressed, from its media type: OCI `...tar`, `...tar+gzip`, `...tar+zstd`,
 * Docker `...diff.tar.gzip` (and foreign/non-distributable variants). Undefined when the media
 * type is not a tar layer.
 */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  const mt = mediaType.toLowerCase().trim();
  if (/(\+|\.)gzip$/.test(mt) || mt.endsWith('.tar.gz')) return 'gzip';
  if (/(\+|\.)zstd$/.test(mt)) return 'zstd';
  if (/(\.|\/|^)tar$/.test(mt)) return 'none';
  return undefined;
}

/** The zstd decompressor this Node.js has (22.15+ and 24 have one; 20 does not), if any. */
export function zstdDecompressor(): (() => Transform) | undefined {
  const create = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
  return typeof create === 'function' ? () => create.call(zlib) : undefined;
}

/** Why this Node.js cannot read a layer of this media type (not a tar layer, or zstd without a decompressor); undefined when it can. */
export function unreadableLayer(mediaType: string, zstd: (() => Transform) | null = zstdDecompressor() ?? null): string | undefined {
  const compression = layerCompression(mediaType);
  if (compression === undefined) return `cannot read a layer of media type ${mediaType || '(none)'}`;
  if (compression === 'zstd' && !zstd) {
    return `cannot read zstd layer: Node.js ${process.version} has no zstd decompressor (Node.js 22.15 or later has one)`;
  }
  return undefined;
}

export type DecompressedLayer = { ok: true; chunks: AsyncIterable<Buffer> } | { ok: false; reason: string };

/**
 * The tar stream of a layer: `source` through the decompressor its media type calls for. Ending
 * the iteration early destroys the decompressor and closes `source`. Not ok (with the reason) when
 * the media type is not a tar layer or this Node.js cannot decompress it (zstd before Node 22.15).
 * `zstd` is the runtime's zstd decompressor (null: none), for tests.
 */
export function decompressLayer(
  source: AsyncIterable<Buffer>,
  mediaType: string,
  zstd: (() => Transform) | null = zstdDecompressor() ?? null
): DecompressedLayer {
  const reason = unreadableLayer(mediaType, zstd);
  if (reason) return { ok: false, reason };
  const compression = layerCompression(mediaType);
  if (compression === 'none') return { ok: true, chunks: source };
  let decompressor: Transform;
  if (compression === 'zstd' && zstd) decompressor = zstd();
  else decompressor = zlib.createGunzip();
  // Errors (including the source's) surface when the decompressed stream is iterated.
  pipeline(Readable.from(source, { objectMode: false }), decompressor, () => undefined);
  return { ok: true, chunks: decompressor as AsyncIterable<Buffer> };
}
