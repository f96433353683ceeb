import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { TarEntry, decompressLayer, layerCompression, normalizeTarPath, readTar, whiteout, zstdDecompressor } from '../../../src/oci/tar';
import { FixtureEntry, TarFormat, chunked, fakeElf, paxRecords, randomBytes, tarArchive, tarHeader } from './tar-fixture';

type Seen = Omit<TarEntry, 'read'> & { head?: string };

/** Every entry, with the first `n` bytes of each regular file as a string. */
async function list(source: AsyncIterable<Buffer>, n = 16): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const e of readTar(source)) {
    const { read: _read, ...rest } = e;
    out.push(e.type === 'file' ? { ...rest, head: (await e.read(n)).toString('latin1') } : rest);
  }
  return out;
}

const LONG_DIR = 'very/' + 'deeply-nested-directory/'.repeat(6);
const LONG_NAME = LONG_DIR + 'a-file-whose-full-path-is-longer-than-one-hundred-bytes.txt';
const LONG_TARGET = '../'.repeat(3) + 'x'.repeat(120);

const ENTRIES: FixtureEntry[] = [
  { path: './', type: '5' },
  { path: './bin/', type: '5' },
  { path: './bin/app', content: 'APP-CONTENT-0123456789', mode: 0o755 },
  { path: 'bin/sh', type: '2', linkname: 'app' },
  { path: 'bin/app2', type: '1', linkname: './bin/app' },
  { path: 'etc/.wh.passwd', content: '' },
  { path: LONG_NAME, content: 'long-name-content' },
  { path: 'lib/link', type: '2', linkname: LONG_TARGET }
];

const EXPECTED: Seen[] = [
  { path: '', type: 'directory', typeflag: '5', size: 0, linkname: '', mode: 0o755 },
  { path: 'bin', type: 'directory', typeflag: '5', size: 0, linkname: '', mode: 0o755 },
  { path: 'bin/app', type: 'file', typeflag: '0', size: 22, linkname: '', mode: 0o755, head: 'APP-CONTENT-0123' },
  { path: 'bin/sh', type: 'symlink', typeflag: '2', size: 0, linkname: 'app', mode: 0o644 },
  { path: 'bin/app2', type: 'hardlink', typeflag: '1', size: 0, linkname: 'bin/app', mode: 0o644 },
  { path: 'etc/.wh.passwd', type: 'file', typeflag: '0', size: 0, linkname: '', mode: 0o644, head: '' },
  { path: LONG_NAME.replace(/\/$/, ''), type: 'file', typeflag: '0', size: 17, linkname: '', mode: 0o644, head: 'long-name-conten' },
  { path: 'lib/link', type: 'symlink', typeflag: '2', size: 0, linkname: LONG_TARGET, mode: 0o644 }
];

