/**
 * A minimal streaming tar reader for image layers: ustar, GNU (long names and link names, base-256
 * sizes) and PAX (per-entry and global `path`, `linkpath`, `size`) headers over an async iterable
 * of chunks. It yields one entry at a time and lets the caller read the first bytes of a regular
 * file; the rest of the file is skipped chunk by chunk, never buffered. Also: layer decompression
 * by media type, and OCI whiteout names.
 */
import * as path from 'path';
import { Readable, Transform, pipeline } from 'stream';
import * as zlib from 'zlib';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** Normalised: relative to the archive root, no `./` or leading `/`, no trailing `/` (the root itself is ''). */
  path: string;
  type: TarEntryType;
  /** The typeflag character as written ('0' for a regular file, '5' for a directory, ...). */
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

const BLOCK = 512;
/** The most a GNU long name or a PAX header may hold: more is not a layer this reader trusts. */
const MAX_META_BYTES = 1024 * 1024;

/** Consumes an async iterable of chunks by exact lengths, keeping only what it has not handed out. */
class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  /** Bytes handed out or skipped so far. */
  offset = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Buffers at least `n` bytes unless the source ends first; true when it has them. */
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const r = await this.source.next();
      if (r.done) this.ended = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    return this.buffered >= n;
  }

  /** Up to `n` bytes without consuming them. */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n);
    const head = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks = head.length > 0 ? [head] : [];
    return head.subarray(0, Math.min(n, head.length));
  }

  /** Exactly `n` bytes, or undefined when the source is already at its end; a partial read throws. */
  async take(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) {
      if (this.buffered === 0) return undefined;
      throw new Error(`tar archive truncated at byte ${this.offset + this.buffered} (wanted ${n} more bytes)`);
    }
    const out = await this.peek(n);
    await this.skip(n);
    return Buffer.from(out);
  }

  /** Discards `n` bytes, pulling and dropping chunks as they come. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.fill(1))) {
        throw new Error(`tar archive truncated at byte ${this.offset} (${left} bytes of content missing)`);
      }
      const first = this.chunks[0];
      if (first.length <= left) {
        this.chunks.shift();
        this.buffered -= first.length;
        this.offset += first.length;
        left -= first.length;
      } else {
        this.chunks[0] = first.subarray(left);
        this.buffered -= left;
        this.offset += left;
        left = 0;
      }
    }
  }

  async close(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    await this.source.return?.();
  }
}

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}

/** An octal field, or GNU's base-256 form (high bit of the first byte set) for large values. */
function numeric(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar header has a non-octal number "${text}"`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = numeric(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

/** PAX records: `<length> <key>=<value>\n`, the length counting the whole record. */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const length = parseInt(data.toString('latin1', pos, space), 10);
    if (!Number.isFinite(length) || length <= space - pos || pos + length > data.length) {
      throw new Error(`malformed PAX record at byte ${pos}`);
    }
    const record = data.toString('utf8', space + 1, pos + length - 1); // without the trailing newline
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

/** `./a/b/`, `/a/b` and `a//b` → `a/b`; `..` cannot climb above the root. */
export function normalizeTarPath(p: string): string {
  return path.posix
    .normalize('/' + p)
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
}

/** Header-only types: whatever their size field says, no content follows (as Go's archive/tar). */
const HEADER_ONLY = new Set(['1', '2', '3', '4', '5', '6']);

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'directory';
    default:
      return 'other';
  }
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** A header block that passed its checksum, with the fields every entry type has. */
interface TarHeader {
  block: Buffer;
  /** Byte offset of the block in the archive, for messages. */
  at: number;
  typeflag: string;
  /** The size field (a PAX `size` record may override it). */
  size: number;
}

/** The next header; undefined at the end-of-archive marker (an all-zero block) or the end of the input. */
async function readHeader(reader: ByteReader): Promise<TarHeader | undefined> {
  const at = reader.offset;
  const block = await reader.take(BLOCK);
  if (!block || block.every(b => b === 0)) return undefined;
  if (!checksumOk(block)) throw new Error(`not a tar archive: bad header checksum at byte ${at}`);
  const typeflag = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  return { block, at, typeflag, size: numeric(block, 124, 12) };
}

/** GNU long name (L) and long link name (K), PAX per-entry (x) and global (g) headers: they describe the entries after them. */
const META_TYPEFLAGS = new Set(['L', 'K', 'x', 'g']);

async function readMetaContent(reader: ByteReader, header: TarHeader): Promise<Buffer> {
  if (header.size > MAX_META_BYTES) throw new Error(`tar metadata entry of ${header.size} bytes at byte ${header.at}`);
  const data = (await reader.take(header.size)) ?? Buffer.alloc(0);
  await reader.skip(padding(header.size));
  return data;
}

