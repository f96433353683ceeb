/** Platform strings: parsing, normalisation, and how they map to CPUs and QEMU emulators. */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const KNOWN_OS = new Set(['linux', 'windows', 'freebsd', 'darwin']);

/** Canonical architecture name for each accepted spelling. */
const ARCH_ALIASES: Record<string, string> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  arm64: 'arm64',
  aarch64: 'arm64',
  arm: 'arm',
  armhf: 'arm',
  armel: 'arm',
  '386': '386',
  i386: '386',
  i686: '386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64le',
  mips64: 'mips64',
  loong64: 'loong64'
};

const VARIANTS: Record<string, { default?: string; allowed: string[] }> = {
  arm: { default: 'v7', allowed: ['v5', 'v6', 'v7', 'v8'] },
  arm64: { allowed: ['v8'] },
  amd64: { allowed: ['v1', 'v2', 'v3', 'v4'] }
};

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/**
 * Parses and normalises one platform: `linux/arm64/v8` → `linux/arm64`, `linux/arm` →
 * `linux/arm/v7`, `linux/amd64/v1` → `linux/amd64`. Throws a message fit for the user.
 */
export function parsePlatform(raw: string): Platform {
  const parts = raw.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some(p => p === '')) {
    throw new Error(`"${raw}" is not os/arch[/variant]`);
  }
  const [os, rawArch, rawVariant] = parts;
  if (!KNOWN_OS.has(os)) {
    throw new Error(`unknown OS "${os}" in "${raw}" (known: ${[...KNOWN_OS].join(', ')})`);
  }
  const architecture = ARCH_ALIASES[rawArch];
  if (!architecture) {
    throw new Error(`unknown architecture "${rawArch}" in "${raw}" (known: ${[...new Set(Object.values(ARCH_ALIASES))].join(', ')})`);
  }
  const rule = VARIANTS[architecture];
  let variant: string | undefined = rawVariant ?? rule?.default;
  if (variant !== undefined && !(rule?.allowed.includes(variant) ?? false)) {
    throw new Error(`unknown variant "${variant}" for ${architecture} in "${raw}"`);
  }
  // The default variants are implied by the bare architecture; registries and buildx omit them.
  if ((architecture === 'arm64' && variant === 'v8') || (architecture === 'amd64' && variant === 'v1')) {
    variant = undefined;
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** Splits a comma/newline list and normalises each entry, dropping duplicates in order. */
export function parsePlatformList(raw: string): { platforms: string[]; errors: string[] } {
  const platforms: string[] = [];
  const errors: string[] = [];
  for (const item of splitList(raw)) {
    try {
      const p = formatPlatform(parsePlatform(item));
      if (!platforms.includes(p)) platforms.push(p);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { platforms, errors };
}

/** Splits on commas and newlines, trims, and drops empty entries. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '');
}

/** The platform a Node.js `process.arch` runs natively. */
export function hostPlatform(nodeArch: string): string {
  const map: Record<string, string> = {
    x64: 'linux/amd64',
    arm64: 'linux/arm64',
    arm: 'linux/arm/v7',
    ia32: 'linux/386',
    ppc64: 'linux/ppc64le',
    s390x: 'linux/s390x',
    riscv64: 'linux/riscv64',
    loong64: 'linux/loong64'
  };
  const p = map[nodeArch];
  if (!p) throw new Error(`unsupported runner architecture ${nodeArch}`);
  return p;
}

/** Platforms a host CPU executes without emulation. */
export function nativePlatforms(host: string): string[] {
  // x86-64 kernels run 32-bit x86 code; arm64 CPUs may lack AArch32, so arm is not assumed.
  if (host === 'linux/amd64') return ['linux/amd64', 'linux/386'];
  return [host];
}

/**
 * binfmt_misc handler (as named by Debian's qemu-user-static and tonistiigi/binfmt) and
 * the `--install` name for each architecture.
 */
const EMULATORS: Record<string, { handler: string; install: string }> = {
  arm64: { handler: 'qemu-aarch64', install: 'arm64' },
  arm: { handler: 'qemu-arm', install: 'arm' },
  amd64: { handler: 'qemu-x86_64', install: 'amd64' },
  '386': { handler: 'qemu-i386', install: '386' },
  ppc64le: { handler: 'qemu-ppc64le', install: 'ppc64le' },
  s390x: { handler: 'qemu-s390x', install: 's390x' },
  riscv64: { handler: 'qemu-riscv64', install: 'riscv64' },
  mips64le: { handler: 'qemu-mips64el', install: 'mips64le' },
  mips64: { handler: 'qemu-mips64', install: 'mips64' },
  loong64: { handler: 'qemu-loongarch64', install: 'loong64' }
};

export function emulatorFor(platform: string): { handler: string; install: string } {
  const e = EMULATORS[parsePlatform(platform).architecture];
  if (!e) throw new Error(`no QEMU emulator is known for ${platform}`);
  return e;
}

/** Canonical string for a platform object as registries write it (`arm64/v8` → `linux/arm64`). */
export function normalizePlatform(p: Platform): string {
  return formatPlatform(parsePlatform(formatPlatform(p)));
}