describe('readTar', () => {
  test.each(['gnu', 'pax'] as TarFormat[])('%s: long names and link names, links, directories, whiteouts', async format => {
    expect(await list(chunked(tarArchive(ENTRIES, format)))).toEqual(EXPECTED);
  });

  test('ustar: a long name split into prefix and name', async () => {
    const entries = ENTRIES.filter(e => e.path !== 'lib/link');
    expect(await list(chunked(tarArchive(entries, 'ustar')))).toEqual(EXPECTED.filter(e => e.path !== 'lib/link'));
  });

  test.each([[[1]], [[7]], [[511, 1, 513]], [[100, 3000]], [[4096]]])('the same entries whatever the chunks (%j)', async sizes => {
    expect(await list(chunked(tarArchive(ENTRIES, 'pax'), sizes))).toEqual(EXPECTED);
  });

  test('a file split across chunk boundaries: its head is whole, the rest is skipped', async () => {
    const big = randomBytes(100_000);
    const archive = tarArchive([
      { path: 'big', content: big },
      { path: 'after', content: fakeElf(183) }
    ]);
    const heads: Buffer[] = [];
    for await (const e of readTar(chunked(archive, [300, 7, 65536, 13]))) heads.push(await e.read(64));
    expect(heads[0]).toEqual(big.subarray(0, 64));
    expect(heads[1]).toEqual(fakeElf(183));
  });

  test('read(n) gives at most the file, at most n bytes, and may be called again', async () => {
    for await (const e of readTar(chunked(tarArchive([{ path: 'f', content: 'abc' }])))) {
      expect((await e.read(64)).toString()).toBe('abc');
      expect((await e.read(2)).toString()).toBe('ab');
    }
  });

  test('reads at the same time get the same bytes', async () => {
    const content = randomBytes(3000);
    for await (const e of readTar(chunked(tarArchive([{ path: 'f', content }]), [512, 10, 700]))) {
      const [long, short, again] = await Promise.all([e.read(2000), e.read(5), e.read(2000)]);
      expect(long).toEqual(content.subarray(0, 2000));
      expect(short).toEqual(content.subarray(0, 5));
      expect(again).toEqual(long);
    }
  });

  test('content cannot be read once the reader has moved on', async () => {
    const entries: TarEntry[] = [];
    for await (const e of readTar(
      chunked(
        tarArchive([
          { path: 'a', content: 'A' },
          { path: 'b', content: 'B' }
        ])
      )
    ))
      entries.push(e);
    await expect(entries[0].read(1)).rejects.toThrow(/after moving to the next entry/);
  });

  test('PAX: a global path, a per-entry size, and UTF-8 names', async () => {
    const content = Buffer.from('0123456789');
    const local = paxRecords({ path: 'dir/ünïcödé-名前', size: String(content.length) });
    const archive = Buffer.concat([
      tarHeader({ name: 'pax_global_header', type: 'g', size: paxRecords({ comment: 'hi' }).length }, 'pax'),
      Buffer.concat([paxRecords({ comment: 'hi' }), Buffer.alloc(512 - paxRecords({ comment: 'hi' }).length)]),
      tarHeader({ name: 'PaxHeaders/x', type: 'x', size: local.length }, 'pax'),
      Buffer.concat([local, Buffer.alloc(512 - local.length)]),
      // The ustar size field says 0; the PAX size says 10.
      tarHeader({ name: 'short', type: '0', size: 0 }, 'pax'),
      Buffer.concat([content, Buffer.alloc(512 - content.length)]),
      tarHeader({ name: 'next', type: '0', size: 0 }, 'pax'),
      Buffer.alloc(1024)
    ]);
    const seen = await list(chunked(archive, [50]));
    expect(seen.map(e => [e.path, e.size, e.head])).toEqual([
      ['dir/ünïcödé-名前', 10, '0123456789'],
      ['next', 0, '']
    ]);
  });

  test('a GNU base-256 size', async () => {
    const header = tarHeader({ name: 'f', type: '0', size: 0 }, 'gnu');
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header.writeUInt32BE(5, 132);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    const archive = Buffer.concat([header, Buffer.from('hello'), Buffer.alloc(507), Buffer.alloc(1024)]);
    expect((await list(chunked(archive))).map(e => [e.path, e.size, e.head])).toEqual([['f', 5, 'hello']]);
  });

  test('directories and links carry no content, whatever their size field says', async () => {
    // A header-only type with a non-zero size (as some writers produce): the next header follows at once.
    const archive = Buffer.concat([
      tarHeader({ name: 'd/', type: '5', size: 1024 }, 'ustar'),
      tarHeader({ name: 'd/f', type: '0', size: 1 }, 'ustar'),
      Buffer.concat([Buffer.from('x'), Buffer.alloc(511)]),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive))).map(e => [e.path, e.size])).toEqual([
      ['d', 0],
      ['d/f', 1]
    ]);
  });

  test('an archive without end blocks ends with its input', async () => {
    const archive = tarArchive([{ path: 'a', content: 'A' }]).subarray(0, 1024);
    expect((await list(chunked(archive))).map(e => e.path)).toEqual(['a']);
  });

  test('a bad checksum is not a tar archive', async () => {
    const archive = tarArchive([{ path: 'a', content: 'A' }]);
    archive[0] = 0x62;
    await expect(list(chunked(archive))).rejects.toThrow(/bad header checksum at byte 0/);
  });

  test('a truncated archive throws', async () => {
    const archive = tarArchive([{ path: 'a', content: randomBytes(2000) }]).subarray(0, 1500);
    await expect(list(chunked(archive, [100]))).rejects.toThrow(/truncated/);
  });

  test('stopping early closes the source without reading the rest', async () => {
    const archive = tarArchive([
      { path: 'first', content: 'x' },
      { path: 'big', content: randomBytes(1_000_000) }
    ]);
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for await (const c of chunked(archive, [4096])) {
          pulled += c.length;
          yield c;
        }
      } finally {
        closed = true;
      }
    }
    for await (const e of readTar(source())) {
      expect(e.path).toBe('first');
      break;
    }
    expect(closed).toBe(true);
    expect(pulled).toBe(4096);
  });

  test('stopping while the source is waiting returns at once; the source is closed when it yields', async () => {
    // A directory header is taken whole, so the reader asks for the next chunk, which does not come yet.
    let release: () => void = () => undefined;
    const stalled = new Promise<void>(r => (release = r));
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield tarHeader({ name: 'dir/', type: '5', size: 0 }, 'ustar');
        await stalled;
        yield tarHeader({ name: 'never', type: '0', size: 0 }, 'ustar');
      } finally {
        closed = true;
      }
    }
    for await (const e of readTar(source())) {
      expect(e.path).toBe('dir');
      break;
    }
    // Here already: the loop ended without waiting for the source.
    release();
    await new Promise(r => setTimeout(r, 20));
    expect(closed).toBe(true);
  });

  test('a source error reaches the caller as it is, between entries and inside a head', async () => {
    const failure = new Error('the connection dropped');
    const archive = tarArchive([
      { path: 'a', content: 'A' },
      { path: 'b', content: randomBytes(4096) }
    ]);
    async function* failing(after: number): AsyncGenerator<Buffer> {
      yield* chunked(archive.subarray(0, after), [512]);
      throw failure;
    }
    await expect(list(failing(1024))).rejects.toBe(failure);
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readTar(failing(2048))) {
        seen.push(e.path);
        await e.read(4096);
      }
    })();
    await expect(reading).rejects.toBe(failure);
    expect(seen).toEqual(['a', 'b']);
  });

  test('a source that fails after the caller stopped leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): number => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      async function* source(): AsyncGenerator<Buffer> {
        yield tarHeader({ name: 'dir/', type: '5', size: 0 }, 'ustar');
        await new Promise(r => setTimeout(r, 10));
        throw new Error('failed after the caller stopped');
      }
      for await (const e of readTar(source())) {
        expect(e.path).toBe('dir');
        break;
      }
      await new Promise(r => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('skipping a large file does not hold it', async () => {
    // 16 MiB of content in 64 KiB chunks: each chunk is dropped as soon as it is skipped.
    const chunk = Buffer.alloc(65536, 1);
    const count = 256;
    let held = 0;
    async function* source(): AsyncGenerator<Buffer> {
      await Promise.resolve();
      yield tarHeader({ name: 'big', type: '0', size: chunk.length * count }, 'ustar');
      for (let i = 0; i < count; i++) yield chunk;
      yield tarHeader({ name: 'tail', type: '0', size: 0 }, 'ustar');
      yield Buffer.alloc(1024);
    }
    const before = process.memoryUsage().arrayBuffers;
    const names: string[] = [];
    for await (const e of readTar(source())) {
      names.push(e.path);
      held = Math.max(held, process.memoryUsage().arrayBuffers - before);
    }
    expect(names).toEqual(['big', 'tail']);
    expect(held).toBeLessThan(8 * 1024 * 1024);
  });
});

