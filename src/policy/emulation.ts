/**
 * Which platforms need QEMU on this runner: what the CPU runs natively, what a registered
 * binfmt_misc handler already serves, and the emulator each architecture needs.
 */
import { parsePlatform } from '../oci/platform';

export interface BinfmtHandler {
  enabled: boolean;
  /** Registered with the fix-binary flag, so it also works inside containers. */
  fixBinary: boolean;
}

export interface EmulationPlan {
  native: string[];
  /** Already served by a registered, usable handler. */
  registered: string[];
  /** Need an emulator installed. */
  missing: string[];
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

/**
 * Platforms a host CPU executes without emulation. An x86-64 CPU runs every x86-64 level (v2 to v4
 * are instruction-set levels, which QEMU could not add) and 32-bit x86; arm64 CPUs may lack
 * AArch32, so arm is not assumed.
 */
export function nativePlatforms(host: string): string[] {
  if (host === 'linux/amd64') return ['linux/amd64', 'linux/amd64/v2', 'linux/amd64/v3', 'linux/amd64/v4', 'linux/386'];
  return [host];
}

export interface BuilderNode {
  driver: string;
  endpoint: string;
  /** The platforms the node is declared for (buildx create --platform). */
  platforms: string[];
}

/** A node behind a network endpoint, or of a driver that never runs on this runner: binfmt_misc here does not reach it. */
export function isRemoteNode(n: Pick<BuilderNode, 'driver' | 'endpoint'>): boolean {
  return ['kubernetes', 'remote'].includes(n.driver) || /^(tcp|ssh|kubernetes):\/\//.test(n.endpoint);
}

/**
 * Whether a builder runs on this runner, where binfmt_misc handlers reach it: not a kubernetes or
 * remote driver, and no node behind a network endpoint.
 */
export function isLocalBuilder(nodes: Pick<BuilderNode, 'driver' | 'endpoint'>[]): boolean {
  return !nodes.some(isRemoteNode);
}

/**
 * The requested platforms a node on this runner may build, for which QEMU here may be needed:
 * none when no node runs here; else those no remote node is declared for (buildx sends a platform
 * to a node declared for it first).
 */
export function locallyBuiltPlatforms(nodes: BuilderNode[], requested: string[]): string[] {
  const remote = nodes.filter(isRemoteNode);
  if (remote.length === nodes.length) return [];
  const servedElsewhere = new Set(remote.flatMap(n => n.platforms));
  return requested.filter(p => !servedElsewhere.has(p));
}

/**
 * Checks that a builder can build every requested platform: those it lists, and those an emulator
 * registered after it started serves (a running BuildKit lists its platforms as of its start, yet
 * runs any platform a registered binfmt_misc handler serves). Throws naming what is missing;
 * returns a note when some platforms are covered only by such emulators.
 */
export function checkBuilderPlatforms(
  name: string,
  listed: string[],
  want: { platforms: string[]; emulated: string[] }
): string | undefined {
  const unlisted = want.platforms.filter(p => !listed.includes(p));
  const missing = unlisted.filter(p => !want.emulated.includes(p));
  if (missing.length > 0) {
    throw new Error(
      `builder ${name} cannot build ${missing.join(', ')} (it lists ${listed.join(', ') || 'no platforms'}); enable QEMU (qemu: true) or use a builder with those platforms`
    );
  }
  if (unlisted.length === 0) return undefined;
  return `builder ${name} lists its platforms as of its start; ${unlisted.join(', ')} run on the QEMU emulators registered since`;
}

/** Which platforms run natively, which an existing handler serves, and which need one. */
export function planEmulation(requested: string[], host: string, handlers: Map<string, BinfmtHandler>): EmulationPlan {
  const plan: EmulationPlan = { native: [], registered: [], missing: [] };
  const native = nativePlatforms(host);
  for (const platform of requested) {
    if (native.includes(platform)) {
      plan.native.push(platform);
      continue;
    }
    const h = handlers.get(emulatorFor(platform).handler);
    (h?.enabled && h.fixBinary ? plan.registered : plan.missing).push(platform);
  }
  return plan;
}

/** Parses the text of one /proc/sys/fs/binfmt_misc/<name> entry. */
export function parseBinfmtEntry(text: string): BinfmtHandler {
  const first = text.split('\n')[0].trim();
  const flags = /^flags:\s*(\S*)/m.exec(text)?.[1] ?? '';
  return { enabled: first === 'enabled', fixBinary: flags.includes('F') };
}

/** The JSON object the binfmt image prints last: {"supported":[...],"emulators":[...]}. */
export function parseBinfmtOutput(stdout: string): { supported: string[]; emulators: string[] } {
  for (const line of stdout.trim().split('\n').reverse()) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const j = JSON.parse(t) as { supported?: unknown; emulators?: unknown };
      if (Array.isArray(j.supported))
        return { supported: j.supported as string[], emulators: Array.isArray(j.emulators) ? (j.emulators as string[]) : [] };
    } catch {
      // not the JSON line
    }
  }
  throw new Error(`the binfmt image printed no {"supported":[...]} JSON; output was: ${stdout.trim().slice(-300)}`);
}

/**
 * The binfmt image's arguments: handlers to remove first (the image leaves an already registered
 * handler as it is, even a disabled one or one without the fix-binary flag), then what to install.
 */
export function binfmtInstallArgs(image: string, installNames: string[], uninstallHandlers: string[] = []): string[] {
  const uninstall = uninstallHandlers.length > 0 ? ['--uninstall', uninstallHandlers.join(',')] : [];
  return ['run', '--privileged', '--rm', image, ...uninstall, '--install', installNames.join(',')];
}
