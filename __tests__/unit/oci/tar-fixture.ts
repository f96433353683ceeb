/** Test helpers: tar archives and fake ELF headers built in memory. */
import * as crypto from 'crypto';

export interface FixtureEntry {
  path: string;
  /** Typeflag: '0' file (default), '1' hard link, '2' symlink, '5' directory, or any other. */
  type?: string;
  content?: Buffer | string;
  linkname?: string;
  mode?: number;
}

/** `ustar`: POSIX (names up to 255 through the prefix field); `gnu`: `L`/`K` long names; `pax`: `x` headers. */
export type TarFormat = 'ustar' | 'gnu' | 'pax';

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte header with its checksum. */
export function tarHeader(
  fields: { name: string; type: string; size: number; linkname?: string; mode?: number; prefix?: string },
  format: TarFormat
): Buffer {
  const h = Buffer.alloc(512);
  h.write(fields.name, 0, 100, 'utf8');
  h.write(octal(fields.mode ?? 0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(fields.size, 12), 124, 'latin1');
  h.write(octal(0, 12), 136, 'latin1');
  h.write(fields.type, 156, 'latin1');
  h.write(fields.linkname ?? '', 157, 100, 'utf8');
  if (format === 'gnu') h.write('ustar  \0', 257, 'latin1');
  else h.write('ustar\x0000', 257, 'latin1');
  if (fields.prefix) h.write(fields.prefix, 345, 155, 'utf8');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

export function paxRecords(records: Record<string, string>): Buffer {
  const parts = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len++;
    return Buffer.from(`${len}${body}`);
  });
  return Buffer.concat(parts);
}

/** A whole archive, with the two zero blocks at the end. */
export function tarArchive(entries: FixtureEntry[], format: TarFormat = 'ustar'): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? '0';
    const content = e.content === undefined ? Buffer.alloc(0) : Buffer.from(e.content);
    const size = type === '0' || type === '7' ? content.length : 0;
    let name = e.path;
    let prefix: string | undefined;
    let linkname = e.linkname;
    if (Buffer.byteLength(name) > 100 || Buffer.byteLength(linkname ?? '') > 100) {
      if (format === 'gnu') {
        if (Buffer.byteLength(name) > 100) {
          const data = Buffer.from(name + '\0');
          blocks.push(tarHeader({ name: '././@LongLink', type: 'L', size: data.length }, format), padded(data));
          name = name.slice(0, 100);
        }
        if (linkname && Buffer.byteLength(linkname) > 100) {
          const data = Buffer.from(linkname + '\0');
          blocks.push(tarHeader({ name: '././@LongLink', type: 'K', size: data.length }, format), padded(data));
          linkname = linkname.slice(0, 100);
        }
      } else if (format === 'pax') {
        const records: Record<string, string> = {};
        if (Buffer.byteLength(name) > 100) records.path = name;
        if (linkname && Buffer.byteLength(linkname) > 100) records.linkpath = linkname;
        const data = paxRecords(records);
        blocks.push(tarHeader({ name: 'PaxHeaders/x', type: 'x', size: data.length }, format), padded(data));
        name = name.slice(0, 100);
        if (linkname) linkname = linkname.slice(0, 100);
      } else {
        const cut = name.lastIndexOf('/', name.length - 2);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
        if (prefix.length > 155 || name.length > 100) throw new Error(`${e.path} does not fit ustar`);
      }
    }
    blocks.push(tarHeader({ name, type, size, linkname, mode: e.mode ?? (type === '5' ? 0o755 : 0o644), prefix }, format));
    if (size > 0) blocks.push(padded(content));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The first 64 bytes of an ELF file: e_ident, e_type (executable) and e_machine. */
export function fakeElf(machine: number, bits: 32 | 64 = 64, endian: 'LSB' | 'MSB' = 'LSB'): Buffer {
  const b = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, bits === 32 ? 1 : 2, endian === 'LSB' ? 1 : 2, 1]).copy(b);
  if (endian === 'LSB') {
    b.writeUInt16LE(2, 16);
    b.writeUInt16LE(machine, 18);
    b.writeUInt32LE(1, 20);
  } else {
    b.writeUInt16BE(2, 16);
    b.writeUInt16BE(machine, 18);
    b.writeUInt32BE(1, 20);
  }
  return b;
}

/** `data` cut into chunks of the given sizes, cycling through them. */
export async function* chunked(data: Buffer, sizes: number[] = [data.length]): AsyncGenerator<Buffer> {
  let pos = 0;
  for (let i = 0; pos < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    yield data.subarray(pos, pos + n);
    pos += n;
  }
  await Promise.resolve();
}

export function randomBytes(n: number): Buffer {
  return crypto.randomBytes(n);
}