/** Whether a 512-byte block of the archive is a header with this name and typeflag (to check a fixture holds what its test is about). */
function hasHeader(archive: Buffer, name: string, typeflag: string): boolean {
  for (let at = 0; at + 512 <= archive.length; at += 512) {
    if (archive.toString('latin1', at, at + name.length) === name && archive[at + 156] === typeflag.charCodeAt(0)) return true;
  }
  return false;
}

/** The archive the real GNU tar writes (with `args`) of what `populate` puts into an empty directory. */
function gnuTar(args: string[], populate: (dir: string) => void): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-fixture-'));
  try {
    populate(dir);
    const stable = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0'];
    return execFileSync('tar', [...args, ...stable, '-cf', '-', ...fs.readdirSync(dir).sort()], { cwd: dir, maxBuffer: 1 << 20 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('archives written by GNU tar', () => {
  const D60 = 'd'.repeat(60);
  const LONG_DIR = `${D60}/${D60}`;
  const LONG_FILE = `${LONG_DIR}/file-${'n'.repeat(30)}`;
  const LONG_COMPONENT = 'f'.repeat(150);
  const LONG_SYMLINK_TARGET = 't'.repeat(150);

  /** In the order `--sort=name` writes them. */
  const WRITTEN: Seen[] = [
    { path: D60, type: 'directory', typeflag: '5', size: 0, linkname: '', mode: 0o755 },
    { path: LONG_DIR, type: 'directory', typeflag: '5', size: 0, linkname: '', mode: 0o755 },
    { path: LONG_FILE, type: 'file', typeflag: '0', size: 6, linkname: '', mode: 0o755, head: 'hello\n' },
    { path: LONG_COMPONENT, type: 'file', typeflag: '0', size: 6, linkname: '', mode: 0o644, head: 'world\n' },
    // The long file's second name: a hard link whose target is longer than 100 bytes.
    { path: 'hard', type: 'hardlink', typeflag: '1', size: 0, linkname: LONG_FILE, mode: 0o755 },
    { path: 'sym', type: 'symlink', typeflag: '2', size: 0, linkname: LONG_SYMLINK_TARGET, mode: 0o777 }
  ];

  function populate(dir: string): void {
    fs.mkdirSync(path.join(dir, LONG_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, LONG_FILE), 'hello\n');
    fs.writeFileSync(path.join(dir, LONG_COMPONENT), 'world\n');
    fs.linkSync(path.join(dir, LONG_FILE), path.join(dir, 'hard'));
    fs.symlinkSync(LONG_SYMLINK_TARGET, path.join(dir, 'sym'));
    for (const [p, mode] of [
      [D60, 0o755],
      [LONG_DIR, 0o755],
      [LONG_FILE, 0o755],
      [LONG_COMPONENT, 0o644]
    ] as const) {
      fs.chmodSync(path.join(dir, p), mode);
    }
  }

  const archives: Record<'gnu' | 'posix' | 'override', Buffer> = {
    gnu: Buffer.alloc(0),
    posix: Buffer.alloc(0),
    override: Buffer.alloc(0)
  };

  beforeAll(() => {
    archives.gnu = gnuTar(['--format=gnu'], populate);
    // A `keyword=value` option goes into a global (g) header at the start of the archive.
    archives.posix = gnuTar(['--format=posix', '--pax-option=comment=written by a test'], populate);
    // A `keyword:=value` option goes into every entry's extended (x) header: here a path that overrides the ustar name.
    archives.override = gnuTar(['--format=posix', '--pax-option=path:=over/ridden'], dir =>
      fs.writeFileSync(path.join(dir, 'original'), 'renamed\n')
    );
  });

  test('GNU: long names (L) and long link names (K) for a hard link and a symlink', async () => {
    const archive = archives.gnu;
    expect(hasHeader(archive, '././@LongLink', 'L')).toBe(true);
    expect(hasHeader(archive, '././@LongLink', 'K')).toBe(true);
    expect(await list(chunked(archive, [512, 100, 7]))).toEqual(WRITTEN);
  });

  test('POSIX: PAX paths and link paths past 100 bytes; the global (g) and extended (x) headers are not entries', async () => {
    const archive = archives.posix;
    expect(archive[156]).toBe('g'.charCodeAt(0));
    expect(archive.toString('latin1')).toContain('comment=written by a test');
    expect(archive.toString('latin1')).toContain(`linkpath=${LONG_SYMLINK_TARGET}`);
    expect(await list(chunked(archive, [512, 100, 7]))).toEqual(WRITTEN);
  });

  test('POSIX: a PAX path record overrides the ustar name', async () => {
    const archive = archives.override;
    expect(hasHeader(archive, 'original', '0')).toBe(true);
    expect((await list(chunked(archive))).map(e => [e.path, e.type, e.head])).toEqual([['over/ridden', 'file', 'renamed\n']]);
  });
});

/** A PAX extended header (x, or g for a global one) with its records, padded to whole blocks. */
function paxHeader(type: 'x' | 'g', records: Buffer): Buffer {
  return Buffer.concat([tarHeader({ name: `PaxHeaders/${type}`, type, size: records.length }, 'pax'), padded(records)]);
}

function padded(data: Buffer | string): Buffer {
  const bytes = Buffer.from(data);
  return Buffer.concat([bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)]);
}

describe('PAX records', () => {
  test('a PAX size smaller than the ustar size field: the PAX size decides where the next header is', async () => {
    const archive = Buffer.concat([
      paxHeader('x', paxRecords({ size: '5' })),
      tarHeader({ name: 'f', type: '0', size: 2048 }, 'pax'),
      padded('hello'),
      tarHeader({ name: 'next', type: '0', size: 4 }, 'pax'),
      padded('more'),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive, [300]))).map(e => [e.path, e.size, e.head])).toEqual([
      ['f', 5, 'hello'],
      ['next', 4, 'more']
    ]);
  });

  test('values with spaces, `=` and UTF-8', async () => {
    const archive = Buffer.concat([
      paxHeader('x', paxRecords({ path: 'a b=c', linkpath: 'ü' })),
      tarHeader({ name: 'l', type: '2', size: 0 }, 'pax'),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive))).map(e => [e.path, e.linkname])).toEqual([['a b=c', 'ü']]);
  });

  test('a malformed record is read as far as it goes, not refused', async () => {
    // The record says 99 bytes where 10 are: tar-stream takes the value to the end of the data
    // (Go's archive/tar refuses the header).
    const archive = Buffer.concat([
      paxHeader('x', Buffer.from('99 path=x\n')),
      tarHeader({ name: 'f', type: '0', size: 0 }, 'pax'),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive))).map(e => e.path)).toEqual(['x\n']);
  });

  test('a global path applies only to an entry with a PAX header of its own', async () => {
    // tar-stream merges global records into an entry's own PAX records only (POSIX applies them to
    // every later entry).
    const archive = Buffer.concat([
      paxHeader('g', paxRecords({ path: 'global' })),
      tarHeader({ name: 'plain', type: '0', size: 0 }, 'pax'),
      paxHeader('x', paxRecords({ mtime: '0' })),
      tarHeader({ name: 'with-pax', type: '0', size: 0 }, 'pax'),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive))).map(e => e.path)).toEqual(['plain', 'global']);
  });
});

