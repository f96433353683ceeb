/**
 * ELF identification: what machine a binary was built for, read from the first bytes of the file
 * (e_ident's class and data encoding, then e_machine), and which ELF each Linux platform runs.
 * An image's config can claim arm64 while its binaries are x86-64; this is how that is caught.
 */
import { Platform, parsePlatform } from './platform';

export interface ElfIdent {
  /** EI_CLASS: ELFCLASS32 or ELFCLASS64. */
  bits: 32 | 64;
  /** EI_DATA: little-endian (ELFDATA2LSB) or big-endian (ELFDATA2MSB), as `file` writes them. */
  endian: 'LSB' | 'MSB';
  /** e_machine (EM_*). */
  machine: number;
}

export const EM = {
  MIPS: 8,
  I386: 3,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258
} as const;

const MACHINE_NAMES: Record<number, string> = {
  [EM.I386]: 'Intel 80386',
  [EM.MIPS]: 'MIPS',
  [EM.PPC]: 'PowerPC',
  [EM.PPC64]: '64-bit PowerPC',
  [EM.S390]: 'IBM S/390',
  [EM.ARM]: 'ARM',
  [EM.X86_64]: 'x86-64',
  [EM.AARCH64]: 'ARM aarch64',
  [EM.RISCV]: 'RISC-V',
  [EM.LOONGARCH]: 'LoongArch'
};

/** Bytes needed to read e_machine: the 16-byte e_ident, e_type, then e_machine. */
export const ELF_IDENT_BYTES = 20;

/** True when the bytes start with the ELF magic (`\x7fELF`). */
export function isElf(buf: Buffer): boolean {
  return buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

/**
 * Class, data encoding and machine of an ELF file from its first bytes (at least 20); undefined
 * when the bytes are not an ELF header (too short, no magic, or an invalid class or encoding).
 */
export function parseElfHeader(buf: Buffer): ElfIdent | undefined {
  if (buf.length < ELF_IDENT_BYTES || !isElf(buf)) return undefined;
  const cls = buf[4];
  const data = buf[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const endian = data === 1 ? 'LSB' : 'MSB';
  // e_machine is a half word at offset 18 in both classes, in the file's own byte order.
  const machine = endian === 'LSB' ? buf.readUInt16LE(18) : buf.readUInt16BE(18);
  return { bits: cls === 1 ? 32 : 64, endian, machine };
}

/** The ELF each Linux architecture (as OCI platforms name it) executes natively. */
const LINUX_ELF = new Map<string, ElfIdent>([
  ['amd64', { bits: 64, endian: 'LSB', machine: EM.X86_64 }],
  ['386', { bits: 32, endian: 'LSB', machine: EM.I386 }],
  ['arm64', { bits: 64, endian: 'LSB', machine: EM.AARCH64 }],
  ['arm', { bits: 32, endian: 'LSB', machine: EM.ARM }],
  ['riscv64', { bits: 64, endian: 'LSB', machine: EM.RISCV }],
  ['s390x', { bits: 64, endian: 'MSB', machine: EM.S390 }],
  ['ppc64le', { bits: 64, endian: 'LSB', machine: EM.PPC64 }],
  ['loong64', { bits: 64, endian: 'LSB', machine: EM.LOONGARCH }],
  ['mips64le', { bits: 64, endian: 'LSB', machine: EM.MIPS }],
  ['mips64', { bits: 64, endian: 'MSB', machine: EM.MIPS }]
]);

/** The ELF a Linux platform executes natively; undefined for platforms this does not know (or non-Linux). */
export function expectedElf(platform: string): ElfIdent | undefined {
  let p: Platform;
  try {
    p = parsePlatform(platform);
  } catch {
    return undefined;
  }
  if (p.os !== 'linux') return undefined;
  const ident = LINUX_ELF.get(p.architecture);
  return ident ? { ...ident } : undefined; // a copy, so no caller can change the table
}

export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine ${machine} (0x${machine.toString(16)})`;
}

/** `ELF 64-bit LSB x86-64`, in the manner of file(1). */
export function describeElf(ident: ElfIdent): string {
  return `ELF ${ident.bits}-bit ${ident.endian} ${machineName(ident.machine)}`;
}

/**
 * Whether a binary runs natively on the platform: same machine, class and byte order. Undefined
 * when the platform has no known ELF (nothing to compare with).
 */
export function matchesPlatform(ident: ElfIdent, platform: string): boolean | undefined {
  const want = expectedElf(platform);
  if (!want) return undefined;
  return ident.machine === want.machine && ident.bits === want.bits && ident.endian === want.endian;
}