/** What the metadata entries read so far say about the next entry. */
interface EntryMeta {
  pax: Record<string, string>;
  longName?: string;
  longLink?: string;
}

/** Metadata entries waiting for the entry they describe; global PAX records stay for every later entry. */
class PendingMeta {
  private readonly globalPax: Record<string, string> = {};
  private localPax: Record<string, string> = {};
  private longName: string | undefined;
  private longLink: string | undefined;

  add(typeflag: string, data: Buffer): void {
    if (typeflag === 'L') this.longName = cString(data, 0, data.length);
    else if (typeflag === 'K') this.longLink = cString(data, 0, data.length);
    else if (typeflag === 'x') this.localPax = { ...this.localPax, ...parsePax(data) };
    else Object.assign(this.globalPax, parsePax(data));
  }

  /** The metadata for the entry whose header was just read; the per-entry part is used up. */
  takeForEntry(): EntryMeta {
    const meta = { pax: { ...this.globalPax, ...this.localPax }, longName: this.longName, longLink: this.longLink };
    this.localPax = {};
    this.longName = undefined;
    this.longLink = undefined;
    return meta;
  }
}

/** The path as the archive writes it: PAX, then a GNU long name, then the header's (ustar prefix + name). */
function rawPathOf(block: Buffer, meta: EntryMeta): string {
  let name = cString(block, 0, 100);
  // POSIX ustar splits long names into prefix + name; GNU ("ustar  ") uses that space for other fields.
  if (block.toString('latin1', 257, 263) === 'ustar\0') {
    const prefix = cString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return meta.pax.path ?? meta.longName ?? name;
}

function contentSize(header: TarHeader, pax: Record<string, string>): number {
  if (HEADER_ONLY.has(header.typeflag)) return 0;
  const paxSize = pax.size !== undefined ? Number(pax.size) : NaN;
  return Number.isFinite(paxSize) ? paxSize : header.size;
}

/** The start of the current entry's content, readable only until the reader moves past it. */
class EntryContent {
  private current = true;
  private readonly start: number;

  constructor(
    private readonly reader: ByteReader,
    readonly size: number,
    private readonly rawPath: string
  ) {
    this.start = reader.offset;
  }

  async read(n: number): Promise<Buffer> {
    if (!this.current) throw new Error('tar entry content read after moving to the next entry');
    if (this.reader.offset !== this.start) throw new Error('tar entry content already consumed');
    const want = Math.min(n, this.size);
    const head = await this.reader.peek(want);
    if (head.length < want) throw new Error(`tar archive truncated inside ${this.rawPath}`);
    return Buffer.from(head);
  }

  /** Skips the rest of the content and its padding. */
  async skipRest(): Promise<void> {
    this.current = false;
    await this.reader.skip(this.size + padding(this.size));
  }
}

/** The entry a (non-metadata) header and the metadata before it describe; its content is read through `content`. */
function toEntry(header: TarHeader, meta: EntryMeta, rawPath: string, content: EntryContent): TarEntry {
  const { block, typeflag } = header;
  const rawLink = meta.pax.linkpath ?? meta.longLink ?? cString(block, 157, 100);
  // Old (v7) archives mark a directory by a trailing slash on a regular-file entry.
  const type = typeflag === '0' && rawPath.endsWith('/') ? 'directory' : entryType(typeflag);
  return {
    path: normalizeTarPath(rawPath),
    type,
    typeflag,
    size: content.size,
    linkname: type === 'hardlink' ? normalizeTarPath(rawLink) : type === 'symlink' ? rawLink : '',
    mode: numeric(block, 100, 8),
    read: (n: number) => content.read(n)
  };
}

/**
 * Entries of a tar archive, read as the chunks arrive. Reading stops at the first all-zero block
 * (the end-of-archive marker) or the end of the input; a bad header checksum or a truncated
 * archive throws. Ending the iteration early (break, return, throw) closes the source.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry, void, undefined> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  const pending = new PendingMeta();
  try {
    for (;;) {
      const header = await readHeader(reader);
      if (!header) return;
      if (META_TYPEFLAGS.has(header.typeflag)) {
        pending.add(header.typeflag, await readMetaContent(reader, header));
        continue;
      }
      const meta = pending.takeForEntry();
      const rawPath = rawPathOf(header.block, meta);
      const content = new EntryContent(reader, contentSize(header, meta.pax), rawPath);
      yield toEntry(header, meta, rawPath, content);
      await content.skipRest();
    }
  } finally {
    await reader.close();
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