describe('unusual archives', () => {
  test('a regular file whose name ends in a slash is a directory (v7 archives)', async () => {
    const archive = Buffer.concat([tarHeader({ name: 'old/', type: '0', size: 0 }, 'ustar'), Buffer.alloc(1024)]);
    expect((await list(chunked(archive))).map(e => [e.path, e.type])).toEqual([['old', 'directory']]);
  });

  test('a type tar-stream does not name: typeflag ?, its content skipped', async () => {
    const archive = Buffer.concat([
      tarHeader({ name: 'sparse', type: 'S', size: 3 }, 'gnu'),
      padded('abc'),
      tarHeader({ name: 'next', type: '0', size: 0 }, 'gnu'),
      Buffer.alloc(1024)
    ]);
    expect((await list(chunked(archive))).map(e => [e.path, e.type, e.typeflag, e.size])).toEqual([
      ['sparse', 'other', '?', 3],
      ['next', 'file', '0', 0]
    ]);
  });

  test('a symlink with a size is refused: readers disagree on whether content follows it', async () => {
    // Go's archive/tar reads no content after a link; tar-stream would take the next 1024 bytes, the
    // header and content of `hidden`, for the link's content.
    const archive = Buffer.concat([
      tarHeader({ name: 'link', type: '2', size: 1024, linkname: 'target' }, 'ustar'),
      tarHeader({ name: 'hidden', type: '0', size: 3 }, 'ustar'),
      padded('abc'),
      Buffer.alloc(1024)
    ]);
    await expect(list(chunked(archive))).rejects.toThrow(
      'tar entry link is a symlink with a size of 1024 bytes: tar readers disagree on whether content follows it'
    );
  });

  test('metadata past 4 MiB is refused', async () => {
    // tar-stream's bound on a PAX or GNU long-name header.
    const archive = Buffer.concat([tarHeader({ name: 'PaxHeaders/x', type: 'x', size: 5 * 1024 * 1024 }, 'pax'), Buffer.alloc(1024)]);
    await expect(list(chunked(archive))).rejects.toThrow(/^corrupt tar archive before its first entry: Header exceeds max size$/);
  });

  test('archives one after the other are read as one', async () => {
    // tar-stream skips end-of-archive blocks (Go's archive/tar stops at the first).
    const archive = Buffer.concat([tarArchive([{ path: 'a', content: 'A' }]), tarArchive([{ path: 'b', content: 'B' }])]);
    expect((await list(chunked(archive))).map(e => e.path)).toEqual(['a', 'b']);
  });

  test('bytes after the end-of-archive blocks are read as headers', async () => {
    // Go's archive/tar stops at the end-of-archive blocks; tar-stream reads on.
    const archive = Buffer.concat([tarArchive([{ path: 'a', content: 'A' }]), padded('not a header')]);
    await expect(list(chunked(archive))).rejects.toThrow('corrupt tar archive: bad header checksum after a');
  });

  test('a bad checksum after the first entry names the entry before it', async () => {
    const archive = tarArchive([
      { path: 'a', content: 'A' },
      { path: 'b', content: 'B' }
    ]);
    archive[1024] = 0x63;
    await expect(list(chunked(archive))).rejects.toThrow(/^corrupt tar archive: bad header checksum after a$/);
  });

  test('a truncated archive says at which byte, and after which entry', async () => {
    const archive = tarArchive([{ path: 'a', content: randomBytes(2000) }]).subarray(0, 1500);
    await expect(list(chunked(archive, [100]))).rejects.toThrow(/^tar archive truncated at byte 1500 \(in or after a\)$/);
  });
});

