import * as fs from 'fs';
import * as path from 'path';
import { EM, ElfIdent, describeElf, expectedElf, matchesPlatform, parseElfHeader } from '../../../src/oci/elf';
import { fakeElf } from './tar-fixture';

const BIN = path.join(__dirname, '..', '..', 'fixtures', '.bin');

/** The first 64 bytes of a real file, as the content check reads them. */
function head(name: string): Buffer {
  const fd = fs.openSync(path.join(BIN, name), 'r');
  try {
    const buf = Buffer.alloc(64);
    fs.readSync(fd, buf, 0, 64, 0);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

describe('parseElfHeader on real busybox binaries', () => {
  test.each([
    ['busybox-amd64', { bits: 64, endian: 'LSB', machine: EM.X86_64 }, 'linux/amd64', 'ELF 64-bit LSB x86-64'],
    ['busybox-arm64', { bits: 64, endian: 'LSB', machine: EM.AARCH64 }, 'linux/arm64', 'ELF 64-bit LSB ARM aarch64'],
    ['busybox-arm', { bits: 32, endian: 'LSB', machine: EM.ARM }, 'linux/arm/v7', 'ELF 32-bit LSB ARM']
  ])('%s', (file, ident, platform, described) => {
    const found = parseElfHeader(head(file));
    expect(found).toEqual(ident);
    expect(describeElf(found!)).toBe(described);
    expect(matchesPlatform(found!, platform)).toBe(true);
  });

  test('an amd64 binary does not run as arm64, arm or 386', () => {
    const amd64 = parseElfHeader(head('busybox-amd64'))!;
    expect(matchesPlatform(amd64, 'linux/arm64')).toBe(false);
    expect(matchesPlatform(amd64, 'linux/arm/v7')).toBe(false);
    expect(matchesPlatform(amd64, 'linux/386')).toBe(false);
    expect(matchesPlatform(amd64, 'linux/amd64/v3')).toBe(true);
  });
});

describe('parseElfHeader', () => {
  test.each([
    [EM.X86_64, 64, 'LSB'],
    [EM.I386, 32, 'LSB'],
    [EM.AARCH64, 64, 'LSB'],
    [EM.ARM, 32, 'LSB'],
    [EM.RISCV, 64, 'LSB'],
    [EM.S390, 64, 'MSB'],
    [EM.PPC64, 64, 'LSB'],
    [EM.PPC64, 64, 'MSB'],
    [EM.PPC, 32, 'MSB'],
    [EM.LOONGARCH, 64, 'LSB'],
    [EM.MIPS, 64, 'LSB']
  ] as [number, 32 | 64, 'LSB' | 'MSB'][])('machine %i, %i-bit %s', (machine, bits, endian) => {
    expect(parseElfHeader(fakeElf(machine, bits, endian))).toEqual({ bits, endian, machine });
  });

  test('e_machine is read in the file’s byte order', () => {
    // 22 (S/390) big-endian would read as 0x1600 little-endian.
    const b = fakeElf(EM.S390, 64, 'MSB');
    expect(b.readUInt16BE(18)).toBe(22);
    expect(parseElfHeader(b)?.machine).toBe(22);
  });

  test.each([
    ['empty', Buffer.alloc(0)],
    ['too short for e_machine', fakeElf(EM.X86_64).subarray(0, 19)],
    ['a script', Buffer.from('#!/bin/sh\necho hello world, this is long enough\n')],
    ['bad class', Buffer.from(fakeElf(EM.X86_64).map((b, i) => (i === 4 ? 3 : b)))],
    ['bad data encoding', Buffer.from(fakeElf(EM.X86_64).map((b, i) => (i === 5 ? 0 : b)))],
    ['no magic', Buffer.from(fakeElf(EM.X86_64).map((b, i) => (i === 1 ? 0x46 : b)))]
  ])('%s → undefined', (_what, buf) => {
    expect(parseElfHeader(buf)).toBeUndefined();
  });

  test('20 bytes are enough', () => {
    expect(parseElfHeader(fakeElf(EM.AARCH64).subarray(0, 20))).toEqual({ bits: 64, endian: 'LSB', machine: EM.AARCH64 });
  });
});

describe('expectedElf', () => {
  const cases: [string, ElfIdent | undefined][] = [
    ['linux/amd64', { bits: 64, endian: 'LSB', machine: 62 }],
    ['linux/amd64/v2', { bits: 64, endian: 'LSB', machine: 62 }],
    ['linux/amd64/v3', { bits: 64, endian: 'LSB', machine: 62 }],
    ['linux/amd64/v4', { bits: 64, endian: 'LSB', machine: 62 }],
    ['linux/386', { bits: 32, endian: 'LSB', machine: 3 }],
    ['linux/arm64', { bits: 64, endian: 'LSB', machine: 183 }],
    ['linux/arm64/v8', { bits: 64, endian: 'LSB', machine: 183 }],
    ['linux/arm/v5', { bits: 32, endian: 'LSB', machine: 40 }],
    ['linux/arm/v6', { bits: 32, endian: 'LSB', machine: 40 }],
    ['linux/arm/v7', { bits: 32, endian: 'LSB', machine: 40 }],
    ['linux/arm', { bits: 32, endian: 'LSB', machine: 40 }],
    ['linux/riscv64', { bits: 64, endian: 'LSB', machine: 243 }],
    ['linux/s390x', { bits: 64, endian: 'MSB', machine: 22 }],
    ['linux/ppc64le', { bits: 64, endian: 'LSB', machine: 21 }],
    ['linux/loong64', { bits: 64, endian: 'LSB', machine: 258 }],
    ['linux/mips64le', { bits: 64, endian: 'LSB', machine: 8 }],
    ['windows/amd64', undefined],
    ['linux/sparc', undefined],
    ['nonsense', undefined]
  ];
  test.each(cases)('%s', (platform, ident) => {
    expect(expectedElf(platform)).toEqual(ident);
  });
});

describe('describeElf and matchesPlatform', () => {
  test.each([
    [{ bits: 64, endian: 'LSB', machine: 62 }, 'ELF 64-bit LSB x86-64'],
    [{ bits: 32, endian: 'LSB', machine: 3 }, 'ELF 32-bit LSB Intel 80386'],
    [{ bits: 64, endian: 'MSB', machine: 22 }, 'ELF 64-bit MSB IBM S/390'],
    [{ bits: 64, endian: 'LSB', machine: 21 }, 'ELF 64-bit LSB 64-bit PowerPC'],
    [{ bits: 64, endian: 'LSB', machine: 258 }, 'ELF 64-bit LSB LoongArch'],
    [{ bits: 64, endian: 'LSB', machine: 9999 }, 'ELF 64-bit LSB machine 9999 (0x270f)']
  ] as [ElfIdent, string][])('%j → %s', (ident, text) => {
    expect(describeElf(ident)).toBe(text);
  });

  test('class and byte order count, not only the machine', () => {
    // ppc64 big-endian is not ppc64le; an x32 (32-bit x86-64) binary is not amd64.
    expect(matchesPlatform({ bits: 64, endian: 'MSB', machine: EM.PPC64 }, 'linux/ppc64le')).toBe(false);
    expect(matchesPlatform({ bits: 64, endian: 'LSB', machine: EM.PPC64 }, 'linux/ppc64le')).toBe(true);
    expect(matchesPlatform({ bits: 32, endian: 'LSB', machine: EM.X86_64 }, 'linux/amd64')).toBe(false);
    expect(matchesPlatform({ bits: 64, endian: 'LSB', machine: EM.MIPS }, 'linux/mips64le')).toBe(true);
  });

  test('a platform without a known ELF gives no answer', () => {
    expect(matchesPlatform({ bits: 64, endian: 'LSB', machine: EM.X86_64 }, 'windows/amd64')).toBeUndefined();
  });
});
