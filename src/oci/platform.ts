/** Platforms (`os/arch[/variant]`): parsing, normalisation, and the platform a runner's CPU is. */

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

/** Canonical string for a platform object as registries write it (`arm64/v8` → `linux/arm64`). */
export function normalizePlatform(p: Platform): string {
  return formatPlatform(parsePlatform(formatPlatform(p)));
}

const VARIANT_LEVEL = /^v(\d+)$/;

/**
 * Whether an image for `available` runs where `wanted` is asked for, as BuildKit picks base
 * images: the same OS and architecture, and for variants (arm v5-v8, amd64 levels v1-v4) an
 * image of the same or a lower level (an arm/v6 base serves arm/v7; amd64 serves amd64/v3).
 */
export function platformServes(available: string, wanted: string): boolean {
  const a = parsePlatform(available);
  const w = parsePlatform(wanted);
  if (a.os !== w.os || a.architecture !== w.architecture) return false;
  const level = (p: Platform): number => Number(VARIANT_LEVEL.exec(p.variant ?? 'v1')?.[1] ?? 1);
  return level(a) <= level(w);
}