describe('helpers', () => {
  test.each([
    ['./a/b/', 'a/b'],
    ['/a//b', 'a/b'],
    ['./', ''],
    ['a/../../etc/passwd', 'etc/passwd'],
    ['a/./b', 'a/b']
  ])('normalizeTarPath(%j) = %j', (raw, want) => {
    expect(normalizeTarPath(raw)).toBe(want);
  });

  test('whiteout', () => {
    expect(whiteout('etc/.wh.passwd')).toEqual({ kind: 'delete', path: 'etc/passwd' });
    expect(whiteout('.wh.app')).toEqual({ kind: 'delete', path: 'app' });
    expect(whiteout('opt/.wh..wh..opq')).toEqual({ kind: 'opaque', dir: 'opt' });
    expect(whiteout('.wh..wh..opq')).toEqual({ kind: 'opaque', dir: '' });
    expect(whiteout('etc/passwd')).toBeUndefined();
    expect(whiteout('etc/x.wh.y')).toBeUndefined();
  });

  test.each([
    ['application/vnd.oci.image.layer.v1.tar+gzip', 'gzip'],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', 'gzip'],
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', 'gzip'],
    ['application/vnd.oci.image.layer.v1.tar', 'none'],
    ['application/vnd.docker.image.rootfs.diff.tar', 'none'],
    ['application/vnd.oci.image.layer.v1.tar+zstd', 'zstd'],
    ['application/vnd.in-toto+json', undefined],
    ['', undefined]
  ])('layerCompression(%s) = %s', (mediaType, want) => {
    expect(layerCompression(mediaType)).toBe(want);
  });
});

describe('decompressLayer', () => {
  const archive = tarArchive(ENTRIES, 'gnu');

  test.each(['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.docker.image.rootfs.diff.tar.gzip'])('%s', async mt => {
    const layer = decompressLayer(chunked(zlib.gzipSync(archive), [333]), mt);
    if (!layer.ok) throw new Error(layer.reason);
    expect(await list(layer.chunks)).toEqual(EXPECTED);
  });

  test('an uncompressed layer is read as it is', async () => {
    const layer = decompressLayer(chunked(archive, [333]), 'application/vnd.oci.image.layer.v1.tar');
    if (!layer.ok) throw new Error(layer.reason);
    expect(await list(layer.chunks)).toEqual(EXPECTED);
  });

  test('zstd without a decompressor (Node.js 20): a clear reason', () => {
    const layer = decompressLayer(chunked(archive), 'application/vnd.oci.image.layer.v1.tar+zstd', null);
    expect(layer).toEqual({
      ok: false,
      reason: expect.stringMatching(/^cannot read zstd layer: Node\.js v\d+.* has no zstd decompressor/) as string
    });
  });

  test('zstd with the decompressor this Node.js has, if any', async () => {
    const zstd = zstdDecompressor();
    const compress = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;
    const mt = 'application/vnd.oci.image.layer.v1.tar+zstd';
    if (!zstd || !compress) {
      expect(decompressLayer(chunked(archive), mt)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/cannot read zstd layer/) as string
      });
      return;
    }
    const layer = decompressLayer(chunked(compress(archive), [100]), mt);
    if (!layer.ok) throw new Error(layer.reason);
    expect(await list(layer.chunks)).toEqual(EXPECTED);
  });

  test('the zstd decompressor is taken from the runtime when present', async () => {
    // Stands in for zlib.createZstdDecompress: any Transform the runtime offers is used.
    const layer = decompressLayer(chunked(zlib.gzipSync(archive)), 'application/vnd.oci.image.layer.v1.tar+zstd', () =>
      zlib.createGunzip()
    );
    if (!layer.ok) throw new Error(layer.reason);
    expect((await list(layer.chunks)).length).toBe(EXPECTED.length);
  });

  test('an unknown media type is not read', () => {
    expect(decompressLayer(chunked(archive), 'application/octet-stream')).toEqual({
      ok: false,
      reason: 'cannot read a layer of media type application/octet-stream'
    });
  });

  test('corrupt gzip fails the iteration', async () => {
    const layer = decompressLayer(chunked(Buffer.from('not gzip at all')), 'application/vnd.oci.image.layer.v1.tar+gzip');
    if (!layer.ok) throw new Error(layer.reason);
    await expect(list(layer.chunks)).rejects.toThrow(/incorrect header check/);
  });

  test('stopping early through gzip closes the source', async () => {
    const gz = zlib.gzipSync(
      tarArchive([
        { path: 'first', content: 'x' },
        { path: 'big', content: randomBytes(4_000_000) }
      ]),
      { level: 1 }
    );
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        for await (const c of chunked(gz, [16384])) {
          pulled += c.length;
          yield c;
        }
      } finally {
        closed = true;
      }
    }
    const layer = decompressLayer(source(), 'application/vnd.oci.image.layer.v1.tar+gzip');
    if (!layer.ok) throw new Error(layer.reason);
    for await (const e of readTar(layer.chunks)) {
      expect(e.path).toBe('first');
      break;
    }
    await new Promise(r => setTimeout(r, 50));
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(gz.length / 4);
  });
});
